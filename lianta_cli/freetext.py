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
import unicodedata

from .errors import InputError
from .i18n import _

MAX_NAME = 80
MAX_NOTE = 2000

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


LINE_BREAKS = "\n\r\x85\u2028\u2029"
_DIRECTION = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def character_name(char: str) -> str:
    """A refused character as a message names it: 'a line break', 'the control character
    U+0007', 'the direction control U+202E', 'the invisible character U+200B'."""
    code = code_point(char)
    if char in LINE_BREAKS:
        return _("a line break")
    if _DIRECTION.fullmatch(char):
        return _("the direction control {code}").format(code=code)
    if "\ud800" <= char <= "\udfff":
        return _("text that is not valid Unicode ({code})").format(code=code)
    if _CONTROL.fullmatch(char):
        return _("the control character {code}").format(code=code)
    return _("the invisible character {code}").format(code=code)


def visible(text: str) -> bool:
    """Whether `text` shows anything: a character that is not a space, a control or a
    zero-width one."""
    return any(not unicodedata.category(char).startswith(("C", "Z")) for char in text)


def clean_name(value: str, option: str) -> str:
    """A person's or unit's name: trimmed, something visible, one line of free text, not too
    long."""
    text = value.strip()
    if not visible(text):
        raise InputError(_("{option}: the name is empty").format(option=option))
    hidden = hidden_character(text)
    if hidden is not None:
        raise InputError(
            _(
                "{option}: the name holds {code}, a control, invisible or line-break character"
            ).format(option=option, code=code_point(hidden))
        )
    if len(text) > MAX_NAME:
        raise InputError(
            _("{option}: the name is longer than {n} characters").format(option=option, n=MAX_NAME)
        )
    return text


def clean_note(value: str) -> str:
    """A note: trimmed, something visible, plain text (line breaks allowed), not too long."""
    text = value.replace("\r\n", "\n").strip()
    if not visible(text):
        raise InputError(_("the note is empty; say what happened"))
    hidden = hidden_character(text, lines=True)
    if hidden is not None:
        raise InputError(
            _(
                "the note holds {code}, a control or invisible character (an escape sequence "
                "or a direction override?); notes are plain text"
            ).format(code=code_point(hidden))
        )
    if len(text) > MAX_NOTE:
        raise InputError(_("the note is longer than {n} characters").format(n=MAX_NOTE))
    return text
