"""The one policy for free text — names, units, notes, LIANTA_USER, a plan's text: which
characters it may hold, and how text from anywhere is shown where it could act.

Hidden characters are C0 and C1 controls and DEL (escape sequences, bells, carriage returns),
bidirectional overrides, embeddings, isolates and marks, zero-width and other invisible format
characters, and the line and paragraph separators. They are refused where text comes in (a
line break and a tab only where text may have several lines: a note, a plan's source) and made
visible where text goes out (`\\x1b`, `\\u202e`) on a terminal, in CSV and in Markdown. JSON
carries text exactly, escaped by JSON itself.
"""

from __future__ import annotations

import re

HIDDEN_CLASS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 but tab and line feed, DEL, C1
    "\u00ad\u061c\u180e"  # soft hyphen, Arabic letter mark, Mongolian vowel separator
    "\u200b-\u200f"  # zero-width space, joiners, left-to-right and right-to-left marks
    "\u2028-\u202e"  # line and paragraph separators, bidirectional embeddings and overrides
    "\u2060-\u206f"  # word joiner, invisible operators, bidirectional isolates
    "\ufeff\ufff9-\ufffb"  # zero-width no-break space, interlinear annotation
    "\U000e0000-\U000e007f"  # tag characters
)
"""The hidden characters, as the inside of a regular-expression class."""
HIDDEN = re.compile(f"[{HIDDEN_CLASS}]")
_HIDDEN_OR_LINES = re.compile(f"[{HIDDEN_CLASS}\t\n]")


def hidden_character(text: str, *, lines: bool = False) -> str | None:
    """The first character of `text` that free text may not hold (with `lines`, line feeds and
    tabs are allowed), or None."""
    found = (HIDDEN if lines else _HIDDEN_OR_LINES).search(text)
    return found.group() if found else None


def code_point(character: str) -> str:
    """A character as a person can name it: U+202E."""
    return f"U+{ord(character):04X}"


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shown(text: str) -> str:
    """`text` with every hidden character made visible as an escape (tabs become spaces)."""
    if text.isprintable():
        return text
    return HIDDEN.sub(_visible, text.replace("\r\n", "\n").replace("\t", " "))
