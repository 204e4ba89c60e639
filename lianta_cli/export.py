"""Text outputs with no terminal in mind: JSON, CSV, Markdown and the plain (piped) table.

No Rich here, so scripts asking for JSON or CSV never pay for importing it. Text that came from
a plan file, a note or a name is passed through `safe_text` before it is shown in a table or in
Markdown, so it cannot carry escape sequences; CSV cells that a spreadsheet would run as a
formula are neutralised.
"""

from __future__ import annotations

import io
import itertools
import json
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

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


_WIDE = (
    "\u1100-\u115f\u2e9b-\u2ef3\u2f00-\u2fd5\u3001-\u3029\u3041-\u3096\u309b-\u30ff"
    "\u3105-\u312f\u3131-\u318e\u3190-\u31e3\u31f0-\u321e\u3220-\u3247\u3250-\u4dbf"
    "\u4e00-\ua48c\ua490-\ua4c6\uac00-\ud7a3\uf900-\ufa6d\ufa70-\ufad9\ufe30-\ufe52"
    "\uff01-\uff60"
)
"""Characters two columns wide and three bytes in UTF-8: CJK, kana, Hangul, full-width forms."""
_NARROW = (
    "\x80-\u02ff\u038e-\u03a1\u03a3-\u0482\u2000-\u2064\u2100-\u218b\u2190-\u2319\u2460-\u25fc"
)
"""Characters one column wide beyond ASCII: Latin, Greek, Cyrillic, quotes and dashes, arrows,
box drawing and blocks. Tests check both sets against `_char_width`, character by character."""


@lru_cache(maxsize=1)
def _width_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(one-column characters beyond ASCII, text of ASCII and two-column characters only),
    compiled when a width is first needed: the big character classes take milliseconds."""
    return re.compile(f"[{_NARROW}]"), re.compile(f"[\\x00-\\x7f{_WIDE}]*")


def _widths(cells: list[str], known: set[str] | None = None) -> list[int]:
    """`display_width` of each cell, with one check for a column of ASCII, CJK and common
    one-column characters: after each one-column character is replaced by an ASCII letter, a
    character is one byte and one column or three bytes and two."""
    joined = "".join(cells)
    if joined.isascii():
        return list(map(len, cells))
    if known is not None:  # status, progress bars, names: each value measured once
        measured = {cell: display_width(cell) for cell in known}
        return list(map(measured.__getitem__, cells))
    narrow_char, ascii_or_wide = _width_patterns()
    if narrow_char.search(joined) is None:
        if ascii_or_wide.fullmatch(joined):  # (characters + bytes) / 2, each sum in C
            sums = map(operator.add, map(len, cells), map(len, map(str.encode, cells)))
            return list(map(operator.rshift, sums, itertools.repeat(1)))
        return list(map(display_width, cells))
    narrowed = narrow_char.sub("a", joined)  # same length: offsets still fall between cells
    if not ascii_or_wide.fullmatch(narrowed):
        return list(map(display_width, cells))
    lengths = list(map(len, cells))
    ends = list(itertools.accumulate(lengths))
    pieces = map(narrowed.__getitem__, map(slice, [0, *ends[:-1]], ends))
    sums = map(operator.add, lengths, map(len, map(str.encode, pieces)))
    return list(map(operator.rshift, sums, itertools.repeat(1)))


def _few_values(cells: list[Any]) -> set[Any] | None:
    """The distinct values of a long column in which each repeats four times on average, else
    None: such a column is worked out once per value and looked up for each cell."""
    if len(cells) < 256 or len(set(cells[:1024])) > 256:  # a sample with too many: titles
        return None
    distinct = set(cells)
    return distinct if len(distinct) * 4 <= len(cells) else None


@lru_cache(maxsize=65536)
def display_width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    if text.isascii():
        return len(text)
    narrow_char, ascii_or_wide = _width_patterns()
    narrowed = narrow_char.sub("a", text)
    if ascii_or_wide.fullmatch(narrowed):
        return (len(text) + len(narrowed.encode())) >> 1
    return sum(map(_char_width, text))


def pad(text: str, width: int, align: str = "left", have: int | None = None) -> str:
    """`text` padded to `width` columns (`have`: its width, when already measured)."""
    gap = width - (display_width(text) if have is None else have)
    if gap <= 0:
        return text
    return " " * gap + text if align == "right" else text + " " * gap


class Column(NamedTuple):
    """One column shared by the table, CSV and Markdown views of the same rows.

    A cell is the row's value of `key` as text, or `show(row)`, or `of(*values)` of the row's
    values of `reads`. A table whose columns use no `show` can be made from columns of values
    (see `_column_cells`), and `of` runs once per distinct value of a one-field column."""

    key: str
    header: str
    align: str = "left"
    show: Callable[[dict[str, Any]], str] | None = None
    wrap: bool = False
    of: Callable[..., str] | None = None
    reads: tuple[str, ...] = ()
    of_each: Callable[..., list[str]] | None = None
    """`of` of each row at once, given a list per field (where a loop in C is much quicker)."""

    def cell(self, row: dict[str, Any]) -> str:
        if self.show is not None:
            return self.show(row)
        if self.of is not None:
            return self.of(*map(row.get, self.reads))
        return _plain_cell(row.get(self.key))

    def cells(self, rows: Iterable[dict[str, Any]]) -> list[str]:
        """`cell` of every row, a column at a time."""
        if self.show is not None:
            return list(map(self.show, rows))
        rows = list(rows)
        return self.from_values([[row.get(field) for row in rows] for field in self.fields()])

    def fields(self) -> tuple[str, ...]:
        """The row fields the cells are made of (the whole row, for a `show` column)."""
        return self.reads if self.of is not None else (self.key,)

    def from_values(self, values: list[list[Any]]) -> list[str]:
        """The cells of the rows whose values of `fields()` are `values` (a list per field)."""
        if self.of_each is not None:
            return self.of_each(*values)
        show = _plain_cell if self.of is None else self.of
        types = [set(map(type, column)) for column in values]
        if self.of is None and types[0] <= {str}:
            return values[0]
        if all(kinds <= _TEXT_INT or kinds <= _TEXT_BOOL for kinds in types):
            keys = values[0] if len(values) == 1 else list(zip(*values, strict=True))
            known = _few_values(keys)
            if known is not None:
                shown = {key: show(key) if len(values) == 1 else show(*key) for key in known}
                return list(map(shown.__getitem__, keys))
        if self.of is None:
            return [value if value.__class__ is str else _plain_cell(value) for value in values[0]]
        return list(map(self.of, *values))


_TEXT_INT = {str, int, type(None)}
_TEXT_BOOL = {str, bool, type(None)}
"""Columns whose values a set tells apart exactly as `==` does (never 1 == True == 1.0)."""


def _plain_cell(value: Any) -> str:
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
    return "".join(indented_json_pieces(value))


def indented_json_pieces(value: Any) -> Iterator[str]:
    """`dumps_json` of a value that is not a list of objects (a two-space indent), in pieces of
    8,192 of the encoder's chunks: a large report is written without its whole text held."""
    chunks = json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(value)
    for batch in iter(lambda: list(itertools.islice(chunks, 8192)), []):
        yield "".join(batch)
    yield "\n"


def json_lines(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The pieces of a JSON array written one object per line (as `dumps_json` writes it),
    for streaming a large array without building it whole."""
    encode = object_encoder()
    yield "["
    separator = "\n  "
    for item in items:
        yield separator + encode(item)
        separator = ",\n  "
    yield "\n]\n" if separator != "\n  " else "]\n"


def object_encoder() -> Callable[[Any], str]:
    """`json.dumps(value, ensure_ascii=False)` with the C encoder made once, not per call."""
    encoder = json.JSONEncoder(ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    encode = make(
        {}, encoder.default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True
    )
    return lambda value: "".join(encode(value, 0))


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


def _one_lines(cells: list[str]) -> list[str]:
    """`one_line` of each cell, with one check for a column that has nothing to escape."""
    try:
        joined = "".join(cells)
    except TypeError:
        return list(map(one_line, cells))
    if joined.isprintable():
        return cells
    if joined.replace("\n", "").isprintable():  # a date with "overdue" under it, say
        return [cell.replace("\n", " ") for cell in cells]
    return list(map(one_line, cells))


def _column_cells(rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> list[list[str]]:
    """Each column's cells on one line, reading the rows once, a few thousand at a time; or,
    from rows that give their values a field at a time (`values_of`, as `tracker.TaskViews`
    does) when no column needs a whole row, without making the rows at all."""
    values_of = getattr(rows, "values_of", None)
    if values_of is not None and all(column.show is None for column in columns):
        values = values_of({field for column in columns for field in column.fields()})
        return [
            _one_lines(column.from_values([values[field] for field in column.fields()]))
            for column in columns
        ]
    texts: list[list[str]] = [[] for _ in columns]
    batches = iter(rows)
    while batch := list(itertools.islice(batches, _CHUNK)):
        for cells, column in zip(texts, columns, strict=True):
            cells += _one_lines(column.cells(batch))
    return texts


def to_markdown(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """A GitHub Markdown table."""
    lines = [
        "| " + " | ".join(md_cell(c.header) for c in columns) + " |",
        "|" + "|".join("---:" if c.align == "right" else "---" for c in columns) + "|",
    ]
    if columns:
        body = zip(*map(_md_escape, _column_cells(rows, columns)), strict=True)
        lines.extend("| " + " | ".join(cells) + " |" for cells in body)
    else:
        lines += ["|  |"] * len(rows)
    return "\n".join(lines) + "\n"


def _md_escape(cells: list[str]) -> list[str]:
    """`md_cell` of each cell already on one line."""
    joined = "".join(cells)
    if "\\" in joined or "|" in joined:
        return [cell.replace("\\", "\\\\").replace("|", "\\|") for cell in cells]
    return cells


def plain_table(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """An aligned text table for pipes: a header, a rule, a line per row, no escape codes."""
    return "".join(plain_table_pieces(rows, columns))


def plain_table_pieces(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> Iterator[str]:
    """`plain_table` in pieces of a few thousand lines, for writing a long table as it is made."""
    if not columns:
        yield "\n" * (len(rows) + 2)
        return
    titles = [one_line(c.header) for c in columns]
    texts = _column_cells(rows, columns)
    distinct = [_few_values(cells) for cells in texts]  # status, progress, names, dates
    sizes = [_widths(cells, known) for cells, known in zip(texts, distinct, strict=True)]
    widths = [
        max(display_width(title), max(measured, default=0))
        for title, measured in zip(titles, sizes, strict=True)
    ]
    aligns = [c.align for c in columns]
    if aligns[-1] != "right":
        aligns[-1] = ""  # the last column is not padded

    gaps = [  # the padding of each value of a column of few values, worked out once
        {cell: " " * (width - display_width(cell)) for cell in known}
        if known is not None and align
        else None
        for known, width, align in zip(distinct, widths, aligns, strict=True)
    ]

    def lines(
        texts: list[list[str]], sizes: list[list[int]], gaps: list[dict[str, str] | None]
    ) -> Iterator[str]:
        padded = []
        for cells, measured, width, align, gap in zip(
            texts, sizes, widths, aligns, gaps, strict=True
        ):
            if gap is not None:
                if align == "right":
                    cells = [gap[cell] + cell for cell in cells]
                else:
                    cells = [cell + gap[cell] for cell in cells]
            elif align == "right":
                cells = [" " * (width - m) + c for c, m in zip(cells, measured, strict=True)]
            elif align:
                cells = [c + " " * (width - m) for c, m in zip(cells, measured, strict=True)]
            padded.append(cells)
        lines = map("  ".join, zip(*padded, strict=True))
        last = padded[-1]
        if all(last) and not any(end.isspace() for end in set(map(itemgetter(-1), last))):
            return lines  # no line can end in a space: each ends with its last cell's text
        return (line.rstrip() for line in lines)

    yield from lines(
        [[t] for t in titles], [[display_width(t)] for t in titles], [None] * len(titles)
    )
    yield "\n" + "  ".join("-" * w for w in widths) + "\n"
    # a few thousand rows at a time: the padded cells of every row at once would double the
    # memory the table takes
    for start in range(0, len(texts[0]), _CHUNK):
        end = start + _CHUNK
        chunk = lines([cells[start:end] for cells in texts], [m[start:end] for m in sizes], gaps)
        yield "\n".join(chunk) + "\n"


_CHUNK = 4096
