"""Text outputs with no terminal in mind: JSON, CSV, Markdown and the plain (piped) table.

No Rich here, so scripts asking for JSON or CSV never pay for importing it. Text that came from
a plan file, a note or a name is passed through `safe_text` before it is shown in a table or in
Markdown, so it cannot carry escape sequences; CSV cells that a spreadsheet would run as a
formula are neutralised.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(value: Any) -> str:
    """Text as shown to a person: control characters and direction overrides made visible."""
    if value is None:
        return ""
    text = str(value)
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\t", " ")
    return _UNSAFE.sub(_visible, text)


def one_line(value: Any) -> str:
    """`safe_text` on one line (line breaks become spaces)."""
    if isinstance(value, str) and value.isprintable():
        return value  # the common case: nothing to escape, no line break
    return safe_text(value).replace("\n", " ")


@lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


@lru_cache(maxsize=65536)
def display_width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


def pad(text: str, width: int, align: str = "left", have: int | None = None) -> str:
    """`text` padded to `width` columns (`have`: its width, when already measured)."""
    gap = width - (display_width(text) if have is None else have)
    if gap <= 0:
        return text
    return " " * gap + text if align == "right" else text + " " * gap


@dataclass(frozen=True)
class Column:
    """One column shared by the table, CSV and Markdown views of the same rows."""

    key: str
    header: str
    align: str = "left"
    show: Callable[[dict[str, Any]], str] | None = None
    wrap: bool = False

    def cell(self, row: dict[str, Any]) -> str:
        if self.show is not None:
            return self.show(row)
        value = row.get(self.key)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else ""
        return str(value)


def dumps_json(value: Any) -> str:
    """UTF-8 JSON (Chinese as text), stable key order, newline-terminated: an array of objects
    (tasks, events) has one object per line, anything else a two-space indent.

    One object per line reads well, greps well, and is written by the C encoder: with
    `indent`, Python's json falls back to a pure-Python encoder, seconds for 100,000 tasks.
    """
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return "".join(json_lines(value))
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def json_lines(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The pieces of a JSON array written one object per line (as `dumps_json` writes it),
    for streaming a large array without building it whole."""
    yield "["
    separator = "\n  "
    for item in items:
        yield separator + json.dumps(item, ensure_ascii=False)
        separator = ",\n  "
    yield "\n]\n" if separator != "\n  " else "]\n"


def neutralise_formula(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> str:
    """CSV with a header row of the JSON keys; lists joined with '; '."""
    buffer = io.StringIO()
    import csv

    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(keys)
    for row in rows:
        cells = []
        for key in keys:
            value = row.get(key)
            if isinstance(value, list | tuple):
                value = "; ".join(str(v) for v in value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            elif value is None:
                value = ""
            elif isinstance(value, str) and "\r" in value:
                # csv quotes only the line terminator's characters; a bare CR would split the row
                value = value.replace("\r\n", "\n").replace("\r", "\n")
            cells.append(neutralise_formula(value))
        writer.writerow(cells)
    return buffer.getvalue()


def md_cell(text: str) -> str:
    return one_line(text).replace("\\", "\\\\").replace("|", "\\|")


def to_markdown(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """A GitHub Markdown table."""
    lines = [
        "| " + " | ".join(md_cell(c.header) for c in columns) + " |",
        "|" + "|".join("---:" if c.align == "right" else "---" for c in columns) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(md_cell(c.cell(row)) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def plain_table(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """An aligned text table for pipes: a header, a rule, a line per row, no escape codes."""
    header = [one_line(c.header) for c in columns]
    body = [[one_line(c.cell(row)) for c in columns] for row in rows]
    sizes = [[display_width(cell) for cell in cells] for cells in (header, *body)]
    widths = [max(column) for column in zip(*sizes, strict=True)]
    aligns = [c.align for c in columns]
    last = len(columns) - 1

    def line(cells: list[str], measured: list[int]) -> str:
        parts = [
            cell
            if position == last and aligns[position] != "right"
            else pad(cell, widths[position], aligns[position], measured[position])
            for position, cell in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    out = [line(header, sizes[0]), "  ".join("-" * w for w in widths)]
    out.extend(line(cells, measured) for cells, measured in zip(body, sizes[1:], strict=True))
    return "\n".join(out) + "\n"
