"""Text outputs with no terminal in mind: JSON, CSV, Markdown and the plain (piped) table.

Text that came from a plan file, a note or a name is passed through `safe_text` before it is
shown in a table, in CSV or in Markdown, so it cannot carry escape sequences or hidden
characters (`freetext`); CSV cells that a spreadsheet would run as a formula are neutralised,
and Markdown cells cannot open HTML, a link or an image. Widths are measured with Rich's cell
widths, so a piped table and a terminal table align Chinese text the same way.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from rich.cells import cell_len

from .freetext import shown

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN = str.maketrans(
    {"\\": "\\\\", "|": "\\|", "[": "\\[", "]": "\\]", "&": "&amp;", "<": "&lt;", ">": "&gt;"}
)
"""What a Markdown table cell escapes: its own syntax, and what would open raw HTML (an <img>
that runs code), a link (javascript:) or an image that loads from afar."""


def safe_text(value: Any) -> str:
    """Text as shown to a person: control, direction and other hidden characters made visible."""
    if value is None:
        return ""
    return shown(str(value))


def one_line(value: Any) -> str:
    """`safe_text` on one line (line breaks become spaces)."""
    return safe_text(value).replace("\n", " ")


def display_width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return cell_len(text)


def pad(text: str, width: int, align: str = "left") -> str:
    """`text` padded with spaces to `width` columns."""
    gap = width - display_width(text)
    if gap <= 0:
        return text
    return " " * gap + text if align == "right" else text + " " * gap


class Column(NamedTuple):
    """One column shared by the terminal table, the piped table, CSV and Markdown: a cell is
    `show(row)`, or else the row's value of `key` as text."""

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
    """UTF-8 JSON (Chinese as text), newline-terminated: an array of objects (tasks, events) has
    one object per line, which reads and greps well; anything else a two-space indent."""
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        lines = ",\n  ".join(json.dumps(item, ensure_ascii=False) for item in value)
        return "[\n  " + lines + "\n]\n"
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def neutralise_formula(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, bool):
        value = "true" if value else "false"
    elif value is None:
        value = ""
    elif isinstance(value, str):
        value = shown(value)  # a line break stays (quoted); a bare CR is shown as \x0d
    return neutralise_formula(value)


def to_csv(
    rows: Sequence[dict[str, Any]], keys: Sequence[str], header: Sequence[str] | None = None
) -> str:
    """CSV of the values of `keys`, under a header row (the keys unless given); lists joined
    with '; '."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_csv_cell(name) for name in header or keys])
    writer.writerows([_csv_cell(row.get(key)) for key in keys] for row in rows)
    return buffer.getvalue()


def md_cell(text: str) -> str:
    """Text for one Markdown cell or list item: one line, shown as text (`_MARKDOWN`)."""
    return one_line(text).translate(_MARKDOWN)


def to_markdown(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """A GitHub Markdown table."""
    lines = [
        "| " + " | ".join(md_cell(c.header) for c in columns) + " |",
        "|" + "|".join("---:" if c.align == "right" else "---" for c in columns) + "|",
    ]
    lines += ["| " + " | ".join(md_cell(c.cell(row)) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def plain_table(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """An aligned text table for pipes: a header, a rule, a line per row, no escape codes."""
    if not columns:
        return "\n" * (len(rows) + 2)
    table = [[one_line(c.header) for c in columns]]
    table += [[one_line(c.cell(row)) for c in columns] for row in rows]
    widths = [max(map(display_width, cells)) for cells in zip(*table, strict=True)]
    aligns = [c.align for c in columns]

    def line(cells: list[str]) -> str:
        padded = [
            pad(cell, width, align)
            for cell, width, align in zip(cells, widths, aligns, strict=True)
        ]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(table[0]), rule, *map(line, table[1:])]) + "\n"
