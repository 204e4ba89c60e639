"""What people and scripts see: plain text when piped, colour only on request and never under
NO_COLOR, aligned Chinese in Rich tables, CSV and Markdown that parse, data on stdout only."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import Result, Run, cells, put_in_store

from lianta_cli.export import display_width
from lianta_cli.views import HISTORY_KEYS, LIST_KEYS, headers

ESCAPE = "\x1b"
SGR = re.compile(r"\x1b\[([0-9;]*)m")
BOX_START = tuple("┌│├└┏┃┣┗+|")
WEEK = [
    ("assign", "1.1", "1.2", "3.4", "--to", "王芳", "--unit", "经济服务办"),
    ("assign", "2.10", "--to", "欧阳晓明", "--unit", "城市更新和土地整备办公室"),
    ("update", "1.1", "--progress", "40", "--due", "2024-02-01"),
    ("update", "3.4", "--status", "blocked", "--note", "等待口岸办选址意见"),
    ("done", "1.2", "--note", "完成"),
]
TABLE_COMMANDS = [
    ("list",),
    ("list", "--lang", "zh"),
    ("show", "3.4"),
    ("show", "3.4", "--lang", "zh"),
    ("history",),
]


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def week(run: Run) -> Run:
    for step in WEEK:
        ok(run(*step, now="2024-03-04T09:00"))
    return run


def colour_codes(text: str) -> list[str]:
    """The SGR parameters in `text` that set a colour (foreground, background, 256, true)."""
    found = []
    for match in SGR.finditer(text):
        params = [p for p in match.group(1).split(";") if p]
        for param in params:
            number = int(param)
            if 30 <= number <= 49 or 90 <= number <= 107:
                found.append(param)
    return found


# ---------------------------------------------------------------- piped output


@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=" ".join)
def test_piped_tables_are_plain_text(week: Run, args: tuple[str, ...]) -> None:
    result = ok(week(*args, now="2024-03-05"))
    assert result.stdout.strip()
    assert ESCAPE not in result.stdout and ESCAPE not in result.stderr
    assert not any(ch in result.stdout for ch in "┌│├└")  # Rich's box lines: not when piped


def test_piped_table_columns_line_up_with_chinese(week: Run) -> None:
    lines = ok(week("list", "--lang", "zh", now="2024-03-05")).stdout.splitlines()
    rule = next(line for line in lines if set(line) <= {"-", " "} and line)
    starts = [m.start() for m in re.finditer(r"-+", rule)]
    table = lines[: lines.index(rule) + 41]
    assert len(table) == 42  # header, rule, 40 tasks
    for line in table:
        grid = cells(line)
        for start in starts[1:]:
            if start < len(grid):
                assert grid[start - 2 : start] == [" ", " "], line
                assert grid[start] != "", line  # no wide character straddles a column edge


def test_control_characters_in_notes_are_refused_or_shown_not_sent(
    week: Run, store_path: Path
) -> None:
    nasty = "clear\x1b[2J screen\x07"
    refused = week("note", "1.1", nasty, now="2024-03-05")
    assert refused.exit_code == 2 and "U+001B" in refused.stderr
    ok(week("note", "1.1", "XCLEARX", now="2024-03-05"))
    put_in_store(store_path, "XCLEARX", nasty)  # as a hand edit would put it there
    for args in (("show", "1.1"), ("history", "1.1"), ("list", "--search", "clear")):
        result = ok(week(*args, now="2024-03-05"))
        assert ESCAPE not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b[2J" in ok(week("show", "1.1", now="2024-03-05")).stdout


# ---------------------------------------------------------------- Rich and NO_COLOR


def test_rich_colours_status_rows_when_asked(week: Run) -> None:
    result = ok(week("list", now="2024-03-05", env={"LIANTA_RICH": "1", "COLUMNS": "140"}))
    assert colour_codes(result.stdout)  # so the NO_COLOR test below can fail


@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=" ".join)
def test_no_color_means_no_colour(week: Run, args: tuple[str, ...]) -> None:
    env = {"LIANTA_RICH": "1", "NO_COLOR": "1", "COLUMNS": "100"}
    result = ok(week(*args, now="2024-03-05", env=env))
    assert any(line.startswith(BOX_START) for line in result.stdout.splitlines())
    assert colour_codes(result.stdout) == []
    assert colour_codes(result.stderr) == []


@pytest.mark.parametrize("columns", [80, 100, 140])
@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=" ".join)
def test_rich_tables_keep_chinese_aligned(week: Run, args: tuple[str, ...], columns: int) -> None:
    env = {"LIANTA_RICH": "1", "NO_COLOR": "1", "COLUMNS": str(columns)}
    out = ok(week(*args, now="2024-03-05", env=env)).stdout
    assert ESCAPE not in out
    table = [line for line in out.splitlines() if line.startswith(BOX_START)]
    assert len(table) > 4
    widths = {display_width(line) for line in table}
    assert len(widths) <= 3, widths  # show prints up to three tables (fields, notes, history)
    for block in _tables(out):
        assert len({display_width(line) for line in block}) == 1, "\n".join(block)
        assert display_width(block[0]) <= columns


def _tables(out: str) -> list[list[str]]:
    """Each box-drawn table of `out` as its lines."""
    blocks: list[list[str]] = []
    for line in out.splitlines():
        if line.startswith(("┌", "+")):
            blocks.append([])
        if line.startswith(BOX_START) and blocks:
            blocks[-1].append(line)
    return blocks


def test_narrow_terminal_list_keeps_task_titles_readable(week: Run) -> None:
    env = {"LIANTA_RICH": "1", "NO_COLOR": "1", "COLUMNS": "80"}
    out = ok(week("list", "--index", "1", now="2024-03-05", env=env)).stdout
    header = next(line for line in out.splitlines() if "Task" in line)
    task_cell = header.split("│")[2]
    assert len(task_cell) >= 20, header
    assert "overdue" in out  # 1.1 is past its own due date


# ---------------------------------------------------------------- CSV, Markdown, JSON


def _keyed(text: str, keys: tuple[str, ...]) -> list[dict[str, str]]:
    """CSV rows by data key, once the header is checked to name them in the interface
    language."""
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == headers(keys)
    return [dict(zip(keys, row, strict=True)) for row in table[1:]]


def test_csv_headers_are_in_the_interface_language(week: Run) -> None:
    english = ok(week("list", "--format", "csv", now="2024-03-05")).stdout.splitlines()[0]
    chinese = ok(week("list", "--format", "csv", "--lang", "zh")).stdout.splitlines()[0]
    assert english.startswith("ID,Index no.,Index code,Task,Task (English),Status,Progress")
    assert chinese.startswith("编号,指数序号,指数代码,任务,任务（英文）,状态,进度,负责人,牵头单位")
    json_keys = set(ok(week("list", "--format", "json", "--lang", "zh")).json()[0])
    assert json_keys == {*LIST_KEYS, "archived"}  # JSON keeps its keys in every language


def test_list_csv_parses_and_matches_json(week: Run) -> None:
    text = ok(week("list", "--format", "csv", now="2024-03-05")).stdout
    rows = _keyed(text, LIST_KEYS)
    data = ok(week("list", "--format", "json", now="2024-03-05")).json()
    assert len(rows) == len(data) == 40
    for row, item in zip(rows, data, strict=True):
        assert row["id"] == item["id"]
        assert row["title"] == item["title"]
        assert row["assignee"] == (item["assignee"] or "")
        assert row["progress"] == str(item["progress"])
        assert row["overdue"] == ("true" if item["overdue"] else "false")


def test_history_csv_parses(week: Run) -> None:
    text = ok(week("history", "--format", "csv")).stdout
    rows = _keyed(text, HISTORY_KEYS)
    assert len(rows) == len(ok(week("history", "--format", "json")).json())
    assert any(row["new"] == "等待口岸办选址意见" for row in rows)


def test_csv_cells_cannot_run_as_formulas(run: Run) -> None:
    ok(run("assign", "1.1", "--to", "=HYPERLINK(1)", "--unit", "+1", now="2024-03-04"))
    first = _keyed(ok(run("list", "--format", "csv")).stdout, LIST_KEYS)[0]
    assert (first["assignee"], first["unit"]) == ("'=HYPERLINK(1)", "'+1")


def _md_cells(line: str) -> list[str]:
    assert line.startswith("| ") and line.endswith(" |"), line
    return [c.strip() for c in re.split(r"(?<!\\)\|", line[1:-1])]


@pytest.mark.parametrize("args", [("list",), ("history", "3.4"), ("history",)], ids=" ".join)
def test_markdown_is_a_github_table(week: Run, args: tuple[str, ...]) -> None:
    lines = ok(week(*args, "--format", "md", now="2024-03-05")).stdout.splitlines()
    rows = len(ok(week(*args, "--format", "json", now="2024-03-05")).json())
    assert rows > 1
    assert len(lines) == 2 + rows
    header = _md_cells(lines[0])
    assert re.fullmatch(r"\|(---:?\|)+", lines[1])
    assert lines[1].count("|") == len(header) + 1
    for line in lines[2:]:
        assert len(_md_cells(line)) == len(header), line


def test_markdown_escapes_pipes_in_cells(run: Run) -> None:
    ok(run("assign", "1.1", "--to", "王|芳", now="2024-03-04"))
    lines = ok(run("list", "--format", "md", "--index", "1")).stdout.splitlines()
    header = _md_cells(lines[0])
    row = _md_cells(lines[2])
    assert len(row) == len(header)
    assert "王\\|芳" in row


def test_json_is_utf8_text_not_escapes(week: Run) -> None:
    out = ok(week("show", "3.4", "--format", "json")).stdout
    assert "等待口岸办选址意见" in out and "\\u" not in out
    assert json.loads(out)["assignee"] == "王芳"


# ---------------------------------------------------------------- stdout is data, stderr talk


@pytest.mark.parametrize(
    "args",
    [
        ("assign", "4.1", "--to", "赵敏"),
        ("unassign", "1.1"),
        ("update", "4.2", "--progress", "10"),
        ("done", "4.3"),
        ("note", "4.4", "记录"),
        ("undo",),
    ],
    ids=" ".join,
)
def test_change_messages_go_to_stderr(week: Run, args: tuple[str, ...]) -> None:
    result = ok(week(*args, now="2024-03-05"))
    assert result.stdout == ""
    assert result.stderr.strip()


def test_list_limit_note_goes_to_stderr(week: Run) -> None:
    result = ok(week("list", "--limit", "3", "--format", "csv"))
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 3
    assert "showing 3 of 40" in result.stderr


def test_first_use_note_goes_to_stderr(run: Run, store_path: Path) -> None:
    result = ok(run("list", "--format", "json", now="2024-03-04"))
    assert len(result.json()) == 40
    assert "loaded the bundled 2024 plan" in result.stderr
    assert store_path.exists()
