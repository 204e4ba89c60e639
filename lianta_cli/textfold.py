"""Fold text for matching: case, width and the traditional/simplified difference are ignored.

口岸綜合服務站 and 口岸综合服务站 fold to the same string, so `--search` finds either from either,
and `--assignee 王芳` matches a task assigned to 王芳 however it was typed. Full-width letters and
digits (ＡＢＣ１２３, as a Chinese input method types them) fold to their ASCII forms.
"""

from __future__ import annotations

import unicodedata
from functools import cache


@cache
def _t2s_table() -> dict[int, str]:
    """Traditional -> simplified, with chains (A -> B, B -> C) resolved so folding is idempotent."""
    from .t2s_data import PAIRS

    chars = list(PAIRS)
    pairs = {chars[i]: chars[i + 1] for i in range(0, len(chars) - 1, 2)}
    table = {}
    for traditional, simplified in pairs.items():
        seen = {traditional}
        while simplified in pairs and simplified not in seen:
            seen.add(simplified)
            simplified = pairs[simplified]
        table[ord(traditional)] = simplified
    return table


def to_simplified(text: str) -> str:
    """Traditional characters replaced by their simplified forms, character by character."""
    if text.isascii():
        return text
    return text.translate(_t2s_table())


def fold(text: str) -> str:
    """The form two strings are compared in when searching or matching names."""
    if text.isascii():
        return text.casefold()
    return to_simplified(unicodedata.normalize("NFKC", text)).casefold()
