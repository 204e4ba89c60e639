"""Run Python as far as lianta can tell as on Windows: the POSIX-only modules are not there.

Put this folder first on PYTHONPATH (`PYTHONPATH=tests/no_posix python -m pytest`) and every
Python started with it, the test runner and each `lianta` it starts, finds no `fcntl`, `pwd`,
`grp`, `termios`, `tty`, `pty` or `resource`, and no `os.fchmod` (Windows has none before
Python 3.13); importing any of them fails as it does on Windows.

In their place it puts a `msvcrt` module with the one call lianta uses, `locking`, built on the
real `flock` taken before it was hidden. Like Windows' region locks, `flock` belongs to the open
file, not to the process, so two opens of the lock file exclude each other within one process
as across processes: the store's Windows path is run, with its waits, time-outs and error
messages, against a lock that behaves as Windows' does. What this cannot show is Windows itself
(its file system, its console, its paths); the README says what was and was not tried there.
"""

from __future__ import annotations

import errno
import fcntl as _fcntl
import importlib.abc
import os
import subprocess  # noqa: F401  # before the stand-in below: it takes any msvcrt for Windows
import sys
import types

HIDDEN = ("fcntl", "pwd", "grp", "termios", "tty", "pty", "resource")


class _Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if name in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


for _name in HIDDEN:
    sys.modules.pop(_name, None)
sys.meta_path.insert(0, _Hide())
if hasattr(os, "fchmod"):
    del os.fchmod

LK_UNLCK, LK_LOCK, LK_NBLCK, LK_RLCK, LK_NBRLCK = 0, 1, 2, 3, 4


def locking(fd: int, mode: int, nbytes: int) -> None:
    """msvcrt.locking as lianta uses it: LK_NBLCK takes the lock or raises OSError at once
    (Windows says EACCES), LK_UNLCK lets it go."""
    del nbytes  # lianta locks one byte of a lock file that holds nothing else
    if mode == LK_UNLCK:
        _fcntl.flock(fd, _fcntl.LOCK_UN)
        return
    try:
        _fcntl.flock(fd, _fcntl.LOCK_EX | (0 if mode == LK_LOCK else _fcntl.LOCK_NB))
    except BlockingIOError:
        raise OSError(errno.EACCES, "Permission denied") from None
    CALLS.append(mode)


CALLS: list[int] = []
"""The locks taken through this module, so a test can tell the Windows path was the one run."""

msvcrt = types.ModuleType("msvcrt", "A stand-in for Windows' msvcrt: `locking` only.")
msvcrt.__dict__.update(
    locking=locking,
    LK_UNLCK=LK_UNLCK,
    LK_LOCK=LK_LOCK,
    LK_NBLCK=LK_NBLCK,
    LK_RLCK=LK_RLCK,
    LK_NBRLCK=LK_NBRLCK,
    CALLS=CALLS,
)
sys.modules["msvcrt"] = msvcrt
os.environ["LIANTA_TEST_NO_POSIX"] = "1"
