"""What free text may hold: one policy for a person's or a unit's name, a note, `LIANTA_USER` and
the text of a plan file, so that what is stored shows as it was typed and cannot drive a
terminal, a spreadsheet or the direction of the text around it.

Refused everywhere: control characters (C0 and C1, tab included), line breaks (but for a `\n`
where the text may run over several lines), the controls that set the direction of text
(U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), zero-width characters that hide a
difference (U+200B, U+2060, U+FEFF), and halves of characters (lone surrogates). A text with
nothing visible in it counts as empty.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import InputError
from .i18n import _

MAX_NAME = 80
MAX_NOTE = 2000

_DIRECTION = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ZERO_WIDTH = "\u200b\u2060\ufeff"
_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_DIRECTION}{_ZERO_WIDTH}\ud800-\udfff]")
_LINES = re.compile(
    f"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029{_DIRECTION}{_ZERO_WIDTH}\ud800-\udfff]"
)
LINE_BREAKS = "\n\r\x85\u2028\u2029"


def unfit_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character of `text` that free text may not hold, or None; a line break counts
    unless `multiline`."""
    found = (_LINES if multiline else _ONE_LINE).search(text)
    return found.group() if found else None


def character_name(char: str) -> str:
    """An unfit character as a message names it: 'a line break', 'the control character
    U+0007', 'the direction control U+202E', 'the invisible character U+200B'."""
    code = f"U+{ord(char):04X}"
    if char in LINE_BREAKS:
        return _("a line break")
    if re.fullmatch(f"[{_DIRECTION}]", char):
        return _("the direction control {code}").format(code=code)
    if char in _ZERO_WIDTH:
        return _("the invisible character {code}").format(code=code)
    if "\ud800" <= char <= "\udfff":
        return _("text that is not valid Unicode ({code})").format(code=code)
    return _("the control character {code}").format(code=code)


def visible(text: str) -> bool:
    """Whether `text` shows anything: a character that is not a space, a control or a
    zero-width one."""
    return any(not unicodedata.category(char).startswith(("C", "Z")) for char in text)


def clean_name(value: str, option: str) -> str:
    """A person's or unit's name: trimmed, something visible, one line of free text (see
    `freetext`), not too long."""
    text = value.strip()
    if not visible(text):
        raise InputError(_("{option}: the name is empty").format(option=option))
    char = unfit_character(text)
    if char is not None:
        raise InputError(
            _("{option}: the name holds {character}; type it without").format(
                option=option, character=character_name(char)
            )
        )
    if len(text) > MAX_NAME:
        raise InputError(
            _("{option}: the name is longer than {n} characters").format(option=option, n=MAX_NAME)
        )
    return text


def clean_note(value: str) -> str:
    """A note: trimmed, something visible, free text that may run over several lines (see
    `freetext`), not too long."""
    text = value.strip()
    if not visible(text):
        raise InputError(_("the note is empty; say what happened"))
    char = unfit_character(text, multiline=True)
    if char is not None:
        raise InputError(
            _("the note holds {character}; type it without").format(character=character_name(char))
        )
    if len(text) > MAX_NOTE:
        raise InputError(_("the note is longer than {n} characters").format(n=MAX_NOTE))
    return text
