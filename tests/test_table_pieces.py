"""A table written anew is encoded a column at a time (`table_pieces`): whatever the table, its
pieces are the bytes `dumps` writes, and where `dumps` raises, it raises the same."""

from __future__ import annotations

import enum
import json
import zlib
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianta_cli import aside, segments
from lianta_cli.models import PlanTask
from lianta_cli.segments import Tables, dumps, split_tables, table_pieces
from lianta_cli.tracker import _new_task


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    """A str subclass: json encodes its text."""


class Size(float):
    pass


def outcome(encode: Callable[[], bytes]) -> bytes | type[BaseException]:
    try:
        return encode()
    except Exception as error:
        return type(error)


def assert_as_dumps(table: Any) -> None:
    expected = outcome(lambda: dumps(table))
    assert outcome(lambda: b"".join(table_pieces(table))) == expected


def moved() -> OrderedDict[str, int]:
    """A document whose items (which json writes) are not in the order of its dict's values."""
    doc = OrderedDict([("a", 1), ("b", 2)])
    doc.move_to_end("a")
    return doc


TEXT = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=6),  # lone surrogates too
    st.lists(
        st.sampled_from(
            ['"', "\\", "\n", "\x00", "\x1f", "\x7f", "\u2028", "%", "%s", "中文", "😀"]
        ),
        max_size=4,
    ).map("".join),
    st.sampled_from(["", "todo", "2024-06-28", "推动打造行业产业园区", "Build “parks”"]),
)
INT = st.one_of(st.integers(-3, 3), st.integers(), st.integers(-(2**200), 2**200))
SCALAR = st.one_of(st.none(), st.booleans(), INT, st.floats(), TEXT)
ODD = st.sampled_from([Level.HIGH, Name("名"), Size(1.5), (1, "a"), (), Name("x")])
"""Values json writes that are not of the types a column is encoded by: by json."""
UNWRITABLE = st.sampled_from([b"x", {1, 2}, object(), 1j])
NESTED_KEY = st.one_of(TEXT, st.integers(), st.booleans(), st.none(), st.floats())
ANY = st.recursive(
    st.one_of(SCALAR, ODD),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(NESTED_KEY, inner, max_size=3)
    ),
    max_leaves=6,
)
KINDS = [
    TEXT,
    INT,
    st.booleans(),
    st.none(),
    st.one_of(TEXT, st.none()),
    st.one_of(INT, st.booleans()),
    st.one_of(INT, TEXT, st.none()),
    st.floats(),
    st.lists(TEXT, max_size=3),
    st.lists(st.one_of(TEXT, INT), max_size=2),
    st.lists(st.dictionaries(TEXT, TEXT, max_size=2), max_size=2),
    ODD,
    ANY,
    st.one_of(*[SCALAR] * 9, UNWRITABLE),
]
CONFUSABLE = st.sampled_from(
    [[1, True], [0, False, 0.0], [1, 1.0, Level.HIGH, 3], ["x", Name("x")]]
)
"""Values equal to one another that json writes differently (or, a subclass, alike)."""
ODD_KEY = st.sampled_from([1, True, None, 2.5, Name("plan"), (1, 2)])
ODD_DOC = st.one_of(
    st.lists(SCALAR, max_size=2), SCALAR, st.builds(dict), st.just(Name("doc")), st.builds(moved)
)


def copied(value: Any) -> Any:
    """An equal value that is another object (as values parsed from a file are)."""
    return "".join(list(value)) if type(value) is str else value


@st.composite
def columns(draw: st.DrawFn) -> st.SearchStrategy[Any]:
    """The values one key of a table's documents takes: of one kind, and often few of them."""
    kind = draw(st.sampled_from(KINDS))
    if draw(st.integers(0, 4)) == 0:
        return st.sampled_from(draw(CONFUSABLE))
    if draw(st.booleans()):
        return st.sampled_from(draw(st.lists(kind, min_size=1, max_size=3))).map(copied)
    return kind


def some(keys: list[Any]) -> st.SearchStrategy[list[Any]]:
    """The first few of `keys` (another shape: some of the keys, in some order)."""
    return st.integers(0, len(keys)).map(lambda n: keys[:n])


@st.composite
def tables(draw: st.DrawFn, odd: bool) -> dict[Any, Any]:
    """Documents of one or two shapes, in runs or interleaved; `odd`, with keys that are not
    texts, documents that are not dicts, names that are not texts."""
    keys = draw(
        st.lists(st.one_of(TEXT, ODD_KEY) if odd else TEXT, unique=True, min_size=1, max_size=5)
    )
    values = {key: draw(columns()) for key in keys}
    shapes = [draw(st.permutations(keys))]
    shapes += draw(st.lists(st.permutations(keys).flatmap(some), max_size=1))
    docs: list[Any] = []
    for _ in range(draw(st.one_of(st.integers(0, 5), st.integers(40, 80)))):
        shape = draw(st.sampled_from(shapes))
        docs.append({key: draw(values[key]) for key in shape})
    names: list[Any] = [str(n) for n in range(1, len(docs) + 1)]
    for at, name in draw(st.lists(st.tuples(st.integers(0, 79), TEXT), max_size=2)):
        if at < len(names) and name not in names:
            names[at] = name
    if odd:  # a chunk with one is encoded by json whole
        at = draw(st.integers(0, 79))
        if at < len(docs):
            docs[at] = draw(ODD_DOC)
        if at < len(names) and draw(st.booleans()):
            names[at] = draw(st.sampled_from([at, None, Name(str(at))]))
    return dict(zip(names, docs, strict=True))


CHUNKS = st.sampled_from([1, 7, 50, segments._CHUNK])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(odd=False), CHUNKS)
def test_documents_are_encoded_as_dumps_encodes_them(table: dict[str, Any], chunk: int) -> None:
    with mock.patch.object(segments, "_CHUNK", chunk):
        assert_as_dumps(table)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(odd=True), CHUNKS)
def test_any_table_is_encoded_as_dumps_encodes_it(table: dict[Any, Any], chunk: int) -> None:
    with mock.patch.object(segments, "_CHUNK", chunk):
        assert_as_dumps(table)


@pytest.mark.skipif(not aside.can_fork(), reason="no fork or one processor")
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(odd=True), CHUNKS)
def test_a_table_made_half_by_a_child_process_is_encoded_as_dumps_encodes_it(
    table: dict[Any, Any], chunk: int
) -> None:
    with (
        mock.patch.object(segments, "_CHUNK", chunk),
        mock.patch.object(segments, "_PIECES_ASIDE", 1),
    ):
        assert_as_dumps(table)


@pytest.mark.skipif(not aside.can_fork(), reason="no fork or one processor")
def test_a_table_whose_second_half_json_refuses_is_refused_as_dumps_refuses_it() -> None:
    table = tasks(4 * segments._CHUNK)
    with mock.patch.object(segments, "_PIECES_ASIDE", 1):
        halves = table_pieces(table)
        assert b"".join(halves) == dumps(table) and len(halves) == 3  # 2 chunks, then the rest
        table[str(3 * segments._CHUNK)]["unit"] = object()  # in the child's half
        assert outcome(lambda: b"".join(table_pieces(table))) is TypeError
        assert_as_dumps(table)


def test_an_empty_table_and_documents_without_keys() -> None:
    assert table_pieces({}) == [b"{}"]
    assert_as_dumps({"1": {}, "2": {}})
    assert_as_dumps({"1": {}, "2": {"a": 1}, "3": {}})


def test_values_equal_to_one_another_are_written_each_as_its_type() -> None:
    for values in (
        [1, True],
        [True, 1],
        [0, False],
        [False, 0, 0.0],
        [3, Level.HIGH],
        ["a", Name("a")],
    ):
        for count in (2, 40):
            column = [values[n % len(values)] for n in range(count)]
            assert_as_dumps({str(n): {"v": value} for n, value in enumerate(column)})
            assert_as_dumps({str(n): {"v": [value]} for n, value in enumerate(column)})
        assert_as_dumps({str(n): {"v": values[0]} for n in range(40)} | {"x": {"v": values[1]}})


class Impostor:
    """A key that claims to be the text "a" (json refuses it: it is not a str)."""

    def __eq__(self, other: object) -> bool:
        return other == "a"

    def __hash__(self) -> int:
        return hash("a")


class Loose(str):
    """A text that claims to equal any other (json writes its own text)."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return 0


def test_keys_and_documents_are_taken_for_what_they_are_not_for_what_they_equal() -> None:
    assert_as_dumps({str(n): {"a": n} for n in range(40)} | {"40": {Impostor(): 40}})
    assert_as_dumps({str(n): {"a": [Loose("xy"[n % 2])]} for n in range(40)})
    assert_as_dumps({str(n): {"b": 2, "a": 1} for n in range(40)} | {"40": moved()})


def test_a_cycle_is_refused_as_dumps_refuses_it() -> None:
    doc: dict[str, Any] = {"id": "1.1", "notes": []}
    doc["notes"].append(doc)
    table = {"1": {"id": "1.0", "notes": []}, "2": doc}
    assert outcome(lambda: b"".join(table_pieces(table))) is ValueError
    assert_as_dumps(table)


def tasks(count: int) -> dict[str, dict[str, Any]]:
    """A table of tasks as a load makes them, some of them worked on since."""
    table = {}
    for n in range(count):
        index = n % 7 + 1
        task = PlanTask(
            id=f"{index}.{n}",
            index=index,
            title=f"推动打造行业产业园区（第{n}批）",
            title_en=f'Build "industrial parks", batch {n}\\',
            source="首页 > 政务公开 > 规划计划",
            places=("莲塘口岸", "仙湖")[: n % 3],
            partners=("经济服务办",) if n % 5 == 0 else (),
            due=date(2024, n % 12 + 1, 28) if n % 4 else None,
        )
        doc = _new_task(2024, task, n, "2024-01-02T09:00:00")
        if n % 3 == 0:
            doc.update(status="in_progress", progress=n % 100, assignee="王芳", unit="执法队")
            doc["notes"] = [{"at": "2024-03-01T10:00:00", "by": "chenjing", "text": f"第{n}次"}]
        table[str(n + 1)] = doc
    return table


def test_a_realistic_table_across_chunks_with_a_change_of_shape_and_odd_values() -> None:
    table = tasks(5000)
    for key in map(str, range(2500, 2600)):  # written before `archived` was a field
        del table[key]["archived"]
    table["2700"]["blocked_reason"] = "等待区规自局批复"
    table["3000"]["progress"] = 50.0
    table["3100"]["title"] = Name("旧的标题")
    table["4000"]["places"] = ["莲塘", 3]
    pieces = table_pieces(table)
    assert len(pieces) == -(-5000 // segments._CHUNK) > 1
    assert b"".join(pieces) == dumps(table)

    tables = Tables()
    tables["tasks"] = table
    raw = tables.serialize()
    spans = split_tables(raw)
    assert spans is not None and spans["tasks"] == dumps(table)
    assert json.loads(raw)["checks"]["1"]["tasks"] == zlib.crc32(spans["tasks"])
    assert Tables(raw)["tasks"] == table


def test_appending_to_a_table_written_in_pieces_keeps_its_checksum() -> None:
    tables = Tables()
    tables["history"] = {str(n): {"field": "status", "new": "done", "n": n} for n in range(1, 5000)}
    tables.append("history", {"5000": {"field": "note", "new": "第5000次"}})
    raw = tables.serialize()
    again = Tables(raw)
    again.verify()
    assert again.original_crc("history") is not None
    assert list(again["history"]) == [str(n) for n in range(1, 5001)]


def test_a_lone_surrogate_raises_where_dumps_raises() -> None:
    table = tasks(3 * segments._CHUNK)
    table["5"]["title"] = "bad \udcff"
    assert outcome(lambda: b"".join(table_pieces(table))) is UnicodeEncodeError
    # in a later chunk, but json meets it before the text is made UTF-8
    table[str(3 * segments._CHUNK)]["unit"] = object()
    assert outcome(lambda: b"".join(table_pieces(table))) is TypeError
    assert_as_dumps(table)
    tables = Tables()
    tables["tasks"] = {"1": {"id": "1.1", "title": "\udcff"}}
    with pytest.raises(UnicodeEncodeError):  # the store's save makes it "not valid Unicode"
        tables.serialize()
