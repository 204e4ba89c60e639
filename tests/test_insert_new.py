"""`Store.insert_new` (documents handed over to the store, as a load adds its tasks) against
TinyDB's `insert_multiple`: the same ids, the same table, the same bytes saved."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from lianta_cli.store import open_store

DOCS = [
    {
        "plan": 2024,
        "id": f"1.{n}",
        "index": 1,
        "title": f"任务{n}",
        "title_en": f"Task {n}",
        "status": "todo",
        "progress": 0,
        "assignee": None,
        "unit": None,
        "due": None,
        "notes": [],
        "updated": "2024-01-02T09:00:00",
    }
    for n in range(1, 6)
]


def saved(path: Path, docs: list[dict[str, Any]], *, direct: bool, first: int = 0) -> bytes:
    with open_store(path, write=True) as store:
        store.table("plans").insert({"year": 2024, "end": "2024-12-31", "indices": []})
        if first:
            store.table("tasks").insert_multiple(copy.deepcopy(DOCS[:first]))
        if direct:
            store.insert_new("tasks", docs)
        else:
            store.table("tasks").insert_multiple(docs)
        table = dict(store.raw("tasks"))
    assert list(table) == [str(n) for n in range(1, first + len(docs) + 1)]
    return path.read_bytes()


@pytest.mark.parametrize("first", [0, 2])
def test_insert_new_saves_what_tinydb_saves(tmp_path: Path, first: int) -> None:
    docs = copy.deepcopy(DOCS[first:])
    handed = saved(tmp_path / "a.json", docs, direct=True, first=first)
    copied = saved(tmp_path / "b.json", copy.deepcopy(DOCS[first:]), direct=False, first=first)
    assert handed == copied


def test_insert_new_keeps_the_documents_themselves(tmp_path: Path) -> None:
    docs = copy.deepcopy(DOCS)
    with open_store(tmp_path / "s.json", write=True) as store:
        store.insert_new("tasks", docs)
        assert all(a is b for a, b in zip(store.raw("tasks").values(), docs, strict=True))
        assert store.dirty


def test_insert_new_into_a_table_kept_as_read_saves_what_tinydb_saves(tmp_path: Path) -> None:
    """Added after a table read from the file, documents go after it unparsed, with the ids
    TinyDB would give them: one more than the highest, wherever in the table that is."""
    first = {str(key): copy.deepcopy(DOCS[n]) for n, key in enumerate([3, 12, 7])}
    results = []
    for direct in (True, False):
        path = tmp_path / f"{direct}.json"
        with open_store(path, write=True) as store:
            store.table("plans").insert({"year": 2024, "end": "2024-12-31", "indices": []})
            store.storage.data["tasks"] = copy.deepcopy(first)
        with open_store(path, write=True) as store:
            docs = copy.deepcopy(DOCS[3:])
            if direct:
                store.insert_new("tasks", docs)
                assert not store.storage.data.is_parsed("tasks")
            else:
                store.table("tasks").insert_multiple(docs)
        with open_store(path, write=False) as store:
            assert list(store.raw("tasks")) == ["3", "12", "7", "13", "14"]
        results.append(path.read_bytes())
    assert results[0] == results[1]
