"""The ledger in a spreadsheet and back: `export xlsx`, a workbook edited as a unit would edit
it (with openpyxl, the library Excel files are written with), `import` with and without
--dry-run, `undo`; CSV as Excel and WPS save it; and every kind of hostile cell."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import Result, Run
from openpyxl import Workbook, load_workbook

NOW = "2024-03-08T17:00"


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def ledger(run: Run, tmp_path: Path) -> Path:
    ok(run("assign", "1.2", "1.3", "--to", "王芳", "--unit", "经济服务办", now=NOW))
    ok(run("update", "1.2", "--progress", "40", "--note", "已完成产业空间摸底", now=NOW))
    path = tmp_path / "ledger.xlsx"
    result = ok(run("export", "xlsx", "-o", str(path), now=NOW))
    assert "wrote" in result.stderr and result.stdout == ""
    return path


def _sheet(path: Path, name: str = "Task list") -> tuple[Any, Any, dict[str, int]]:
    book = load_workbook(path)
    sheet = book[name]
    columns = {cell.value: cell.column for cell in sheet[1]}
    return book, sheet, columns


def _row(sheet: Any, task_id: str) -> int:
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == task_id)


def _edit(path: Path, edits: dict[tuple[str, str], Any]) -> None:
    book, sheet, columns = _sheet(path)
    for (task_id, column), value in edits.items():
        sheet.cell(_row(sheet, task_id), columns[column]).value = value
    book.save(path)


FIVE_ROWS = {
    ("1.1", "Progress"): 30,
    ("1.1", "Latest note"): "园区规划已报区里",
    ("2.3", "Status"): "done",
    ("3.2", "Status"): "受阻",
    ("3.2", "Latest note"): "等待口岸办选址意见",
    ("4.1", "Assignee"): "李娜",
    ("4.1", "Lead unit"): "党建办",
    ("6.3", "Due"): datetime(2024, 6, 30),
    ("6.3", "Progress"): 15,
}


# ---------------------------------------------------------------- the workbook written


def test_the_workbook_holds_a_summary_and_every_task(ledger: Path, run: Run) -> None:
    book, sheet, columns = _sheet(ledger)
    assert book.sheetnames == ["Summary", "Task list"]
    assert list(columns) == [
        "ID",
        "Index",
        "Task",
        "Lead unit",
        "Cooperating units",
        "Assignee",
        "Status",
        "Progress",
        "Due",
        "Expected progress",
        "Lag (points)",
        "Light",
        "Latest note",
        "Updated",
        "Plan",
    ]
    assert sheet.max_row == 41 and sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == "A1:O41"
    listed = {t["id"]: t for t in ok(run("list", "--format", "json", now=NOW)).json()}
    for number in range(2, 42):
        values = {name: sheet.cell(number, column).value for name, column in columns.items()}
        task = listed[values["ID"]]
        assert values["Light"] == task["light"]
        assert values["Lag (points)"] == task["lag"] and values["Progress"] == task["progress"]
        assert values["Due"] == datetime.fromisoformat(task["due"])
        fill = sheet.cell(number, columns["Light"]).fill.start_color.rgb
        assert fill.endswith(
            {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}[task["light"]]
        )
    row = _row(sheet, "1.2")
    assert sheet.cell(row, columns["Latest note"]).value == "已完成产业空间摸底"
    assert sheet.cell(row, columns["Cooperating units"]).value is None  # the plan names none
    summary = book["Summary"]
    assert [c.value for c in summary[1]][-3:] == ["Red", "Yellow", "Green"]
    totals = [c.value for c in summary[8]]
    data = ok(run("summary", "--format", "json", now=NOW)).json()["total"]
    assert totals[2] == 40 and totals[-3:] == [data["red"], data["yellow"], data["green"]]


def test_the_workbook_is_in_the_interface_language(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    ok(run("export", "xlsx", "-o", str(path), "--lang", "zh", now=NOW))
    book, sheet, columns = _sheet(path, "任务清单")
    assert book.sheetnames == ["汇总", "任务清单"]
    assert {"编号", "牵头单位", "配合单位", "序时进度", "亮灯", "最新备注"} <= set(columns)
    assert sheet.cell(2, columns["状态"]).value == "未开始"
    assert sheet.cell(2, columns["亮灯"]).value == "黄灯"
    widths = sheet.column_dimensions
    assert widths["C"].width >= 2 * len("推动打造行业产业园区")  # Chinese is two columns wide


def test_text_is_never_a_formula_and_control_characters_are_shown(
    run: Run, tmp_path: Path, store_path: Path
) -> None:
    ok(run("assign", "1.1", "--to", '=HYPERLINK("http://x")', now=NOW))
    ok(run("note", "1.1", "=1+1 and a bell", now=NOW))
    # lianta refuses control characters in a note; a store edited by hand can still hold one
    data = json.loads(store_path.read_text(encoding="utf-8"))
    task = next(t for t in data["tasks"].values() if t["id"] == "1.1" and t["plan"] == 2024)
    task["notes"][-1]["text"] += "\x07"
    store_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    path = tmp_path / "ledger.xlsx"
    ok(run("export", "xlsx", "-o", str(path), now=NOW))
    _book, sheet, columns = _sheet(path)
    assignee = sheet.cell(2, columns["Assignee"])
    assert (assignee.value, assignee.data_type) == ('=HYPERLINK("http://x")', "s")
    assert sheet.cell(2, columns["Latest note"]).value == "=1+1 and a bell\\x07"
    with zipfile.ZipFile(path) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet2.xml").decode()


def test_the_same_store_and_clock_give_the_same_bytes(ledger: Path, run: Run) -> None:
    again = ledger.with_name("again.xlsx")
    ok(run("export", "xlsx", "-o", str(again), now=NOW))
    assert again.read_bytes() == ledger.read_bytes()
    with zipfile.ZipFile(again) as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(2024, 3, 8, 17, 0, 0)}


def test_export_writes_only_a_workbook_it_was_asked_for(run: Run, tmp_path: Path) -> None:
    wrong = run("export", "xlsx", "-o", str(tmp_path / "ledger.csv"), now=NOW)
    assert wrong.exit_code == 2 and "ends in .xlsx" in wrong.stderr
    assert not (tmp_path / "ledger.csv").exists()
    piped = run("export", "xlsx", now=NOW)  # not a terminal: the bytes go to stdout
    assert piped.exit_code == 0


# ---------------------------------------------------------------- the round trip


def test_edit_five_rows_dry_run_import_undo(ledger: Path, run: Run, store_path: Path) -> None:
    _edit(ledger, FIVE_ROWS)
    before = store_path.read_bytes()
    dry = ok(run("import", str(ledger), "--dry-run", now=NOW))
    assert store_path.read_bytes() == before
    assert "dry run: nothing was written" in dry.stderr
    assert "5 task(s) change, 35 row(s) change nothing" in dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[0].split() == ["Task", "Field", "Was", "Now"]
    assert "2.3   status     todo        done" in dry.stdout
    assert "6.3   due        2024-12-31  2024-06-30" in dry.stdout
    data = ok(run("import", str(ledger), "--dry-run", "--format", "json", now=NOW)).json()
    assert data["dry_run"] is True and data["change"] == 0 and len(data["unchanged"]) == 35
    assert {c["id"] for c in data["changes"]} == {"1.1", "2.3", "3.2", "4.1", "6.3"}

    real = ok(run("import", str(ledger), now=NOW))
    assert real.stdout == dry.stdout
    assert "recorded as change 4 ('lianta undo' reverts it)" in real.stderr
    shown = {t["id"]: t for t in ok(run("list", "--format", "json", now=NOW)).json()}
    assert (shown["1.1"]["status"], shown["1.1"]["progress"]) == ("in_progress", 30)
    assert (shown["2.3"]["status"], shown["2.3"]["progress"]) == ("done", 100)
    assert shown["3.2"]["status"] == "blocked"
    assert (shown["4.1"]["assignee"], shown["4.1"]["unit"]) == ("李娜", "党建办")
    assert shown["6.3"]["due"] == "2024-06-30"
    events = ok(run("history", "--format", "json")).json()
    assert {e["action"] for e in events if e["change"] == 4} == {"import"}

    again = ok(run("import", str(ledger), now=NOW))
    assert "0 task(s) change, 40 row(s) change nothing" in again.stderr

    undone = ok(run("undo", now=NOW))
    assert "undid change 4 — import 1.1, 2.3, 3.2, 4.1, 6.3" in undone.stderr
    after = {t["id"]: t for t in ok(run("list", "--format", "json", now=NOW)).json()}
    assert after["2.3"]["status"] == "todo" and after["6.3"]["due"] == "2024-12-31"
    assert ok(run("doctor")).exit_code == 0


def test_a_csv_saved_by_excel_or_wps_is_read_back(ledger: Path, run: Run, tmp_path: Path) -> None:
    """Excel's "CSV UTF-8" has a byte-order mark; WPS and Chinese Excel's plain "CSV" is
    GB18030. Both, and the BOM-less UTF-8 of LibreOffice, give the same changes."""
    _book, sheet, _columns = _sheet(ledger)
    rows = [[_as_saved(c.value) for c in row] for row in sheet.iter_rows()]
    rows[_row(sheet, "5.2") - 1][7] = "35%"  # Progress, as someone types it
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    for encoding in ("utf-8-sig", "gb18030", "utf-8"):
        path = tmp_path / f"ledger-{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        data = ok(run("import", str(path), "--dry-run", "-f", "json", now=NOW)).json()
        assert [(c["id"], c["field"], c["new"]) for c in data["changes"]] == [
            ("5.2", "status", "in_progress"),
            ("5.2", "progress", 35),
        ], encoding


def _as_saved(value: Any) -> str:
    """A cell as Excel writes it into a CSV file: dates as 2024/12/31, the rest as shown."""
    if isinstance(value, datetime):
        return f"{value.year}/{value.month}/{value.day}" + (
            f" {value.hour}:{value.minute:02d}" if value.hour or value.minute else ""
        )
    return "" if value is None else str(value)


def test_a_ledger_for_another_plan_year_is_refused(ledger: Path, run: Run) -> None:
    _edit(ledger, {("1.1", "Plan"): 2025, ("1.1", "Progress"): 50})
    result = run("import", str(ledger), now=NOW)
    assert result.exit_code == 2
    assert "ledger.xlsx:Task list!O2: the row is of the 2025 plan, not 2024" in result.stderr


def test_lead_and_cooperating_units_come_back_in(ledger: Path, run: Run) -> None:
    _edit(
        ledger,
        {("1.4", "Cooperating units"): "区规自局、 指挥部", ("1.4", "Lead unit"): "投促中心"},
    )
    ok(run("import", str(ledger), now=NOW))
    task = ok(run("show", "1.4", "--format", "json", now=NOW)).json()
    assert (task["unit"], task["cooperating"]) == ("投促中心", ["区规自局", "指挥部"])
    ok(run("export", "xlsx", "-o", str(ledger), now=NOW))
    _edit(ledger, {("1.4", "Cooperating units"): None})
    ok(run("import", str(ledger), now=NOW))
    assert ok(run("show", "1.4", "-f", "json", now=NOW)).json()["cooperating"] == []


# ---------------------------------------------------------------- bad cells


def _bad(run: Run, path: Path) -> list[str]:
    """Import `path`: exit 2, nothing changed, every line on stderr a located problem."""
    result = run("import", str(path), now=NOW)
    assert result.exit_code == 2, result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "read sheet" not in line]
    assert lines[-1].endswith("nothing was imported")
    return lines[:-1]


def test_every_bad_cell_is_reported_with_its_place_and_nothing_changes(
    ledger: Path, run: Run, store_path: Path
) -> None:
    _edit(
        ledger,
        {
            ("1.1", "Progress"): 120,
            ("1.2", "Status"): "half done",
            ("1.3", "Due"): "6月30日",
            ("1.4", "Status"): "blocked",
            ("1.5", "Assignee"): "x" * 100_000,
            ("2.1", "Latest note"): "y" * 100_000,
            ("2.2", "Progress"): "=50+10",
            ("2.3", "Task"): "另一项任务",
        },
    )
    before = store_path.read_bytes()
    lines = _bad(run, ledger)
    assert store_path.read_bytes() == before
    where = [line.removeprefix("lianta: ").split(": ", 1)[0] for line in lines]
    assert where == [
        f"{ledger}:Task list!H8",
        f"{ledger}:Task list!H2",
        f"{ledger}:Task list!G3",
        f"{ledger}:Task list!I4",
        f"{ledger}:Task list!G5",
        f"{ledger}:Task list!F6",
        f"{ledger}:Task list!M7",
        f"{ledger}:Task list!C9",
    ]
    assert "is a formula (=50+10)" in lines[0]
    assert "not a whole number from 0 to 100" in lines[1]
    assert "'half done' is not a status" in lines[2]
    assert "'6月30日' is not a date" in lines[3]
    assert "blocking needs a reason" in lines[4]
    assert "longer than 80 characters" in lines[5]
    assert "longer than 2000 characters" in lines[6]
    assert "the title is not task 2.3's" in lines[7]


def test_unknown_ids_repeated_ids_and_numbers_for_ids(ledger: Path, run: Run) -> None:
    book, sheet, _columns = _sheet(ledger)
    sheet.cell(2, 1).value = "9.9"
    sheet.cell(3, 1).value = "1.3"
    sheet.cell(5, 1).value = 1.5
    sheet.cell(6, 1).value = "x"
    book.save(ledger)
    lines = _bad(run, ledger)
    assert any(line.endswith("Task list!A2: no task 9.9 in the 2024 plan") for line in lines)
    assert any(
        "Task list!A4: task 1.3 is also on" in line and "Task list!A3" in line for line in lines
    )
    assert any("Task list!A5: 1.5 is a number, not a task id" in line for line in lines)
    assert any("Task list!A6: 'x' is not a task id like 3.4" in line for line in lines)


def test_merged_cells_and_error_values(ledger: Path, run: Run) -> None:
    book, sheet, columns = _sheet(ledger)
    sheet.cell(3, columns["Progress"]).value = "#N/A"
    sheet.cell(3, columns["Progress"]).data_type = "e"
    sheet.merge_cells("F5:F7")
    sheet.merge_cells("C10:C11")  # the title column is read too: a check of the row
    book.save(ledger)
    lines = _bad(run, ledger)
    assert any("Task list!H3: holds the error #N/A" in line for line in lines)
    assert any("Task list!F5:F7: merged cells; unmerge them" in line for line in lines)
    assert any("Task list!C10:C11: merged cells" in line for line in lines)


def test_control_characters_in_a_csv_file(run: Run, tmp_path: Path) -> None:
    """A workbook cannot hold them (Excel and openpyxl refuse), a CSV file can."""
    ok(run("list", now=NOW))
    path = tmp_path / "units.csv"
    path.write_text(
        "编号,负责人,最新备注\n1.1,王\x07芳,ok\n1.2,李娜,清屏\x1b[2J\n", encoding="utf-8"
    )
    lines = _bad(run, path)
    assert lines == [
        f"lianta: {path}:units!B2: holds the control character U+0007",
        f"lianta: {path}:units!C3: holds the control character U+001B",
    ]


def test_extra_sheets_columns_title_rows_and_blank_rows_are_left_alone(
    ledger: Path, run: Run
) -> None:
    book, sheet, columns = _sheet(ledger)
    sheet.insert_rows(1)
    sheet.cell(1, 1).value = "莲塘街道2024年工作台账（3月）"
    sheet.merge_cells("A1:O1")
    sheet.cell(2, 16).value = "督办意见"
    sheet.cell(2 + 41, 3).value = "合计"  # a row with no id, under the tasks
    sheet.cell(_row(sheet, "1.4"), columns["Progress"]).value = 5
    book.create_sheet("说明").cell(1, 1).value = "填报说明"
    book.move_sheet("说明", offset=-2)
    book.save(ledger)
    result = ok(run("import", str(ledger), "--dry-run", now=NOW))
    assert "read sheet Task list; other sheets left alone: 说明, Summary" in result.stderr
    assert "Task list!P2: column '督办意见' is not one lianta reads; left alone" in result.stderr
    assert "Task list row 43: no task id; the row is left alone" in result.stderr
    assert "1 task(s) change" in result.stderr


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "Excel 97-2003 (.xls)"),
        (b"PK\x03\x04 not really a zip", "cannot be read as an .xlsx workbook"),
        ("编号,进度\n".encode("utf-16"), "neither UTF-8 nor GB18030"),
        (b"Task,Progress\n1.1,10\n", "no column is headed ID"),
        (b"", "no column is headed ID"),
    ],
    ids=["xls", "broken zip", "utf-16", "no id column", "empty"],
)
def test_files_that_are_not_a_ledger(
    run: Run, tmp_path: Path, store_path: Path, content: bytes, says: str
) -> None:
    ok(run("list", now=NOW))
    path = tmp_path / "units.xlsx"
    path.write_bytes(content)
    before = store_path.read_bytes()
    result = run("import", str(path), now=NOW)
    assert result.exit_code == 2 and says in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 2 and "Traceback" not in result.stderr
    assert store_path.read_bytes() == before


def test_a_workbook_with_nothing_but_a_formula_sheet(run: Run, tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["ID", "Progress"])
    book.active.append(["1.1", "=SUM(1,2)"])
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    lines = _bad(run, path)
    assert lines == [f"lianta: {path}:Sheet!B2: is a formula (=SUM(1,2)); type the value itself"]


def test_dates_typed_as_text_in_the_forms_people_type(ledger: Path, run: Run) -> None:
    _edit(
        ledger,
        {
            ("1.1", "Due"): "2024/6/30",
            ("1.2", "Due"): "2024年7月1日",
            ("1.3", "Due"): "2024-08-15",
            ("1.4", "Due"): date(2024, 9, 1),
        },
    )
    data = ok(run("import", str(ledger), "--dry-run", "-f", "json", now=NOW)).json()
    assert [(c["id"], c["new"]) for c in data["changes"]] == [
        ("1.1", "2024-06-30"),
        ("1.2", "2024-07-01"),
        ("1.3", "2024-08-15"),
        ("1.4", "2024-09-01"),
    ]


# ---------------------------------------------------------------- a real spreadsheet program


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_workbook(ledger: Path, run: Run, tmp_path: Path) -> None:
    """LibreOffice converts the exported workbook to CSV (see docs/spreadsheets.md), and that
    CSV comes back in as changing nothing."""
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={profile}",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2",
            "--outdir",
            str(tmp_path),
            str(ledger),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    converted = tmp_path / "ledger-Task list.csv"  # one file per sheet, named after it
    assert converted.exists(), done.stdout + done.stderr
    text = converted.read_text(encoding="utf-8")
    assert text.startswith("ID,Index,Task,Lead unit") and "已完成产业空间摸底" in text
    data = json.loads(ok(run("import", str(converted), "--dry-run", "-f", "json", now=NOW)).stdout)
    assert data["changes"] == [] and len(data["unchanged"]) == 40
