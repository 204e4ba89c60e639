"""The store: tables of JSON documents keyed by number, behind a small interface.

The domain reads and changes documents only through `Store`; it never sees a file, a lock or an
engine. The file engine keeps every table in one TinyDB JSON file. It is the only module that
imports tinydb. Every command works on one snapshot:

* a command that writes holds the store's lock from reading to saving, so two processes never
  interleave; readers take no lock, because a save replaces the file atomically;
* `SnapshotStorage` (TinyDB's storage interface) reads the file once and keeps every write in
  memory; `FileStore.save` then writes it once: a temporary file beside the store, flushed to
  disk and renamed over it, after the previous file is kept as a backup generation.

A command that fails before its save leaves the file as it was.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import math
import os
import stat
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, cast

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from .errors import InputError, StoreError
from .i18n import _

BACKUPS = 3
LEGACY_TABLES = ("counts", "checks")
"""Tables earlier versions of the file engine kept beside the data (figures and checksums made
from it); they are dropped when such a file is read."""

Document = dict[str, Any]


class Store(Protocol):
    """What the domain needs of a store: named tables of documents keyed by whole numbers.

    A command works on one store from opening to the end: under the file's lock, or in one
    database transaction. Two engines implement it: `FileStore` here, and the PostgreSQL engine
    in `store_pg`, chosen when the store's location is a `postgresql://` URL.
    """

    location: str
    """Where the store is, for messages (a database URL without its password)."""

    user: str | None
    """Who is acting, when the engine knows it (a database: the role of the connection); None
    when the caller says who it is (the file engine)."""

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
        self.storage = SnapshotStorage(read_file(path) if data is None else data)
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

    def save(self) -> None:
        """Write the snapshot to the file if anything changed (see `atomic_write`)."""
        if not self.storage.dirty:
            return
        try:
            payload = orjson.dumps(self.storage.data)
        except TypeError:  # orjson's encode error: a lone surrogate from a mis-encoded argument
            raise not_unicode() from None
        atomic_write(self.path, payload)
        self.storage.dirty = False


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
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except IsADirectoryError:
        raise StoreError(_("store {path} is a folder, not a file").format(path=path)) from None
    except OSError as error:
        raise StoreError(
            _("cannot read store {path}: {reason}").format(path=path, reason=describe(error))
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
    return error.strerror or str(error)


# ---------------------------------------------------------------- saving


def backup_paths(path: Path, count: int = BACKUPS) -> list[Path]:
    """The backup generations of a store, newest first."""
    return [path.with_name(f"{path.name}.{n}") for n in range(1, count + 1)]


def atomic_write(path: Path, payload: bytes, *, backups: int = BACKUPS) -> None:
    """Replace `path` with `payload`; a crash at any moment leaves the old or the new file.

    Call it holding the store's lock: it removes the temporary files of saves that were killed.
    """
    folder = path.parent
    for stale in stale_temporaries(path):
        with contextlib.suppress(OSError):
            stale.unlink()
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    try:
        mode = stat.S_IMODE(path.stat().st_mode) | 0o600
    except OSError:
        mode = 0o600
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, 0o600)
        try:
            if mode != 0o600 and hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if backups and path.exists():
            _rotate_backups(path, backups)
        os.replace(tmp, path)
        fsync_folder(folder)
    except OSError as error:
        _discard(tmp)
        raise StoreError(
            _("cannot save store {path}: {reason}; nothing was changed").format(
                path=path, reason=describe(error)
            )
        ) from None
    except BaseException:
        _discard(tmp)
        raise


_BINARY = getattr(os, "O_BINARY", 0)


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def stale_temporaries(path: Path) -> list[Path]:
    """Temporary files `.<store>.<pid>.tmp` beside the store (left by a save that was killed)."""
    prefix = f".{path.name}."
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    return sorted(
        path.parent / name
        for name in names
        if name.startswith(prefix) and name.endswith(".tmp") and name[len(prefix) : -4].isdigit()
    )


def _rotate_backups(path: Path, count: int) -> None:
    """Keep the current file as generation 1, shifting older generations down."""
    generations = backup_paths(path, count)
    if _same_content(path, generations[0]):
        return  # generation 1 already holds it (the store was just restored from it)
    with contextlib.suppress(FileNotFoundError):
        generations[-1].unlink()
    for older, newer in zip(reversed(generations[:-1]), reversed(generations[1:]), strict=True):
        with contextlib.suppress(FileNotFoundError):
            os.replace(older, newer)
    try:
        os.link(path, generations[0])
    except OSError:  # a file system without hard links: copy instead
        payload = path.read_bytes()
        fd = os.open(generations[0], os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, 0o600)
        try:
            os.write(fd, payload)
        finally:
            os.close(fd)


def _same_content(path: Path, other: Path) -> bool:
    try:
        return path.stat().st_size == other.stat().st_size and (
            path.read_bytes() == other.read_bytes()
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


def store_location(given: str | None) -> Path | str:
    """Where the store is: `given` (`--db`), else `LIANTA_DB`, else the user data folder. A
    `postgresql://` URL is kept as given; anything else is a file path."""
    text = given if given is not None else os.environ.get("LIANTA_DB", "").strip()
    if is_database(text):
        return text
    return Path(text).expanduser() if text else default_store_path()


def check_database_engine() -> None:
    """StoreError unless the PostgreSQL engine's library is installed (an optional extra)."""
    import importlib.util

    if importlib.util.find_spec("psycopg") is None:
        raise StoreError(
            _("a postgresql:// store needs the PostgreSQL engine: pip install 'lianta[postgresql]'")
        )


def shown_location(location: Path | str) -> str:
    """A store location for messages: a database URL without its password."""
    if not is_database(location):
        return str(location)
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(str(location))
    if parts.password is None:
        return str(location)
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host))


def default_store_path() -> Path:
    """`LIANTA_DB`, else the platform's user data folder."""
    env = os.environ.get("LIANTA_DB", "").strip()
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "lianta" / "lianta.json"


def store_file(path: Path) -> Path:
    """The file a store path stands for: a symlink's target, so saves keep the link intact."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


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


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> None:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as error:
            raise BlockingIOError from error

else:
    import fcntl

    def _try_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextlib.contextmanager
def store_lock(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold `<store>.lock` exclusively; wait up to `timeout` seconds, then fail naming the lock."""
    if timeout is None:
        timeout = lock_timeout()
    lock = lock_path(path)
    try:
        _make_folder(path.parent)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise StoreError(
            _("cannot write in {folder}: {reason}; nothing was changed").format(
                folder=path.parent, reason=describe(error)
            )
        ) from None
    try:
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            try:
                _try_lock(fd)
                break
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
        yield
    finally:
        os.close(fd)


def refuse_if_lost(path: Path) -> None:
    """A missing store with backups beside it was lost, not never made: do not start afresh."""
    found = [b for b in backup_paths(path) if b.exists()]
    if found:
        raise StoreError(
            _(
                "store {path} is missing but its backup {backup} exists; run 'lianta doctor "
                "--db {path} --restore' to bring it back (or delete the backups to start afresh)"
            ).format(path=path, backup=found[0])
        )


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
    """`open_store` for a store file."""
    path = store_file(path)
    if not write:
        store = FileStore(path)
        if store.empty and not path.exists():
            refuse_if_lost(path)
        yield store
        return
    with store_lock(path):
        store = FileStore(path)
        if store.empty and not path.exists():
            refuse_if_lost(path)
        yield store
        store.save()


def write_store_file(
    path: Path, tables: Mapping[str, Mapping[int, Document]], *, replace: bool
) -> None:
    """Write `tables` as the store file at `path`, each document under its number, under the
    store's lock; an existing file is replaced only with `replace` (and kept as backup `.1`)."""
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
        atomic_write(path, payload)
