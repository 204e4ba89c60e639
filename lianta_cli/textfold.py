"""Fold text for matching: case and the traditional/simplified difference are ignored.

口岸綜合服務站 and 口岸综合服务站 fold to the same string, so `--search` finds either from either,
and `--assignee 王芳` matches a task assigned to 王芳 however it was typed.
"""

from __future__ import annotations

from functools import cache


@cache
def _t2s_table() -> dict[int, str]:
    from .t2s_data import PAIRS

    chars = list(PAIRS)
    return {ord(chars[i]): chars[i + 1] for i in range(0, len(chars) - 1, 2)}


def to_simplified(text: str) -> str:
    """Traditional characters replaced by their simplified forms, character by character."""
    if text.isascii():
        return text
    return text.translate(_t2s_table())


def fold(text: str) -> str:
    """The form two strings are compared in when searching or matching names."""
    return to_simplified(text).casefold()
