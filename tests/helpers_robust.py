"""Helpers for the robustness tests: stores built through the library, the CLI run in forked
children or as real processes, and a store's content compared semantically."""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import redirect_stderr, redirect_stdout
from datetime import datetime
from pathlib import Path
from typing import Any

from lianta_cli import plan_load, tracker
from lianta_cli import store as store_module
from lianta_cli.clock import Clock
from lianta_cli.models import PlanKey
from lianta_cli.store import open_store
from lianta_cli.tracker import TABLES

LIANTA = Path(sys.executable).with_name("lianta")
"""The console script installed in the virtual env beside this Python."""

CONTROL_BYTES = {*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F}
"""Bytes no output may carry raw: every C0 control but tab and newline, and DEL."""


def content(path: Path) -> dict[str, Any]:
    """A store file's semantic content: its tables as parsed, whatever the file's layout."""
    return content_of(path.read_bytes())


def content_of(raw: bytes) -> dict[str, Any]:
    """The semantic content of a store file's bytes (the tables lianta reads)."""
    data = json.loads(raw)
    return {name: data.get(name, {}) for name in TABLES}


def build_store(path: Path, *, notes: int = 0, note_size: int = 0, now: str = "2024-03-04") -> None:
    """A store holding the bundled plan and `notes` notes of `note_size` characters, spread over
    the tasks, each recorded as its own change (so the history agrees with the tasks)."""
    clock = Clock(datetime.fromisoformat(now))
    with open_store(path, write=True) as store:
        plan_load.ensure_plan(store, clock, "builder")
        ids = [doc["id"] for doc in store.read("tasks").values()]
        for number in range(notes):
            text = f"{number:06d} " + "进展" * (note_size // 2)
            task = ids[number % len(ids)]
            tracker.add_note(store, PlanKey("", 2024), task, text, clock, "builder")


@functools.cache
def _command() -> Any:
    """The click command behind `lianta`, built once per process (building it takes longer
    than most commands)."""
    import typer

    from lianta_cli.cli import app

    return typer.main.get_command(app)


_AMBIENT = ("NO_COLOR", "COLUMNS", "LANG", "LC_ALL", "LC_MESSAGES")


def call_cli(args: Sequence[str], env: Mapping[str, str] | None = None) -> tuple[int, str, str]:
    """Run `lianta ARGS` in this process through the console-script entry point."""
    given = dict(env or {})
    ambient = {n for n in os.environ if n.startswith("LIANTA_") or n in _AMBIENT} - set(given)
    saved = {name: os.environ.get(name) for name in {*given, *ambient}}
    for name in ambient:  # only what the caller gives reaches the command
        del os.environ[name]
    os.environ.update(given)
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                _command().main(list(args), prog_name="lianta")
                code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else 1
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return code, out.getvalue(), err.getvalue()


def fork_cli(args: Sequence[str], env: Mapping[str, str]) -> int:
    """Start `lianta ARGS` in a forked child (modules already imported, so it starts at once);
    its output goes nowhere. Returns the child's pid."""
    _command()  # built before the fork, so every child starts with it
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        code = call_cli(args, env)[0]
    finally:
        os._exit(code)


def run_lianta(
    args: Sequence[str], env: Mapping[str, str], *, user: Sequence[str] = (), timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the installed `lianta` console script as a real process (optionally under `user`,
    a command prefix such as setpriv)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LIANTA_")}
    full_env.update(env)
    return subprocess.run(
        [*user, str(LIANTA), *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def temporaries(path: Path) -> list[Path]:
    """Temporary files of saves beside the store."""
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


def assert_one_line_error(stderr: str, *needles: str) -> None:
    """Exactly one line of error in `stderr` (a plan file's warnings may come before it), with
    every needle in it."""
    lines = [line for line in stderr.splitlines() if line.strip() and ": warning: " not in line]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


SAVE_STEPS = ("open", "write", "fsync", "close", "link", "replace", "unlink")
"""The calls a save makes to the operating system, each a place to be killed at."""


def kill_in_a_save(step: int, *, after: bool, links: bool) -> list[int]:
    """In a forked child: SIGKILL this process at the `step`-th of the SAVE_STEPS calls made
    while the store is saved, just before the call or just after it (`after`); without hard
    links (`links` false) every link fails as on a file system that has none. Returns the
    running count of those calls, which a `step` of 0 only counts."""
    calls, saving = [0], [False]

    def watched(name: str, real_call: Callable[..., Any]) -> Callable[..., Any]:
        def call(*a: Any, **kw: Any) -> Any:
            if not saving[0]:
                return real_call(*a, **kw)
            calls[0] += 1
            failing = name == "link" and not links
            if calls[0] == step and (failing or not after):
                os.kill(os.getpid(), signal.SIGKILL)
            if failing:
                raise OSError(errno.EPERM, "no hard links here")
            result = real_call(*a, **kw)
            if calls[0] == step and after:
                os.kill(os.getpid(), signal.SIGKILL)
            return result

        return call

    for name in SAVE_STEPS:
        setattr(os, name, watched(name, getattr(os, name)))
    real_save = store_module.atomic_write

    def save(*a: Any, **kw: Any) -> None:
        saving[0] = True
        real_save(*a, **kw)
        saving[0] = False

    store_module.atomic_write = save  # type: ignore[assignment]
    return calls


def remove_lock_until(lock: Path, stop: Any, removed: Any = None) -> None:
    """In a process of its own: remove the store's lock file again and again (now and then
    putting a new file in its place) until `stop` is set; the count goes in `removed`, a shared
    value, when one is given."""
    count = 0
    while not stop.is_set():
        with contextlib.suppress(OSError):
            lock.unlink()
            count += 1
            if count % 7 == 0:
                lock.write_bytes(b"")
        time.sleep(0.0002)
    if removed is not None:
        removed.value = count
