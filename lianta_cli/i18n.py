"""Interface language: English or simplified Chinese.

Every human-facing string is written in English in the code and wrapped in `_()`; the Chinese
catalog (`zh.py`) maps it to its translation. JSON keys and status values never change.
Placeholders are `.format()` fields (`{count}`), so a translation can move them around.

The few messages that come from the command-line parser itself ("No such option", "Missing
argument" ...) are not ours to wrap; `localise_parser_message` rewrites them for Chinese.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

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

    raise InputError(_("--lang {value}: use en or zh").format(value=value))


def set_language(lang: str) -> None:
    global _current
    _current = lang


def language() -> str:
    return _current


_catalog: dict[str, str] | None = None


def _(text: str) -> str:
    """The current language's form of an English interface string."""
    global _catalog
    if _current == "en":
        return text
    if _catalog is None:
        from .zh import ZH

        _catalog = ZH
    return _catalog.get(text, text)


def plural(count: int, one: str, many: str) -> str:
    """`one` when `count` is 1, else `many` with its {count} filled in (other placeholders are
    left for the caller's `.format`). Both come through `_()`, so each language words them its
    own way: '1 task', '3 tasks'; '1 项任务', '3 项任务'."""
    return one if count == 1 else many.replace("{count}", str(count))


def pick(zh_text: str | None, en_text: str | None) -> str:
    """Plan content in the interface language: `title` in Chinese, `title_en` in English."""
    if _current == "zh":
        return zh_text or en_text or ""
    return en_text or zh_text or ""


# ---------------------------------------------------------------- the help screen's own words


def help_chrome() -> dict[str, str]:
    """The words Typer's help screen draws around ours, by the name of its module constant."""
    return {
        "ARGUMENTS_PANEL_TITLE": _("Arguments"),
        "OPTIONS_PANEL_TITLE": _("Options"),
        "COMMANDS_PANEL_TITLE": _("Commands"),
        "ERRORS_PANEL_TITLE": _("Error"),
        "DEFAULT_STRING": _("[default: {}]"),
        "ENVVAR_STRING": _("[env var: {}]"),
        "REQUIRED_LONG_STRING": _("[required]"),
        "DEPRECATED_STRING": _("(deprecated) "),
        "ABORTED_TEXT": _("Aborted."),
    }


# ---------------------------------------------------------------- the parser's messages

_PARSER_ZH: tuple[tuple[str, str], ...] = (
    (r"No such option: (\S+)", r"没有 \1 这个选项"),
    (r" ?\(Possible options: ([^)]*)\)", r"（可用的选项：\1）"),
    (r"No such command '([^']*)'\.", r"没有 '\1' 这个命令。"),
    (r" ?Did you mean (.+)\?", r"是不是要用 \1？"),
    (r"Missing command\.", "缺少命令。"),
    (r"Missing option (.+?)\.(?= |$)", r"缺少选项 \1。"),
    (r"Missing argument (.+?)\.(?= |$)", r"缺少参数 \1。"),
    (r"Missing parameter:? (.+?)\.?(?= |$)", r"缺少参数 \1。"),
    (r"Invalid value for (.+?): ", r"\1 的值无效："),
    (r"Invalid value: ", "值无效："),
    (r"(\S+) is not a valid (?:int|integer)\.", r"\1 不是整数。"),
    (r"(\S+) is not a valid float\.", r"\1 不是数字。"),
    (r"(\S+) is not a valid boolean\.(?: Recognized values: (.*))?", r"\1 不是是/否值。\2"),
    (r"(\S+) is not a valid (\w+)\.", r"\1 不是有效的 \2。"),
    (r"(\S+) is not in the range (.+?)\.", r"\1 不在 \2 范围内。"),
    (r"(\S+) is not one of (.+?)\.", r"\1 不在可选值 \2 之中。"),
    (r"(?:File|Directory|Path) ('[^']*') does not exist\.", r"\1 不存在。"),
    (r"(?:File|Directory|Path) ('[^']*') is a directory\.", r"\1 是文件夹，不是文件。"),
    (r"(?:File|Directory|Path) ('[^']*') is a file\.", r"\1 是文件，不是文件夹。"),
    (r"(?:File|Directory|Path) ('[^']*') is not readable\.", r"\1 不可读。"),
    (r"(?:File|Directory|Path) ('[^']*') is not writable\.", r"\1 不可写。"),
    (r"Got unexpected extra argument(?:\(s\)|s)? \((.*?)\)", r"多余的参数：'\1'"),
    (r"Option ('[^']*') requires an argument\.", r"选项 \1 需要一个值。"),
    (r"Option ('[^']*') requires (\d+) arguments\.", r"选项 \1 需要 \2 个值。"),
    (r"Option ('[^']*') does not take a value\.", r"选项 \1 不带值。"),
    (r"Argument ('[^']*') takes (\d+) values\.", r"参数 \1 需要 \2 个值。"),
)
"""Patterns compiled on first use (re caches them): most commands never need them."""


def localise_parser_message(message: str) -> str:
    """A usage error of the command-line parser, in the interface language."""
    if _current == "en":
        return message
    for pattern, replacement in _PARSER_ZH:
        message = re.sub(pattern, replacement, message)
    return message


# ---------------------------------------------------------------- the catalog


def placeholders(text: str) -> set[str]:
    """The `.format()` fields of an interface string: `{year}` -> 'year', `{}` -> ''."""
    import string

    fields = string.Formatter().parse(text)
    return {name for _text, name, _spec, _conv in fields if name is not None}


def interface_strings(package: Path | None = None) -> dict[str, str]:
    """Every literal wrapped in `_()` in the package: English text -> 'file:line' of first use."""
    import ast

    folder = package or Path(__file__).resolve().parent
    found: dict[str, str] = {}
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.name}:{node.lineno}")
    return found


def missing_translations() -> dict[str, str]:
    """Interface strings with no Chinese entry, or whose entry drops or adds a placeholder."""
    from .zh import ZH

    return {
        text: where
        for text, where in interface_strings().items()
        if text not in ZH or placeholders(ZH[text]) != placeholders(text)
    }
