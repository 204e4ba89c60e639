"""Nothing is lost: concurrent writers, SIGKILL during saves, a full disk, a read-only folder,
damaged store files, and arbitrary command-line values."""

from __future__ import annotations

import contextlib
import errno
import json
import multiprocessing
import os
import random
import shutil
import signal
import stat
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer
from helpers_robust import LIANTA as LIANTA_SCRIPT
from helpers_robust import (
    assert_one_line_error,
    build_store,
    call_cli,
    content,
    content_of,
    fork_cli,
    run_lianta,
    temporaries,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianta_cli import tracker
from lianta_cli.cli import app
from lianta_cli.clock import Clock
from lianta_cli.doctor import check_data
from lianta_cli.lock import store_lock
from lianta_cli.models import PlanKey
from lianta_cli.store import FileStore, backup_paths, read_file
from lianta_cli.tracker import TABLES

ROOT = Path(__file__).resolve().parent.parent
PLAN_2024 = ROOT / "plans" / "2024.yaml"
SHARED_TASKS = ("1.1", "2.3", "3.4", "5.2", "6.5")


def _env(store: Path, **extra: str) -> dict[str, str]:
    return {"LIANTA_DB": str(store), "LIANTA_USER": "tester", "LIANTA_LANG": "en", **extra}


def _files(store: Path) -> dict[str, bytes]:
    """Every file beside the store that lianta keeps: the store and its backups."""
    return {p.name: p.read_bytes() for p in [store, *backup_paths(store)] if p.exists()}


# ---------------------------------------------------------------- concurrent writers

WORKERS, UPDATES = 8, 50


def _worker(job: tuple[int, str]) -> list[tuple[int, str]]:
    number, data_home = job
    env = {"XDG_DATA_HOME": data_home, "LIANTA_USER": f"w{number}", "LIANTA_LOCK_TIMEOUT": "300"}
    results = []
    for step in range(UPDATES):
        task = SHARED_TASKS[(number + step) % len(SHARED_TASKS)]
        progress = 1 + (number * UPDATES + step) % 99
        args = ["update", task, "--progress", str(progress), "--note", f"w{number}-{step:02d}"]
        code, _out, err = call_cli(args, env)
        results.append((code, err))
    return results


def test_eight_processes_fifty_updates_each_lose_nothing(
    tmp_path: Path, record_property: Callable[[str, Any], None]
) -> None:
    # the default store, none yet: the workers also race to load the bundled plan
    store = tmp_path / "lianta" / "lianta.json"
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        outcomes = pool.map(_worker, [(n, str(tmp_path)) for n in range(WORKERS)])
    elapsed = time.perf_counter() - started
    record_property("concurrent_seconds", round(elapsed, 2))
    print(f"\n{WORKERS} processes x {UPDATES} updates: {elapsed:.2f} s")
    failures = [err for results in outcomes for code, err in results if code != 0]
    assert not failures, failures[:3]

    data = content(store)
    events = sorted(((int(k), e) for k, e in data["history"].items()), key=lambda item: item[0])
    loads = [e for _seq, e in events if e["action"] == "load" and e["field"] == "plan"]
    assert len(loads) == 1, "the bundled plan was loaded more than once"
    notes = [(seq, e) for seq, e in events if e["field"] == "note"]
    texts = [e["new"] for _seq, e in notes]
    assert len(texts) == WORKERS * UPDATES == len(set(texts))
    note_changes = [e["change"] for _seq, e in notes]
    assert len(set(note_changes)) == WORKERS * UPDATES, "two updates were recorded as one change"
    changes = sorted({e["change"] for _seq, e in events})
    assert changes == list(range(1, WORKERS * UPDATES + 2))
    assert data["meta"]["1"]["last_change"] == WORKERS * UPDATES + 1
    for number in range(WORKERS):  # each worker's updates landed in the order it made them
        own = [t for t in texts if t.startswith(f"w{number}-")]
        assert own == sorted(own) and len(own) == UPDATES
    tasks = {doc["id"]: doc for doc in data["tasks"].values()}
    for task_id in SHARED_TASKS:
        recorded = [e["new"] for _seq, e in notes if e["task"] == task_id]
        assert [n["text"] for n in tasks[task_id]["notes"]] == recorded
        progress = [
            e["new"] for _seq, e in events if e["task"] == task_id and e["field"] == "progress"
        ]
        assert tasks[task_id]["progress"] == progress[-1]
    assert check_data(json.loads(store.read_bytes())) == []


def test_real_processes_at_once(tmp_path: Path) -> None:
    """The installed console script, started five times at once on the same store."""
    store = tmp_path / "store.json"
    build_store(store)
    env = _env(store, LIANTA_LOCK_TIMEOUT="120")
    procs = [
        subprocess.Popen(
            [str(Path(sys.executable).with_name("lianta")), "note", task, f"p-{task}"],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for task in SHARED_TASKS
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * len(procs), errors
    data = content(store)
    texts = {e["new"] for e in data["history"].values() if e["field"] == "note"}
    assert texts == {f"p-{task}" for task in SHARED_TASKS}
    assert check_data(json.loads(store.read_bytes())) == []


def test_a_held_lock_makes_a_writer_wait_then_fail_naming_the_lock(tmp_path: Path) -> None:
    store = tmp_path / "store.json"
    build_store(store)
    before = _files(store)
    with store_lock(store, timeout=0):
        code, _out, err = call_cli(
            ["update", "1.1", "--progress", "5"], _env(store, LIANTA_LOCK_TIMEOUT="0.2")
        )
        reader = call_cli(["list", "--format", "json"], _env(store))
    assert code == 1
    assert_one_line_error(err, f"{store}.lock", "LIANTA_LOCK_TIMEOUT")
    assert reader[0] == 0 and len(json.loads(reader[1])) == 40  # readers take no lock
    assert _files(store) == before


def test_a_bad_lock_timeout_is_bad_input(tmp_path: Path) -> None:
    store = tmp_path / "store.json"
    build_store(store)
    code, _out, err = call_cli(["note", "1.1", "x"], _env(store, LIANTA_LOCK_TIMEOUT="soon"))
    assert code == 2
    assert_one_line_error(err, "LIANTA_LOCK_TIMEOUT")


# ---------------------------------------------------------------- SIGKILL during saves

KILLS = 100


def _wait_for_save(store: Path, pid: int) -> int | None:
    """Wait until the child `pid` starts writing its temporary file: None, or the child's wait
    status if it ended first (it has been reaped then)."""
    tmp = store.with_name(f".{store.name}.{pid}.tmp")
    while not tmp.exists():
        ended, status = os.waitpid(pid, os.WNOHANG)
        if ended:
            return status
        time.sleep(0.0005)
    return None


def test_sigkill_at_random_moments_leaves_the_store_before_or_after(
    tmp_path: Path, record_property: Callable[[str, Any], None]
) -> None:
    """Half the kills land at a random moment of the whole command, half at a random moment
    after its save began (its temporary file appeared), so the write, the fsync, the backup
    rotation and the rename are all hit. After each, the store must be the one before the
    command or the one after it, nothing in between."""
    store = tmp_path / "store.json"
    build_store(store, notes=30, note_size=1900)  # about 0.4 MB, so a save takes a while
    env = _env(store, LIANTA_NOW="2024-03-05T10:00:00", LIANTA_LOCK_TIMEOUT="60")
    clock = Clock.from_env(env)

    def expected_after(before: bytes, task: str, text: str) -> dict[str, Any]:
        snapshot = FileStore(store, json.loads(before))
        tracker.add_note(snapshot, PlanKey("", 2024), task, text, clock, env["LIANTA_USER"])
        return {name: snapshot.storage.data.get(name, {}) for name in TABLES}

    whole, saving = [], []
    for number in range(5):
        started = time.perf_counter()
        pid = fork_cli(["note", "1.1", f"calibrate-{number}"], env)
        assert _wait_for_save(store, pid) is None
        began = time.perf_counter()
        assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
        whole.append(time.perf_counter() - started)
        saving.append(time.perf_counter() - began)
    rng = random.Random(20240308)
    tally: Counter[str] = Counter()
    attempt = 0
    before = content(store)
    while tally["killed"] < KILLS and attempt < KILLS * 4:
        attempt += 1
        before_bytes = store.read_bytes()
        task, text = SHARED_TASKS[attempt % len(SHARED_TASKS)], f"kill-{attempt}"
        started = began = time.perf_counter()
        pid = fork_cli(["note", task, text], env)
        moment = "anywhere" if attempt % 2 else "in the save"
        status = aimed = None
        # the recent medians: a busy machine's speed drifts, and a kill aimed by a stale
        # figure lands after the command has ended
        if moment == "anywhere":
            time.sleep(rng.uniform(0, statistics.median(whole[-9:])))
        else:
            status = aimed = _wait_for_save(store, pid)
            began = time.perf_counter()
            if status is None:
                time.sleep(rng.uniform(0, statistics.median(saving[-9:]) * 0.7))
        if status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            status = os.waitpid(pid, 0)[1]
        killed = os.WIFSIGNALED(status)
        if not killed:
            assert os.waitstatus_to_exitcode(status) == 0, "a command failed after a kill"
            if moment == "anywhere":
                whole.append(time.perf_counter() - started)
            elif aimed is None:  # its save was seen beginning
                saving.append(time.perf_counter() - began)
        read_file(store)  # lianta itself accepts the file
        now = content(store)
        if now == before:
            landed = "before"
        else:
            assert now == expected_after(before_bytes, task, text), f"attempt {attempt}: mixed"
            landed = "after"
        before = now
        if temporaries(store):
            tally["left a temporary file"] += 1
        tally["killed" if killed else "finished"] += 1
        tally[f"{'killed ' + moment if killed else 'finished'}, {landed}"] += 1
    record_property("sigkill", dict(tally))
    print(
        f"\nSIGKILL: {attempt} attempts, command {statistics.median(whole) * 1000:.0f} ms, "
        f"save {statistics.median(saving) * 1000:.0f} ms: {dict(tally)}"
    )
    assert tally["killed"] >= KILLS
    assert tally["killed in the save, before"] and tally["killed in the save, after"], tally
    assert tally["left a temporary file"], "no kill landed while a save was being written"
    for backup in backup_paths(store):
        read_file(backup)
    code, _out, err = call_cli(["note", "1.1", "after the kills"], env)
    assert code == 0, err
    assert temporaries(store) == []  # the next save removed what the killed ones left
    code, out, _err = call_cli(["doctor"], env)
    assert code == 0, out


def test_stale_temporaries_do_not_break_commands_and_go_at_the_next_save(tmp_path: Path) -> None:
    store = tmp_path / "store.json"
    build_store(store)
    stale = [tmp_path / ".store.json.999999.tmp", tmp_path / f".store.json.{os.getpid()}.tmp"]
    for path in stale:
        path.write_bytes(b'{"half a')
    other = tmp_path / ".store.json.notes.tmp"  # not lianta's: left alone
    other.write_text("keep")
    assert call_cli(["list"], _env(store))[0] == 0
    code, out, _err = call_cli(["doctor"], _env(store))
    assert code == 0 and "999999.tmp" in out
    assert call_cli(["note", "1.1", "x"], _env(store))[0] == 0
    assert temporaries(store) == [other]


# ---------------------------------------------------------------- full disk, read-only folder


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    store = tmp_path / "store.json"
    build_store(store, notes=3, note_size=10)
    return store


def _refused_write(store: Path, *needles: str) -> None:
    before = _files(store)
    for args in (
        ["update", "1.1", "--progress", "30"],
        ["note", "2.1", "满了"],
        ["undo", "--anyone"],
    ):
        code, _out, err = call_cli(args, _env(store))
        assert code == 1, (args, err)
        assert_one_line_error(err, str(store.parent), *needles)
        assert _files(store) == before
        assert temporaries(store) == []


def test_a_full_disk_mid_write_leaves_the_old_store(
    small_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write
    written: Counter[int] = Counter()

    def full_disk(fd: int, data: Any) -> int:
        if not os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp"):
            return real_write(fd, data)
        if written[fd] >= 4096:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        count = real_write(fd, bytes(data[:4096]))
        written[fd] += count
        return count

    monkeypatch.setattr(os, "write", full_disk)
    monkeypatch.setattr(os, "writev", lambda fd, pieces: full_disk(fd, b"".join(pieces)))
    _refused_write(small_store, "no space left on the disk", "nothing was changed")


def test_short_writes_still_save_the_whole_store(
    small_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    twin = tmp_path / "twin" / "store.json"
    twin.parent.mkdir()
    shutil.copy(small_store, twin)
    args = ["update", "1.1", "--progress", "40", "--note", "写了一半"]
    env = {"LIANTA_NOW": "2024-05-06T09:00:00"}
    assert call_cli(args, _env(twin, **env))[0] == 0
    real_write = os.write
    monkeypatch.setattr(os, "writev", lambda fd, pieces: real_write(fd, b"".join(pieces)[:1000]))
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:777])))
    assert call_cli(args, _env(small_store, **env))[0] == 0
    monkeypatch.undo()
    assert small_store.read_bytes() == twin.read_bytes()


def test_a_read_only_file_system_leaves_the_old_store(
    small_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def read_only(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and str(path).endswith(".tmp"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    _refused_write(small_store, "read-only", "nothing was changed")
    monkeypatch.undo()
    assert call_cli(["note", "1.1", "works again"], _env(small_store))[0] == 0


@contextlib.contextmanager
def _tmpfs(size: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="lianta-tmpfs-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.rmdir()


def test_a_really_full_disk(tmp_path: Path) -> None:
    with _tmpfs("512k") as disk:
        store = disk / "store.json"
        build_store(store)
        filler = disk / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as out:
            while True:
                out.write(b"\0" * 4096)
                out.flush()
        before = _files(store)
        done = run_lianta(["update", "1.1", "--progress", "40"], _env(store))
        assert done.returncode == 1, done.stderr
        assert_one_line_error(done.stderr, str(store), "no space left on the disk")
        assert _files(store) == before and temporaries(store) == []
        filler.unlink()
        again = run_lianta(["update", "1.1", "--progress", "40"], _env(store))
        assert again.returncode == 0, again.stderr


def test_a_really_read_only_file_system(tmp_path: Path) -> None:
    with _tmpfs("4m") as disk:
        store = disk / "store.json"
        build_store(store)
        before = _files(store)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        done = run_lianta(["note", "1.1", "x"], _env(store))
        assert done.returncode == 1, done.stderr
        assert_one_line_error(done.stderr, "read-only", "nothing was changed")
        assert run_lianta(["list"], _env(store)).returncode == 0  # reading still works
        assert _files(store) == before and temporaries(store) == []


def test_a_folder_the_user_cannot_write(tmp_path: Path) -> None:
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.skip("needs root and setpriv to act as another user")
    nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    if run_lianta(["version"], {}, user=nobody).returncode != 0:
        # e.g. a clone in root's home (mode 0700): the other user cannot reach the program
        pytest.skip(f"user 65534 cannot run {LIANTA_SCRIPT}: a folder on its way is closed")
    folder = Path(tempfile.mkdtemp(prefix="lianta-ro-"))
    try:
        folder.chmod(0o755)  # root's folder: others may read it, not write in it
        store = folder / "store.json"
        build_store(store)
        for path in (store, folder / "store.json.lock"):
            os.chown(path, 65534, 65534)
        before = _files(store)
        done = run_lianta(["update", "1.1", "--progress", "40"], _env(store), user=nobody)
        assert done.returncode == 1, done.stderr
        assert_one_line_error(done.stderr, str(store), "permission denied")
        assert _files(store) == before and temporaries(store) == []
        (folder / "store.json.lock").unlink()  # now even the lock cannot be made
        done = run_lianta(["note", "1.1", "x"], _env(store), user=nobody)
        assert done.returncode == 1
        assert_one_line_error(done.stderr, str(folder), "permission denied")
        assert run_lianta(["list"], _env(store), user=nobody).returncode == 0
    finally:
        shutil.rmtree(folder)


# ---------------------------------------------------------------- files and folders


@pytest.mark.parametrize("how", ["the first command at the default place", "load --db"])
def test_a_new_store_gets_a_private_folder_and_file(tmp_path: Path, how: str) -> None:
    store = tmp_path / "a" / "lianta" / "lianta.json"
    old = os.umask(0o022)
    try:
        if how == "load --db":
            assert call_cli(["load", "--db", str(store)], {"LIANTA_LANG": "en"})[0] == 0
        else:
            assert call_cli(["list"], {"XDG_DATA_HOME": str(tmp_path / "a")})[0] == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(store.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert stat.S_IMODE((store.parent / "lianta.json.lock").stat().st_mode) == 0o600


def test_a_failed_first_command_loads_nothing_and_says_so(tmp_path: Path) -> None:
    store = tmp_path / "lianta" / "lianta.json"
    env = {"XDG_DATA_HOME": str(tmp_path), "LIANTA_USER": "tester", "LIANTA_LANG": "en"}
    code, _out, err = call_cli(["update", "9.9", "--progress", "5"], env)
    assert code == 2
    assert_one_line_error(err, "9.9")  # and no word of a plan load that was not saved
    assert not store.exists()
    code, _out, err = call_cli(["update", "1.1", "--progress", "5"], env)
    assert code == 0 and "loaded the bundled 2024 plan" in err


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="permission bits are POSIX's")
def test_a_save_keeps_the_mode_the_user_gave_the_store(small_store: Path) -> None:
    small_store.chmod(0o640)
    assert call_cli(["note", "1.1", "x"], _env(small_store))[0] == 0
    assert stat.S_IMODE(small_store.stat().st_mode) == 0o640


def test_a_symlinked_store_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real" / "store.json"
    real.parent.mkdir()
    build_store(real)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert call_cli(["note", "1.1", "via the link"], _env(link))[0] == 0
    assert link.is_symlink()
    assert any(
        n["text"] == "via the link" for d in content(real)["tasks"].values() for n in d["notes"]
    )


def test_saves_keep_three_backup_generations(small_store: Path) -> None:
    generations = []
    for number in range(5):
        generations.append(small_store.read_bytes())
        assert call_cli(["note", "1.1", f"n{number}"], _env(small_store))[0] == 0
    assert [p.read_bytes() for p in backup_paths(small_store)] == generations[::-1][:3]


def test_a_lost_store_with_backups_is_not_silently_started_afresh(used_store: Path) -> None:
    backups = _files(used_store)
    used_store.unlink()
    del backups["store.json"]
    for args in (["list"], ["note", "1.1", "x"], ["load"]):
        code, _out, err = call_cli(args, _env(used_store))
        assert code == 1
        assert_one_line_error(err, str(used_store), "lianta doctor", "--restore")
        assert not used_store.exists() and _files(used_store) == backups
    code, out, _err = call_cli(["doctor"], _env(used_store))
    assert code == 1 and "missing" in out
    code, out, _err = call_cli(["doctor", "--restore"], _env(used_store))
    assert code == 0, out
    assert content(used_store) == content_of(backups["store.json.1"])


# ---------------------------------------------------------------- damaged store files


def _damage(kind: str, raw: bytes) -> bytes:
    data = json.loads(raw)
    task = next(iter(data["tasks"].values()))
    if kind == "truncated":
        return raw[: len(raw) // 2]
    if kind == "empty":
        return b""
    if kind == "nul bytes":
        middle = len(raw) // 2
        return raw[:middle] + b"\0" * 512 + raw[middle + 512 :]
    if kind == "not json":
        return b"this is not a lianta store\n"
    if kind == "not utf-8":
        return b"\xff\xfegarbage" + raw[10:]
    if kind == "a list":
        return b"[1, 2, 3]"
    if kind == "table not a mapping":
        data["tasks"] = list(data["tasks"].values())
    elif kind == "task without status":
        del task["status"]
    elif kind == "progress is text":
        task["progress"] = "half"
    elif kind == "unknown status":
        task["status"] = "finished"
    elif kind == "unknown table":
        data["people"] = {}
    elif kind == "schema 99":
        data["meta"]["1"]["schema"] = 99
    elif kind == "event without time":
        del next(iter(data["history"].values()))["at"]
    elif kind == "tasks without a plan":
        del data["plans"]
    else:
        raise AssertionError(kind)
    return json.dumps(data, ensure_ascii=False).encode()


DAMAGE = [
    "truncated",
    "empty",
    "nul bytes",
    "not json",
    "not utf-8",
    "a list",
    "table not a mapping",
    "task without status",
    "progress is text",
    "unknown status",
    "unknown table",
    "schema 99",
    "event without time",
    "tasks without a plan",
]


def _commands(folder: Path) -> list[list[str]]:
    """A call of every command that reads or writes the store (files it reads in `folder`)."""
    ledger = folder / "ledger.csv"
    ledger.write_text("ID,Progress\n1.1,50\n", encoding="utf-8")
    calls = [
        ["list"],
        ["list", "--format", "json"],
        ["list", "--format", "csv"],
        ["show", "1.1"],
        ["history"],
        ["history", "1.1", "--format", "md"],
        ["assign", "1.1", "--to", "王芳"],
        ["unassign", "1.2"],
        ["update", "1.1", "--progress", "10"],
        ["update", "1.1", "--due", "2024-06-30"],
        ["done", "1.2"],
        ["note", "1.1", "记一笔"],
        ["undo"],
        ["load"],
        ["load", str(PLAN_2024)],
        ["load", "--dry-run"],
    ]
    names = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    known = {"list", "show", "history", "assign", "unassign", "update", "done", "note", "undo"}
    known |= {"load", "validate", "version", "doctor"}
    known.add("db")  # works on a database; `db push` of a damaged file: test_postgresql.py
    if "summary" in names:
        calls.append(["summary"])
        known.add("summary")
    if "report" in names:
        calls += [["report", "weekly"], ["report", "weekly", "--format", "md"]]
        known.add("report")
    calls += [["export", "xlsx", "-o", str(folder / "ledger.xlsx")], ["import", str(ledger)]]
    calls.append(["import", str(ledger), "--dry-run"])
    known |= {"export", "import"}
    assert names <= known, f"commands not covered here: {sorted(names - known)}"
    return calls


@pytest.fixture
def used_store(tmp_path: Path) -> Path:
    """A store after a few changes, so it has backup generations."""
    store = tmp_path / "store.json"
    build_store(store)
    env = _env(store, LIANTA_NOW="2024-03-04T09:00")
    for args in (
        ["assign", "1.2", "--to", "李明"],
        ["update", "1.1", "-p", "30"],
        ["note", "1.1", "a"],
    ):
        assert call_cli(args, env)[0] == 0
    return store


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_store_is_refused_by_every_command_and_restored_by_doctor(
    used_store: Path, kind: str
) -> None:
    store = used_store
    damaged = _damage(kind, store.read_bytes())
    store.write_bytes(damaged)
    before = _files(store)
    env = _env(store, LIANTA_NOW="2024-03-05T09:00")
    for args in _commands(store.parent):
        code, _out, err = call_cli(args, env)
        assert code == 1, (args, err)
        assert_one_line_error(err, str(store), "lianta doctor")
        assert _files(store) == before, args  # not overwritten, backups not rotated
    code, out, _err = call_cli(["doctor"], env)
    assert code == 1
    assert f"store {store}: damaged" in out and "  problem: " in out
    assert f"--restore' to bring back {store}.1" in out
    code, out, _err = call_cli(["doctor", "--restore"], env)
    assert code == 0, out
    kept = list(store.parent.glob("store.json.damaged-*"))
    assert [p.read_bytes() for p in kept] == [damaged]
    assert f"the damaged file is kept as {kept[0]}" in out
    assert content(store) == content_of(before["store.json.1"])
    assert call_cli(["note", "1.1", "works again"], env)[0] == 0
    assert call_cli(["doctor"], env)[0] == 0


# ---------------------------------------------------------------- arbitrary values

HOSTILE = [
    "",
    " ",
    "-",
    "--",
    "--help",
    "--db=/tmp/elsewhere.json",
    "[red]x[/]",
    "[link=https://evil]click[/link]",
    "\x1b[2J",
    "\x1b]8;;http://x\x07",
    "\u202eevil\u202c",
    "\x00",
    "\x9b31m",
    "\udcff",
    "a\nb",
    "1.1",
    "3.4",
    "0.0",
    "1.1.1",
    "١.١",
    "１.１",
    "todo",
    "done",
    "in-progress",
    "BLOCKED",
    "2024-02-29",
    "2024-02-30",
    "2023-02-29",
    "9999-12-31",
    "0001-01-01",
    "2024-3-4",
    "2024-03-04T10:00",
    "=cmd|' /C calc'!A0",
    "x" * 100_000,
    "界" * 3000,
]
texts = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.text(st.characters(max_codepoint=0x3000), max_size=12),
    st.builds(
        lambda s, n: s * n, st.sampled_from(["a", "界", "\x1b", "[b]"]), st.integers(1, 5000)
    ),
)
VALID_IDS = ["1.1", "1.2", "2.3", "3.4", "4.7", "5.2", "6.5"]


def mostly(valid: st.SearchStrategy[str], *odd: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Valid seven times in ten, else one of the odd strategies or any text."""
    others = [*odd, texts]
    return st.integers(0, 9).flatmap(lambda k: others[k] if k < len(others) else valid)


def maybe(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    """Absent three times in ten, any text once, else valid: so whole commands succeed often."""
    pick = {0: texts, 1: st.none(), 2: st.none(), 3: st.none()}
    return st.integers(0, 9).flatmap(lambda k: pick.get(k, valid))


ids = mostly(
    st.sampled_from(VALID_IDS),
    st.sampled_from(["7.1", "1.99", " 1.1 ", "1.1\t", "01.1"]),
    st.from_regex(r"[0-9]{1,3}\.[0-9]{1,3}", fullmatch=True),
)
days = mostly(
    st.dates(date(2023, 12, 1), date(2025, 1, 31)).map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()),
)
numbers = mostly(st.integers(0, 100).map(str), st.integers(-(10**20), 10**20).map(str))
statuses = st.sampled_from(["todo", "in_progress", "in-progress", "blocked", "done", "DONE"])
formats = st.sampled_from(["table", "json", "csv", "md", "markdown", "JSON"])
names = mostly(st.sampled_from(["王芳", "李明", "[b]Bob[/b]", "\u202eevil", "=HYPERLINK()"]))


PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TRIED: Counter[str] = Counter()


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    store = folder / "store.json"
    build_store(store, notes=5, note_size=20)
    return store


def _check(store: Path, args: list[str], *, writes: bool) -> None:
    before = store.read_bytes()
    code, _out, err = call_cli(args, _env(store, LIANTA_NOW="2024-03-08T17:00"))
    assert "Traceback" not in err
    assert code in (0, 2), (args, code, err)
    if code == 2 or not writes:
        assert store.read_bytes() == before, args
    if code == 2:
        assert len(err.strip().splitlines()) >= 1
    TRIED[f"{args[0]} exit {code}"] += 1


def _opt(name: str, value: str | None) -> list[str]:
    return [] if value is None else [f"{name}={value}"]


@PROPERTY
@given(
    task_ids=st.lists(ids, min_size=1, max_size=2),
    status=maybe(statuses),
    progress=maybe(st.integers(0, 100).map(str)),
    due=maybe(days),
    note=maybe(st.sampled_from(["进展顺利", "[red]x[/]", "=1+1", "\x1b[2J", "\u202eevil"])),
)
def test_update_takes_any_values_without_a_traceback(
    fuzz_store: Path,
    task_ids: list[str],
    status: str | None,
    progress: str | None,
    due: str | None,
    note: str | None,
) -> None:
    args = ["update", *_opt("--status", status), *_opt("--progress", progress)]
    args += [*_opt("--due", due), *_opt("--note", note), "--", *task_ids]
    _check(fuzz_store, args, writes=True)


@PROPERTY
@given(
    task_ids=st.lists(ids, min_size=1, max_size=2),
    to=names,
    unit=maybe(st.sampled_from(["经济服务办", "党建办"])),
)
def test_assign_takes_any_names_without_a_traceback(
    fuzz_store: Path, task_ids: list[str], to: str, unit: str | None
) -> None:
    args = ["assign", f"--to={to}", *_opt("--unit", unit), "--", *task_ids]
    _check(fuzz_store, args, writes=True)


@PROPERTY
@given(
    index=maybe(st.sampled_from(["1", "industry", "6", "SANITATION", "7"])),
    status=st.lists(maybe(statuses).map(lambda s: s or "todo"), max_size=2),
    assignee=maybe(st.sampled_from(["王芳", "王芳 ", "tester"])),
    search=st.none() | texts,
    sort=maybe(st.sampled_from(["id", "due", "progress", "status", "updated"])),
    limit=maybe(st.integers(0, 50).map(str)),
    fmt=maybe(formats).map(lambda f: f or "table"),
)
def test_list_filters_take_any_values_and_never_write(
    fuzz_store: Path,
    index: str | None,
    status: list[str],
    assignee: str | None,
    search: str | None,
    sort: str | None,
    limit: str | None,
    fmt: str,
) -> None:
    args = ["list", *_opt("--index", index), *[f"--status={s}" for s in status]]
    args += [*_opt("--assignee", assignee), *_opt("--search", search), *_opt("--sort", sort)]
    args += [*_opt("--limit", limit), f"--format={fmt}"]
    _check(fuzz_store, args, writes=False)


@PROPERTY
@given(
    task_id=maybe(ids),
    since=maybe(days),
    until=maybe(days),
    limit=maybe(numbers),
    fmt=formats,
)
def test_history_windows_take_any_values_and_never_write(
    fuzz_store: Path,
    task_id: str | None,
    since: str | None,
    until: str | None,
    limit: str | None,
    fmt: str,
) -> None:
    args = ["history", *_opt("--since", since), *_opt("--until", until), *_opt("--limit", limit)]
    args += [f"--format={fmt}", *(["--", task_id] if task_id is not None else [])]
    _check(fuzz_store, args, writes=False)


def test_the_fuzzed_store_is_still_healthy(fuzz_store: Path) -> None:
    """Run after the properties: what they changed is recorded and agrees with the tasks."""
    print(f"\nhypothesis inputs tried: {dict(sorted(TRIED.items()))}")
    code, out, _err = call_cli(["doctor"], _env(fuzz_store))
    assert code == 0, out
