"""Spreadsheets in and out: the ledger written as an Excel workbook, and a workbook or a CSV file
read back as cells that know where they are. The only module that imports openpyxl.

Written: a summary sheet (a row per index with its lights) and a sheet of every task, each
with a frozen header, filters, widths measured as a terminal measures Chinese, and a fill per
light. Text is always stored as text, so a title or note beginning with `=` is never a formula;
the file's dates (document properties, zip entries) are the clock's, so the same store and
clock give the same bytes.

Read: the first sheet with a column headed ID (a header row may sit under title rows), its
columns known by their headings in English or Chinese (or by their JSON keys). A cell that
cannot be a value (a formula, an error, a control character, merged cells) is a problem with
its place, `FILE:SHEET!CELL`; other sheets, unknown columns and rows without an id are noted
and left alone. A CSV file is read as UTF-8, with or without a byte-order mark, else as
GB18030, what Chinese Excel and WPS save.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from .export import display_width, safe_text
from .fields import STATUSES
from .i18n import LANGUAGES, _, language, pick, set_language
from .ledger import IMPORTED, Cell, Row
from .report import COUNT_KEYS
from .textfold import fold
from .views import header, light_name, status_name

LEDGER_KEYS = (
    "id",
    "index_name",
    "title",
    "unit",
    "cooperating",
    "assignee",
    "status",
    "progress",
    "due",
    "expected_progress",
    "lag",
    "light",
    "note",
    "updated",
    "plan",
)
SUMMARY_KEYS = ("index", "name", *COUNT_KEYS)
"""The summary sheet's columns: the index, its name, then every count the summary has."""
FILLS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}
"""Excel's own fills for good, neutral and bad."""
WIDE = {"title": 40, "note": 40, "cooperating": 24, "index_name": 20}
"""The widest a column is drawn (its text wraps past that); others fit their longest cell."""
MOST_CHARACTERS = 32767
"""The most a cell of Excel holds."""
CHECKED = (*IMPORTED, "id", "title", "plan")
"""Columns whose cells must hold plain values: what is read, and what a row is checked by."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ---------------------------------------------------------------- writing


def ledger_workbook(
    tasks: Sequence[dict[str, Any]], summary: Any, title: str, now: datetime
) -> bytes:
    """The ledger as the bytes of an .xlsx file: a summary sheet and a sheet of tasks."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Summary")
    total = {"index": None, "name": _("Total"), "name_en": _("Total"), **summary.total}
    rows = [
        {**row, "name": pick(row.get("name"), row.get("name_en"))}
        for row in [*summary.indices, total]
    ]
    _fill_sheet(sheet, rows, SUMMARY_KEYS)
    sheet.cell(len(rows) + 3, 1, _text(title))
    tasks_sheet = book.create_sheet(_("Task list"))
    separator = "、" if language() == "zh" else ", "
    _fill_sheet(
        tasks_sheet,
        [
            {
                **task,
                "index_name": pick(task["index_name"], task["index_name_en"]),
                "title": pick(task["title"], task["title_en"]),
                "cooperating": separator.join(task["cooperating"]),
                "status": status_name(task["status"]),
                "light": light_name(task["light"]),
                "due": date.fromisoformat(task["due"]),
                "updated": datetime.fromisoformat(task["updated"]),
            }
            for task in tasks
        ],
        LEDGER_KEYS,
        lights=[task["light"] for task in tasks],
    )
    _choices(tasks_sheet, len(tasks))
    book.properties.creator = "lianta"
    book.properties.title = title
    book.properties.created = book.properties.modified = now
    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()  # keeps `now`
    return _stamped(buffer.getvalue(), now)


def _fill_sheet(
    sheet: Any,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    lights: Sequence[str] = (),
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    widths = [display_width(header(key)) for key in keys]
    for column, key in enumerate(keys, 1):
        sheet.cell(1, column, _text(header(key))).font = bold
    for number, row in enumerate(rows, 2):
        for column, key in enumerate(keys, 1):
            value = row.get(key)
            cell = sheet.cell(number, column)
            if isinstance(value, str):
                cell.value = _text(value)
                cell.data_type = "s"  # text, even when it begins with '='
                widths[column - 1] = max(widths[column - 1], display_width(value[:200]))
            else:
                cell.value = value
                widths[column - 1] = max(widths[column - 1], len(_shown(value)))
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            if key in WIDE:
                cell.alignment = wrap
        if lights and "light" in keys:
            colour = FILLS[lights[number - 2]]
            fill = PatternFill(start_color=colour, end_color=colour, fill_type="solid")
            sheet.cell(number, keys.index("light") + 1).fill = fill
    for column, key in enumerate(keys, 1):
        width = min(widths[column - 1], WIDE.get(key, 60)) + 2
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "B2"
    last = get_column_letter(len(keys))
    sheet.auto_filter.ref = f"A1:{last}{max(len(rows), 1) + 1}"


def _choices(sheet: Any, count: int) -> None:
    """Drop-down statuses and a 0-100 check on progress, for the units who fill it in."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    names = ",".join(status_name(status) for status in STATUSES)
    status = DataValidation(type="list", formula1=f'"{names}"', allow_blank=False)
    progress = DataValidation(type="whole", operator="between", formula1="0", formula2="100")
    for validation, key in ((status, "status"), (progress, "progress")):
        letter = get_column_letter(LEDGER_KEYS.index(key) + 1)
        validation.add(f"{letter}2:{letter}{count + 1}")
        sheet.add_data_validation(validation)


def _text(value: str) -> str:
    """Text a cell can hold: control characters made visible, at most Excel's length."""
    text = safe_text(value)
    return text if len(text) <= MOST_CHARACTERS else text[: MOST_CHARACTERS - 1] + "…"


def _shown(value: Any) -> str:
    if isinstance(value, datetime):
        return "2024-01-01 00:00"
    if isinstance(value, date):
        return "2024-01-01"
    return "" if value is None else str(value)


def _stamped(payload: bytes, now: datetime) -> bytes:
    """The zip again with every entry dated `now` (openpyxl dates them by the wall clock)."""
    moment = max(now, datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(payload)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            stamped = zipfile.ZipInfo(entry.filename, date_time=moment)
            stamped.compress_type = zipfile.ZIP_DEFLATED
            stamped.external_attr = entry.external_attr
            target.writestr(stamped, source.read(entry.filename))
    return out.getvalue()


# ---------------------------------------------------------------- reading


class Reading(NamedTuple):
    """What a spreadsheet gave: each task's row, notes on what was left alone, and problems."""

    sheet: str
    rows: list[Row]
    notices: list[str]
    problems: list[str]


def read_ledger(path: Path, shown: str) -> Reading:
    """The rows of a workbook or CSV file at `path` (named `shown` in messages)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Reading("", [], [], [_("{file}: no such file").format(file=shown)])
    except IsADirectoryError:
        return Reading("", [], [], [_("{file}: is a folder, not a file").format(file=shown)])
    except OSError as error:
        message = _("{file}: cannot read: {reason}")
        return Reading("", [], [], [message.format(file=shown, reason=error.strerror or error)])
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        message = _("{file}: an Excel 97-2003 (.xls) or WPS (.et) file; save it as .xlsx or CSV")
        return Reading("", [], [], [message.format(file=shown)])
    if raw.startswith(b"PK\x03\x04"):
        return _read_workbook(raw, shown)
    return _read_csv(raw, shown, Path(shown).stem or "csv")


def _read_workbook(raw: bytes, shown: str) -> Reading:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        book = load_workbook(io.BytesIO(raw), data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises whatever a damaged zip or XML raises
        message = _("{file}: cannot be read as an .xlsx workbook ({error})")
        return Reading("", [], [], [message.format(file=shown, error=_one_line(error))])
    names = _known_sheet_names()
    sheets = sorted(book.worksheets, key=lambda s: fold(s.title) not in names)
    for sheet in sheets:
        grid = [list(row) for row in sheet.iter_rows(max_row=sheet.max_row)]
        found = _header_row([[_plain(cell.value) for cell in row] for row in grid[:10]])
        if found is None:
            continue
        others = [s.title for s in book.worksheets if s is not sheet]
        notices = [_("{file}: read sheet {sheet}").format(file=shown, sheet=sheet.title)]
        if others:
            notices[0] += _("; other sheets left alone: {sheets}").format(sheets=", ".join(others))
        cells = [
            [(get_column_letter(c + 1) + str(r + 1), cell) for c, cell in enumerate(row)]
            for r, row in enumerate(grid)
        ]
        reading = _read_rows(shown, sheet.title, found, cells, _workbook_value)
        merged = _merged(shown, sheet, found, reading)
        return Reading(sheet.title, reading.rows, notices + reading.notices, merged)
    message = _("{file}: no sheet has a column headed {id} (the task ids)")
    return Reading("", [], [], [message.format(file=shown, id=header("id"))])


def _read_csv(raw: bytes, shown: str, sheet: str) -> Reading:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            message = _("{file}: is neither UTF-8 nor GB18030 text; save it as CSV UTF-8")
            return Reading("", [], [], [message.format(file=shown)])
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, 10 * MOST_CHARACTERS * 4))
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        message = _("{file}: is not CSV that can be read ({error})")
        return Reading("", [], [], [message.format(file=shown, error=error)])
    finally:
        csv.field_size_limit(limit)
    found = _header_row([[value or None for value in row] for row in table[:10]])
    if found is None:
        message = _("{file}: no column is headed {id} (the task ids)")
        return Reading("", [], [], [message.format(file=shown, id=header("id"))])
    from openpyxl.utils import get_column_letter

    cells = [
        [(get_column_letter(c + 1) + str(r + 1), value) for c, value in enumerate(row)]
        for r, row in enumerate(table)
    ]
    reading = _read_rows(shown, sheet, found, cells, lambda value: (_plain(value), None))
    return Reading(sheet, reading.rows, reading.notices, reading.problems)


def _header_row(top: list[list[Any]]) -> tuple[int, dict[int, str]] | None:
    """The first row with a column headed ID, and its known columns by position."""
    known = _known_headers()
    for number, row in enumerate(top):
        columns = {
            position: known[fold(str(value).strip())]
            for position, value in enumerate(row)
            if value is not None and fold(str(value).strip()) in known
        }
        if "id" in columns.values():
            return number, columns
    return None


def _read_rows(
    shown: str,
    sheet: str,
    found: tuple[int, dict[int, str]],
    grid: list[list[tuple[str, Any]]],
    value_of: Any,
) -> Reading:
    """The rows under the header: each a task's cells by column key, each cell checked."""
    head, columns = found
    notices: list[str] = []
    problems: list[str] = []
    first: dict[str, str] = {}
    for position, (place, raw) in enumerate(grid[head]):
        text = _plain(raw.value if hasattr(raw, "value") else raw)
        key = columns.get(position)
        if key is None and text is not None:
            message = _("{place}: column {name!r} is not one lianta reads; left alone")
            notices.append(message.format(place=f"{shown}:{sheet}!{place}", name=str(text)))
        elif key is not None and key in first:
            message = _("{place}: a second {name} column (the first is {first})")
            problems.append(
                message.format(place=f"{shown}:{sheet}!{place}", name=text, first=first[key])
            )
        elif key is not None:
            first[key] = place
    rows: list[Row] = []
    for line in grid[head + 1 :]:
        cells: dict[str, Cell] = {}
        for position, key in columns.items():
            if position >= len(line) or key not in CHECKED:
                continue
            place, raw = line[position]
            where = f"{shown}:{sheet}!{place}"
            value, problem = value_of(raw)
            if problem is None and isinstance(value, str) and _CONTROL.search(value):
                code = f"U+{ord(_CONTROL.search(value).group()):04X}"  # type: ignore[union-attr]
                problem = _("holds the control character {code}").format(code=code)
            if problem is not None:
                problems.append(f"{where}: {problem}")
                continue  # reported once: the row is checked as if the column were not there
            cells[key] = Cell(where, _as_code(key, value))
        task = cells.pop("id", None)
        if task is None or task.value is None:
            if line and any(cell.value is not None for cell in cells.values()):
                number = line[0][0].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                message = _("{file}:{sheet} row {row}: no task id; the row is left alone")
                notices.append(message.format(file=shown, sheet=sheet, row=number))
            continue
        if isinstance(task.value, int | float):
            message = _(
                "{value} is a number, not a task id (a spreadsheet reads 1.10 as 1.1); "
                "format the column as text and type the id again"
            )
            problems.append(f"{task.place}: " + message.format(value=task.value))
            continue
        rows.append(Row(task.place, str(task.value).strip(), cells))
    return Reading(sheet, rows, notices, problems)


def _workbook_value(cell: Any) -> tuple[Any, str | None]:
    """A cell's value, or what makes it no value."""
    value = cell.value
    if cell.data_type == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
        text = value if isinstance(value, str) else getattr(value, "text", "")
        message = _("is a formula ({formula}); type the value itself")
        return None, message.format(formula=_one_line(text or "=")[:60])
    if cell.data_type == "e":
        return None, _("holds the error {error}").format(error=value)
    return _plain(value), None


def _plain(value: Any) -> Any:
    """A value as the ledger takes it: text trimmed (None when empty), numbers, dates."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    return value


def _as_code(key: str, value: Any) -> Any:
    """A status as its code (a name in either language is taken), text columns as text; ids,
    progress and dates as the cell holds them."""
    if value is None or key in ("id", "progress", "due"):
        return value
    if key == "status" and isinstance(value, str):
        return _known_statuses().get(fold(value), value)
    return _as_text(value)


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _merged(
    shown: str, sheet: Any, found: tuple[int, dict[int, str]], reading: Reading
) -> list[str]:
    """Problems for merged cells under the header in a column that is read."""
    head, columns = found
    read = {position + 1 for position, key in columns.items() if key in CHECKED}
    problems = list(reading.problems)
    for merged in sheet.merged_cells.ranges:
        if merged.max_row > head + 1 and read & set(range(merged.min_col, merged.max_col + 1)):
            message = _("merged cells; unmerge them so that each task has its own")
            problems.append(f"{shown}:{sheet.title}!{merged.coord}: {message}")
    return problems


def _one_line(value: Any) -> str:
    return " ".join(str(value).split())


def _in_each_language() -> Iterator[str]:
    current = language()
    try:
        for lang in LANGUAGES:
            set_language(lang)
            yield lang
    finally:
        set_language(current)


def _known_headers() -> dict[str, str]:
    """Column headings in either language, and the keys themselves, folded -> key."""
    found: dict[str, str] = {}
    keys = (*LEDGER_KEYS, "index", "index_code", "title_en", "overdue", "archived")
    for _lang in _in_each_language():
        found.update({fold(header(key)): key for key in keys})
        found.update({fold(_("Note")): "note", fold(_("Unit")): "unit"})
    found.update({key: key for key in keys})
    found["text"] = "note"
    return found


def _known_sheet_names() -> set[str]:
    names: set[str] = set()
    for _lang in _in_each_language():
        names.add(fold(_("Task list")))
    return names


def _known_statuses() -> dict[str, str]:
    found: dict[str, str] = {}
    for _lang in _in_each_language():
        found.update({fold(status_name(code)): code for code in STATUSES})
    found.update({code: code for code in STATUSES})
    found.update({code.replace("_", " "): code for code in STATUSES})
    return found
