"""The store's file layout: tables parsed lazily, written back intact, damage found."""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path
from typing import Any

import pytest
from conftest import Run
from hypothesis import given, settings
from hypothesis import strategies as st

from lianta_cli import segments
from lianta_cli.segments import LayoutError, Tables, split_tables, table_spans

DATA = {
    "meta": {"1": {"schema": 1, "last_change": 2}},
    "plans": {"1": {"year": 2024, "title": "莲塘街道2024年工作计划"}},
    "tasks": {"1": {"id": "1.1", "title": "盘活第七工业区产业空间\n第二行"}},
    "history": {"1": {"field": "status", "new": "done"}, "2": {"field": "note", "new": "a,\nb"}},
}


def test_serialize_is_json_with_one_table_per_line() -> None:
    tables = Tables()
    for name, table in DATA.items():
        tables[name] = json.loads(json.dumps(table))
    raw = tables.serialize()
    assert raw.count(b"\n") == 5  # four tables, the checks line, the final newline
    parsed = json.loads(raw)
    assert {k: v for k, v in parsed.items() if k != "checks"} == DATA
    assert "莲塘" in raw.decode("utf-8")  # text, not \\u escapes
    segments = split_tables(raw)
    assert segments is not None
    assert parsed["checks"]["1"]["tasks"] == zlib.crc32(segments["tasks"])


def _saved() -> bytes:
    tables = Tables()
    for name, table in DATA.items():
        tables[name] = json.loads(json.dumps(table))
    return tables.serialize()


def test_only_the_tables_used_are_parsed_and_the_rest_written_back_verbatim() -> None:
    raw = _saved()
    tables = Tables(raw)
    assert tables["tasks"]["1"]["id"] == "1.1"
    assert tables.is_parsed("tasks") and not tables.is_parsed("history")
    tables.append("history", {"3": {"field": "progress", "new": 50}})
    assert not tables.is_parsed("history")
    again = json.loads(tables.serialize())
    assert list(again["history"]) == ["1", "2", "3"]
    assert again["history"]["2"] == DATA["history"]["2"]


def test_appending_to_a_parsed_table_and_to_an_empty_one() -> None:
    tables = Tables(_saved())
    assert len(tables["history"]) == 2
    tables.append("history", {"3": {"x": 1}})
    assert list(tables["history"]) == ["1", "2", "3"]
    fresh = Tables()
    fresh.append("history", {"1": {"x": 1}})
    assert json.loads(fresh.serialize())["history"] == {"1": {"x": 1}}


def test_a_damaged_table_is_found_before_it_is_copied() -> None:
    raw = _saved().replace(b'"new":"done"', b'"new":"dxne"')
    tables = Tables(raw)
    assert tables["tasks"]  # a read that leaves history unparsed
    tables.serialize()  # the CRC fails, so history is parsed: still valid JSON here
    assert tables.is_parsed("history")
    broken = _saved().replace(b'"new":"done"}', b'"new":"done"')
    with pytest.raises(LayoutError):
        Tables(broken).serialize()


def test_other_layouts_are_parsed_whole() -> None:
    pretty = json.dumps(DATA, ensure_ascii=False, indent=2).encode()
    assert split_tables(pretty) is None
    tables = Tables(pretty)
    assert tables["plans"]["1"]["year"] == 2024
    with pytest.raises(LayoutError):
        Tables(b"[1, 2]")
    with pytest.raises(LayoutError):
        Tables(b'{"tasks": {"x": 1}}')


def test_a_table_made_only_of_appended_documents_can_be_read() -> None:
    tables = Tables()
    tables.append("history", {"1": {"x": 1}})
    assert "history" in tables
    assert tables["history"] == {"1": {"x": 1}}


def _table_file(tasks: dict[str, dict[str, object]]) -> bytes:
    tables = Tables()
    tables["meta"] = {"1": {"schema": 1}}
    tables["tasks"] = tasks
    return tables.serialize()


def test_patched_documents_are_spliced_into_the_bytes_read() -> None:
    tricky = 'a note with ,"3":{ and {"2":{"x" inside, and a \\ backslash'
    tasks = {
        "1": {"id": "1.1", "notes": [{"text": tricky}], "progress": 0},
        "2": {"id": "1.2", "notes": [], "progress": 0},
        "3": {"id": "1.3", "notes": [], "progress": 0},
    }
    tables = Tables(_table_file(tasks))
    tables.patch("tasks", {"2": {"progress": 40, "notes": [{"text": "进展"}]}})
    tables.patch("tasks", {"1": {"progress": 5}})
    tables.patch("tasks", {"3": {"progress": 100}})
    raw = tables.serialize()
    expected = json.loads(json.dumps(tasks))
    expected["1"]["progress"] = 5
    expected["2"].update({"progress": 40, "notes": [{"text": "进展"}]})
    expected["3"]["progress"] = 100
    assert json.loads(raw)["tasks"] == expected
    assert Tables(raw)["tasks"] == expected  # and its checksum is right: no full parse needed
    segments = split_tables(raw)
    assert segments is not None
    assert json.loads(raw)["checks"]["1"]["tasks"] == zlib.crc32(segments["tasks"])


def test_a_table_replaced_or_grown_after_reading_is_written_whole() -> None:
    tasks = {"1": {"id": "1.1"}, "2": {"id": "1.2"}}
    tables = Tables(_table_file(tasks))
    tables.patch("tasks", {"1": {"x": 1}})
    tables["tasks"] = {**tables["tasks"], "3": {"id": "1.3"}}
    assert list(json.loads(tables.serialize())["tasks"]) == ["1", "2", "3"]
    grown = Tables(_table_file(tasks))
    grown["tasks"]
    grown.append("tasks", {"3": {"id": "1.3"}})
    assert list(json.loads(grown.serialize())["tasks"]) == ["1", "2", "3"]


def test_a_store_on_one_line_of_json_is_read_whole() -> None:
    one_line = json.dumps(DATA, ensure_ascii=False, separators=(",", ":")).encode()
    tables = Tables(one_line)
    assert tables["history"] == DATA["history"]
    assert json.loads(tables.serialize())["tasks"] == DATA["tasks"]


def test_a_document_is_found_and_changed_without_parsing_its_table() -> None:
    tricky = 'looks like :{"plan":2024,"id":"1.2", inside a string'
    tasks = {
        "1": {"plan": 2024, "id": "1.1", "notes": [{"text": tricky}], "progress": 0},
        "2": {"plan": 2024, "id": "1.2", "notes": [], "progress": 0},
        "3": {"plan": 2025, "id": "1.2", "notes": [], "progress": 0},
    }
    tables = Tables(_table_file(tasks))
    tables.verify()
    found = tables.lookup("tasks", {"plan": 2024, "id": "1.2"})
    assert found == ("2", tasks["2"])
    assert tables.lookup("tasks", {"plan": 2025, "id": "1.2"}) == ("3", tasks["3"])
    assert tables.lookup("tasks", {"plan": 2024, "id": "9.9"}) is None
    tables.patch("tasks", {"2": {"progress": 60}, "3": {"progress": 10}})
    assert not tables.is_parsed("tasks")
    raw = tables.serialize()
    expected = json.loads(json.dumps(tasks))
    expected["2"]["progress"] = 60
    expected["3"]["progress"] = 10
    assert json.loads(raw)["tasks"] == expected
    again = Tables(raw)
    again.verify()
    assert not again.is_parsed("tasks")  # the new checksum proves the spliced table
    assert again["tasks"] == expected


def test_lookup_gives_way_when_it_cannot_be_sure() -> None:
    twice = {"1": {"plan": 2024, "id": "1.1"}, "2": {"plan": 2024, "id": "1.1"}}
    tables = Tables(_table_file(twice))
    tables.verify()
    assert tables.lookup("tasks", {"plan": 2024, "id": "1.1"}) is None  # not exactly one
    other_order = Tables(_table_file({"1": {"id": "1.1", "plan": 2024}}))
    other_order.verify()
    assert other_order.lookup("tasks", {"plan": 2024, "id": "1.1"}) is None
    unproved = Tables(_table_file({"1": {"plan": 2024, "id": "1.1"}}))
    assert unproved.lookup("tasks", {"plan": 2024, "id": "1.1"}) is None  # not verified yet
    parsed = Tables(_table_file({"1": {"plan": 2024, "id": "1.1"}}))
    parsed.verify()
    parsed["tasks"]
    assert parsed.lookup("tasks", {"plan": 2024, "id": "1.1"}) is None
    undecodable = Tables(_table_file({"1": {"plan": 2024, "id": "1.1"}}))
    undecodable.verify()  # an argument in another encoding reaches Python as a lone surrogate
    assert undecodable.lookup("tasks", {"plan": 2024, "id": "\udcff"}) is None


@pytest.mark.parametrize(
    "args",
    [["note", "\udcff", "x"], ["update", "1.\udcff", "-p", "5"], ["history", "--", "\udcff"]],
)
def test_an_id_in_another_encoding_is_an_unknown_id(
    run: Run, store_path: Path, args: list[str]
) -> None:
    assert run("summary").exit_code == 0
    before = store_path.read_bytes()
    result = run(*args)
    assert result.exit_code == 2
    assert "is not of the form N.M" in result.stderr
    assert store_path.read_bytes() == before


def test_a_change_found_by_lookup_is_seen_when_the_table_is_parsed_later() -> None:
    tables = Tables(_table_file({"1": {"plan": 2024, "id": "1.1", "progress": 0}}))
    tables.verify()
    found = tables.lookup("tasks", {"plan": 2024, "id": "1.1"})
    assert found is not None
    tables.patch("tasks", {"1": {"progress": 30}})
    assert tables["tasks"]["1"]["progress"] == 30
    tables.patch("tasks", {"1": {"progress": 50}})
    assert json.loads(tables.serialize())["tasks"]["1"]["progress"] == 50


def test_appending_keeps_the_checksum_right_without_rereading_the_table() -> None:
    tables = Tables(_saved())
    tables.verify()
    tables.append("history", {"3": {"field": "progress", "new": 50}})
    raw = tables.serialize()
    segments = split_tables(raw)
    assert segments is not None
    assert json.loads(raw)["checks"]["1"]["history"] == zlib.crc32(segments["history"])
    assert json.loads(raw)["checks"]["1"]["meta"] == zlib.crc32(segments["meta"])
    assert b"".join(Tables(raw).pieces()) == raw


def test_commands_give_the_same_store_whether_tasks_are_found_in_bytes_or_parsed(
    run: Run, store_path: Path
) -> None:
    """An update finds its task in the file's bytes; the same commands on the same store
    written as one line of JSON (parsed whole) must leave the same data."""
    now = "2024-03-08T17:00:00"
    assert run("assign", "1.1", "--to", "王芳", now=now).exit_code == 0
    whole = store_path.with_name("whole.json")
    whole.write_bytes(store_path.read_bytes())
    steps = [
        ["update", "1.1", "2.3", "--progress", "40"],
        ["update", "1.1", "--status", "blocked", "--note", "等待回复"],
        ["done", "3.4"],
        ["note", "1.1", "again"],
        ["undo"],
        ["update", "9.9", "--progress", "5"],
        ["update", "1.1", "1.1", "--progress", "70"],
    ]
    for step in steps:
        whole.write_text(json.dumps(json.loads(whole.read_bytes()), ensure_ascii=False))
        bytes_found = run(*step, now=now)
        parsed = run(*step, now=now, env={"LIANTA_DB": str(whole)})
        assert (bytes_found.exit_code, bytes_found.stdout) == (parsed.exit_code, parsed.stdout)
        assert bytes_found.stderr == parsed.stderr.replace(str(whole), str(store_path))
    mine, theirs = json.loads(store_path.read_bytes()), json.loads(whole.read_bytes())
    assert mine.pop("checks") and theirs.pop("checks")
    assert mine == theirs


def test_a_mapped_store_gives_what_a_read_one_gives(
    run: Run, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large store files are mapped instead of read (store.MAP_FROM): the same commands on
    a mapped copy give the same outputs and leave the same bytes."""
    from lianta_cli import store as store_module

    now = "2024-03-08T17:00:00"
    assert run("assign", "1.1", "2.1", "--to", "王芳", now=now).exit_code == 0
    mapped = store_path.with_name("mapped.json")
    mapped.write_bytes(store_path.read_bytes())
    steps = [
        ["update", "1.1", "--progress", "40"],
        ["list", "--limit", "0"],
        ["summary", "-f", "json"],
        ["done", "2.1", "--note", "验收"],
        ["history", "--limit", "5"],
        ["undo"],
        ["show", "1.1", "-f", "json"],
        ["report", "weekly", "-f", "json"],
        ["update", "9.9", "--progress", "5"],
        ["doctor"],
    ]
    for step in steps:
        monkeypatch.setattr(store_module, "MAP_FROM", 1 << 40)
        read = run(*step, now=now)
        monkeypatch.setattr(store_module, "MAP_FROM", 0)
        for generation in store_path.parent.glob(store_path.name + ".[0-9]"):
            twin = mapped.with_name(mapped.name + generation.suffix)  # `doctor` shows mtimes
            if twin.exists():
                os.utime(twin, ns=(generation.stat().st_atime_ns, generation.stat().st_mtime_ns))
        mapped_result = run(*step, now=now, env={"LIANTA_DB": str(mapped)})
        assert mapped_result.exit_code == read.exit_code
        assert mapped_result.stdout.replace(str(mapped), str(store_path)) == read.stdout
        assert mapped_result.stderr.replace(str(mapped), str(store_path)) == read.stderr
        assert mapped.read_bytes() == store_path.read_bytes()


# ---------------------------------------------------------------- documents found in the bytes

_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 50)
    | st.sampled_from(['x,"3":{"plan":1,"id":"a",', '{"2":{', "\\", '"', "莲塘", ""]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["1", "2", "3", "plan", "id", "archived"]), inner, max_size=3
        )
    ),
    max_leaves=8,
)
_DOCS = st.dictionaries(
    st.integers(1, 40).map(str),
    st.dictionaries(st.sampled_from(["plan", "id", "3", "note", "archived"]), _VALUES, max_size=4),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(tasks=_DOCS, data=st.data())
def test_a_sweep_finds_the_documents_a_search_each_finds(tasks: dict[str, Any], data: Any) -> None:
    raw = _table_file(tasks)
    spans = table_spans(raw)
    assert spans is not None
    keys = data.draw(st.lists(st.sampled_from(sorted(tasks) or ["1"]), unique=True))
    assert segments._swept_spans(raw, spans["tasks"], keys) == segments._spans_one_by_one(
        raw, spans["tasks"], keys
    )


@settings(max_examples=300, deadline=None)
@given(raw=st.binary().map(lambda b: bytes(b" ,\n{}"[n % 5] for n in b)), data=st.data())
def test_table_breaks_are_found_as_a_search_for_both_bytes_finds_them(
    raw: bytes, data: Any
) -> None:
    position = data.draw(st.integers(0, len(raw)))
    stop = data.draw(st.integers(position, len(raw)))
    assert segments._line_break(raw, position, stop) == raw.find(b",\n", position, stop)


def _tasks_file(count: int, **extra: Any) -> dict[str, dict[str, Any]]:
    return {
        str(n): {"plan": 2024, "id": f"1.{n}", "title": f"任务{n}", **extra, "archived": False}
        for n in range(1, count + 1)
    }


def test_heads_find_documents_by_their_first_and_last_fields() -> None:
    tasks = _tasks_file(3, notes=[{"text": 'x":{"plan":2024,"id":"1.1", \\":{'}])
    tasks["4"] = {"plan": 2025, "id": "1.1", "archived": True}
    tables = Tables(_table_file(tasks))
    tables.verify()
    heads = tables.heads("tasks", ("plan", "id"), "archived")
    assert heads is not None
    assert heads.count(2024) == 3 and heads.of(2025) == {b"1.1": 3}
    assert heads.places(2024, [b"1.3", b"1.9", b"1.1"]) == [2, None, 0]
    lead = b'{"plan":2024,"id":"1.2","title":"\xe4\xbb\xbb\xe5\x8a\xa12",'
    assert heads.alike([1, 0, 3], [lead, lead, b'{"plan":2025,'], b"false") == [True, False, False]
    assert heads.alike([3], [b'{"plan":2025,'], b"true") == [True]
    longer = lead + b"x" * 10_000  # its start is there; it runs past the file's end
    assert heads.alike([1, 1], [longer, longer], b"false", [len(lead), len(longer)]) == [
        True,
        False,
    ]
    key, doc = heads.document(1)
    assert (key, doc) == ("2", tasks["2"])
    tables.patch("tasks", {"2": {"archived": True}})
    assert not tables.is_parsed("tasks")  # changed as `lookup` would have found it
    assert json.loads(tables.serialize())["tasks"]["2"]["archived"] is True


def _heads_of(heads: segments.Heads) -> list[Any]:
    return [heads._span, heads._numbers, heads._texts, heads._starts, heads._lasts]


def test_heads_packed_by_another_process_are_taken_only_for_the_same_bytes() -> None:
    tasks = _tasks_file(300, notes=[{"text": 'x":{"plan":2024,"id":"1.1", \\":{'}])
    tasks["301"] = {"plan": 2025, "id": "1.1", "archived": True}
    raw = _table_file(tasks)
    tables = Tables(raw)
    tables.verify()
    packed = tables.packed_heads("tasks", ("plan", "id"), "archived")
    assert packed is not None
    swept = tables.heads("tasks", ("plan", "id"), "archived")
    assert swept is not None
    again = Tables(raw)
    again.verify()
    unpacked = again.heads("tasks", ("plan", "id"), "archived", b"".join(packed))
    assert unpacked is not None and _heads_of(unpacked) == _heads_of(swept)
    assert again.heads("tasks", ("plan", "id"), "done", b"".join(packed)) is None  # other fields
    whole = b"".join(packed)
    for cut in (len(whole) - 1, len(whole) - len(packed[-1]) - 3, len(packed[0]) + 5):
        assert again.heads("tasks", ("plan", "id"), "archived", whole[:cut]) is None
    assert again.heads("tasks", ("plan", "id"), "archived", b"not packed") is None
    tasks["7"]["title"] = "任务8"  # the same span, other bytes: another checksum
    changed = Tables(_table_file(tasks))
    changed.verify()
    found = changed.unparsed("tasks")
    assert found is not None and found[1] == swept._span
    assert changed.heads("tasks", ("plan", "id"), "archived", b"".join(packed)) is None
    assert changed.heads("tasks", ("plan", "id"), "archived") is not None


@pytest.mark.parametrize(
    "tasks",
    [
        {"1": {"id": "1.1", "plan": 2024, "archived": False}},  # starts otherwise
        {"1": {"plan": 2024, "id": "1.1", "archived": False, "zz": 1}},  # ends otherwise
        {"1": {"plan": 2024, "id": "1.1", "x": {"a": 1}, "archived": False}},  # an object in it
        {"1": {"plan": "2024", "id": "1.1", "archived": False}},  # not a whole number
        {"1": {"plan": 2024, "id": 'a"b', "archived": False}},  # a text with an escape
    ],
)
def test_heads_give_way_to_the_parsed_table(tasks: dict[str, Any]) -> None:
    tables = Tables(_table_file(tasks))
    tables.verify()
    assert tables.heads("tasks", ("plan", "id"), "archived") is None
    parsed = Tables(_table_file(_tasks_file(2)))
    parsed.verify()
    parsed["tasks"]
    assert parsed.heads("tasks", ("plan", "id"), "archived") is None


def test_a_table_mostly_patched_is_written_anew_as_splicing_would() -> None:
    tasks = _tasks_file(segments._FEW * 3, progress=0)
    patches = {str(n): {"progress": n} for n in range(1, segments._FEW * 2)}
    raws = []
    for parse in (True, False):
        tables = Tables(_table_file(tasks))
        tables.verify()
        if parse:
            tables["tasks"]
        else:  # found one by one, as `lookup` finds them: spliced into the bytes read
            for key in patches:
                assert tables.lookup("tasks", {"plan": 2024, "id": f"1.{key}"}) is not None
        tables.patch("tasks", patches)
        raws.append(tables.serialize())
    assert raws[0] == raws[1]
    assert json.loads(raws[0])["tasks"]["7"]["progress"] == 7
    assert Tables(raws[0])["tasks"] == json.loads(raws[0])["tasks"]


def test_values_rewritten_in_the_bytes_are_written_with_the_rest() -> None:
    tasks = _tasks_file(4, order=0, notes=[{"text": 'x},"9":{"order":1,'}])
    tables = Tables(_table_file(tasks))
    tables.verify()
    heads = tables.heads("tasks", ("plan", "id"), "archived")
    assert heads is not None
    lead = [
        b'{"plan":2024,"id":"1.%d","title":"' % n + f"任务{n}".encode() + b'","order":'
        for n in (1, 3)
    ]
    starts, ends, plain = heads.numbers_after([0, 2], list(map(len, lead)))
    assert plain == [True, True]
    assert heads.alike([0, 2], [text + b"0," for text in lead], b"false") == [True, True]
    assert heads.text(2) == b"1.3"
    tables.rewrite("tasks", [(starts[0], ends[0], b"10"), (starts[1], ends[1], b"30")])
    assert tables.rewritten("tasks") and tables.changes("tasks") == set()
    heads.document(1)  # found as `lookup` finds it, then patched: spliced in beside them
    tables.patch("tasks", {"2": {"order": 20}})
    tables.append("tasks", {"5": {"plan": 2024, "id": "1.5", "archived": False}})
    assert tables.changes("tasks") == {"2", "5"} and tables.next_key("tasks") == 6
    raw = tables.serialize()
    expected = json.loads(json.dumps(tasks))
    for key, order in (("1", 10), ("2", 20), ("3", 30)):
        expected[key]["order"] = order
    expected["5"] = {"plan": 2024, "id": "1.5", "archived": False}
    assert json.loads(raw)["tasks"] == expected
    saved = Tables(raw)
    saved.verify()
    assert saved.original_crc("tasks") is not None  # its checksum is right
    read = Tables(_table_file(tasks))
    read.verify()
    read.rewrite("tasks", [(starts[0], ends[0], b"10")])
    assert read["tasks"]["1"]["order"] == 10  # parsed as rewritten
    assert read.changes("tasks") is None  # and written whole


def test_a_value_rewritten_in_a_patched_document_is_refused_on_saving() -> None:
    tables = Tables(_table_file(_tasks_file(2, order=0)))
    tables.verify()
    heads = tables.heads("tasks", ("plan", "id"), "archived")
    assert heads is not None
    lead = b'{"plan":2024,"id":"1.1","title":"' + "任务1".encode() + b'","order":'
    starts, ends, plain = heads.numbers_after([0, 0], [len(lead), 2])
    assert plain == [True, False]  # at 2, a text is there: `plan":2024`
    heads.document(0)
    tables.patch("tasks", {"1": {"order": 5}})
    tables.rewrite("tasks", [(starts[0], ends[0], b"7")])
    with pytest.raises(LayoutError):
        tables.serialize()
