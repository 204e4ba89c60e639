"""The store: one TinyDB JSON file holding plans, tasks with their tracking state, and the history.

Only this module imports tinydb. Every command works on one snapshot:

* it takes the store's lock (a file beside it) for the whole read-modify-write, so two
  processes never interleave; readers need no lock because saves are atomic;
* it reads and parses the file once; TinyDB then works on that snapshot in memory
  (`SnapshotStorage`), with no query cache that could go stale;
* it saves once, at the end, by writing a temporary file in the same folder, fsyncing it and
  renaming it over the store, after keeping the previous file as a backup generation.

A command that fails before its save leaves the file exactly as it was.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import json
import os
import time
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from .errors import StoreError

SCHEMA = 1
TABLES = ("meta", "plans", "tasks", "history")
BACKUPS = 3


def default_store_path() -> Path:
    """`LIANTA_DB`, else the platform's user data folder."""
    env = os.environ.get("LIANTA_DB", "").strip()
    if env:
        return Path(env).expanduser()
    if os.name == "nt":  # pragma: no cover - lianta is tested on POSIX
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif os.uname().sysname == "Darwin":  # pragma: no cover
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "lianta" / "lianta.json"


def backup_paths(path: Path, count: int = BACKUPS) -> list[Path]:
    """The backup generations of a store, newest first."""
    return [path.with_name(f"{path.name}.{n}") for n in range(1, count + 1)]


def parse_store_bytes(raw: bytes, path: Path) -> dict[str, Any]:
    """Parse and shape-check a store file's bytes; StoreError naming the file if it is damaged."""
    hint = f"run 'lianta doctor --db {path}' to check it and restore a backup"
    if not raw.strip():
        raise StoreError(f"store {path} is empty or truncated; {hint}")
    if b"\x00" in raw:
        raise StoreError(f"store {path} contains NUL bytes (a damaged write?); {hint}")
    was_enabled = gc.isenabled()
    gc.disable()  # the parse builds only acyclic containers; collection is wasted work here
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise StoreError(f"store {path} is not valid JSON ({error}); {hint}") from None
    finally:
        if was_enabled:
            gc.enable()
    problem = shape_problem(data)
    if problem:
        raise StoreError(f"store {path} is not a lianta store ({problem}); {hint}")
    return data


def shape_problem(data: Any) -> str | None:
    """What is wrong with the shape of parsed store data, or None."""
    if not isinstance(data, dict):
        return "the top level is not a mapping of tables"
    for name, table in data.items():
        if name not in TABLES:
            return f"unknown table {name!r}"
        if not isinstance(table, dict):
            return f"table {name!r} is not a mapping"
        for key, doc in table.items():
            if not key.isdigit() or not isinstance(doc, dict):
                return f"table {name!r} has a malformed document {key!r}"
    meta = data.get("meta", {}).get("1")
    if meta is not None and meta.get("schema") != SCHEMA:
        return f"schema {meta.get('schema')!r}, expected {SCHEMA}"
    return None


class SnapshotStorage(Storage):
    """TinyDB storage over one in-memory snapshot; `Store.save` writes it out atomically."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.dirty = False

    def read(self) -> dict[str, Any]:
        return self.data

    def write(self, data: dict[str, Any]) -> None:
        self.data = data
        self.dirty = True

    def close(self) -> None:
        pass


class Store:
    """One open snapshot of the store file."""

    def __init__(self, path: Path, data: dict[str, Any], *, writable: bool) -> None:
        self.path = path
        self.writable = writable
        self.storage = SnapshotStorage(data)
        self.db = TinyDB(storage=lambda: self.storage)
        self.existed = bool(data)

    def table(self, name: str) -> Table:
        return self.db.table(name, cache_size=0)

    def raw(self, name: str) -> dict[str, dict[str, Any]]:
        """A table's documents keyed by doc id, read-only, without copying (for bulk reads)."""
        table: dict[str, dict[str, Any]] = self.storage.data.get(name, {})
        return table

    def patch(self, name: str, patches: dict[int, dict[str, Any]]) -> None:
        """Apply a different field patch to each document, in one TinyDB update."""
        if not patches:
            return
        pending = {str(doc_id): patch for doc_id, patch in patches.items()}
        raw = self.raw(name)
        by_identity = {id(raw[key]): patch for key, patch in pending.items() if key in raw}

        def apply(doc: MutableMapping[str, Any]) -> None:
            doc.update(by_identity[id(doc)])

        self.table(name).update(apply, doc_ids=[int(k) for k in pending])

    def all(self, name: str) -> list[Document]:
        return self.table(name).all()

    @property
    def dirty(self) -> bool:
        return self.storage.dirty

    def meta(self) -> dict[str, Any]:
        return dict(self.raw("meta").get("1") or {"schema": SCHEMA, "last_change": 0})

    def set_meta(self, meta: dict[str, Any]) -> None:
        table = self.table("meta")
        if table.contains(doc_id=1):
            table.update(meta, doc_ids=[1])
        else:
            table.insert(Document(meta, doc_id=1))

    def save(self) -> None:
        if not self.writable:
            raise StoreError("internal: save on a read-only snapshot")
        if not self.dirty:
            return
        data = self.storage.data
        data.setdefault("meta", {}).setdefault("1", {"schema": SCHEMA, "last_change": 0})
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        atomic_write(self.path, text.encode("utf-8"))
        self.storage.dirty = False


def _describe_os_error(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "no space left on the disk"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.EROFS:
        return "the file system is read-only"
    return error.strerror or str(error)


def atomic_write(path: Path, payload: bytes, *, backups: int = BACKUPS) -> None:
    """Replace `path` with `payload`; a crash at any moment leaves the old or the new file."""
    folder = path.parent
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if path.exists():
            _rotate_backups(path, backups)
        os.replace(tmp, path)
        _fsync_folder(folder)
    except OSError as error:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StoreError(
            f"cannot save store {path}: {_describe_os_error(error)}; nothing was changed"
        ) from None


def _rotate_backups(path: Path, count: int) -> None:
    """Keep the current file as generation 1, shifting older generations down."""
    if count < 1:
        return
    generations = backup_paths(path, count)
    with contextlib.suppress(FileNotFoundError):
        generations[-1].unlink()
    for older, newer in zip(reversed(generations[:-1]), reversed(generations[1:]), strict=True):
        with contextlib.suppress(FileNotFoundError):
            os.replace(older, newer)
    try:
        os.link(path, generations[0])
    except OSError:
        generations[0].write_bytes(path.read_bytes())
        os.chmod(generations[0], 0o600)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_store_file(path: Path) -> dict[str, Any]:
    """The parsed store, or {} if there is none yet."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except IsADirectoryError:
        raise StoreError(f"store {path} is a folder, not a file") from None
    except OSError as error:
        raise StoreError(f"cannot read store {path}: {_describe_os_error(error)}") from None
    return parse_store_bytes(raw, path)


@contextlib.contextmanager
def store_lock(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold `<store>.lock` exclusively; wait up to `timeout` seconds, then fail naming the lock."""
    if timeout is None:
        try:
            timeout = float(os.environ.get("LIANTA_LOCK_TIMEOUT", "30"))
        except ValueError:
            timeout = 30.0
    lock_path = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise StoreError(
            f"cannot write in {path.parent}: {_describe_os_error(error)}; nothing was changed"
        ) from None
    try:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"store is busy: another lianta holds {lock_path} "
                        f"(waited {timeout:g} s; LIANTA_LOCK_TIMEOUT sets the wait)"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def open_store(path: Path, *, write: bool) -> Iterator[Store]:
    """Open a snapshot; with `write`, hold the lock throughout and save at the end if changed."""
    if not write:
        yield Store(path, read_store_file(path), writable=False)
        return
    with store_lock(path):
        store = Store(path, read_store_file(path), writable=True)
        yield store
        store.save()
