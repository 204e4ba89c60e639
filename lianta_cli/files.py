"""Reading a file lianta was given without being led astray by it: only a regular file is read
(a FIFO would block, a device such as /dev/zero never end), up to a size, and, where asked,
without following a symbolic link. Shared by the plan reader, the store and the doctor."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .i18n import _

BINARY = getattr(os, "O_BINARY", 0)
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
"""Open flags where the platform has them (Windows has no O_NOFOLLOW and needs O_BINARY)."""
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class NotRegularFile(OSError):
    """The path is a FIFO, a device, a socket or (when not followed) a symbolic link."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(errno.EINVAL, kind, str(path))
        self.kind = kind


class TooLarge(OSError):
    """The file is larger than the reader takes."""

    def __init__(self, path: Path, most: int) -> None:
        super().__init__(errno.EFBIG, "file too large", str(path))
        self.most = most


def kind_of(mode: int) -> str:
    """What a non-regular file is, in a word or two (for messages)."""
    if stat.S_ISLNK(mode):
        return _("a symbolic link")
    if stat.S_ISFIFO(mode):
        return _("a FIFO (named pipe)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("not a regular file")


def read_regular(path: Path, *, most: int | None = None, follow: bool = True) -> bytes:
    """The bytes of the regular file at `path`.

    Raises FileNotFoundError, IsADirectoryError, `NotRegularFile` (without reading: the file is
    opened non-blocking, so a FIFO with no writer does not hang), `TooLarge` beyond `most`
    bytes, or the OSError of the system.
    """
    if not follow and not NOFOLLOW and os.path.islink(path):  # no O_NOFOLLOW (Windows)
        raise NotRegularFile(path, kind_of(stat.S_IFLNK))
    flags = os.O_RDONLY | BINARY | _NONBLOCK | (0 if follow else NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP and not follow:
            raise NotRegularFile(path, kind_of(stat.S_IFLNK)) from None
        raise
    with open(fd, "rb") as file:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(path, kind_of(info.st_mode))
        if most is None:
            return file.read()
        if info.st_size > most:
            raise TooLarge(path, most)
        data = file.read(most + 1)  # the size can grow while it is read
        if len(data) > most:
            raise TooLarge(path, most)
        return data
