"""A reload of a plan compares the stored tasks in the store file's bytes (`segments.Heads`):
whatever the plan and the store hold, it must do exactly what the sync of the parsed table
does, to the byte."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import PLAN_2024, Run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianta_cli import aside, counts, segments, tracker
from lianta_cli.clock import Clock
from lianta_cli.models import Plan
from lianta_cli.plan import load_plan
from lianta_cli.store import open_store

CLOCK = Clock.from_env({"LIANTA_NOW": "2024-05-06T09:00:00"})
BASE: dict[str, Any] = yaml.safe_load(PLAN_2024.read_text(encoding="utf-8"))


def _write(path: Path, data: dict[str, Any]) -> Plan:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    plan, _warnings = load_plan(path)
    return plan


def _sync(
    path: Path, plan: Plan, *, parsed: bool, forked: bool = False
) -> tuple[dict[str, Any], bool]:
    """Sync `plan` into the store at `path`, and whether its tasks could be read in the file's
    bytes; with `parsed`, the tasks table is parsed first, so the sync reads it as a table;
    with `forked`, its tasks are swept by a child process (as for a large store)."""
    swept_aside = tracker.swept_aside(path) if forked else contextlib.nullcontext()
    with swept_aside as swept, open_store(path, write=True) as store:
        if parsed:
            store.raw("tasks")
        in_bytes = store.heads("tasks", ("plan", "id"), "archived") is not None
        result = tracker.sync_plan(store, plan, CLOCK, "tester", swept=swept)
    return result.as_dict(), in_bytes


def _tasks(data: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """(index position, task) for every task of a plan's data."""
    return [(n, task) for n, index in enumerate(data["indices"]) for task in index["tasks"]]


_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["title", "title_en", "due", "places", "drop", "insert", "swap", "quote"]),
        st.integers(min_value=0, max_value=10_000),
    ),
    max_size=4,
)
_STORE_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["progress", "note", "tricky note", "extra field", "other year"]),
        st.integers(min_value=0, max_value=10_000),
    ),
    max_size=3,
)


def _edit_plan(data: dict[str, Any], edits: list[tuple[str, int]]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    for kind, pick in edits:
        tasks = _tasks(data)
        where, task = tasks[pick % len(tasks)]
        index_tasks = data["indices"][where]["tasks"]
        if kind == "title":
            task["title"] = task["title"] + "(修订)"
        elif kind == "title_en":
            task["title_en"] = task["title_en"] + " (revised)"
        elif kind == "quote":
            task["title_en"] = 'the "quoted" \\ one'
        elif kind == "due":
            task["due"] = date(2024, 1 + pick % 12, 1 + pick % 28).isoformat()
        elif kind == "places":
            task["places"] = [*task.get("places", []), "莲塘口岸"]
        elif kind == "drop" and len(index_tasks) > 1:
            index_tasks.remove(task)
        elif kind == "insert":
            number = data["indices"][where]["number"]
            last = max(int(other["id"].split(".")[1]) for other in index_tasks)
            index_tasks.insert(
                pick % (len(index_tasks) + 1),
                {
                    "id": f"{number}.{last + 1}",
                    "title": "新增任务",
                    "title_en": "A new task",
                    "source": "新增任务",
                },
            )
        elif kind == "swap" and len(index_tasks) > 1:
            index_tasks[0], index_tasks[-1] = index_tasks[-1], index_tasks[0]
    return data


def _edit_store(path: Path, edits: list[tuple[str, int]], folder: Path) -> None:
    ids = [task["id"] for _where, task in _tasks(BASE)]
    for kind, pick in edits:
        task_id = ids[pick % len(ids)]
        with open_store(path, write=True) as store:
            if kind == "progress":
                tracker.update(store, 2024, [task_id], CLOCK, "tester", progress=pick % 100)
            elif kind == "note":
                tracker.add_note(store, 2024, task_id, "一条备注", CLOCK, "tester")
            elif kind == "tricky note":  # what a document's start looks like, in a text
                text = f'x":{{"plan":2024,"id":"{task_id}","index":1, \\":{{'
                tracker.add_note(store, 2024, task_id, text, CLOCK, "tester")
            elif kind == "extra field":  # a field after "archived", as a later lianta might add
                hit = store.lookup("tasks", {"plan": 2024, "id": task_id})
                assert hit is not None
                store.patch("tasks", {hit[0]: {"zz": 1}})
        if kind == "other year":
            other = copy.deepcopy(BASE)
            other["plan"]["year"] = 2025
            other["plan"]["start"], other["plan"]["end"] = "2025-01-01", "2025-12-31"
            for _where, task in _tasks(other):
                task.pop("due", None)
            plan = _write(folder / "2025.yaml", other)
            _sync(path, plan, parsed=True)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=_EDITS, store_edits=_STORE_EDITS, second=_EDITS, forked=st.booleans())
def test_a_reload_in_the_bytes_does_what_the_parsed_sync_does(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    first: list[tuple[str, int]],
    store_edits: list[tuple[str, int]],
    second: list[tuple[str, int]],
    forked: bool,
) -> None:
    """`forked`: the store's tasks swept and the plan's leads made by child processes, as for
    a large plan and store."""
    forked = forked and aside.can_fork()
    monkeypatch.setattr(tracker, "_LEADS_ASIDE", 1 if forked else 10**9)
    monkeypatch.setattr(tracker, "_SWEPT_ASIDE", 0)
    folder = tmp_path_factory.mktemp("reload")
    store = folder / "store.json"
    _sync(store, _write(folder / "base.yaml", BASE), parsed=True)
    _edit_store(store, store_edits, folder)
    data = BASE
    for step, edits in enumerate([first, second, []]):  # the last: the same plan again
        data = _edit_plan(data, edits)
        plan = _write(folder / f"plan-{step}.yaml", data)
        shutil.copy(store, folder / "parsed.json")
        in_bytes, read_in_bytes = _sync(store, plan, parsed=False, forked=forked)
        parsed, _ = _sync(folder / "parsed.json", plan, parsed=True)
        assert in_bytes == parsed
        # only a field after the last one lianta writes keeps the bytes from being read
        assert read_in_bytes == all(kind != "extra field" for kind, _pick in store_edits)
        assert store.read_bytes() == (folder / "parsed.json").read_bytes()


def test_a_reload_of_the_same_plan_compares_in_the_bytes_and_writes_nothing(
    run: Run, store_path: Path
) -> None:
    assert run("load").exit_code == 0
    assert run("update", "1.2", "--progress", "30", "--note", 'a "quoted" \\ note').exit_code == 0
    before = store_path.read_bytes()
    with open_store(store_path, write=False) as store:
        heads = store.heads("tasks", ("plan", "id"), "archived")
        assert heads is not None and heads.count(2024) == 40
        plan, _warnings = load_plan(PLAN_2024)
        existing, alike, moved = tracker._stored_tasks(store, plan)
        assert (existing, len(alike), moved.ids) == ({}, 40, set())
        assert not store.storage.data.is_parsed("tasks")
    result = run("load")
    assert result.exit_code == 0 and "unchanged 40" in result.stdout
    assert store_path.read_bytes() == before


def test_many_changes_are_counted_again_as_a_whole(
    run: Run, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("load").exit_code == 0
    ids = [f"1.{n}" for n in range(1, 6)]
    with open_store(store_path, write=True) as store:
        monkeypatch.setattr("lianta_cli.store.RECOUNT_CHANGES", 2)
        tracker.update(store, 2024, ids, CLOCK, "tester", status="done")
    monkeypatch.undo()
    with open_store(store_path, write=False) as store:
        saved = store.raw(counts.TABLE)["1"]["plans"]
        assert saved == counts.canonical(counts.count(store.raw("tasks").values()))
        assert saved["2024"]["1"]["done"] >= 5


def test_many_ids_at_once_are_found_in_the_parsed_table(run: Run) -> None:
    ids = [task["id"] for _where, task in _tasks(BASE)][: tracker._LOOKUPS + 4]
    result = run("done", *ids, "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = run("list", "--status", "done", "--format", "json", "--limit", "0").json()
    assert sorted(row["id"] for row in rows) == sorted(ids)
    assert run("done", *ids[:-1], "9.99").exit_code == 2  # one unknown: none changed


@pytest.mark.parametrize("edits", [[("swap", 3)], [("drop", 0), ("title", 7)], []])
def test_a_plan_that_differs_in_many_tasks_is_compared_in_the_parsed_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edits: list[tuple[str, int]]
) -> None:
    store = tmp_path / "store.json"
    _sync(store, _write(tmp_path / "base.yaml", BASE), parsed=True)
    _edit_store(store, [("progress", 5), ("tricky note", 9)], tmp_path)
    plan = _write(tmp_path / "edited.yaml", _edit_plan(BASE, edits))
    shutil.copy(store, tmp_path / "parsed.json")
    monkeypatch.setattr(tracker, "_PARSED_ONE_BY_ONE", 0)  # any task that differs is too many
    in_bytes, read_in_bytes = _sync(store, plan, parsed=False)
    assert read_in_bytes
    assert in_bytes == _sync(tmp_path / "parsed.json", plan, parsed=True)[0]
    assert store.read_bytes() == (tmp_path / "parsed.json").read_bytes()


@pytest.mark.parametrize("forked", [False, True])
@pytest.mark.parametrize("edit", ["insert", "drop"])
def test_tasks_moved_by_a_task_added_or_removed_are_renumbered_in_the_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str, forked: bool
) -> None:
    """A task added or removed near the top moves every task after it: their order is
    rewritten in the store file's bytes, each task left unparsed. `forked`: the plan's leads
    made by a child process, as for a large plan (and not made here)."""
    if forked and not aside.can_fork():
        pytest.skip("no fork or one processor")
    monkeypatch.setattr(tracker, "_LEADS_ASIDE", 1 if forked else 10**9)
    monkeypatch.setattr(tracker, "_SWEPT_ASIDE", 0 if forked else 10**12)
    scans: list[int] = []  # the sweeps made by this process (a child's are its own)
    sweep = segments.scan_heads
    monkeypatch.setattr(
        segments, "scan_heads", lambda *args: scans.append(os.getpid()) or sweep(*args)
    )
    leads_here: list[int | None] = []  # where the leads made by this process stop
    lead = tracker._leads
    monkeypatch.setattr(
        tracker,
        "_leads",
        lambda plan, first=0, stop=None: leads_here.append(stop) or lead(plan, first, stop),
    )
    store = tmp_path / "store.json"
    _sync(store, _write(tmp_path / "base.yaml", BASE), parsed=True)
    plan = _write(tmp_path / "edited.yaml", _edit_plan(BASE, [(edit, 0)]))
    shutil.copy(store, tmp_path / "parsed.json")
    with tracker.swept_aside(store) as swept, open_store(store, write=True) as opened:
        existing, alike, moved = tracker._stored_tasks(opened, plan, swept)
        assert (len(moved.ids), len(alike), len(existing)) == (
            (40, 0, 0) if edit == "insert" else (39, 0, 1)
        )
        result = tracker.sync_plan(opened, plan, CLOCK, "tester", swept=swept)
        assert not opened.storage.data.is_parsed("tasks")
        assert len(scans) == (0 if forked else 2)
        share = len(plan.tasks) * 11 // 20  # made here
        assert leads_here == ([share, share] if forked else [None, None])  # a share, or all
    assert result.as_dict() == _sync(tmp_path / "parsed.json", plan, parsed=True)[0]
    assert store.read_bytes() == (tmp_path / "parsed.json").read_bytes()
    with open_store(store, write=False) as opened:
        stored = sorted(opened.raw("tasks").values(), key=lambda doc: doc["order"])
        assert [doc["id"] for doc in stored if not doc["archived"]] == [t.id for t in plan.tasks]
        assert opened.counts(2024) is not None  # the counts still hold for the tasks saved


def test_a_store_saved_after_the_sweep_is_swept_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tasks a child process swept are taken only from the same bytes: a save between
    the sweep and the load (the tasks' span kept, their checksum not) is swept again."""
    if not aside.can_fork():
        pytest.skip("no fork or one processor")
    monkeypatch.setattr(tracker, "_SWEPT_ASIDE", 0)
    store = tmp_path / "store.json"
    _sync(store, _write(tmp_path / "base.yaml", BASE), parsed=True)
    plan = _write(tmp_path / "edited.yaml", _edit_plan(BASE, [("title", 3)]))
    with tracker.swept_aside(store) as swept:
        assert swept() is not None
        with open_store(store, write=True) as other:  # another command, meanwhile
            other.patch("tasks", {5: {"progress": 7}})  # was 0: as long as before
        shutil.copy(store, tmp_path / "parsed.json")
        with open_store(store, write=True) as opened:
            packed = swept()
            assert packed is not None
            found = opened.storage.data.unparsed("tasks")
            assert found is not None
            assert list(found[1]) == json.loads(packed.split(b"\n")[0])["span"]
            assert opened.heads(*tracker._HEADS, packed) is None
            result = tracker.sync_plan(opened, plan, CLOCK, "tester", swept=swept)
    assert result.as_dict() == _sync(tmp_path / "parsed.json", plan, parsed=True)[0]
    assert store.read_bytes() == (tmp_path / "parsed.json").read_bytes()
    with open_store(store, write=False) as opened:
        assert opened.raw("tasks")["5"]["progress"] == 7


@pytest.mark.parametrize("edits", [[("title", 3)], [("insert", 0)], [("drop", 5)], []])
def test_load_with_its_work_aside_says_and_saves_what_load_does(
    run: Run, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edits: Any
) -> None:
    """`lianta load` of a large plan into a large store sweeps the store and makes the plan's
    leads in child processes: what it says and saves is what it does without them."""
    if not aside.can_fork():
        pytest.skip("no fork or one processor")
    monkeypatch.setenv("LIANTA_NOW", "2024-05-06T09:00:00")
    plan = tmp_path / "edited.yaml"
    _write(plan, _edit_plan(BASE, edits))
    assert run("load").exit_code == 0
    shutil.copy(store_path, tmp_path / "alone.json")
    alone = run("load", str(plan), "--db", str(tmp_path / "alone.json"), "--format", "json")
    monkeypatch.setattr(tracker, "_SWEPT_ASIDE", 0)
    monkeypatch.setattr(tracker, "_LEADS_ASIDE", 1)
    forks = []
    fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or fork())
    aside_ = run("load", str(plan), "--format", "json")
    assert len(forks) == 2
    assert (aside_.exit_code, aside_.stdout, aside_.stderr) == (0, alone.stdout, alone.stderr)
    assert store_path.read_bytes() == (tmp_path / "alone.json").read_bytes()


def test_load_with_no_child_processes_to_be_had_does_its_work_here(
    run: Run, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fork refused (too many processes, say): `load` does the work itself, the same."""
    monkeypatch.setenv("LIANTA_NOW", "2024-05-06T09:00:00")
    plan = tmp_path / "edited.yaml"
    _write(plan, _edit_plan(BASE, [("insert", 0), ("title", 9)]))
    assert run("load").exit_code == 0
    shutil.copy(store_path, tmp_path / "alone.json")
    alone = run("load", str(plan), "--db", str(tmp_path / "alone.json"), "--format", "json")
    monkeypatch.setattr(tracker, "_SWEPT_ASIDE", 0)
    monkeypatch.setattr(tracker, "_LEADS_ASIDE", 1)
    monkeypatch.setattr(aside, "can_fork", lambda: True)

    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    here = run("load", str(plan), "--format", "json")
    assert (here.exit_code, here.stdout, here.stderr) == (0, alone.stdout, alone.stderr)
    assert store_path.read_bytes() == (tmp_path / "alone.json").read_bytes()
