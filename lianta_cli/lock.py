"""The store's lock: one writer at a time, even when the lock file is removed or replaced.

`fcntl.flock` where the system has `fcntl` (Linux, macOS), else `msvcrt.locking` (Windows),
imported on use. Once taken, the lock is checked to be still the file at `<store>.lock`; on
Linux and macOS the store file itself is locked too.

A database takes no such lock: its commands run side by side, and one that another got ahead
of on the same rows is run again (`retried`). `LIANTA_LOCK_TIMEOUT` bounds both waits.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import math
import os
import random
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar, cast

from .errors import InputError, StoreError
from .files import BINARY, NOFOLLOW
from .i18n import _
from .store import Conflict, _owner_and_mode, describe, lock_path, path_error

T = TypeVar("T")


def lock_timeout() -> float:
    """Seconds to wait for the lock: `LIANTA_LOCK_TIMEOUT`, else 30."""
    raw = os.environ.get("LIANTA_LOCK_TIMEOUT", "").strip()
    if not raw:
        return 30.0
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if math.isnan(value) or value < 0:
        raise InputError(
            _("LIANTA_LOCK_TIMEOUT={value!r} is not a number of seconds (e.g. 30)").format(
                value=raw
            )
        )
    return value


def _make_folder(folder: Path) -> None:
    """Create the store's folder private to the user (0700), and any missing parents."""
    if folder.is_dir():
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        return
    os.chmod(folder, 0o700)  # whatever the umask took away


def _try_lock(fd: int) -> None:
    """Lock the lock file open as `fd` without waiting; BlockingIOError if another process
    holds it. `fcntl.flock` where there is fcntl (Linux, macOS), else `msvcrt.locking` (Windows).
    Imported here, not at the top: importing the store needs no module of one platform only."""
    try:
        import fcntl
    except ImportError:
        msvcrt: Any = importlib.import_module("msvcrt")
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as error:  # Windows says EACCES or EDEADLOCK for a region held elsewhere
            raise BlockingIOError(error.errno, error.strerror) from error
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(fd: int) -> None:
    """Release `_try_lock`'s lock (closing the file would too, but Windows says when it
    happens is not defined)."""
    try:
        import fcntl
    except ImportError:
        msvcrt: Any = importlib.import_module("msvcrt")
        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    fcntl.flock(fd, fcntl.LOCK_UN)


@contextlib.contextmanager
def store_lock(path: Path, timeout: float | None = None) -> Iterator[int]:
    """Hold the store's lock (yielding the lock file's descriptor); wait up to `timeout`
    seconds, then fail naming the lock file.

    The lock is `<store>.lock`, checked once taken to be still the file of that name: one that
    was removed or replaced while this process waited is given up and the new one taken. That
    cannot stop a process that starts after a held lock file was removed from making a new one,
    so where the store exists its file is locked the same way too (not on Windows, where a file
    that is open cannot be removed, and a lock on the store would keep its readers out). The
    store file is replaced only by a save under that lock, and a store that was missing is
    only ever created, never replaced (`atomic_write`'s `create`).
    """
    if timeout is None:
        timeout = lock_timeout()
    lock = lock_path(path)
    deadline = time.monotonic() + timeout
    held = [_take(lock, lambda: _open_lock(lock, path), lock, deadline, timeout)]
    try:
        if sys.platform != "win32":
            held.append(_take(path, lambda: _open_store_file(path), lock, deadline, timeout))
        yield cast(int, held[0])  # the lock file is always opened
    finally:
        for fd in held:
            if fd is not None:
                _unlock(fd)
                os.close(fd)


def _take(
    path: Path, open_it: Callable[[], int | None], lock: Path, deadline: float, timeout: float
) -> int | None:
    """Lock the file `open_it` opens (None if there is none) and, once locked, check that it is
    still the file at `path`; if not, take the one there now."""
    while True:
        fd = open_it()
        if fd is None:
            return None
        try:
            _wait_for_lock(fd, lock, deadline, timeout)
            if _is_at(fd, path):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _is_at(fd: int, path: Path) -> bool:
    """Whether the file open as `fd` is still the file at `path` (not removed or replaced)."""
    try:
        return os.path.samestat(os.fstat(fd), os.lstat(path))
    except OSError:
        return False


def _open_lock(lock: Path, path: Path) -> int:
    """The lock file opened for locking, made if missing (never through a link planted there),
    owned by whoever owns the store when root makes it."""
    try:
        _make_folder(path.parent)
        if not NOFOLLOW and os.path.islink(lock):
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(lock))
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | NOFOLLOW | BINARY, 0o600)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise StoreError(
                _(
                    "lock file {lock} is a symbolic link; lianta does not follow it: remove it "
                    "and run the command again"
                ).format(lock=lock)
            ) from None
        raise path_error(
            error,
            _("cannot write in {folder}: {reason}; nothing was changed").format(
                folder=path.parent, reason=describe(error)
            ),
        ) from None
    owner, _mode = _owner_and_mode(path if path.exists() else path.parent)
    if owner is not None and hasattr(os, "fchown") and os.fstat(fd).st_uid != owner[0]:
        os.fchown(fd, *owner)  # root's lock would shut the store's owner out
    return fd


def _open_store_file(path: Path) -> int | None:
    """The store file opened for locking, or None if there is no regular file to lock."""
    try:
        fd = os.open(path, os.O_RDONLY | BINARY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None  # missing (a new store), or unreadable: reading it says why
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    return fd


def _wait_for_lock(fd: int, lock: Path, deadline: float, timeout: float) -> None:
    delay = 0.001
    while True:
        try:
            _try_lock(fd)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise StoreError(
                    _(
                        "store is busy: another lianta holds {lock} "
                        "(waited {seconds} s; LIANTA_LOCK_TIMEOUT sets the wait)"
                    ).format(lock=lock, seconds=f"{timeout:g}")
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.005)  # short: a save takes milliseconds
        except OSError as error:
            raise StoreError(
                _("cannot lock {lock}: {reason}; nothing was changed").format(
                    lock=lock, reason=describe(error)
                )
            ) from None


def retried(attempt: Callable[[], T]) -> T:
    """`attempt()`, run again from the start each time it raises `Conflict` (a database stopped
    it because another command changed the same rows first), for up to `lock_timeout()`
    seconds; then StoreError."""
    deadline = time.monotonic() + lock_timeout()
    tries = 0
    while True:
        try:
            return attempt()
        except Conflict:
            if time.monotonic() >= deadline:
                raise StoreError(
                    _(
                        "store is busy: other commands kept changing the same tasks for "
                        "{seconds} s (LIANTA_LOCK_TIMEOUT sets the wait); nothing was changed"
                    ).format(seconds=f"{lock_timeout():g}")
                ) from None
            time.sleep(random.uniform(0, min(0.2, 0.005 * 2**tries)))
            tries += 1
