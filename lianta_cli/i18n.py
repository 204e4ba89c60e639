"""Interface language: English or simplified Chinese.

Every human-facing string is written in English in the code and wrapped in `_()`; the Chinese
catalog (`zh.py`) maps it to its translation. JSON keys and status values never change.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

LANGUAGES = ("en", "zh")
_current = "en"


def detect_language(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """`--lang`, else LIANTA_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG), else English."""
    env = environ if environ is not None else os.environ
    for value in (explicit, env.get("LIANTA_LANG")):
        if value and value.strip():
            return normalise(value)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def normalise(value: str) -> str:
    text = value.strip().lower().replace("_", "-")
    if text.startswith("zh"):
        return "zh"
    if text.startswith("en") or text in ("c", "posix"):
        return "en"
    from .errors import InputError

    raise InputError(f"--lang {value}: use en or zh")


def set_language(lang: str) -> None:
    global _current
    _current = lang


def language() -> str:
    return _current


def _(text: str) -> str:
    """The current language's form of an English interface string."""
    if _current == "en":
        return text
    from .zh import ZH

    return ZH.get(text, text)


def pick(zh_text: str | None, en_text: str | None) -> str:
    """Plan content in the interface language: `title` in Chinese, `title_en` in English."""
    if _current == "zh":
        return zh_text or en_text or ""
    return en_text or zh_text or ""
