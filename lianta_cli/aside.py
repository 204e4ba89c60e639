"""Bytes made by a child process while this one goes on with other work.

Python runs one piece of work at a time in a process. A large load has pieces that do not
depend on each other: where each stored task is in the store file (swept while the plan is
read), the comparison of the second half of the plan's tasks with the store while this process
compares the first, the text of the second half of a table written anew. A child forked for one
sees this process's memory as it was, hands its result over in a file in memory, and the two
run side by side on two processors. Without `fork` or a second processor, the same work is
done here, one piece after another.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterable, Iterator


def can_fork() -> bool:
    """Whether work can be set aside here: a fork, a file in memory, a second processor."""
    if not (hasattr(os, "fork") and hasattr(os, "memfd_create")):
        return False
    try:
        processors = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        processors = os.cpu_count() or 1
    return processors > 1


@contextlib.contextmanager
def aside(make: Callable[[], Iterable[bytes]]) -> Iterator[Callable[[], bytes | None]]:
    """A function that waits for the pieces `make()` returns, joined: made meanwhile by a
    child process. It returns None if the child failed (an exception in `make`, which the
    caller then meets by making them itself). A child not waited for is stopped on leaving.

    The child shares this process's memory as it is at the fork, writes only to the file in
    memory, and ends without running any exit handler or flushing any stream."""
    try:
        fd = os.memfd_create("lianta-aside", os.MFD_CLOEXEC)
    except OSError:  # refused here (too many files, say): the caller makes them itself
        yield lambda: None
        return
    try:
        pid = os.fork()
    except OSError:
        os.close(fd)
        yield lambda: None
        return
    if pid == 0:  # pragma: no cover - the child, which coverage does not follow
        code = 1
        try:
            for piece in make():
                view = memoryview(piece)
                while view:
                    view = view[os.write(fd, view) :]
            code = 0
        finally:
            os._exit(code)
    waited: list[bytes | None] = []  # what the child gave, once it is waited for

    def collect() -> bytes | None:
        if waited:
            return waited[0]
        _, status = os.waitpid(pid, 0)
        waited.append(_made(fd) if os.waitstatus_to_exitcode(status) == 0 else None)
        return waited[0]

    try:
        yield collect
    finally:
        if not waited:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)


def _made(fd: int) -> bytes | None:
    """What the child wrote to the file in memory `fd`."""
    size = os.fstat(fd).st_size
    pieces: list[bytes] = []
    while (done := sum(map(len, pieces))) < size:
        pieces.append(os.pread(fd, size - done, done))
        if not pieces[-1]:
            return None
    return b"".join(pieces)
