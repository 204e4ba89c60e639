"""The fast paths of `list` give what the general ones give: tables built a column at a time
against the row-by-row table, widths from one check per column against character-by-character
widths, task views made as read against `task_view`, filters and sorting against the rules
spelled out one task at a time. Text is hostile: control characters, direction overrides, wide
characters, emoji, combining marks, table and Markdown syntax."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import Run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianta_cli import tracker
from lianta_cli.export import (
    _NARROW,
    _WIDE,
    Column,
    _char_width,
    _widths,
    display_width,
    dumps_json,
    indented_json_pieces,
    json_lines,
    md_cell,
    one_line,
    pad,
    plain_table,
    to_markdown,
)
from lianta_cli.i18n import language, set_language
from lianta_cli.store import open_store
from lianta_cli.textfold import fold
from lianta_cli.views import (
    LIST_JSON_KEYS,
    bar,
    history_columns,
    list_columns,
    summary_columns,
)

ODD = [
    *"aZ0 |\\-*#\x00\x07\x1b\x1c\x7f\x85\x9b\t\r\n\u00ad\u00b7\u0301\u0308\u200b\u200d",
    *"\u200e\u200f\u202a\u202e\u2066\u2069\u2028\u2029\u3000“”—…→①█░中文園区。、（）ｱＡ４가",
    *"😀\ufe0f\U0002a6d6\ud7a4\ud800\uffff\ufeff",
    "\r\n",
    "👍🏽",
    "🇨🇳",
]
TEXT = st.one_of(
    st.lists(st.sampled_from(ODD), max_size=8).map("".join),
    st.text(max_size=12),
    st.sampled_from(["", "王芳", "推动打造行业产业园区（仙湖植物园第3批）", "“口岸”"]),
)
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def char_by_char(text: str) -> int:
    return sum(map(_char_width, text))


def test_every_character_of_the_fast_width_sets_has_its_width() -> None:
    wide, narrow = re.compile(f"[{_WIDE}]"), re.compile(f"[{_NARROW}]")
    for code in range(0x80, 0x110000):
        char = chr(code)
        if wide.match(char):
            assert _char_width(char) == 2, hex(code)
            assert len(char.encode("utf-8", "surrogatepass")) == 3, hex(code)
        if narrow.match(char):
            assert _char_width(char) == 1, hex(code)


@SETTINGS
@given(st.lists(TEXT, max_size=6))
def test_column_widths_are_character_widths(cells: list[str]) -> None:
    cells = [one_line(cell) for cell in cells] if len(cells) % 2 else cells
    assert _widths(cells) == [char_by_char(cell) for cell in cells]
    for cell in cells:
        assert display_width(cell) == char_by_char(cell)


@pytest.mark.parametrize("ascii_only", [False, True])
def test_bar_is_the_same_from_its_cache(ascii_only: bool) -> None:
    for progress in [*range(-5, 106), 0.5, 33.3, 66.65, 99.99]:
        full, empty = ("#", "-") if ascii_only else ("█", "░")
        filled = round(max(0.0, min(100.0, progress)) * 10 / 100)
        expected = f"{full * filled}{empty * (10 - filled)} {progress:3.0f}%"
        assert bar(progress, ascii_only=ascii_only) == expected


# ------------------------------------------------------------------ tables, row by row


def row_by_row_table(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """`plain_table` as it was written first: a cell at a time."""
    header = [one_line(c.header) for c in columns]
    body = [[one_line(c.cell(row)) for c in columns] for row in rows]
    sizes = [[char_by_char(cell) for cell in cells] for cells in (header, *body)]
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


def row_by_row_markdown(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    lines = [
        "| " + " | ".join(md_cell(c.header) for c in columns) + " |",
        "|" + "|".join("---:" if c.align == "right" else "---" for c in columns) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(md_cell(c.cell(row)) for c in columns) + " |")
    return "\n".join(lines) + "\n"


TASK_ROW = st.fixed_dictionaries(
    {
        "id": TEXT,
        "index_code": st.one_of(st.none(), TEXT),
        "title": TEXT,
        "title_en": TEXT,
        "status": st.sampled_from(["todo", "in_progress", "blocked", "done"]),
        "progress": st.integers(0, 100),
        "assignee": st.one_of(st.none(), TEXT),
        "unit": st.one_of(st.none(), TEXT),
        "due": TEXT,
        "overdue": st.booleans(),
    }
)
OTHER_ROW = st.dictionaries(
    st.sampled_from(["at", "by", "task", "index", "total", "todo", "name", "name_en", "tasks"]),
    st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), TEXT),
)


class Once(Sequence[dict[str, Any]]):
    """Rows that may be read only once, in order (as task views made as read are)."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows, self.read = rows, False

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, item: Any) -> Any:
        raise AssertionError("read by position")

    def __iter__(self) -> Iterator[dict[str, Any]]:
        assert not self.read, "read twice"
        self.read = True
        return iter(self.rows)


@pytest.fixture(params=["en", "zh"])
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    before = language()
    set_language(request.param)
    yield request.param
    set_language(before)


@SETTINGS
@given(rows=st.lists(TASK_ROW, max_size=5), chunk=st.sampled_from([1, 2, 4096]))
def test_list_tables_are_the_row_by_row_tables(
    lang: str, rows: list[dict[str, Any]], chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    del lang  # only sets the language
    with monkeypatch.context() as patch:
        patch.setattr("lianta_cli.export._CHUNK", chunk)
        for columns in (
            list_columns(bars=True),
            list_columns(bars=True, ascii_only=True),
            list_columns(bars=False),
            list_columns(bars=True, width=60),
        ):
            assert plain_table(Once(rows), columns) == row_by_row_table(rows, columns)
            assert to_markdown(Once(rows), columns) == row_by_row_markdown(rows, columns)
            for column in columns:
                assert column.cells(rows) == [column.cell(row) for row in rows]


@SETTINGS
@given(rows=st.lists(OTHER_ROW, max_size=5))
def test_tables_of_plain_keys_are_the_row_by_row_tables(
    lang: str, rows: list[dict[str, Any]]
) -> None:
    del lang
    columns = (
        [Column(key, key.upper(), align="right" if len(key) % 2 else "left") for key in rows[0]]
        if rows
        else []
    )
    columns += [Column("name", "名称"), Column("total", "#", align="right")]
    for shape in (columns, columns[:1], columns[-1:], []):
        assert plain_table(rows, shape) == row_by_row_table(rows, shape)
        assert to_markdown(rows, shape) == row_by_row_markdown(rows, shape)


def test_other_tables_keep_their_cells(lang: str) -> None:
    del lang
    rows = [
        {
            "at": "2024-03-08T17:00:00",
            "by": "王\x1b[31m芳",
            "task": None,
            "action": "update",
            "field": "progress",
            "old": 10,
            "new": 40,
            "index": 1,
            "name": "产业|发展\\",
            "name_en": None,
            "total": 3,
            "todo": 1,
            "in_progress": 1,
            "blocked": 0,
            "done": 1,
            "percent_done": 33.333,
            "progress": 50.5,
            "overdue": 0,
            "unassigned": 2,
        }
    ]
    for columns in (
        history_columns(),
        history_columns(width=60),
        summary_columns(bars=True),
        summary_columns(bars=False, width=60),
    ):
        assert plain_table(rows, columns) == row_by_row_table(rows, columns)
        assert to_markdown(rows, columns) == row_by_row_markdown(rows, columns)


# ------------------------------------------------------------------ listing tasks


WORK = [
    ("assign", "1.2", "1.3", "3.2", "--to", "王芳", "--unit", "经济服务办"),
    ("assign", "2.10", "--to", "歐陽曉明", "--unit", "城市更新和土地整备办公室"),
    ("assign", "1.1", "--to", "Zoë"),
    ("update", "1.2", "--progress", "40", "--note", "已完成产业空间摸底"),
    ("update", "3.2", "--status", "blocked", "--note", "等待口岸办选址意见"),
    ("update", "2.10", "--progress", "100"),
    ("update", "1.3", "--due", "2024-02-01", "--progress", "10"),
    ("update", "4.3", "--due", "2024-12-01", "--progress", "60"),
]


def one_at_a_time(
    docs: list[dict[str, Any]],
    query: tracker.TaskQuery,
    year: int,
    plan: dict[str, Any],
    today: str,
) -> list[dict[str, Any]]:
    """The tasks `list` shows, by the rules written one task at a time."""
    end = plan["end"]
    index = next(
        (i["number"] for i in plan["indices"] if query.index in (str(i["number"]), i["code"])),
        None,
    )
    kept = []
    for doc in docs:
        if doc["plan"] != year or (doc.get("archived") and not query.archived):
            continue
        if index is not None and doc["index"] != index:
            continue
        if query.statuses and doc["status"] not in query.statuses:
            continue
        if query.unassigned and doc["assignee"]:
            continue
        if query.assignee and fold(doc["assignee"] or "") != fold(query.assignee.strip()):
            continue
        needle = fold(query.search.strip()) if query.search else ""
        if needle and needle not in tracker.search_text(doc):
            continue
        if query.overdue and not tracker.is_overdue(doc, end, today):
            continue
        kept.append(doc)
    rank = {"blocked": 0, "in_progress": 1, "todo": 2, "done": 3}
    first: dict[str, Any] = {
        "id": lambda d: (),
        "status": lambda d: (rank[d["status"]],),
        "due": lambda d: (tracker.effective_due(d, end),),
        "progress": lambda d: (d["progress"],),
        "updated": lambda d: (d["updated"],),
    }
    kept.sort(key=lambda d: (first[query.sort](d), (d["index"], d.get("order", 0), d["id"])))
    indices = {i["number"]: i for i in plan["indices"]}
    return [tracker.task_view(doc, indices, end, today) for doc in kept]


QUERIES = [
    tracker.TaskQuery(),
    tracker.TaskQuery(sort="due"),
    tracker.TaskQuery(sort="status"),
    tracker.TaskQuery(sort="progress", archived=True),
    tracker.TaskQuery(sort="updated"),
    tracker.TaskQuery(index="2"),
    tracker.TaskQuery(statuses=["todo", "blocked"], sort="due"),
    tracker.TaskQuery(assignee=" 王芳 "),
    tracker.TaskQuery(assignee="欧阳晓明"),
    tracker.TaskQuery(assignee="ZOË"),
    tracker.TaskQuery(unassigned=True, overdue=True),
    tracker.TaskQuery(overdue=True, sort="status"),
    tracker.TaskQuery(search="口岸"),
    tracker.TaskQuery(search="  摸底 "),
    tracker.TaskQuery(search="   "),
    tracker.TaskQuery(search="nothing like this"),
]


@pytest.mark.parametrize("orderless", [False, True], ids=["", "orderless"])
@pytest.mark.parametrize("limit", [0, 1, 5])
def test_list_tasks_is_the_one_task_at_a_time_list(
    run: Run, store_path: Path, limit: int, orderless: bool
) -> None:
    """`orderless`: every third task stored without "order" (written by hand) sorts as if it
    were 0, as it always did."""
    for step in WORK:
        assert run(*step, now="2024-03-08T17:00").exit_code == 0
    today = date(2024, 6, 28)
    with open_store(store_path, write=False) as store:
        year = tracker.select_year(store, None)
        plan = tracker.plan_docs(store)[year]
        if orderless:
            for doc in list(store.raw("tasks").values())[::3]:
                del doc["order"]
        docs = list(store.raw("tasks").values())
        for query in QUERIES:
            rows, total = tracker.list_tasks(store, year, query, today, limit)
            expected = one_at_a_time(docs, query, year, plan, today.isoformat())
            assert total == len(expected)
            assert list(rows) == expected[: limit or None]
            assert len(rows) == len(expected[: limit or None])
            assert [rows[i] for i in range(len(rows))] == list(rows)
            assert rows[1:3] == list(rows)[1:3]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dictionaries(TEXT, JSON, max_size=4), max_size=3))
def test_json_lines_are_json_dumps_of_each_object(items: list[dict[str, Any]]) -> None:
    expected = [json.dumps(item, ensure_ascii=False) for item in items]
    text = "".join(json_lines(iter(items)))
    assert text == ("[\n  " + ",\n  ".join(expected) + "\n]\n" if items else "[]\n")
    assert dumps_json(items) == text or not items


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(TEXT, JSON, max_size=6))
def test_indented_json_pieces_join_to_dumps_json(value: dict[str, Any]) -> None:
    pieces = list(indented_json_pieces(value))
    assert "".join(pieces) == json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    assert dumps_json(value) == "".join(pieces)
    assert pieces[-1] == "\n"


def test_indented_json_pieces_of_a_large_report() -> None:
    entry = {"id": "1.1", "title": "推动“口岸”经济", "progress": 40, "due": None, "x": 1.5}
    value = {"plan": 2024, "unassigned": [entry] * 5_000, "total": {"tasks": 5_000}}
    pieces = list(indented_json_pieces(value))
    assert len(pieces) > 5  # 8,192 of the encoder's chunks each
    assert "".join(pieces) == json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def views_cut_to_json_keys(rows: tracker.TaskViews) -> str:
    """`list --format json` as it was written before: each view cut to its keys, encoded."""
    return "".join(json_lines({key: view[key] for key in LIST_JSON_KEYS} for view in rows))


@pytest.mark.parametrize("limit", [0, 1, 5])
def test_list_json_lines_are_the_views_cut_to_their_keys(
    run: Run, store_path: Path, limit: int
) -> None:
    for step in WORK:
        assert run(*step, now="2024-03-08T17:00").exit_code == 0
    with open_store(store_path, write=False) as store:
        year = tracker.select_year(store, None)
        for query in QUERIES:
            rows, _ = tracker.list_tasks(store, year, query, date(2024, 6, 28), limit)
            text = "".join(rows.json_lines())
            assert text == views_cut_to_json_keys(rows)
            assert [list(row) for row in json.loads(text)] == [list(LIST_JSON_KEYS)] * len(rows)


ODD_VALUE = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT


STORED_TASK = st.fixed_dictionaries(
    {
        "plan": st.just(2024),
        "id": st.one_of(TEXT, ODD_VALUE),
        "index": st.sampled_from([1, 2, 3, True, 2.0]),
        "title": TEXT,
        "title_en": st.one_of(TEXT, ODD_VALUE),
        "status": st.sampled_from(["todo", "in_progress", "done", "blocked", "odd"]),
        "progress": st.one_of(st.integers(0, 100), st.just(True), st.just(50.0)),
        "assignee": st.one_of(st.none(), TEXT, st.integers()),
        "unit": st.one_of(st.none(), TEXT),
        "updated": TEXT,
    },
    optional={
        "due": st.one_of(st.none(), st.sampled_from(["2024-01-01", "2024-12-01"])),
        "plan_due": st.one_of(st.none(), st.just("2024-05-01")),
        "archived": st.one_of(st.booleans(), st.none(), st.just(1)),
        "notes": st.lists(st.just({"text": "x"}), max_size=2),
    },
)
"""Stored tasks of any shape the store's checks let through, and some they would not."""
INDEX_CODES = st.sampled_from(["industry", "园区", None, 7, ["a", "b"]])


@SETTINGS
@given(st.lists(STORED_TASK, max_size=8), INDEX_CODES)
def test_list_json_lines_write_any_document_as_its_view_would(
    docs: list[dict[str, Any]], code: Any
) -> None:
    """Documents of the expected types take the quick way, the rest go through the view; the
    text is the same either way (an index without a code, a float progress, a numeric id)."""
    indices = {1: {"code": code, "name": "一", "name_en": "One"}, 2: {"name": "二"}}
    rows = tracker.TaskViews(docs, indices, "2024-12-31", "2024-06-28")
    assert "".join(rows.json_lines()) == views_cut_to_json_keys(rows)


@given(st.text(alphabet="0123456789.²١ +-_a", max_size=8))
def test_report_id_key_is_the_numbers_of_the_id(task_id: str) -> None:
    from lianta_cli.report import _id_key

    parts = [part for part in task_id.split(".") if part.isdigit()]
    try:
        expected: Any = tuple(int(part) for part in parts)
    except ValueError as error:  # "²" is a digit to isdigit, not to int: as it always was
        expected = type(error)
    try:
        assert _id_key(task_id) == expected
    except ValueError:
        assert expected is ValueError


def test_check_table_names_the_first_malformed_document() -> None:
    from lianta_cli.segments import check_table

    assert check_table("tasks", {}) is None
    assert check_table("tasks", {"1": {}, "20": {"a": 1}}) is None
    assert check_table("tasks", []) == "table 'tasks' is not a mapping"
    assert check_table("tasks", {"1": {}, "x": {}, "2": []}) == (
        "table 'tasks' has a malformed document 'x'"
    )
    assert check_table("tasks", {"1": {}, "2": [], "y": {}}) == (
        "table 'tasks' has a malformed document '2'"
    )


VIEW_KEYS = (*LIST_JSON_KEYS, "plan", "index_name", "index_name_en", "notes", "no_such_field")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_list_tables_made_from_columns_of_values_are_the_tables_of_the_views(
    run: Run, store_path: Path, lang: str
) -> None:
    """`plain_table` and `to_markdown` of task views, made a field at a time from the stored
    tasks, equal the same made from each view as a row."""
    for step in WORK:
        assert run(*step, now="2024-03-08T17:00").exit_code == 0
    before = language()
    set_language(lang)
    try:
        with open_store(store_path, write=False) as store:
            year = tracker.select_year(store, None)
            for query in QUERIES:
                rows, _ = tracker.list_tasks(store, year, query, date(2024, 6, 28), 0)
                views = list(rows)
                values = rows.values_of(VIEW_KEYS)
                for key in VIEW_KEYS:
                    assert values[key] == [view.get(key) for view in views], key
                for columns in (
                    list_columns(bars=True),
                    list_columns(bars=True, ascii_only=True),
                    list_columns(bars=False),
                    list_columns(bars=True, width=80),
                ):
                    assert plain_table(rows, columns) == plain_table(views, columns)
                    assert to_markdown(rows, columns) == to_markdown(views, columns)
    finally:
        set_language(before)


@SETTINGS
@given(st.lists(STORED_TASK, max_size=8), INDEX_CODES)
def test_task_views_give_their_values_a_field_at_a_time(
    docs: list[dict[str, Any]], code: Any
) -> None:
    indices = {1: {"code": code, "name": "一", "name_en": "One"}, 2: {"name": "二"}}
    rows = tracker.TaskViews(docs, indices, "2024-12-31", "2024-06-28")
    views = list(rows)
    values = rows.values_of(VIEW_KEYS)
    for key in VIEW_KEYS:
        assert values[key] == [view.get(key) for view in views], key
        assert rows.values_of([key])[key] == values[key], key
    for columns in (list_columns(bars=True), list_columns(bars=False, width=80)):
        assert plain_table(rows, columns) == plain_table(views, columns)


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(TASK_ROW, min_size=1, max_size=4),
    size=st.sampled_from([255, 256, 700]),
    distinct=st.booleans(),
)
def test_long_tables_of_few_values_are_the_row_by_row_tables(
    rows: list[dict[str, Any]], size: int, distinct: bool
) -> None:
    """Columns long enough to be measured and padded once per distinct value."""
    long = [dict(rows[n % len(rows)]) for n in range(size)]
    if distinct:  # one column of all-different values beside the repeated ones
        for n, row in enumerate(long):
            row["title"] = f"{row['title']}（第{n}批）"
    for columns in (list_columns(bars=True), list_columns(bars=False, width=60)):
        assert plain_table(long, columns) == row_by_row_table(long, columns)
