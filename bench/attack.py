"""Attack lianta as a hostile user and as bad luck would, and count what breaks.

    python bench/attack.py [--quick] [--seed N] [--keep]

Uses the lianta of the active environment: as real processes (`lianta` on PATH beside this
Python) where the interpreter's start matters — Ctrl-C at start-up, FIFOs, full disks, another
user — and, for the many short commands of the other groups, its console-script entry point
(`lianta_cli.main`) in a forked child of this process, which has imported it already: the same
code, without a process start each time. Linux; the full-disk, read-only and owner groups need
root (they are skipped otherwise).

Every scenario says what must hold. The totals are: scenarios run; tracebacks (stderr with
"Traceback"); "internal error" lines; data lost (a change that exited 0 missing from the store,
or a backup generation gone that should be kept); and other expectations broken. Each broken
one is listed. Exit status 0 if nothing broke.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import multiprocessing
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import lianta_cli
import lianta_cli.cli  # imported before forking: every child starts with it
from lianta_cli import store as store_module
from lianta_cli.freetext import HIDDEN

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers_robust import kill_in_a_save, remove_lock_until  # the tests' own harness

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "2024.yaml"
LIANTA = Path(sys.executable).with_name("lianta")
ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


# ---------------------------------------------------------------- running lianta


@dataclass
class Ran:
    code: int
    out: str
    err: str
    signalled: bool = False


def real(
    args: Sequence[str], env: dict[str, str], *, timeout: float = 60, user: Sequence[str] = ()
) -> Ran:
    """`lianta ARGS` as a real process (optionally under `user`, e.g. setpriv)."""
    try:
        done = subprocess.run(
            [*user, str(LIANTA), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Ran(-1, "", "TIMEOUT: no answer after {timeout} s")
    return Ran(done.returncode, done.stdout, done.stderr)


def start(
    args: Sequence[str],
    env: dict[str, str],
    folder: Path,
    prepare: Callable[[], None] | None = None,
) -> int:
    """`lianta ARGS` through its entry point in a forked child; stdout and stderr go to files
    in `folder` (see `finish`). Returns the pid."""
    out, err = folder / ".attack.out", folder / ".attack.err"
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # none for the child's first steps
    pid = os.fork()
    if pid:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        return pid
    code = 99
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # until lianta's code runs
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        for number, path in ((1, out), (2, err)):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, number)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        os.environ.clear()
        os.environ.update(env)
        sys.argv = ["lianta", *args]
        if prepare is not None:
            prepare()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            lianta_cli.main()
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def finish(pid: int, folder: Path, timeout: float = 60) -> Ran:
    deadline = time.monotonic() + timeout
    while True:
        ended, status = os.waitpid(pid, os.WNOHANG)
        if ended:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return Ran(-1, "", "TIMEOUT")
        time.sleep(0.002)
    text = [
        (folder / n).read_text(errors="replace") if (folder / n).exists() else ""
        for n in (".attack.out", ".attack.err")
    ]
    for name in (".attack.out", ".attack.err"):
        (folder / name).unlink(missing_ok=True)
    if os.WIFSIGNALED(status):
        return Ran(-os.WTERMSIG(status), *text, signalled=True)
    return Ran(os.waitstatus_to_exitcode(status), *text)


def fast(args: Sequence[str], env: dict[str, str], folder: Path, **kw: Any) -> Ran:
    return finish(start(args, env, folder, kw.get("prepare")), folder, kw.get("timeout", 60))


def base_env(store: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "TMPDIR", "SYSTEMROOT")}
    return {
        **keep,
        "LIANTA_DB": str(store),
        "LIANTA_LANG": "en",
        "LIANTA_USER": "attacker",
        **extra,
    }


def notes(store: Path) -> set[str]:
    data = json.loads(store.read_bytes())
    return {n["text"] for doc in data.get("tasks", {}).values() for n in doc["notes"]}


def generations(store: Path) -> dict[str, bytes]:
    names = [store, *store_module.backup_paths(store), store_module.aside_path(store)]
    return {p.name: p.read_bytes() for p in names if p.is_file() and not p.is_symlink()}


# ---------------------------------------------------------------- the tally


@dataclass
class Tally:
    scenarios: int = 0
    tracebacks: int = 0
    early_tracebacks: int = 0
    internal: int = 0
    lost: int = 0
    broken: list[str] = field(default_factory=list)
    groups: Counter[str] = field(default_factory=Counter)

    def saw(self, group: str, name: str, ran: Ran | None, *problems: str, lost: int = 0) -> None:
        """One scenario: what it ran (for tracebacks and internal errors) and what broke."""
        self.scenarios += 1
        self.groups[group] += 1
        self.lost += lost
        found = [p for p in problems if p]
        if ran is not None:
            if "Traceback" in ran.err:
                if "/lianta_cli/" in ran.err:  # a frame of lianta's own code
                    self.tracebacks += 1
                    found.append("traceback: " + ran.err.strip().splitlines()[-1])
                else:  # in the interpreter's start, before any of lianta's code ran
                    self.early_tracebacks += 1
            self.internal += sum("internal error" in line for line in ran.err.splitlines())
            if "internal error" in ran.err:
                found.append(ran.err.strip()[:200])
        if lost:
            found.append(f"{lost} acknowledged change(s) or generation(s) lost")
        for problem in found:
            self.broken.append(f"[{group}] {name}: {problem}")


def shown_text(out: str) -> str:
    """Output as read: without the byte-order mark CSV written to a file starts with (for
    Excel), the one hidden character lianta writes on purpose."""
    return out.removeprefix("\ufeff")


def one_line_refusal(ran: Ran, codes: Sequence[int] = (1, 2)) -> str:
    """'' if `ran` was refused in one line with one of `codes` and nothing on stdout."""
    lines = [
        line
        for line in ran.err.splitlines()
        if line.strip() and ": warning: " not in line and "the plan was not accepted" not in line
    ]  # `validate` ends its list of problems with a count of them
    if ran.code not in codes:
        return f"exit {ran.code}, not {codes}: {ran.err.strip()[:160]}"
    if len(lines) != 1:
        return f"{len(lines)} lines on stderr: {ran.err.strip()[:160]}"
    return ""


@contextlib.contextmanager
def folder(keep: bool) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="lianta-attack-"))
    try:
        yield path
    finally:
        if not keep:
            shutil.rmtree(path, ignore_errors=True)


def fresh_store(where: Path, notes_count: int = 3) -> Path:
    """A store with the bundled plan and a few notes, every backup place taken."""
    store = where / "lianta.json"
    env = base_env(store, LIANTA_NOW="2024-03-04T09:00")
    loaded = fast(["load", str(PLAN)], env, where)
    assert loaded.code == 0, loaded.err
    for number in range(max(notes_count, 4)):
        ran = fast(["note", "1.1", f"seed-{number}"], env, where)
        assert ran.code == 0, ran.err
    return store


# ---------------------------------------------------------------- 1. back-dated histories


def backdated(tally: Tally, rng: random.Random, count: int, keep: bool) -> None:
    monday = datetime(2024, 3, 4, 9, 0)
    for number in range(count):
        with folder(keep) as where:
            store = where / "lianta.json"
            first = monday.isoformat(timespec="seconds")
            fast(["load"], base_env(store, LIANTA_NOW=first), where)

            def summary(now: str, store: Path = store, where: Path = where) -> Any:
                ran = fast(["summary", "--format", "json"], base_env(store, LIANTA_NOW=now), where)
                return json.loads(ran.out)["total"]

            snapshots = [(first, summary(first))]
            latest, problems = first, []
            for _step in range(8):
                now = (monday + timedelta(hours=rng.randrange(21 * 24))).isoformat(
                    timespec="seconds"
                )
                task = rng.choice(["1.1", "1.2", "2.3"])
                args = rng.choice(
                    [
                        ["update", task, "--progress", str(rng.randrange(1, 100))],
                        ["done", task],
                        ["update", task, "--status", "blocked", "--note", "等待"],
                        ["undo"],
                    ]
                )
                before = store.read_bytes()
                ran = fast(args, base_env(store, LIANTA_NOW=now), where)
                changed = store.read_bytes() != before
                if now < latest and changed:
                    problems.append(f"{args} dated {now} before {latest} was recorded")
                if ran.code == 2 and "time order" in ran.err:
                    problems.append(one_line_refusal(ran, (2,)))
                if changed:
                    latest = max(latest, now)
                    snapshots.append((now, summary(now)))
            end = (monday + timedelta(days=22)).isoformat(timespec="seconds")
            for week in ("2024-W10", "2024-W11", "2024-W12", "2024-W13"):
                ran = fast(
                    ["report", "weekly", "--week", week, "--format", "json"],
                    base_env(store, LIANTA_NOW=end),
                    where,
                )
                report = json.loads(ran.out)
                last = [s for at, s in snapshots if at[:10] <= report["period"]["end"]][-1]
                said = (report["total"]["done_end"], report["total"]["progress_end"])
                if said != (last["done"], last["progress"]):
                    problems.append(f"{week}: report says {said}, summary said {last}")
            doctor = fast(["doctor"], base_env(store, LIANTA_NOW=end), where)
            problems.append("" if doctor.code == 0 else "doctor: " + doctor.out[:200])
            tally.saw("back-dated history", f"history {number}", None, *problems)


# ---------------------------------------------------------------- 2. kills


def kills_at_random(tally: Tally, rng: random.Random, count: int, keep: bool) -> None:
    with folder(keep) as where:
        store = fresh_store(where)
        env = base_env(store, LIANTA_NOW="2024-03-05T10:00")
        for number in range(20):  # some weight, so that a save takes a while
            fast(["note", "2.3", f"weight-{number} " + "进展" * 900], env, where)
        acknowledged = notes(store)
        timing = []
        for number in range(3):
            began = time.perf_counter()
            fast(["note", "1.1", f"timing-{number}"], env, where)
            timing.append(time.perf_counter() - began)
        acknowledged = notes(store)
        for number in range(count):
            before = notes(store)
            text = f"kill-{number}"
            pid = start(["note", "3.4", text], env, where)
            if number % 2:
                time.sleep(rng.uniform(0, max(timing)))
            else:  # once its save began
                deadline = time.monotonic() + 10
                while not store_module.stale_temporaries(store) and time.monotonic() < deadline:
                    if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT):
                        break  # it ended first (left waitable for `finish`)
                    time.sleep(0.0003)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            ran = finish(pid, where)
            problems = []
            try:
                now = notes(store)
            except (OSError, ValueError) as error:
                problems.append(f"store unreadable: {error}")
                now = set()
            if now not in (before, before | {text}):
                problems.append("the store is neither the one before nor the one after")
            if ran.code == 0:
                acknowledged.add(text)
            lost = len(acknowledged - now)
            tally.saw("SIGKILL at random", f"kill {number}", ran, *problems, lost=lost)
        ran = fast(["note", "1.1", "after the kills"], env, where)
        problems = [one_line_refusal(ran, (0,)) if ran.code else ""]
        if store_module.stale_temporaries(store):
            problems.append("temporary files left after the next save")
        doctor = fast(["doctor"], env, where)
        problems.append("" if doctor.code == 0 else "doctor: " + doctor.out[:300])
        tally.saw("SIGKILL at random", "the store after the kills", ran, *problems)


def _killer(step: int, after: bool, links: bool) -> Callable[[], None]:
    """A `prepare` that kills the child at its `step`-th system call of a save (0: count)."""

    def prepare() -> None:
        calls = kill_in_a_save(step, after=after, links=links)
        if step == 0:
            real_save = store_module.atomic_write

            def save(*a: Any, **kw: Any) -> None:
                real_save(*a, **kw)
                sys.stderr.write(f"calls {calls[0]}\n")

            store_module.atomic_write = save  # type: ignore[assignment]

    return prepare


def kills_at_each_step(tally: Tally, keep: bool) -> None:
    for links in (True, False):
        with folder(keep) as where:
            store = fresh_store(where)
            env = base_env(store, LIANTA_NOW="2024-03-05T10:00")
            start_files = generations(store)
            counting = fast(["note", "2.3", "x"], env, where, prepare=_killer(0, False, links))
            steps = int(counting.err.split("calls ")[-1].split()[0])
            for name, raw in start_files.items():
                (where / name).write_bytes(raw)
            for step in range(1, steps + 1):
                for after in (False, True):
                    for name, raw in start_files.items():
                        (where / name).write_bytes(raw)
                    store_module.aside_path(store).unlink(missing_ok=True)
                    before = notes(store)
                    ran = fast(
                        ["note", "2.3", "killed in the save"],
                        env,
                        where,
                        prepare=_killer(step, after, links),
                    )
                    problems = [] if ran.signalled else [f"not killed (exit {ran.code})"]
                    now = notes(store)
                    kept = set(generations(store).values())
                    lost = 0
                    if now == before:
                        lost = len(set(start_files.values()) - kept)
                    elif now == before | {"killed in the save"}:
                        newest = [start_files[n] for n in ("lianta.json", "lianta.json.1")]
                        lost = len(set(newest) - kept)
                    else:
                        problems.append("the store is neither before nor after")
                    ran2 = fast(["note", "3.4", f"next {step} {after}"], env, where)
                    if ran2.code != 0:
                        problems.append("the next command failed: " + ran2.err.strip())
                    if store_module.stale_temporaries(store):
                        problems.append("temporary files left after the next save")
                    when = "after" if after else "before"
                    mode = "hard links" if links else "copies"
                    tally.saw(
                        "SIGKILL at each step of a save",
                        f"{mode}, {when} call {step}",
                        ran2,
                        *problems,
                        lost=lost,
                    )


# ---------------------------------------------------------------- 3. Ctrl-C


def interrupts(tally: Tally, rng: random.Random, count: int, keep: bool) -> None:
    with folder(keep) as where:
        store = fresh_store(where)
        env = base_env(store)
        for number in range(count):
            before = store.read_bytes()
            text = f"ctrl-c-{number}"
            if number % 2:  # a real process: its start-up too
                proc = subprocess.Popen(
                    [str(LIANTA), "note", "1.2", text],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                time.sleep(rng.uniform(0, 0.5))
                proc.send_signal(signal.SIGINT)
                err = proc.communicate(timeout=60)[1]
                ran = Ran(proc.returncode, "", err)
            else:
                pid = start(["note", "1.2", text], env, where)
                time.sleep(rng.uniform(0, 0.05))
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGINT)
                ran = finish(pid, where)
            changed = store.read_bytes() != before
            problems = []
            outside = "Traceback" in ran.err and "/lianta_cli/" not in ran.err
            if outside:  # in Python's own start, counted apart: nothing of lianta's ran
                if changed:
                    problems.append("changed, though lianta never ran: " + ran.err[-600:])
            elif ran.code == 130:
                said = ran.err.strip().splitlines()[-1] if ran.err.strip() else ""
                if "interrupted" not in said:
                    problems.append(f"exit 130 but it said {said!r}")
                elif changed != ("the change was saved" in said):
                    problems.append(f"the store {'changed' if changed else 'did not'}: {said!r}")
            elif ran.code == 0:
                problems.append("" if changed else "exit 0 but nothing saved")
            elif ran.code != -signal.SIGINT:  # killed by the signal before Python could say
                problems.append(f"exit {ran.code}: {ran.err.strip()[-160:]}")
            tally.saw("Ctrl-C", f"interrupt {number}", ran, *problems)


# ---------------------------------------------------------------- 4. writers and a lock remover


def _writer(job: tuple[int, str, int]) -> list[tuple[int, str, str]]:
    number, db, changes = job
    where = Path(db).parent / f"w{number}"
    where.mkdir(exist_ok=True)
    env = base_env(Path(db), LIANTA_USER=f"w{number}", LIANTA_LOCK_TIMEOUT="300")
    done = []
    for step in range(changes):
        text = f"w{number}-{step:03d}"
        ran = fast(["note", ("1.1", "2.3", "3.4")[step % 3], text], env, where)
        done.append((ran.code, text, ran.err))
    return done


def writers(tally: Tally, count: int, changes: int, keep: bool) -> None:
    for remove in (False, True):
        with folder(keep) as where:
            store = fresh_store(where)
            context = multiprocessing.get_context("fork")
            stop = context.Event()
            remover = context.Process(
                target=remove_lock_until, args=(store_module.lock_path(store), stop)
            )
            if remove:
                remover.start()
            try:
                with context.Pool(count) as pool:
                    results = pool.map(_writer, [(n, str(store), changes) for n in range(count)])
            finally:
                stop.set()
                if remove:
                    remover.join()
            acknowledged = {text for rows in results for code, text, _err in rows if code == 0}
            refused = [err for rows in results for code, _t, err in rows if code != 0]
            lost = len(acknowledged - notes(store))
            name = f"{count} writers x {changes} changes" + (
                ", lock file removed" if remove else ""
            )
            problems = [f"{len(refused)} refused: {refused[0].strip()}" if refused else ""]
            tally.saw("writers", name, None, *problems, lost=lost)
            print(f"  {name}: {len(acknowledged)} acknowledged, {lost} lost", file=sys.stderr)


# ---------------------------------------------------------------- 5. disks, links, owners


@contextlib.contextmanager
def tmpfs(size: str) -> Iterator[Path]:
    where = Path(tempfile.mkdtemp(prefix="lianta-attack-disk-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)
        where.rmdir()


def _fill(where: Path, leave: int = 0) -> None:
    filler = where / "filler"
    with contextlib.suppress(OSError), filler.open("wb") as out:
        while True:
            out.write(b"\0" * 1024)
            out.flush()
    if leave:
        with filler.open("r+b") as out:
            out.truncate(max(0, filler.stat().st_size - leave))


def disks(tally: Tally, keep: bool) -> None:
    if not ROOT_USER:
        print("  (full and read-only disks: skipped, not root)", file=sys.stderr)
        return
    with tmpfs("1m") as where:
        store = fresh_store(where)
        env = base_env(store)
        before = generations(store)
        _fill(where)
        for args in (["note", "1.1", "full"], ["update", "1.2", "-p", "5"], ["undo"]):
            ran = real(args, env)
            problem = one_line_refusal(ran, (1,))
            unchanged = generations(store) == before and not store_module.stale_temporaries(store)
            tally.saw("disk", f"full disk: {args[0]}", ran, problem, "" if unchanged else "changed")
    with tmpfs("1m") as where:  # room for the store, not for a backup copy of it
        store = fresh_store(where, notes_count=4)
        env = base_env(store)
        before = generations(store)
        _fill(where, leave=len(store.read_bytes()) + 8192)

        def no_links() -> None:
            def refuse(*_a: Any, **_kw: Any) -> None:
                raise OSError(errno.EPERM, "no hard links here")

            os.link = refuse  # type: ignore[assignment]

        ran = fast(["note", "1.1", "no room for its backup"], env, where, prepare=no_links)
        lost = len(set(before.values()) - set(generations(store).values()))
        truncated = [n for n, raw in generations(store).items() if not raw.rstrip().endswith(b"}")]
        problem = "" if ran.code == 1 else f"exit {ran.code}"
        tally.saw(
            "disk",
            "nearly full, no hard links: the backup copy",
            ran,
            problem,
            f"truncated {truncated}" if truncated else "",
            lost=lost,
        )
    with tmpfs("4m") as where:
        store = fresh_store(where)
        before = generations(store)
        subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)
        ran = real(["note", "1.1", "read-only"], base_env(store))
        reader = real(["list"], base_env(store))
        tally.saw(
            "disk",
            "read-only file system",
            ran,
            one_line_refusal(ran, (1,)),
            "" if reader.code == 0 else "reading failed",
            "" if generations(store) == before else "changed",
        )


def links(tally: Tally, keep: bool) -> None:
    def elsewhere_of(where: Path) -> Path:
        other = where / "elsewhere"
        other.mkdir(exist_ok=True)
        (other / "victim").write_text("keep me")
        return other

    def snapshot(other: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in other.iterdir()}

    plants: dict[str, Callable[[Path, Path], None]] = {
        "a dangling lock link": lambda s, o: os.symlink(
            o / "made-lock", s.with_name(s.name + ".lock")
        ),
        "a lock link to a file": lambda s, o: os.symlink(
            o / "victim", s.with_name(s.name + ".lock")
        ),
        "backup 1 linked to the store": lambda s, o: os.symlink(s.name, s.with_name(s.name + ".1")),
        "backup 2 linked elsewhere": lambda s, o: os.symlink(
            o / "victim", s.with_name(s.name + ".2")
        ),
        "backup 3 dangling": lambda s, o: os.symlink(o / "made-3", s.with_name(s.name + ".3")),
        "the aside place linked": lambda s, o: os.symlink(o / "victim", s.with_name(s.name + ".4")),
        "a temporary file linked": lambda s, o: [
            os.symlink(o / "victim", s.with_name(f".{s.name}.{pid}.tmp"))
            for pid in range(os.getpid(), os.getpid() + 200)  # the forked child's, among them
        ],
    }
    for name, plant in plants.items():
        with folder(keep) as where:
            store = fresh_store(where)
            other = elsewhere_of(where)
            for place in [*store_module.backup_paths(store), store.with_name(store.name + ".lock")]:
                place.unlink(missing_ok=True)
            plant(store, other)
            before = snapshot(other)
            ran = fast(["note", "1.1", "with a link planted"], base_env(store), where)
            undo = fast(["undo"], base_env(store), where)
            doctor = fast(["doctor"], base_env(store), where)
            problems = []
            if snapshot(other) != before:
                problems.append("a file elsewhere was made or changed")
            if ran.code not in (0, 1) or (ran.code == 1 and "symbolic link" not in ran.err):
                problems.append(f"exit {ran.code}: {ran.err.strip()}")
            if "lock" not in name and (ran.code or undo.code or doctor.code):
                problems.append(f"failed: {ran.err}{undo.err}{doctor.out[-200:]}")
            tally.saw("links planted", name, ran, *problems)
    with folder(keep) as where:
        (where / "real").mkdir()
        real_store = fresh_store(where / "real")
        link = where / "link.json"
        link.symlink_to(real_store)
        ran = fast(["note", "1.1", "via a link"], base_env(link), where)
        doctor = fast(["doctor"], base_env(link), where)
        tally.saw(
            "links planted",
            "the store given as a link",
            ran,
            "" if link.is_symlink() and ran.code == 0 else "the link was replaced or it failed",
            "" if "is a symbolic link to" in doctor.out else "doctor does not say it is a link",
            "" if not (where / "link.json.lock").exists() else "a lock beside the link",
        )


def owners(tally: Tally, keep: bool) -> None:
    with folder(keep) as where:
        store = fresh_store(where)
        store.chmod(0o444)
        ran = fast(["note", "1.1", "read-only store"], base_env(store), where)
        mode = stat.S_IMODE(store.stat().st_mode)
        tally.saw("owner and mode", "chmod 444", ran, "" if mode == 0o444 else f"mode {mode:o}")
        report = where / "week.md"
        report.write_text("old")
        report.chmod(0o4755)
        ran = fast(["report", "weekly", "--output", str(report)], base_env(store), where)
        mode = report.stat().st_mode & 0o7777
        tally.saw(
            "owner and mode",
            "a report over a set-id file",
            ran,
            "" if mode == 0o755 else f"mode {mode:o}",
        )
    setpriv = shutil.which("setpriv")
    if not ROOT_USER or setpriv is None:
        return
    shared = Path(tempfile.mkdtemp(prefix="lianta-attack-owner-"))
    try:
        shared.chmod(0o755)
        store = fresh_store(shared)
        for path in (
            shared,
            store,
            *store_module.backup_paths(store),
            store_module.lock_path(store),
        ):
            if path.exists():
                os.chown(path, 65534, 65534)
        ran = real(["note", "1.1", "as root"], base_env(store))
        owner = (store.stat().st_uid, store_module.lock_path(store).stat().st_uid)
        nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        again = real(["note", "1.1", "as its owner"], base_env(store), user=nobody)
        tally.saw(
            "owner and mode",
            "root writes someone else's store",
            ran,
            "" if owner == (65534, 65534) else f"owners now {owner}",
            "" if again.code == 0 else "its owner cannot write it any more: " + again.err.strip(),
        )
    finally:
        shutil.rmtree(shared)


# ---------------------------------------------------------------- 6. faulty input, tampered stores


def faulty_input(tally: Tally, keep: bool) -> None:
    with folder(keep) as where:
        store = fresh_store(where)
        fifo = where / "plan.fifo"
        os.mkfifo(fifo)
        bad_dir = where / "no-write"
        bad_dir.mkdir()
        bad_dir.chmod(0o555)
        cases: list[tuple[list[str], dict[str, str]]] = [
            (["list"], {"LIANTA_NOW": "0001-01-01T00:00:00+14:00"}),
            (["list"], {"LIANTA_NOW": "9999-12-31T23:59:59-14:00"}),
            (["report", "weekly"], {"LIANTA_NOW": "9999-12-27"}),
            (["report", "weekly"], {"LIANTA_NOW": "0001-01-01"}),
            (["report", "weekly", "--since", "0001-01-01", "--until", "9999-12-31"], {}),
            (["report", "weekly", "--since", "9999-12-30"], {}),
            (["report", "weekly", "--week", "9999-W52"], {}),
            (["report", "weekly", "--week", "0000-W01"], {}),
            (["report", "weekly", "--week", "2024-W54"], {}),
            (["history", "--since", "0001-01-01", "--until", "9999-12-31"], {}),
            (["history", "--since", "2024-13-01"], {}),
            (["update", "1.1", "--due", "9999-12-31"], {}),
            (["update", "1.1", "--due", "0000-01-01"], {}),
            (["update", "1.1", "--progress", "99999999999999999999999"], {}),
            (["update", "1.1", "--progress", "-1"], {}),
            (["list", "--limit", "-5"], {}),
            (["list", "--limit", "99999999999999999999999999"], {}),
            (["list", "--db", "/tmp/" + "d" * 5000], {}),
            (["note", "1.1", "x", "--db", "/tmp/" + "n" * 300], {}),
            (["list", "--db", "/dev/null"], {}),
            (["note", "1.1", "x", "--db", "/dev/null"], {}),
            (["list", "--db", str(where)], {}),
            (["list", "--db", str(fifo)], {}),
            (["report", "weekly", "--output", "o" * 300], {}),
            (["report", "weekly", "--output", str(bad_dir / "week.md")], {}),
            (["report", "weekly", "--output", str(where)], {}),
            (["report", "weekly", "--output", str(where / "missing" / "week.md")], {}),
            (["list"], {"LIANTA_LOCK_TIMEOUT": "nan"}),
            (["note", "1.1", "x"], {"LIANTA_LOCK_TIMEOUT": "-1"}),
            (["list"], {"LIANTA_LANG": "klingon"}),
            (["list"], {"LIANTA_NOW": "yesterday"}),
            (["list"], {"LIANTA_USER": "\x1b[2J"}),
            (["assign", "1.1", "--to", "\u200b\u200b"], {}),
            (["assign", "1.1", "--to", "x" * 81], {}),
            (["note", "1.1", "x" * 2001], {}),
            (["note", "1.1", "   "], {}),
            (["show", "1.1.1"], {}),
            (["show", "99.99"], {}),
            (["update", "1.1"], {}),
            (["update", "1.1", "--status", "finished"], {}),
            (["done", "1.1", "--plan", "1999"], {}),
            (["load", str(fifo)], {}),
            (["validate", "/dev/zero"], {}),
            (["validate", str(where)], {}),
            (["load", "/etc/passwd"], {}),
            (["list", "--format", "xml"], {}),
            (["history", "--limit", "-1"], {}),
        ]
        for args, extra in cases:
            before = generations(store)
            ran = fast(args, base_env(store, **extra), where, timeout=30)
            problems = [] if ran.code in (0, 1, 2) else [f"exit {ran.code}"]
            if ran.code != 0:
                problems.append(one_line_refusal(ran))
            if ran.code != 0 and generations(store) != before:
                problems.append("a refused command changed the store")
            shown = " ".join(a if len(a) < 40 else a[:20] + "…" for a in args)
            tally.saw("faulty input", f"{shown} {extra}".strip(), ran, *problems)
        bad_dir.chmod(0o755)


TAMPERING: dict[str, Callable[[dict[str, Any]], None]] = {
    "a note without its time": lambda d: next(iter(d["tasks"].values()))["notes"].append(
        {"text": "x", "by": "y"}
    ),
    "a note that is a number": lambda d: next(iter(d["tasks"].values()))["notes"].append(3),
    "an event whose time is a number": lambda d: next(iter(d["history"].values())).update(at=1),
    "an event whose change is text": lambda d: next(iter(d["history"].values())).update(change="2"),
    "an event of no task": lambda d: next(iter(d["history"].values())).update(task="99.99"),
    "the last change turned back": lambda d: d["meta"]["1"].update(last_change=1),
    "a title edited by hand": lambda d: next(iter(d["tasks"].values())).update(title="改过"),
    "the history out of time order": lambda d: d["history"][max(d["history"], key=int)].update(
        at="2020-01-01T00:00:00"
    ),
    "progress as text": lambda d: next(iter(d["tasks"].values())).update(progress="half"),
    "an unknown status": lambda d: next(iter(d["tasks"].values())).update(status="finished"),
    "a plan without its end": lambda d: next(iter(d["plans"].values())).pop("end"),
    "indices that are not a list": lambda d: next(iter(d["plans"].values())).update(indices=3),
    "tasks as a list": lambda d: d.update(tasks=list(d["tasks"].values())),
    "an empty store": lambda d: d.clear(),
    "a hidden character in a name": lambda d: next(iter(d["tasks"].values())).update(
        assignee="\u202eevil"
    ),
}


def tampered(tally: Tally, keep: bool) -> None:
    for name, change in TAMPERING.items():
        with folder(keep) as where:
            store = fresh_store(where)
            data = json.loads(store.read_bytes())
            change(data)
            store.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            before = generations(store)
            commands = (
                ["list"],
                ["show", "1.1"],
                ["history", "--format", "csv"],
                ["report", "weekly", "--format", "md"],
                ["note", "1.2", "x"],
                ["undo"],
            )
            runs = [fast(args, base_env(store), where) for args in commands]
            doctor = fast(["doctor"], base_env(store), where)
            problems = []
            for ran in runs:
                if ran.code not in (0, 1, 2):
                    problems.append(f"exit {ran.code}")
                if ran.code != 0:
                    problems.append(one_line_refusal(ran))
                if HIDDEN.search(shown_text(ran.out)):
                    problems.append("a hidden character reached the output")
            if name != "a hidden character in a name" and doctor.code != 1:
                problems.append("doctor calls it healthy")
            if runs[-2].code == 0 and name in ("the last change turned back", "an empty store"):
                problems.append("a change was written onto it")
            if name == "an empty store" and generations(store).keys() != before.keys():
                problems.append("started afresh")
            for args, ran in zip(commands, runs, strict=True):
                tally.saw("tampered store", f"{name}: {args[0]}", ran)
            tally.saw("tampered store", f"{name}: doctor", doctor, *problems)


# ---------------------------------------------------------------- 7. text, resources


def text_policy(tally: Tally, keep: bool) -> None:
    hostile = [
        "\x1b[2J",
        "\x07",
        "\x9b31m",
        "\u202eevil",
        "\u2066x",
        "\u200b",
        "a\u2028b",
        "\ufeff",
    ]
    with folder(keep) as where:
        store = fresh_store(where)
        for text in hostile:
            for args, extra in (
                (["assign", "1.1", "--to", "王" + text], {}),
                (["note", "1.1", "进展" + text], {}),
                (["list"], {"LIANTA_USER": "王" + text}),
            ):
                before = generations(store)
                ran = fast(args, base_env(store, **extra), where)
                problems = [one_line_refusal(ran, (2,))]
                if generations(store) != before:
                    problems.append("stored")
                if HIDDEN.search(ran.err):
                    problems.append("the message carries it raw")
                tally.saw("free text", f"{args[0]} with {text!r}", ran, *problems)
        data = json.loads(store.read_bytes())
        task = next(iter(data["tasks"].values()))
        planted = (
            "<img src=x onerror=alert(1)> [a](javascript:x) ![p](http://e/p.png) \u202e\x1b[31m"
        )
        task["notes"].append({"at": "2024-03-04T09:00:00", "by": "x", "text": planted})
        task["assignee"] = planted
        store.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        for args, extra in (
            (["list"], {"LIANTA_RICH": "1"}),
            (["show", "1.1"], {"LIANTA_RICH": "1"}),
            (["list", "--format", "csv"], {}),
            (["list", "--format", "md"], {}),
            (["show", "1.1"], {}),
            (["report", "weekly", "--format", "md"], {}),
        ):
            ran = fast(args, base_env(store, **extra), where)
            out = shown_text(ran.out).replace("\x1b[", "")  # Rich's own colours
            problems = ["hidden character in the output" if HIDDEN.search(out) else ""]
            if "md" in args and ("<img" in ran.out or "](javascript" in ran.out.replace("\\]", "")):
                problems.append("raw HTML or a link in Markdown")
            tally.saw("free text", "planted text shown by " + " ".join(args), ran, *problems)


def resources(tally: Tally, keep: bool) -> None:
    with folder(keep) as where:
        fifo = where / "fifo"
        os.mkfifo(fifo)
        env = base_env(where / "lianta.json")
        for args in (["validate", str(fifo)], ["validate", "/dev/zero"], ["load", "/dev/zero"]):
            began = time.monotonic()
            ran = real(args, env, timeout=30)
            slow = time.monotonic() - began > 20
            tally.saw(
                "resources",
                " ".join(args),
                ran,
                one_line_refusal(ran, (2,)),
                "slow" if slow else "",
            )
        for args in (["list"], ["note", "1.1", "x"], ["doctor"]):
            ran = real(args, base_env(fifo), timeout=30)
            tally.saw(
                "resources",
                "a FIFO as the store: " + args[0],
                ran,
                "" if ran.code == 1 else f"exit {ran.code}",
            )
        huge = where / "huge.yaml"
        with huge.open("wb") as out:
            out.truncate(10 * 2**30)  # sparse
        ran = real(["validate", str(huge)], env, timeout=30)
        tally.saw("resources", "a 10 GB plan file", ran, one_line_refusal(ran, (2,)))
        laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{n}: &{n} [{', '.join([f'*{b}'] * 9)}]\n"
            for b, n in zip("abcdefgh", "bcdefghi", strict=True)
        )
        bomb = where / "bomb.yaml"
        bomb.write_text(laughs)
        ran = real(["validate", str(bomb)], env, timeout=30)
        tally.saw(
            "resources", "an alias bomb", ran, one_line_refusal(ran, (2,)) if ran.code != 2 else ""
        )
        deep = where / "deep.yaml"
        deep.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
        ran = real(["validate", str(deep)], env, timeout=30)
        tally.saw("resources", "deep nesting", ran, "" if ran.code == 2 else f"exit {ran.code}")
        lines, anchored = [], False
        for line in PLAN.read_text(encoding="utf-8").split("\n"):
            if line.startswith("        title_en:"):
                line = (
                    "        title_en: *t" if anchored else f'        title_en: &t "{"x" * 20000}"'
                )
                anchored = True
            lines.append(line)
        aliases = where / "aliases.yaml"
        aliases.write_text("\n".join(lines), encoding="utf-8")
        ran = real(["load", str(aliases)], base_env(where / "aliased.json"), timeout=60)
        size = (where / "aliased.json").stat().st_size if (where / "aliased.json").exists() else 0
        tally.saw(
            "resources",
            "aliases that repeat a long title",
            ran,
            "" if size < 10 * aliases.stat().st_size else f"a store of {size} bytes",
        )
        store = fresh_store(where)
        target = where / "week.md"
        for number in range(5):
            proc = subprocess.Popen(
                [str(LIANTA), "report", "weekly", "--output", str(target)],
                env=base_env(store),
                stderr=subprocess.DEVNULL,
            )
            time.sleep(0.03 + number * 0.04)
            proc.kill()
            proc.wait()
        ran = fast(["report", "weekly", "--output", str(target)], base_env(store), where)
        left = [p.name for p in where.glob(".week.md*")]
        tally.saw("resources", "killed --output, then a run", ran, f"left {left}" if left else "")


# ---------------------------------------------------------------- the run


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer random scenarios")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    parser.add_argument("--only", default="", help="only the groups whose names hold this")
    options = parser.parse_args(argv)
    if not LIANTA.exists():
        parser.error(f"no lianta beside this Python ({LIANTA}); install it first")
    rng = random.Random(options.seed)
    quick = options.quick
    tally = Tally()
    began = time.monotonic()
    groups: list[tuple[str, Callable[[], None]]] = [
        ("back-dated histories", lambda: backdated(tally, rng, 5 if quick else 20, options.keep)),
        (
            "SIGKILL at random",
            lambda: kills_at_random(tally, rng, 60 if quick else 250, options.keep),
        ),
        ("SIGKILL at each step of a save", lambda: kills_at_each_step(tally, options.keep)),
        ("Ctrl-C", lambda: interrupts(tally, rng, 40 if quick else 100, options.keep)),
        ("writers", lambda: writers(tally, 8 if quick else 16, 20 if quick else 50, options.keep)),
        ("disks", lambda: disks(tally, options.keep)),
        ("links", lambda: links(tally, options.keep)),
        ("owners", lambda: owners(tally, options.keep)),
        ("faulty input", lambda: faulty_input(tally, options.keep)),
        ("tampered stores", lambda: tampered(tally, options.keep)),
        ("free text", lambda: text_policy(tally, options.keep)),
        ("resources", lambda: resources(tally, options.keep)),
    ]
    for name, run in groups:
        if options.only.lower() not in name.lower():
            continue
        print(f"{name} …", file=sys.stderr)
        run()
    print(
        f"\nlianta attack (seed {options.seed}{', quick' if quick else ''}): "
        f"{time.monotonic() - began:.0f} s"
    )
    for group, count in tally.groups.items():
        print(f"  {group}: {count}")
    print(f"scenarios: {tally.scenarios}")
    print(
        f"tracebacks: {tally.tracebacks} (and {tally.early_tracebacks} in Python's own start, "
        "before any of lianta's code)"
    )
    print(f'"internal error" lines: {tally.internal}')
    print(f"data lost: {tally.lost}")
    print(f"expectations broken: {len(tally.broken)}")
    for line in tally.broken:
        print("  " + line)
    return 1 if tally.broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
