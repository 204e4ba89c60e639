"""Nothing is lost, round two: the lock holds when its file is removed, a save killed at any of
its steps, backups that are real copies, links planted beside the store, owners and modes, and
what a command says when it is interrupted or fails after its save."""

from __future__ import annotations

import contextlib
import errno
import json
import multiprocessing
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers_robust import (
    LIANTA,
    assert_one_line_error,
    build_store,
    call_cli,
    content,
    content_of,
    kill_in_a_save,
    remove_lock_until,
    run_lianta,
    temporaries,
)

from lianta_cli.doctor import check_data
from lianta_cli.store import aside_path, backup_paths, lock_path, read_file


def _env(store: Path, **extra: str) -> dict[str, str]:
    return {"LIANTA_DB": str(store), "LIANTA_USER": "tester", "LIANTA_LANG": "en", **extra}


def _notes(store: Path) -> set[str]:
    """The text of every note the store's tasks hold."""
    return {n["text"] for doc in content(store)["tasks"].values() for n in doc["notes"]}


def _files(store: Path) -> dict[str, bytes]:
    """The store and every backup generation (and a held-aside one), by name."""
    names = [store, *backup_paths(store), aside_path(store)]
    return {p.name: p.read_bytes() for p in names if p.exists()}


# ---------------------------------------------------------------- the lock, its file removed

WRITERS, CHANGES = 8, 25


def _writer(job: tuple[int, str]) -> list[tuple[int, str, str]]:
    number, db = job
    env = {"LIANTA_DB": db, "LIANTA_USER": f"w{number}", "LIANTA_LOCK_TIMEOUT": "300"}
    done = []
    for step in range(CHANGES):
        text = f"w{number}-{step:02d}"
        code, _out, err = call_cli(["note", ("1.1", "2.3", "3.4")[step % 3], text], env)
        done.append((code, text, err))
    return done


def test_removing_the_lock_file_under_writers_loses_no_acknowledged_change(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store.json"
    build_store(store)
    context = multiprocessing.get_context("fork")
    stop, removed = context.Event(), context.Value("i", 0)
    remover = context.Process(target=remove_lock_until, args=(lock_path(store), stop, removed))
    remover.start()
    try:
        with context.Pool(WRITERS) as pool:
            outcomes = pool.map(_writer, [(n, str(store)) for n in range(WRITERS)])
    finally:
        stop.set()
        remover.join()
    acknowledged = {text for results in outcomes for code, text, _err in results if code == 0}
    failed = [err for results in outcomes for code, _text, err in results if code != 0]
    print(f"\nlock removed {removed.value} times; {len(acknowledged)} changes acknowledged")
    assert removed.value > 100, "the remover hardly ran"
    assert len(acknowledged) > WRITERS * CHANGES // 2, failed[:3]
    for err in failed:  # a refusal says so in one line; never a lost change
        assert_one_line_error(err, "nothing was saved")
    assert acknowledged <= _notes(store), sorted(acknowledged - _notes(store))[:5]
    assert check_data(json.loads(store.read_bytes())) == []


# ---------------------------------------------------------------- a kill at every step of a save


def _save_killed_at(
    args: list[str], env: dict[str, str], step: int, *, after: bool, links: bool
) -> int:
    """Run `lianta ARGS` in a forked child that kills itself (SIGKILL) at its `step`-th call of
    SAVE_STEPS during the save, just before the call or just after it; with step -1, count them.
    Returns the child's wait status, or the count."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writer)
        with os.fdopen(reader) as pipe:
            counted = pipe.read()
        status = os.waitpid(pid, 0)[1]
        return int(counted) if step < 0 else status
    os.close(reader)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        calls = kill_in_a_save(step, after=after, links=links)
        call_cli(args, env)
        os.write(writer, str(calls[0]).encode())
    finally:
        os._exit(0)


@pytest.mark.parametrize("links", [True, False], ids=["hard links", "copies"])
def test_a_save_killed_at_any_step_loses_no_generation(tmp_path: Path, links: bool) -> None:
    store = tmp_path / "store.json"
    build_store(store)
    env = _env(store, LIANTA_NOW="2024-03-05T10:00:00")
    for number in range(4):  # every backup place taken
        assert call_cli(["note", "1.1", f"before-{number}"], env)[0] == 0
    start = _files(store)
    twin = tmp_path / "twin" / "store.json"
    twin.parent.mkdir()
    for name, raw in start.items():
        (twin.parent / name).write_bytes(raw)
    args = ["note", "2.3", "the killed one"]
    assert call_cli(args, _env(twin, LIANTA_NOW="2024-03-05T10:00:00"))[0] == 0
    after = content(twin)
    steps = _save_killed_at(args, env, -1, after=False, links=links)
    assert steps >= 8, steps
    landed = []
    for step in range(1, steps + 1):
        for when in (False, True):
            for name, raw in start.items():
                (tmp_path / name).write_bytes(raw)
            aside_path(store).unlink(missing_ok=True)
            status = _save_killed_at(args, env, step, after=when, links=links)
            assert os.WIFSIGNALED(status), (step, when)
            read_file(store)
            now = content(store)
            assert now in (content_of(start["store.json"]), after), (step, when)
            kept = set(_files(store).values())
            if now == after:  # saved: the three newest generations are kept
                assert {start[n] for n in ("store.json", "store.json.1", "store.json.2")} <= kept
            else:
                assert set(start.values()) <= kept, (step, when)  # nothing lost
            landed.append(now == after)
            code, _out, err = call_cli(["note", "3.4", f"next-{step}-{when}"], env)
            assert code == 0, err
            assert temporaries(store) == [] and not aside_path(store).exists()
            assert check_data(json.loads(store.read_bytes())) == []
            for backup in backup_paths(store):
                assert stat.S_ISREG(backup.lstat().st_mode)
                read_file(backup)
    assert any(landed) and not all(landed)


# ---------------------------------------------------------------- backups are real copies


@pytest.fixture
def used(tmp_path: Path) -> Path:
    """A store after four saves: every backup place is taken."""
    store = tmp_path / "store.json"
    build_store(store)
    for number in range(4):
        assert call_cli(["note", "1.1", f"n{number}"], _env(store))[0] == 0
    return store


def _no_hard_links(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: Any, **_kw: Any) -> None:
        raise OSError(errno.EPERM, "hard links are not supported here")

    monkeypatch.setattr(os, "link", refuse)


def test_without_hard_links_a_backup_is_a_whole_copy(
    used: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_hard_links(monkeypatch)
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:4096])))
    before = used.read_bytes()
    assert len(before) > 3 * 4096  # so a single short write would cut it
    assert call_cli(["note", "2.3", "copied"], _env(used))[0] == 0
    assert backup_paths(used)[0].read_bytes() == before


def test_a_backup_copy_cut_short_by_a_full_disk_fails_the_save_and_keeps_every_generation(
    used: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_hard_links(monkeypatch)
    before = _files(used)
    real_write = os.write

    def full_disk(fd: int, data: Any) -> int:
        if ".store.json.1." in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_disk)
    code, _out, err = call_cli(["note", "2.3", "no room for its backup"], _env(used))
    assert code == 1
    assert_one_line_error(err, "no space left on the disk", "nothing was changed")
    assert _files(used) == before and temporaries(used) == []


def test_a_save_that_fails_at_its_last_step_keeps_every_generation(
    used: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _files(used)
    real_replace = os.replace

    def failing(source: Any, target: Any) -> None:
        if str(source).endswith(".tmp") and Path(target) == used:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing)
    code, _out, err = call_cli(["note", "2.3", "never saved"], _env(used))
    assert code == 1
    assert_one_line_error(err, str(used), "nothing was changed")
    assert _files(used) == before and temporaries(used) == []


def test_a_link_in_a_backups_place_is_neither_followed_nor_good(used: Path) -> None:
    first = backup_paths(used)[0]
    first.unlink()
    first.symlink_to(used.name)  # `ln -s store.json store.json.1`
    _code, out, _err = call_cli(["doctor"], _env(used))
    assert f"backup {first}: damaged (is a symbolic link)" in out, out
    before = used.read_bytes()
    assert call_cli(["note", "2.3", "after the link"], _env(used))[0] == 0
    assert not first.is_symlink() and first.read_bytes() == before
    assert call_cli(["doctor"], _env(used))[0] == 0


# ---------------------------------------------------------------- links planted beside the store


def test_links_planted_beside_the_store_make_no_file_elsewhere(tmp_path: Path) -> None:
    store = tmp_path / "store.json"
    build_store(store)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / "victim"
    victim.write_text("keep me")
    for n, place in enumerate([*backup_paths(store), aside_path(store)]):
        place.symlink_to(elsewhere / f"backup-{n}")
    (tmp_path / f".store.json.{os.getpid()}.tmp").symlink_to(victim)
    for args in (["note", "1.1", "one"], ["note", "1.1", "two"], ["undo"]):
        assert call_cli(args, _env(store))[0] == 0, args
    assert sorted(p.name for p in elsewhere.iterdir()) == ["victim"]
    assert victim.read_text() == "keep me"
    assert all(not p.is_symlink() for p in backup_paths(store))
    lock = lock_path(store)
    lock.unlink()
    lock.symlink_to(elsewhere / "lock")  # a dangling link where the lock goes
    code, _out, err = call_cli(["note", "1.1", "three"], _env(store))
    assert code == 1
    assert_one_line_error(err, str(lock), "symbolic link")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["victim"]


def test_a_store_given_as_a_link_is_followed_and_doctor_says_so(tmp_path: Path) -> None:
    real = tmp_path / "real" / "store.json"
    real.parent.mkdir()
    build_store(real)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert call_cli(["note", "1.1", "via the link"], _env(link))[0] == 0
    assert link.is_symlink() and lock_path(real).exists() and backup_paths(real)[0].exists()
    assert not lock_path(link).exists() and not backup_paths(link)[0].exists()
    code, out, _err = call_cli(["doctor"], _env(link))
    assert code == 0
    assert f"store {link} is a symbolic link to {real}" in out, out


def test_a_fifo_as_the_store_is_refused_without_waiting(tmp_path: Path) -> None:
    store = tmp_path / "store.json"
    os.mkfifo(store)
    for args in (["list"], ["note", "1.1", "x"], ["doctor"]):
        done = run_lianta(args, _env(store), timeout=20)
        assert done.returncode == 1, (args, done.stderr)
        if args != ["doctor"]:
            assert_one_line_error(done.stderr, str(store), "FIFO")
        else:
            assert "FIFO" in done.stdout


# ---------------------------------------------------------------- owner and mode


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="permission bits are POSIX's")
def test_a_read_only_store_keeps_its_mode(used: Path) -> None:
    used.chmod(0o444)
    assert call_cli(["note", "1.1", "still read-only"], _env(used))[0] == 0
    assert stat.S_IMODE(used.stat().st_mode) == 0o444
    assert "still read-only" in _notes(used)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_root_keeps_the_owner_of_someone_elses_store(tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="lianta-owner-"))
    try:
        folder.chmod(0o755)
        store = folder / "store.json"
        build_store(store)
        for path in (folder, store):
            os.chown(path, 65534, 65534)
        assert call_cli(["note", "1.1", "as root"], _env(store))[0] == 0
        for path in (store, lock_path(store), backup_paths(store)[0]):
            assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534), path
        setpriv = shutil.which("setpriv")
        if setpriv is not None:  # and its owner can go on using it
            nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
            done = run_lianta(["note", "1.1", "as its owner"], _env(store), user=nobody)
            assert done.returncode == 0, done.stderr
    finally:
        shutil.rmtree(folder)


# ---------------------------------------------------------------- say what happened


AFTER_THE_COMMAND = 75
"""The status the test harness gives a child whose Ctrl-C came after lianta had returned."""


def _child(
    args: list[str], env: dict[str, str], *, prepare: Callable[[], None] = lambda: None
) -> tuple[int, str, int]:
    """Start `lianta ARGS` through the console script's entry point in a forked child with
    `prepare` run first; returns the child's pid and the read end of its stderr, once the child
    is about to call the entry point."""
    reader, writer = os.pipe()
    ready_reader, ready = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writer)
        os.close(ready)
        os.read(ready_reader, 1)
        os.close(ready_reader)
        return pid, "", reader
    code = 70
    try:
        os.close(reader)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(writer, 2)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for name in [n for n in os.environ if n.startswith("LIANTA_")]:
            del os.environ[name]
        os.environ.update(env)
        sys.argv = ["lianta", *args]
        sys.stderr = os.fdopen(2, "w")
        if "lianta_cli.commands" in sys.modules:  # as in a new process: nothing saved yet
            sys.modules["lianta_cli.commands"].SAVED.clear()
        prepare()
        import lianta_cli

        os.write(ready, b".")
        try:
            lianta_cli.main()
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        except KeyboardInterrupt:
            # Landed here, in this harness, after lianta's entry point had returned: a real
            # process would have ended by then. Told apart from every exit status lianta gives.
            code = AFTER_THE_COMMAND
    finally:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        os._exit(code)


def _finish(pid: int, reader: int) -> tuple[int, str]:
    with os.fdopen(reader) as pipe:
        err = pipe.read()
    status = os.waitpid(pid, 0)[1]
    return os.waitstatus_to_exitcode(status), err


def _interrupt_at(point: str, when: str) -> Callable[[], None]:
    """A `prepare` that has the child press Ctrl-C on itself as it reaches `point`."""

    def prepare() -> None:
        from lianta_cli import tracker

        def ctrl_c() -> None:
            os.kill(os.getpid(), signal.SIGINT)

        if point == "save":
            real_replace = os.replace

            def replace(source: Any, target: Any) -> None:
                if str(source).endswith(".tmp"):
                    ctrl_c()
                real_replace(source, target)

            os.replace = replace  # type: ignore[assignment]
        else:
            real_record = tracker.record

            def record(*a: Any, **kw: Any) -> Any:
                ctrl_c()
                return real_record(*a, **kw)

            tracker.record = record  # type: ignore[assignment]

    return prepare


@pytest.mark.parametrize(
    ("point", "saved"), [("before the save", False), ("save", True)], ids=["before", "during"]
)
def test_a_ctrl_c_says_whether_the_change_was_saved(used: Path, point: str, saved: bool) -> None:
    before = content(used)
    pid, _none, reader = _child(
        ["note", "2.3", "interrupted"], _env(used), prepare=_interrupt_at(point, "")
    )
    code, err = _finish(pid, reader)
    assert code == 130
    assert_one_line_error(err, "interrupted")
    assert ("interrupted" in _notes(used)) is saved
    if saved:
        assert "the change was saved (change 6;" in err, err
    else:
        assert "nothing was changed" in err and content(used) == before, err


def test_ctrl_c_at_random_moments_never_shows_a_traceback_nor_misreports(used: Path) -> None:
    rng = __import__("random").Random(19)
    seen: dict[str, int] = {}
    for attempt in range(40):
        before = content(used)
        fresh = attempt % 2 == 0  # half of them while the command line is still imported

        def forget() -> None:
            for name in [
                n
                for n in sys.modules
                if n.split(".")[0] in ("lianta_cli", "typer", "click", "rich")
            ]:
                del sys.modules[name]

        text = f"random-{attempt}"
        pid, _none, reader = _child(
            ["note", "2.3", text], _env(used), prepare=forget if fresh else lambda: None
        )
        time.sleep(rng.uniform(0, 0.12 if fresh else 0.03))
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)
        code, err = _finish(pid, reader)
        assert "Traceback" not in err, err
        changed = content(used) != before
        assert changed == (text in _notes(used))
        if code == 130:  # the confirmation may come first, if it was printed
            assert_one_line_error(err.split("reverts it)\n")[-1], "interrupted")
            assert ("the change was saved" in err) == changed, (err, changed)
            assert ("nothing was changed" in err) == (not changed), err
        elif code == AFTER_THE_COMMAND:  # the command had finished: saved and confirmed
            assert changed and err.count("\n") == 1 and "reverts it)" in err, (code, err)
        else:
            assert code == 0 and changed, (code, err)
        key = f"exit {code}, {'saved' if changed else 'unchanged'}"
        seen[key] = seen.get(key, 0) + 1
    print(f"\nCtrl-C at random moments: {seen}")
    assert seen.get("exit 130, unchanged", 0) > 5


@pytest.mark.parametrize("command", ["note", "load"])
def test_an_error_after_the_save_says_the_change_was_saved(
    used: Path, tmp_path: Path, command: str
) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    plan = tmp_path / "edited.yaml"
    bundled = Path(__file__).resolve().parent.parent / "plans" / "2024.yaml"
    plan.write_text(
        bundled.read_text(encoding="utf-8").replace("推动打造行业产业园区", "printed nowhere"),
        encoding="utf-8",
    )
    args = ["note", "2.3", "printed nowhere"] if command == "note" else ["load", str(plan)]
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [str(LIANTA), *args, "--format", "json"],
            env={**os.environ, **_env(used)},
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert_one_line_error(
        done.stderr, "no space left on the disk", "the change was saved (change 6"
    )
    assert "printed nowhere" in used.read_text(encoding="utf-8")


def test_a_ctrl_c_while_a_class_is_made_is_still_a_ctrl_c(used: Path) -> None:
    """Python 3.11 turns a KeyboardInterrupt that lands in a class's __set_name__ (importing a
    module with dataclasses, as a command's first use does) into a RuntimeError."""

    def prepare() -> None:
        from lianta_cli import tracker

        def update(*_a: Any, **_kw: Any) -> None:
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt as error:
                raise RuntimeError("Error calling __set_name__ on 'Field' instance") from error

        tracker.update = update  # type: ignore[assignment]

    pid, _none, reader = _child(["update", "1.1", "-p", "5"], _env(used), prepare=prepare)
    code, err = _finish(pid, reader)
    assert code == 130
    assert_one_line_error(err, "interrupted; nothing was changed")


ORJSON_INTERRUPTED = """
import sys

class CtrlC:
    "A Ctrl-C landing in an import that orjson's set-up makes, once."
    fired = False

    def find_spec(self, name, path=None, target=None):
        if "orjson.orjson" in sys.modules and not CtrlC.fired:
            CtrlC.fired = True
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, CtrlC())
sys.argv = ["lianta", "list", "--format", "json"]
import lianta_cli
try:
    import lianta_cli.store  # first, as a script using the store would
except KeyboardInterrupt:
    sys.exit(130)
lianta_cli.main()
"""


def test_a_ctrl_c_while_orjson_sets_itself_up_does_not_crash(used: Path) -> None:
    """orjson's set-up used a failed import and crashed (SIGSEGV) on a Ctrl-C at that moment
    (ijl/orjson#310); its imports are made before it, so there is none left to fail."""
    done = subprocess.run(
        [sys.executable, "-c", ORJSON_INTERRUPTED],
        env={**os.environ, **_env(used)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode in (0, 130), (done.returncode, done.stderr[-500:])
    assert "Traceback" not in done.stderr
