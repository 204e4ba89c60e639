"""The store: tables of JSON documents keyed by number, behind a small interface.

The domain reads and changes documents only through `Store`; it never sees a file, a lock or an
engine. The file engine keeps every table in one TinyDB JSON file. It is the only module that
imports tinydb. Every command works on one snapshot:

* a command that writes holds the store's lock from reading to saving, so two processes never
  interleave; readers take no lock, because a save replaces the file atomically;
* `SnapshotStorage` (TinyDB's storage interface) reads the file once and keeps every write in
  memory; `FileStore.save` then writes it once: a temporary file beside the store, flushed to
  disk and renamed over it, after the previous file is kept as a backup generation.

A command that fails before its save leaves the file as it was. Nothing here follows a symbolic
link it did not make (the store given as a link is the one exception: its target is the store),
and a file lianta replaces keeps its owner and mode.
"""

from __future__ import annotations

import contextlib
import dataclasses  # noqa: F401  (for orjson, see below)
import datetime  # noqa: F401
import enum  # noqa: F401
import errno
import gc
import importlib.util
import json  # noqa: F401  (for orjson, see below)
import os
import signal
import stat
import sys
import threading
import uuid  # noqa: F401
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, cast
from urllib.parse import urlsplit, urlunsplit

# dataclasses, datetime, enum, json and uuid, imported above, are orjson's own imports: its
# set-up dereferences an import that failed, so a Ctrl-C landing in one of them crashed the
# interpreter (ijl/orjson#310); made before it, they cannot fail.
import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from .errors import InputError, StoreError
from .files import BINARY, NOFOLLOW, NotRegularFile, read_regular
from .i18n import _

BACKUPS = 3
LEGACY_TABLES = ("counts", "checks")
"""Tables earlier versions of the file engine kept beside the data (figures and checksums made
from it); they are dropped when such a file is read."""

Document = dict[str, Any]


class Store(Protocol):
    """What the domain needs of a store: named tables of documents keyed by whole numbers, for
    one command (under the file's lock, or in one database transaction). Engines: `FileStore`
    here, and `store_pg` for a `postgresql://` URL."""

    location: str
    """Where the store is, for messages (a database URL without its password)."""

    user: str | None
    """Who is acting, when the engine knows it (a database: the role of the connection); None
    when the caller says who it is (the file engine)."""

    saved: bool
    """Whether this command's changes are in the store for good (saved, or committed)."""

    as_saved: bool
    """Whether the store is as lianta's own commands left it, so that a change need not check
    its whole history first: a file whose mark matches (see `open_file_store`); a database
    always, as only roles with rights change it, each change in a transaction."""

    def tables(self) -> set[str]:
        """The names of the tables the store holds."""
        ...

    def read(self, table: str) -> dict[int, Document]:
        """Every document of `table` by its number (empty if there is no such table)."""
        ...

    def insert(self, table: str, documents: Sequence[Document]) -> list[int]:
        """Add documents; the numbers they were given."""
        ...

    def update(self, table: str, patches: Mapping[int, Document]) -> None:
        """Set the fields of each patch on the document of that number; `Refused` if the engine
        does not let this user change some of them (the file engine never refuses)."""
        ...

    def next_number(self, counter: str) -> int:
        """The next number of `counter`: 1, 2, 3, ..., never the same twice, not even to two
        commands at once. Its last value reads as `last_<counter>` in document 1 of `meta`."""
        ...


COUNTERS = "meta"
"""The table whose document 1 holds the last value of each counter (`next_number`)."""


def counter_field(counter: str) -> str:
    return f"last_{counter}"


class Refused(StoreError):
    """The engine does not let this user change these documents (a database's rights)."""

    def __init__(self, message: str, table: str, keys: Sequence[int]) -> None:
        super().__init__(message)
        self.table = table
        self.keys = list(keys)


class Conflict(Exception):
    """Another command changed the same documents first; run this command again from the start
    (the file engine's lock makes this impossible there)."""


class _Table(Table):
    """A TinyDB table that also hands out its documents as stored, without a copy of each, and
    patches many documents, each differently, in one write."""

    def documents(self) -> dict[int, Document]:
        return {int(key): cast(Document, doc) for key, doc in self._read_table().items()}

    def patch(self, patches: Mapping[int, Document]) -> None:
        def apply(documents: dict[int, Any]) -> None:
            for doc_id, fields in patches.items():
                documents[doc_id].update(fields)

        self._update_table(apply)


class _Database(TinyDB):
    table_class = _Table


class SnapshotStorage(Storage):
    """TinyDB storage over one in-memory copy of the file: read once, written by `save`."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.dirty = False

    def read(self) -> dict[str, Any]:
        return self.data

    def write(self, data: dict[str, Any]) -> None:
        self.data = data
        self.dirty = True


class FileStore:
    """The file engine: one snapshot of a TinyDB JSON file."""

    user: str | None = None  # the caller says who it is

    def __init__(self, path: Path, data: dict[str, Any] | None = None) -> None:
        self.path = path
        self.location = str(path)
        self.as_saved = False
        """The file is exactly as lianta last saved it (see `open_store`)."""
        self.storage = SnapshotStorage(read_file(path) if data is None else data)
        self.existed = data is not None or os.path.lexists(path)
        """Whether the file was there when it was read: if not, a save only creates it."""
        self.saved = False
        """Whether `save` wrote the file."""
        self.db = _Database(storage=lambda: self.storage)
        self._documents: dict[str, dict[int, Document]] = {}

    def _table(self, name: str) -> _Table:
        table = self.db.table(name, cache_size=0)
        assert isinstance(table, _Table)
        return table

    def tables(self) -> set[str]:
        return self.db.tables()

    def read(self, table: str) -> dict[int, Document]:
        """The documents as the snapshot holds them: read them, never change them."""
        if table not in self._documents:
            self._documents[table] = self._table(table).documents()
        return self._documents[table]

    def insert(self, table: str, documents: Sequence[Document]) -> list[int]:
        self._documents.pop(table, None)
        return self._table(table).insert_multiple(documents) if documents else []

    def update(self, table: str, patches: Mapping[int, Document]) -> None:
        self._documents.pop(table, None)
        if patches:
            self._table(table).patch(patches)

    def next_number(self, counter: str) -> int:
        """One more than `last_<counter>` in document 1 of `meta`, kept there (the lock makes
        the number this command's alone)."""
        name = counter_field(counter)
        holder = self.read(COUNTERS).get(1)
        number = int((holder or {}).get(name, 0)) + 1
        if holder is None:
            self.insert(COUNTERS, [{name: number}])
        else:
            self.update(COUNTERS, {1: {name: number}})
        return number

    @property
    def empty(self) -> bool:
        return not any(self.storage.data.values())

    def save(self) -> bool:
        """Write the snapshot to the file if anything changed (see `atomic_write`); whether it
        did."""
        if not self.storage.dirty:
            return False
        try:
            payload = orjson.dumps(self.storage.data)
        except TypeError:  # orjson's encode error: a lone surrogate from a mis-encoded argument
            raise not_unicode() from None
        with interrupts_held():
            atomic_write(self.path, payload, create=not self.existed)
            self.storage.dirty = False
            self.saved = self.existed = True
        return True


def not_unicode() -> InputError:
    return InputError(
        _(
            "the text given is not valid Unicode (an argument in another encoding?); "
            "nothing was changed"
        )
    )


# ---------------------------------------------------------------- reading the file


def doctor_hint(path: Path) -> str:
    return _("run 'lianta doctor --db {path}' to check it and restore a backup").format(path=path)


def decode(raw: bytes) -> tuple[dict[str, Any], str | None]:
    """The tables in a store file's bytes and None, or {} and what is wrong with them (worded
    to follow the file's name)."""
    if not raw.strip():
        return {}, _("is empty or truncated")
    if b"\x00" in raw:
        return {}, _("contains NUL bytes (a damaged write?)")
    collecting = gc.isenabled()
    gc.disable()  # the parse makes a container per document and no cycles to collect
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        return {}, _("is not valid JSON ({error})").format(error=error)
    finally:
        if collecting:
            gc.enable()
    if not isinstance(data, dict):
        return {}, _("is damaged ({problem})").format(
            problem=_("the top level is not a mapping of tables")
        )
    for name in LEGACY_TABLES:
        data.pop(name, None)
    for name, table in data.items():
        if not isinstance(table, dict):
            problem = _("table {name!r} is not a mapping").format(name=name)
            return {}, _("is damaged ({problem})").format(problem=problem)
        if all(map(_document_number, table)) and {*map(type, table.values())} <= {dict}:
            continue
        key = next(
            k for k, doc in table.items() if not _document_number(k) or type(doc) is not dict
        )
        problem = _("table {name!r} has a malformed document {key!r}").format(name=name, key=key)
        return {}, _("is damaged ({problem})").format(problem=problem)
    return data, None


def _document_number(key: str) -> bool:
    return key.isascii() and key.isdigit()


def read_file(path: Path) -> dict[str, Any]:
    """The tables of the store file at `path` ({} if there is none yet); StoreError if it
    cannot be read or is not a store."""
    try:
        raw = read_regular(path)
    except FileNotFoundError:
        return {}
    except IsADirectoryError:
        raise StoreError(_("store {path} is a folder, not a file").format(path=path)) from None
    except NotRegularFile as error:
        raise StoreError(
            _("store {path} is {kind}, not a store file").format(path=path, kind=error.kind)
        ) from None
    except OSError as error:
        raise path_error(
            error, _("cannot read store {path}: {reason}").format(path=path, reason=describe(error))
        ) from None
    data, problem = decode(raw)
    if problem is not None:
        raise StoreError(
            _("store {path} {problem}; {hint}").format(
                path=path, problem=problem, hint=doctor_hint(path)
            )
        )
    return data


def describe(error: OSError) -> str:
    """An operating-system error in a few words."""
    if error.errno == errno.ENOSPC:
        return _("no space left on the disk")
    if error.errno in (errno.EACCES, errno.EPERM):
        return _("permission denied")
    if error.errno == errno.EROFS:
        return _("the file system is read-only")
    if error.errno == errno.ENAMETOOLONG:
        return _("the name is too long")
    return error.strerror or str(error)


def path_error(error: OSError, message: str) -> InputError | StoreError:
    """The error to raise for `error` on a path the user gave, saying `message`: bad input if
    the path is too long for the system, else a problem of the machine (exit status 1)."""
    return InputError(message) if error.errno == errno.ENAMETOOLONG else StoreError(message)


# ---------------------------------------------------------------- saving


def backup_paths(path: Path, count: int = BACKUPS) -> list[Path]:
    """The backup generations of a store, newest first."""
    return [path.with_name(f"{path.name}.{n}") for n in range(1, count + 1)]


def aside_path(path: Path, count: int = BACKUPS) -> Path:
    """Where a save holds the oldest generation while it rotates them (`<store>.4`); removed
    once the new store is in place, so one is left only by a save that was killed."""
    return path.with_name(f"{path.name}.{count + 1}")


def temporary_path(path: Path) -> Path:
    """This process's temporary file beside `path`: `.<name>.<pid>.tmp`."""
    return path.with_name(f".{path.name[:_NAME_KEPT]}.{os.getpid()}.tmp")


_NAME_KEPT = 200
"""Characters of a file's name kept in its temporary file's name (which must fit in 255)."""


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C until the block is done, then raise it: a save is then either not begun or
    complete, and the command can say which."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, _frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)
    if caught:
        raise KeyboardInterrupt


def atomic_write(
    path: Path, payload: bytes, *, backups: int = BACKUPS, create: bool = False
) -> None:
    """Replace `path` with `payload`; a crash at any moment leaves the old or the new file.

    The new file is written beside it (never through a link planted there), flushed to disk
    and renamed over it with the owner and mode of the file it replaces; the previous file
    becomes backup generation 1 (`_Rotation`). A save that fails puts the generations back.
    With `create` the file must not exist yet: if another process made it meanwhile, nothing is
    written. Call it holding the store's lock: it removes the temporary files of saves that
    were killed.
    """
    folder = path.parent
    for stale in stale_temporaries(path, backups):
        _discard(stale)
    tmp = temporary_path(path)
    rotation = _Rotation(path, backups)
    try:
        owner, mode = _owner_and_mode(path)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | BINARY, 0o600)
        try:
            write_all(fd, payload)
            _give(fd, owner, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        if create:
            _create_from(tmp, path)
        else:
            if backups:
                rotation.run()
            os.replace(tmp, path)
        fsync_folder(folder)
    except OSError as error:
        rotation.undo()
        _discard(tmp)
        raise path_error(
            error,
            _("cannot save store {path}: {reason}; nothing was changed").format(
                path=path, reason=describe(error)
            ),
        ) from None
    except BaseException:
        rotation.undo()
        _discard(tmp)
        raise
    if backups:
        _discard(aside_path(path, backups))  # the oldest generation, or one a killed save left


def write_all(fd: int, payload: bytes) -> None:
    """Write every byte (a write may take fewer than it is given)."""
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _create_from(tmp: Path, path: Path) -> None:
    """Give `tmp` the name `path`, which must still be free (a hard link fails if it is not)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise StoreError(
            _(
                "another lianta created {path} while this command ran; nothing was saved; "
                "run the command again"
            ).format(path=path)
        ) from None
    except OSError as error:
        if not _no_hard_links(error):
            raise
        os.replace(tmp, path)
    else:
        _discard(tmp)


def _no_hard_links(error: OSError) -> bool:
    """Whether `error` says the file system does not make hard links (FAT, some shares)."""
    return error.errno in {
        errno.EPERM,
        errno.EOPNOTSUPP,
        errno.ENOTSUP,
        errno.EMLINK,
        errno.EXDEV,
        errno.ENOSYS,
    }


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _owner_and_mode(path: Path) -> tuple[tuple[int, int] | None, int]:
    """What a file replacing `path` is given: the owner of the file it replaces when lianta runs
    as root and that is someone else (None otherwise), and its permissions (0600 for a new
    file)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None, 0o600
    owner = (info.st_uid, info.st_gid)
    keep = owner if _is_root() and owner != (os.geteuid(), os.getegid()) else None
    return keep, stat.S_IMODE(info.st_mode) & 0o777


def _give(fd: int, owner: tuple[int, int] | None, mode: int) -> None:
    if owner is not None and hasattr(os, "fchown"):
        os.fchown(fd, *owner)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)


def stale_temporaries(path: Path, backups: int = BACKUPS) -> list[Path]:
    """Temporary files `.<name>.<pid>.tmp` beside `path`, and those of its backup copies (left
    by a save that was killed)."""
    prefixes = [f".{p.name[:_NAME_KEPT]}." for p in [path, *backup_paths(path, backups)]]
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    return sorted(
        path.parent / name
        for name in names
        for prefix in prefixes
        if name.startswith(prefix) and name.endswith(".tmp") and name[len(prefix) : -4].isdigit()
    )


def process_running(pid: int) -> bool:
    """Whether process `pid` is running (assumed so where that cannot be asked: Windows)."""
    if sys.platform == "win32":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's
    return True


class _Rotation:
    """The backup generations one save moves, so that a save that fails can put them back.

    The current file becomes generation 1; older generations move one place down as far as the
    first free place. Only when all three are taken does the oldest move on, to `<store>.4`,
    which the save removes once the new store is in place: no generation is lost before the
    save is done, and a save killed at any moment leaves every generation under some name. A
    link planted in a generation's place is removed, never followed.
    """

    def __init__(self, path: Path, count: int) -> None:
        self.path = path
        self.places = [*backup_paths(path, count), aside_path(path, count)] if count else []
        self.moved: list[tuple[Path, Path]] = []
        self.made: Path | None = None

    def run(self) -> None:
        if not self.places or not os.path.lexists(self.path):
            return
        first = self.places[0]
        if _same_content(self.path, first):
            return  # generation 1 holds it already (just restored, or a killed save rotated)
        for place in self.places:
            if os.path.islink(place):
                os.unlink(place)
        last = len(self.places) - 1
        free = next(
            n for n, place in enumerate(self.places) if n == last or not os.path.lexists(place)
        )
        for n in range(free, 0, -1):
            os.replace(self.places[n - 1], self.places[n])
            self.moved.append((self.places[n - 1], self.places[n]))
        self.made = first
        _keep_copy(self.path, first)

    def undo(self) -> None:
        """Put the generations back as they were (best effort, after a failed save)."""
        if self.made is not None:
            _discard(self.made)
        for older, newer in reversed(self.moved):
            with contextlib.suppress(OSError):
                os.replace(newer, older)
        self.moved, self.made = [], None


def _keep_copy(path: Path, target: Path) -> None:
    """`target` as a second name of the file at `path` (a hard link) or, on a file system
    without them, as a copy that is read back and compared before it counts."""
    try:
        os.link(path, target)
    except OSError as error:
        if not _no_hard_links(error):
            raise
    else:
        return
    payload = read_regular(path)
    owner, mode = _owner_and_mode(path)
    tmp = temporary_path(target)  # a copy cut short must never bear a generation's name
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | BINARY, 0o600)
        try:
            write_all(fd, payload)
            _give(fd, owner, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        if read_regular(tmp, follow=False) != payload:
            raise OSError(errno.EIO, _("the backup copy does not read back as written"), str(tmp))
        os.replace(tmp, target)
    except BaseException:
        _discard(tmp)
        raise


def _same_content(path: Path, other: Path) -> bool:
    """Whether `other` is a regular file (not a link) holding what `path` holds."""
    try:
        mine, theirs = os.stat(path), os.lstat(other)
        if not stat.S_ISREG(theirs.st_mode):
            return False
        if os.path.samestat(mine, theirs):
            return True
        return mine.st_size == theirs.st_size and (
            read_regular(path) == read_regular(other, follow=False)
        )
    except OSError:
        return False


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort: not every system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ---------------------------------------------------------------- where the store is, and its lock


DATABASE_SCHEMES = ("postgresql://", "postgres://")


def is_database(location: Path | str) -> bool:
    """Whether a store location is a database URL (else it is a file path)."""
    return isinstance(location, str) and location.startswith(DATABASE_SCHEMES)


def store_location(given: str | None = None) -> Path | str:
    """Where the store is: `given` (`--db`), else `LIANTA_DB`, else the platform's user data
    folder. A `postgresql://` URL is kept as given; anything else is a file path."""
    text = given if given is not None else os.environ.get("LIANTA_DB", "").strip()
    if is_database(text):
        return text
    return Path(text).expanduser() if text else user_store_path()


def check_database_engine() -> None:
    """StoreError unless the PostgreSQL engine's library is installed (an optional extra)."""
    if importlib.util.find_spec("psycopg") is None:
        raise StoreError(
            _("a postgresql:// store needs the PostgreSQL engine: pip install 'lianta[postgresql]'")
        )


def shown_location(location: Path | str) -> str:
    """A store location for messages: a database URL without its password."""
    parts = urlsplit(str(location))
    if not is_database(location) or parts.password is None:
        return str(location)
    user, host = parts.username or "", parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host))


def user_store_path() -> Path:
    """The store in the platform's user data folder (where it is without `LIANTA_DB`)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "lianta" / "lianta.json"


def store_file(path: Path) -> Path:
    """The file a store path stands for: a symlink's target, so saves keep the link intact and
    the lock and backups are beside the file the link leads to."""
    try:
        return Path(os.path.realpath(path)) if path.is_symlink() else path
    except OSError as error:
        raise path_error(
            error, _("cannot use store {path}: {reason}").format(path=path, reason=describe(error))
        ) from None


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def store_files(location: Path | str) -> list[Path]:
    """Every file lianta keeps for the store at `location`: the store, its backups, its lock
    (none for a database)."""
    if is_database(location):
        return []
    path = store_file(Path(location))
    return [path, *backup_paths(path), lock_path(path)]


def refuse_if_lost(path: Path) -> None:
    """A store that is missing or holds nothing while backups are beside it was lost (or
    emptied), not never made: do not start afresh."""
    found = [b for b in backup_paths(path) if os.path.lexists(b)]
    if not found:
        return
    message = (
        _(
            "store {path} holds nothing but its backup {backup} exists; run 'lianta doctor "
            "--db {path} --restore' to bring it back (or delete the backups to start afresh)"
        )
        if os.path.lexists(path)
        else _(
            "store {path} is missing but its backup {backup} exists; run 'lianta doctor "
            "--db {path} --restore' to bring it back (or delete the backups to start afresh)"
        )
    )
    raise StoreError(message.format(path=path, backup=found[0]))


_MARK_SIZE = 64


def _mark(path: Path) -> bytes:
    """What identifies the file at `path` as it is: inode, size, time of the last change."""
    try:
        found = os.stat(path)
    except OSError:
        return b""
    return f"{found.st_ino} {found.st_size} {found.st_mtime_ns}".encode().ljust(_MARK_SIZE)


def _read_mark(lock: int) -> bytes:
    try:
        return os.pread(lock, _MARK_SIZE, 0) if hasattr(os, "pread") else b""
    except OSError:
        return b""


def _write_mark(lock: int, mark: bytes) -> None:
    with contextlib.suppress(OSError):  # only a check is lost: the next writer does it in full
        if hasattr(os, "pwrite"):
            os.pwrite(lock, mark, 0)


@contextlib.contextmanager
def open_store(location: Path | str, *, write: bool) -> Iterator[Store]:
    """The store at `location` (a file path, or a database URL: see `store_pg`) for one
    command. A file: a snapshot; with `write`, the lock held throughout and the snapshot saved at
    the end if it changed (not if the block raised). A database: one transaction, committed at
    the end with `write` (a `Conflict` may end it: run the command again)."""
    if is_database(location):
        check_database_engine()
        from .store_pg import open_database

        with open_database(str(location), write=write) as database:
            yield database
        return
    with open_file_store(Path(location), write=write) as store:
        yield store


@contextlib.contextmanager
def open_file_store(path: Path, *, write: bool) -> Iterator[FileStore]:
    """`open_store` for a store file.

    A writer notes in the lock file what identifies the file it saved (inode, size, time), so
    that the next writer can tell that the file is still exactly as lianta saved it
    (`FileStore.as_saved`) and need not check it in full again."""
    path = store_file(path)
    if not write:
        store = FileStore(path)
        if store.empty:
            refuse_if_lost(path)
        yield store
        return
    from .lock import store_lock  # the lock builds on this module's file helpers

    with store_lock(path) as lock:
        store = FileStore(path)
        if store.empty:
            refuse_if_lost(path)
        mark = _mark(path)
        store.as_saved = bool(mark) and _read_mark(lock) == mark
        yield store
        if store.save():
            _write_mark(lock, _mark(path))


def write_store_file(
    path: Path, tables: Mapping[str, Mapping[int, Document]], *, replace: bool
) -> None:
    """Write `tables` as the store file at `path`, each document under its number, under the
    store's lock; an existing file is replaced only with `replace` (and kept as backup `.1`)."""
    from .lock import store_lock

    path = store_file(path)
    with store_lock(path):
        if path.exists() and not replace:
            raise InputError(
                _("{path} exists; give --replace to replace it (it is kept as {backup})").format(
                    path=path, backup=backup_paths(path)[0]
                )
            )
        data = {name: {str(key): doc for key, doc in docs.items()} for name, docs in tables.items()}
        try:
            payload = orjson.dumps(data)
        except TypeError:
            raise not_unicode() from None
        atomic_write(path, payload, create=not path.exists())
