"""A plan file's bytes and its text, before any YAML is read: the file read (a regular file, up
to a size), its text decoded as UTF-8 (a byte-order mark is fine; UTF-16 and GBK are recognised
and refused with a hint), and characters no plan file holds refused with their line and column.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from .files import NotRegularFile, TooLarge, read_regular
from .i18n import _
from .models import Problem

MAX_PLAN_BYTES = 64 * 2**20
"""The largest plan file read (a plan of 100,000 tasks is about 39 MB)."""
BLANK = re.compile(r"[ \t\r\n]*")
NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def read_plan_bytes(path: str | Path, shown: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of the plan file at `path` (called `shown` in messages), or None and why not."""
    try:
        return read_regular(Path(path), most=MAX_PLAN_BYTES), []
    except FileNotFoundError:
        return None, [Problem(shown, None, "", _("no such file"))]
    except IsADirectoryError:
        return None, [Problem(shown, None, "", _("is a folder, not a plan file"))]
    except NotRegularFile as error:
        message = _("is {kind}, not a plan file").format(kind=error.kind)
        return None, [Problem(shown, None, "", message)]
    except TooLarge:
        message = _("is larger than {size} MB; a plan file is smaller").format(
            size=MAX_PLAN_BYTES // 2**20
        )
        return None, [Problem(shown, None, "", message)]
    except OSError as error:
        message = _("cannot read: {reason}").format(reason=error.strerror or error)
        return None, [Problem(shown, None, "", message)]


def located(shown: str, line: int, column: int, message: str) -> Problem:
    """A problem located to the column, shown FILE:LINE:COL."""
    return Problem(f"{shown}:{line}:{column}", None, "", message)


def plan_text(raw: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """The file's text, or None and the one problem that stops it being read as YAML."""
    for bom, name in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if raw.startswith(bom):
            message = _("the file is {encoding} text; save it as UTF-8").format(encoding=name)
            return None, [Problem(shown, None, "", message)]
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line = raw.count(b"\n", 0, error.start) + 1
        column = len(raw[line_start : error.start].decode("utf-8")) + 1
        try:
            raw.decode("gb18030")
            hint = _("it looks like GBK (GB18030); save it as UTF-8")
        except UnicodeDecodeError:
            hint = _("save it as UTF-8")
        message = _("not UTF-8 text (byte {byte}); {hint}")
        byte = f"0x{raw[error.start]:02x}"
        return None, [located(shown, line, column, message.format(byte=byte, hint=hint))]
    if BLANK.fullmatch(text):  # nothing but blanks (`strip` would copy the whole text)
        message = _("the file is empty; a plan needs 'plan' and 'indices'")
        return None, [Problem(shown, None, "", message)]
    bad = NON_PRINTABLE.search(text)
    if bad is None:
        return text, []
    line = text.count("\n", 0, bad.start()) + 1
    column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
    char = bad.group()
    if char == "\x00":
        message = _("the file contains a NUL byte; it is not a text file")
    elif unicodedata.category(char) == "Cc":
        message = _("the control character {code} is not allowed in a plan file")
    else:
        message = _("the character {code} is not allowed in a plan file")
    return None, [located(shown, line, column, message.format(code=f"U+{ord(char):04X}"))]
