"""Tables that survive a Chinese terminal: with Chinese content, every line of every table drawn
by Rich has the same display width at 40, 60, 80 and 120 columns and fits the terminal, no column
is squeezed to nothing, and --ascii (or LIANTA_ASCII=1) leaves no box-drawing, block or arrow
character that such a terminal would draw double-width. Piped tables line up by display width.
Below 90 columns a `list` title keeps at least 24 cells, and no table cuts a date or (in
`summary`) breaks a word."""

from __future__ import annotations

import re
import unicodedata

import pytest
from conftest import Result, Run, cells

from lianta_cli.export import display_width, plain_table
from lianta_cli.i18n import _, set_language
from lianta_cli.views import history_columns, list_columns, summary_columns

NOW = "2024-03-08T17:00"
WORK = [
    ("assign", "1.2", "1.3", "3.2", "--to", "王芳", "--unit", "经济服务办"),
    ("assign", "2.10", "--to", "歐陽曉明", "--unit", "城市更新和土地整备办公室"),
    ("update", "1.2", "--progress", "40", "--note", "已完成产业空间摸底，下周提交方案"),
    ("update", "3.2", "--status", "blocked", "--note", "等待口岸办选址意见（涉及深港两地协调）"),
    ("update", "2.10", "--progress", "100"),
    ("update", "1.3", "--due", "2024-02-01", "--progress", "10"),
]
COMMANDS = [
    ("list",),
    ("list", "--assignee", "王芳"),
    ("show", "3.2"),
    ("show", "2.10"),
    ("history",),
    ("summary",),
]
WIDTHS = (40, 60, 80, 120)
BOX = re.compile(r"[\u2500-\u259f]")  # box drawing and block elements
STARTS = tuple("┌│├└╭╰+|")


@pytest.fixture
def worked(run: Run) -> Run:
    for step in WORK:
        result = run(*step, now=NOW)
        assert result.exit_code == 0, result.stderr
    return run


def rich(run: Run, args: tuple[str, ...], width: int, lang: str, env: dict[str, str]) -> Result:
    result = run(
        *args,
        now=NOW,
        env={
            "LIANTA_RICH": "1",
            "NO_COLOR": "1",
            "COLUMNS": str(width),
            "LIANTA_LANG": lang,
            **env,
        },
    )
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout
    return result


def tables(out: str) -> list[list[str]]:
    """The blocks of consecutive lines that are part of a drawn table."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in out.splitlines():
        if line.startswith(STARTS):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def column_widths(border: str) -> list[int]:
    """The widths of the columns on a table's top border line ('┌──┬───┐' -> [2, 3])."""
    return [len(part) for part in re.split(r"[┌┬┐+╭╮]", border)[1:-1]]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("ascii_only", [False, True], ids=["box", "ascii"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_table_line_has_the_same_display_width(
    worked: Run, args: tuple[str, ...], width: int, ascii_only: bool, lang: str
) -> None:
    result = rich(worked, (*args, *(["--ascii"] if ascii_only else [])), width, lang, {})
    blocks = tables(result.stdout)
    assert blocks, result.stdout
    for block in blocks:
        widths = {display_width(line) for line in block}
        assert len(widths) == 1, "\n".join(block)
        assert widths.pop() <= width, "\n".join(block)
        squeezed = [w for w in column_widths(block[0]) if w < 3]
        assert not squeezed, "\n".join(block)  # a column of padding only shows nothing
    for line in result.stdout.splitlines():
        assert display_width(line) <= width, line


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_ascii_tables_hold_nothing_a_cjk_terminal_draws_double(
    worked: Run, args: tuple[str, ...], width: int, lang: str
) -> None:
    drawn = rich(worked, args, width, lang, {}).stdout
    assert BOX.search(drawn)  # the default tables do use box lines
    result = rich(worked, (*args, "--ascii"), width, lang, {})
    assert not BOX.search(result.stdout), result.stdout
    assert "→" not in result.stdout
    content = "".join(line for step in WORK for line in step)
    content += worked("list", "--format", "json", now=NOW).stdout
    content += worked(*args[:2], "--format", "json", now=NOW).stdout if args[0] == "show" else ""
    for block in tables(result.stdout):
        for line in block:
            ambiguous = {c for c in line if unicodedata.east_asian_width(c) == "A"}
            assert ambiguous <= set(content), (line, ambiguous - set(content))
    by_env = rich(worked, args, width, lang, {"LIANTA_ASCII": "1"})
    assert by_env.stdout == result.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("what", ["list", "history", "summary"])
def test_piped_table_columns_line_up_by_display_width(worked: Run, what: str, lang: str) -> None:
    data = worked(what, "--format", "json", now=NOW).json()
    try:
        set_language(lang)
        if what == "list":
            rows, columns = data, list_columns(bars=True)
        elif what == "history":
            rows, columns = data, history_columns()
        else:
            rows, columns = data["indices"], summary_columns(bars=True)
        lines = plain_table(rows, columns).splitlines()
    finally:
        set_language("en")
    assert len(lines) == len(rows) + 2
    assert any(not line.isascii() for line in lines[2:])
    rule = cells(lines[1])
    gaps = [i for i in range(1, len(rule)) if rule[i] == " " and rule[i - 1] == "-"]
    assert len(gaps) == len(columns) - 1
    for line in [lines[0], *lines[2:]]:
        row = cells(line)
        for gap in gaps:
            if gap < len(row):
                assert row[gap] == " " and row[gap + 1] == " ", (line, gap)


# ---------------------------------------------------------------- narrow and wide terminals

DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?)?")


def cell_texts(line: str) -> list[str]:
    """The cells of one drawn table line, without the borders and the padding."""
    return [cell.strip() for cell in re.split(r"[│|]", line)[1:-1]]


def column_width_of(block: list[str], header: str) -> int:
    """The display width a column gives its text (its border segment less the padding)."""
    for line in block[1:4]:
        cells = cell_texts(line)
        if header in cells:
            return column_widths(block[0])[cells.index(header)] - 2
    raise AssertionError(f"no column {header!r} in\n" + "\n".join(block))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("ascii_only", [False, True], ids=["box", "ascii"])
@pytest.mark.parametrize("width", WIDTHS)
def test_list_keeps_titles_readable_and_dates_whole_at_any_width(
    worked: Run, width: int, ascii_only: bool, lang: str
) -> None:
    tasks = worked("list", "--format", "json", now=NOW).json()
    result = rich(worked, ("list", *(["--ascii"] if ascii_only else [])), width, lang, {})
    (block,) = tables(result.stdout)
    try:
        set_language(lang)
        task_header = _("Task")
    finally:
        set_language("en")
    if width < 90:
        assert column_width_of(block, task_header) >= 24, "\n".join(block)
        assert len(block) <= 3 + 4 * len(tasks) + 1  # a task takes a few lines, never a word a line
    drawn = "\n".join(block)
    for task in tasks:
        assert task["due"] in drawn
    assert not re.search(r"\d{4}-\d", DATE.sub("", result.stdout)), result.stdout
    if lang == "en":
        words = {word for task in tasks for word in task["title_en"].split()}
        text = " ".join(cell for line in block for cell in cell_texts(line))
        broken = [word for word in words if word not in text.split()]
        assert not broken, (broken, drawn)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", WIDTHS)
def test_summary_never_breaks_a_word(worked: Run, width: int, lang: str) -> None:
    summary = worked("summary", "--format", "json", now=NOW).json()
    result = rich(worked, ("summary",), width, lang, {})
    (block,) = tables(result.stdout)
    words = set()
    for index in summary["indices"]:
        words |= set((index["name_en"] if lang == "en" else "").split())
    header = next(line for line in block[1:4] if cell_texts(line)[0])
    words |= {cell for cell in cell_texts(header) if " " not in cell and cell}
    text = [word for line in block for cell in cell_texts(line) for word in cell.split()]
    broken = [word for word in words if word not in text]
    assert not broken, (broken, "\n".join(block))
    assert not re.search(r"\d{4}-\d", DATE.sub("", result.stdout)), result.stdout
