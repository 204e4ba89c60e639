"""The store's file layout: tables parsed lazily, written back intact, damage found."""

from __future__ import annotations

import json
import zlib

import pytest

from lianta_cli.segments import LayoutError, Tables, split_tables

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
