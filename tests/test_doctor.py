"""`lianta doctor`: what it finds in a store, its history and its backups, and `--restore`."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers_robust import assert_one_line_error, call_cli, content

from lianta_cli.doctor import check_data
from lianta_cli.lock import store_lock
from lianta_cli.store import backup_paths

ROOT = Path(__file__).resolve().parent.parent
PLAN_2024 = ROOT / "plans" / "2024.yaml"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "LIANTA_DB": str(tmp_path / "store.json"),
        "LIANTA_NOW": "2024-03-08T17:00:00",
        "LIANTA_USER": "tester",
        "LIANTA_LANG": "en",
    }


def _store(env: dict[str, str]) -> Path:
    return Path(env["LIANTA_DB"])


def _session(env: dict[str, str], tmp_path: Path) -> None:
    """A coordinator's week: every kind of change, undo, and a plan edit that renames, drops and
    brings back tasks."""
    edited = tmp_path / "edited.yaml"
    text = PLAN_2024.read_text(encoding="utf-8")
    renamed = text.replace("推动打造行业产业园区", "推动打造行业产业园区(修订)")
    dropped_at = renamed.index('      - id: "1.5"')
    dropped_end = renamed.index("\n  - number: 2")
    edited.write_text(renamed[:dropped_at] + renamed[dropped_end:], encoding="utf-8")
    steps = [
        ["load"],  # LIANTA_DB names the store: `load` makes it
        ["assign", "1.1", "1.2", "--to", "王芳", "--unit", "经济服务办"],
        ["update", "1.1", "--progress", "40", "--note", "摸底完成"],
        ["update", "1.2", "--status", "blocked", "--note", "等待选址"],
        ["undo"],
        ["done", "1.1", "--note", "完成"],
        ["update", "1.1", "--progress", "90"],
        ["update", "2.3", "--due", "2024-06-30"],
        ["note", "3.4", "已联系"],
        ["undo"],
        ["unassign", "1.2"],
        ["load", str(edited)],
        ["load"],
        ["update", "1.5", "--progress", "10"],
    ]
    for args in steps:
        code, _out, err = call_cli(args, env)
        assert code == 0, (args, err)


def _edit(store: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(store.read_bytes())
    change(data)
    store.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _task(data: dict[str, Any], task_id: str) -> dict[str, Any]:
    return next(doc for doc in data["tasks"].values() if doc["id"] == task_id)


def test_a_store_after_every_kind_of_change_is_healthy(env: dict[str, str], tmp_path: Path) -> None:
    _session(env, tmp_path)
    code, out, _err = call_cli(["doctor"], env)
    assert code == 0, out
    assert out.splitlines()[0].startswith(f"store {_store(env)}: healthy (change 14, 40 tasks")
    for backup in backup_paths(_store(env)):
        assert f"backup {backup}: good" in out
    code, out, _err = call_cli(["doctor", "--format", "json"], env)
    report = json.loads(out)
    assert code == 0 and report["healthy"] and report["problems"] == []
    assert [b["good"] for b in report["backups"]] == [True, True, True]
    assert report["last_change"] == 14 and report["tasks"] == 40


def test_no_store_yet_is_healthy_and_doctor_creates_nothing(env: dict[str, str]) -> None:
    code, out, _err = call_cli(["doctor"], env)
    assert code == 0
    assert "none yet" in out
    assert not _store(env).parent.joinpath("store.json.lock").exists()
    assert list(_store(env).parent.iterdir()) == []


def test_doctor_only_reads(env: dict[str, str], tmp_path: Path) -> None:
    _session(env, tmp_path)
    files = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    with store_lock(_store(env), timeout=0):  # a writer holding the lock does not stop a check
        assert call_cli(["doctor"], env)[0] == 0
    assert {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == files


PROBLEMS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "progress edited by hand",
        lambda d: _task(d, "1.1").update(progress=60),
        "task 1.1 (2024): progress is 60 but its history ends at 90",
    ),
    (
        "assignee edited by hand",
        lambda d: _task(d, "1.1").update(assignee="李明"),
        'task 1.1 (2024): assignee is "李明" but its history ends at "王芳"',
    ),
    (
        "an event deleted",
        lambda d: d["history"].pop(
            next(
                k
                for k, e in d["history"].items()
                if e["task"] == "1.1" and e["field"] == "progress" and e["new"] == 40
            )
        ),
        "changes progress from 40 but it was 0",
    ),
    (
        "a note deleted",
        lambda d: _task(d, "1.1")["notes"].pop(),
        'task 1.1 (2024): a note its history added is gone: "完成"',
    ),
    (
        "a task id twice",
        lambda d: d["tasks"].update({"999": {**_task(d, "3.4")}}),
        "task 3.4 (2024): the id is used twice in its plan",
    ),
    (
        "a status that does not exist",
        lambda d: _task(d, "2.1").update(status="finished"),
        "task 2.1 (2024): status 'finished' is not one of todo, in_progress, blocked, done",
    ),
    (
        "progress above 100",
        lambda d: _task(d, "2.1").update(progress=150),
        "progress 150 is not within 0-100",
    ),
    (
        "done at 50 %",
        lambda d: _task(d, "2.2").update(status="done", progress=50),
        "task 2.2 (2024): status done with progress 50",
    ),
    (
        "a due date that is no date",
        lambda d: _task(d, "2.3").update(due="end of June"),
        "task 2.3 (2024): due 'end of June' is not a date",
    ),
    (
        "a task of a plan not in the store",
        lambda d: _task(d, "2.4").update(plan=2023),
        "task 2.4 (2023): its plan is not in the store",
    ),
    (
        "an event of a task not in the store",
        lambda d: d["history"].update(
            {"9999": {**next(iter(d["history"].values())), "task": "9.9", "field": "status"}}
        ),
        "history event 9999: task 9.9 is not in the 2024 plan",
    ),
    (
        "an event without its change number",
        lambda d: next(iter(d["history"].values())).pop("change"),
        "history event 1: no change",
    ),
    (
        "the last change number behind the history",
        lambda d: d["meta"]["1"].update(last_change=3),
        "meta: last_change is 3 but the history has change 14",
    ),
    ("a table lianta does not know", lambda d: d.update(people={}), "unknown table 'people'"),
    (
        "another schema",
        lambda d: d["meta"]["1"].update(schema=2),
        "schema 2, expected 1",
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"), [p[1:] for p in PROBLEMS], ids=[p[0] for p in PROBLEMS]
)
def test_each_problem_is_one_line(
    env: dict[str, str],
    tmp_path: Path,
    edit: Callable[[dict[str, Any]], None],
    expected: str,
) -> None:
    _session(env, tmp_path)
    store = _store(env)
    _edit(store, edit)
    damaged = store.read_bytes()
    code, out, _err = call_cli(["doctor"], env)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"store {store}: damaged (")
    problems = [line for line in lines if line.startswith("  problem: ")]
    assert problems and any(expected in line for line in problems), out
    count = len(problems)
    assert (f"({count} problems)" if count > 1 else "(1 problem)") in lines[0]
    assert f"run 'lianta doctor --db {store} --restore' to bring back {store}.1" in out
    code, out, _err = call_cli(["doctor", "--format", "json"], env)
    assert code == 1 and any(expected in p for p in json.loads(out)["problems"])
    assert store.read_bytes() == damaged


def test_every_problem_is_listed_not_just_the_first(env: dict[str, str], tmp_path: Path) -> None:
    _session(env, tmp_path)

    def several(data: dict[str, Any]) -> None:
        _task(data, "1.1").update(progress=60)
        _task(data, "2.1").update(status="finished")
        _task(data, "6.5").update(assignee="nobody")

    _edit(_store(env), several)
    problems = json.loads(call_cli(["doctor", "--format", "json"], env)[1])["problems"]
    assert len(problems) == 3, problems


def test_restore_brings_back_the_newest_good_generation(
    env: dict[str, str], tmp_path: Path
) -> None:
    _session(env, tmp_path)
    store = _store(env)
    first, second = backup_paths(store)[:2]
    first.write_bytes(first.read_bytes()[:100])  # generation 1 is damaged too
    first_damaged = first.read_bytes()
    wanted = second.read_bytes()
    _edit(store, lambda d: _task(d, "1.1").update(progress=60))
    damaged = store.read_bytes()
    code, out, _err = call_cli(["doctor"], env)
    assert code == 1
    assert f"backup {first}: damaged (the file is not valid JSON" in out
    assert f"--restore' to bring back {second}" in out
    code, out, _err = call_cli(["doctor", "--restore"], env)
    assert code == 0, out
    kept = store.with_name("store.json.damaged-20240308T170000")
    assert kept.read_bytes() == damaged
    assert store.read_bytes() == wanted
    assert f"restored {store} from {second} (change 12)" in out
    assert f"the damaged file is kept as {kept}" in out
    assert f"store {store}: healthy (change 12" in out
    assert first.read_bytes() == first_damaged and second.read_bytes() == wanted  # left alone
    assert call_cli(["note", "1.1", "works again"], env)[0] == 0
    assert call_cli(["doctor"], env)[0] == 0


def test_restore_twice_in_a_second_keeps_both_damaged_files(
    env: dict[str, str], tmp_path: Path
) -> None:
    _session(env, tmp_path)
    store = _store(env)
    for progress in (60, 70):
        _edit(store, lambda d, p=progress: _task(d, "1.1").update(progress=p))
        assert call_cli(["doctor", "--restore"], env)[0] == 0
    kept = sorted(p.name for p in tmp_path.glob("store.json.damaged-*"))
    assert kept == ["store.json.damaged-20240308T170000", "store.json.damaged-20240308T170000-2"]


def test_restore_on_a_healthy_store_changes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    _session(env, tmp_path)
    files = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    code, out, _err = call_cli(["doctor", "--restore"], env)
    assert code == 0
    assert "healthy" in out and "restored" not in out
    assert {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == files


def test_restore_without_a_good_backup_fails_and_changes_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    _session(env, tmp_path)
    store = _store(env)
    for path in (store, *backup_paths(store)):
        path.write_bytes(b"\0" * 64)
    files = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    code, out, _err = call_cli(["doctor", "--restore"], env)
    assert code == 1
    assert "cannot restore: no good backup to restore" in out
    assert {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == files


def test_restore_waits_for_the_lock(env: dict[str, str], tmp_path: Path) -> None:
    _session(env, tmp_path)
    store = _store(env)
    _edit(store, lambda d: _task(d, "1.1").update(progress=60))
    damaged = store.read_bytes()
    with store_lock(store, timeout=0):
        code, _out, err = call_cli(["doctor", "--restore"], {**env, "LIANTA_LOCK_TIMEOUT": "0.1"})
    assert code == 1
    assert_one_line_error(err, f"{store}.lock")
    assert store.read_bytes() == damaged


def test_leftover_temporary_files_are_listed_but_harmless(
    env: dict[str, str], tmp_path: Path
) -> None:
    _session(env, tmp_path)
    (tmp_path / ".store.json.4242.tmp").write_bytes(b"{")
    code, out, _err = call_cli(["doctor"], env)
    assert code == 0
    assert f"leftover {tmp_path / '.store.json.4242.tmp'} from an interrupted save" in out


def test_replay_treats_undo_as_an_ordinary_event() -> None:
    """Undo events set a field back like any other event: a history that ends in an undo agrees
    with a task that is back where it started, and disagrees with one that is not."""
    plan = {"year": 2024, "start": "2024-01-01", "end": "2024-12-31", "indices": [{"number": 1}]}
    task = {
        "plan": 2024,
        "id": "1.1",
        "index": 1,
        "title": "t",
        "title_en": "t",
        "status": "todo",
        "progress": 0,
        "assignee": None,
        "unit": None,
        "due": None,
        "notes": [],
        "updated": "2024-03-01T09:00:00",
    }

    def event(change: int, field: str, old: Any, new: Any, action: str = "update") -> Any:
        return {
            "plan": 2024,
            "task": "1.1",
            "action": action,
            "field": field,
            "old": old,
            "new": new,
            "change": change,
            "at": "2024-03-01T09:00:00",
            "by": "t",
            **({"undo_of": change - 1} if action == "undo" else {}),
        }

    history = {
        "1": event(1, "status", "todo", "in_progress"),
        "2": event(1, "progress", 0, 30),
        "3": event(1, "note", None, "started"),
        "4": event(2, "note", "started", None, "undo"),
        "5": event(2, "progress", 30, 0, "undo"),
        "6": event(2, "status", "in_progress", "todo", "undo"),
    }
    data = {
        "meta": {"1": {"schema": 1, "last_change": 2}},
        "plans": {"1": plan},
        "tasks": {"1": task},
        "history": history,
    }
    assert check_data(data) == []
    task["assignee"] = "王芳"
    assert check_data(data) == ['task 1.1 (2024): assignee is "王芳" but its history ends at null']
    task["assignee"] = None
    del history["6"]
    assert check_data(data) == [
        'task 1.1 (2024): status is "todo" but its history ends at "in_progress"'
    ]


def test_a_damaged_store_restored_by_hand_works_as_before(
    env: dict[str, str], tmp_path: Path
) -> None:
    """What a coordinator does after a crash: the command fails naming doctor; doctor says what
    is wrong; --restore brings back the last good save; the work goes on."""
    _session(env, tmp_path)
    store = _store(env)
    good = content(store)
    store.write_bytes(store.read_bytes()[:-200])
    code, _out, err = call_cli(["list"], env)
    assert code == 1
    assert_one_line_error(err, str(store), f"lianta doctor --db {store}")
    assert call_cli(["doctor"], env)[0] == 1
    assert call_cli(["doctor", "--restore"], env)[0] == 0
    restored = content(store)
    assert restored["meta"]["1"]["last_change"] == good["meta"]["1"]["last_change"] - 1
    assert call_cli(["update", "1.5", "--progress", "10"], env)[0] == 0  # the lost command again
    assert content(store) == good


def test_the_first_save_after_a_restore_does_not_spend_a_generation_on_a_copy(
    env: dict[str, str], tmp_path: Path
) -> None:
    _session(env, tmp_path)
    store = _store(env)
    generations = [p.read_bytes() for p in backup_paths(store)]
    _edit(store, lambda d: _task(d, "1.1").update(progress=60))
    assert call_cli(["doctor", "--restore"], env)[0] == 0
    assert store.read_bytes() == generations[0]
    assert call_cli(["note", "1.1", "after the restore"], env)[0] == 0
    assert [p.read_bytes() for p in backup_paths(store)] == generations


def test_restore_in_a_read_only_folder_fails_in_one_line_and_changes_nothing(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _session(env, tmp_path)
    store = _store(env)
    _edit(store, lambda d: _task(d, "1.1").update(progress=60))
    files = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    real_link, real_open = os.link, os.open

    def read_only(real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if any(str(a).endswith(".tmp") or ".damaged-" in str(a) for a in args[:2]):
                raise OSError(errno.EROFS, os.strerror(errno.EROFS))
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(os, "link", read_only(real_link))
    monkeypatch.setattr(os, "open", read_only(real_open))
    code, _out, err = call_cli(["doctor", "--restore"], env)
    assert code == 1
    assert_one_line_error(err, str(store.parent), "nothing was changed")
    monkeypatch.undo()
    assert {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == files
