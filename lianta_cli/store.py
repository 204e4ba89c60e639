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
import json
import math
import mmap
import os
import stat
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import counts
from .errors import InputError, StoreError
from .fields import STATUSES
from .i18n import _
from .segments import Buffer, Derived, Heads, LayoutError, Rewrites, Span, Tables

if TYPE_CHECKING:
    from tinydb import TinyDB
    from tinydb.table import Table

SCHEMA = 1
TABLES = ("meta", "plans", "tasks", "history")
DERIVED = (counts.TABLE,)
"""Tables made from the others on every save (see `counts`): a store is its TABLES."""
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


def doctor_hint(path: Path) -> str:
    return _("run 'lianta doctor --db {path}' to check it and restore a backup").format(path=path)


def parse_store_bytes(raw: bytes | mmap.mmap, path: Path) -> Tables:
    """Parse and shape-check a store file's bytes; StoreError naming the file if it is damaged."""
    data, problem = decode_store(raw)
    if problem is not None:
        raise StoreError(
            _("store {path} {problem}; {hint}").format(
                path=path, problem=problem, hint=doctor_hint(path)
            )
        )
    return data


def decode_store(raw: bytes | mmap.mmap) -> tuple[Tables, str | None]:
    """The store's tables and None, or empty tables and what is wrong with the bytes (e.g. "is
    not valid JSON (...)"), worded to follow the file's name.

    Tables are parsed when first used (see `segments`); every table a command does not parse is
    proved intact by its checksum, and a table that cannot be proved is parsed and checked here,
    so damage anywhere in the file stops every command.
    """
    if not raw or (isinstance(raw, bytes) and raw.isspace()):
        return Tables(), _("is empty or truncated")
    if raw.find(b"\x00") >= 0:
        return Tables(), _("contains NUL bytes (a damaged write?)")
    try:
        tables = Tables(raw, check=table_problem)
        tables.verify()
    except LayoutError as error:
        return Tables(), _("is damaged ({problem})").format(problem=error)
    except (ValueError, RecursionError) as error:
        return Tables(), _("is not valid JSON ({error})").format(error=error)
    problem = cross_table_problem(tables)
    if problem:
        return Tables(), _("is damaged ({problem})").format(problem=problem)
    return tables, None


TASK_TYPES: dict[str, tuple[type, ...]] = {
    "plan": (int,),
    "id": (str,),
    "index": (int,),
    "title": (str,),
    "title_en": (str,),
    "status": (str,),
    "progress": (int,),
    "assignee": (str, type(None)),
    "unit": (str, type(None)),
    "due": (str, type(None)),
    "notes": (list,),
    "updated": (str,),
}
"""The fields every stored task has, with their types (others may be present too)."""

PLAN_TYPES: dict[str, tuple[type, ...]] = {"year": (int,), "end": (str,), "indices": (list,)}
EVENT_KEYS = ("plan", "task", "action", "field", "old", "new", "change", "at", "by")


def task_problem(doc: dict[str, Any]) -> str | None:
    """What is wrong with one stored task (missing field, wrong type, impossible value), or None."""
    for name, types in TASK_TYPES.items():
        if name not in doc:
            return _("has no {name!r}").format(name=name)
        value = doc[name]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            return _("{name!r} is {kind}, not {expected}").format(
                name=name, kind=type(value).__name__, expected=types[0].__name__
            )
    if doc["status"] not in STATUSES:
        return _("status {status!r} is not one of {statuses}").format(
            status=doc["status"], statuses=", ".join(STATUSES)
        )
    if not 0 <= doc["progress"] <= 100:
        return _("progress {progress} is not within 0-100").format(progress=doc["progress"])
    for note in doc["notes"]:
        if not isinstance(note, dict) or not isinstance(note.get("text"), str):
            return _("has a note without text")
    return None


def shape_problem(data: Any) -> str | None:
    """What is wrong with the shape of parsed store data (a mapping of tables), or None."""
    if not isinstance(data, dict):
        return _("the top level is not a mapping of tables")
    tables = Tables()
    for name, table in data.items():
        if name == "checks":
            continue
        problem = table_problem(name, table)
        if problem:
            return problem
        tables[name] = table
    return cross_table_problem(tables)


def table_problem(name: str, table: Any) -> str | None:
    """What is wrong with one table, or None. Run on every table a command parses, so it stays
    cheap: documents, every field of every task and plan, and the event fields commands rely on
    (`lianta doctor` checks more)."""
    if name not in TABLES and name not in DERIVED:
        return _("unknown table {name!r}").format(name=name)
    if not isinstance(table, dict):
        return _("table {name!r} is not a mapping").format(name=name)
    for key, doc in table.items():
        if not (key.isascii() and key.isdigit()) or not isinstance(doc, dict):
            return _("table {name!r} has a malformed document {key!r}").format(name=name, key=key)
    if name == "meta":
        meta = table.get("1")
        if meta is not None and meta.get("schema") != SCHEMA:
            return _("schema {schema!r}, expected {expected}").format(
                schema=meta.get("schema"), expected=SCHEMA
            )
    elif name == "plans":
        for key, doc in table.items():
            for field_name, types in PLAN_TYPES.items():
                value = doc.get(field_name)
                if not isinstance(value, types) or isinstance(value, bool):
                    return _("plan document {key} has no valid {name!r}").format(
                        key=key, name=field_name
                    )
    elif name == "tasks":
        for key, doc in table.items():
            problem = task_problem(doc)
            if problem:
                return _("task document {key} ({id}) {problem}").format(
                    key=key, id=doc.get("id", "?"), problem=problem
                )
    elif name == "history":
        for key, doc in table.items():
            if "at" not in doc or "field" not in doc or "change" not in doc:
                return _("history event {key} is not an event").format(key=key)
    return None


def cross_table_problem(tables: Tables) -> str | None:
    """What is wrong between tables: the schema, and tasks or history with no plan."""
    for name in ("meta", "plans"):
        if name in tables:
            assert isinstance(tables[name], dict)  # small tables are always parsed and checked
    if tables.is_empty("plans") and not (tables.is_empty("tasks") and tables.is_empty("history")):
        return _("it holds tasks or history but no plan")
    return None


class SnapshotStorage:
    """TinyDB storage over one in-memory snapshot; `Store.save` writes it out atomically.

    It follows TinyDB's `Storage` interface (read, write, close) without subclassing it, so
    commands that only read never import TinyDB.
    """

    def __init__(self, data: Tables) -> None:
        self.data = data
        self.dirty = False

    def read(self) -> Tables:
        return self.data

    def write(self, data: Tables) -> None:
        self.data = data
        self.dirty = True

    def close(self) -> None:
        pass


RECOUNT_CHANGES = 2000
"""Changed tasks the saved counts are brought up to date with one by one (each read as it was
and as it is); for more (a plan reordered, say), every task is counted again, which takes
about as long as 20,000 one by one."""


class Store:
    """One open snapshot of the store file."""

    def __init__(self, path: Path, data: Tables | dict[str, Any], *, writable: bool) -> None:
        self.path = path
        self.writable = writable
        if not isinstance(data, Tables):
            tables = Tables()
            tables.update({k: v for k, v in data.items() if k != "checks"})
            data = tables
        self.storage = SnapshotStorage(data)
        self._db: TinyDB | None = None
        self.existed = bool(data)

    @property
    def db(self) -> TinyDB:
        if self._db is None:
            from tinydb import TinyDB

            self._db = TinyDB(storage=lambda: self.storage)
        return self._db

    def table(self, name: str) -> Table:
        return self.db.table(name, cache_size=0)

    def raw(self, name: str) -> dict[str, dict[str, Any]]:
        """A table's documents keyed by doc id, read-only, without copying (for bulk reads)."""
        data = self.storage.data
        if name not in data:
            return {}
        try:
            return data[name]
        except LayoutError as error:
            raise StoreError(
                _("store {path} is damaged ({problem}); {hint}").format(
                    path=self.path, problem=error, hint=doctor_hint(self.path)
                )
            ) from None

    def lookup(self, name: str, first: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        """(doc id, document) of the one document whose first fields are `first`, found without
        parsing the table; None when that cannot be done (search `raw(name)` instead)."""
        found = self.storage.data.lookup(name, first)
        return (int(found[0]), found[1]) if found is not None else None

    def heads(
        self, name: str, first: tuple[str, str], last: str, packed: bytes | None = None
    ) -> Heads | None:
        """A table's documents by their first two fields and their last, found without
        parsing the table (see `segments.Heads`); None when that cannot be done (read
        `raw(name)` instead). With `packed`, as another process found them in the same
        bytes (`Tables.packed_heads`), if it did, else None."""
        return self.storage.data.heads(name, first, last, packed)

    def proved(self, name: str) -> bool:
        """Whether a table is as lianta saved it (its checksum matched when it was read)."""
        return self.storage.data.original_crc(name) is not None

    def unparsed(self, name: str) -> tuple[Buffer, Span] | None:
        """The file's bytes and the span of a table in them while it is not parsed and is as
        read and proved, else None: for reading parts of it (`segments.tail_cuts`)."""
        return self.storage.data.unparsed(name)

    def release(self) -> None:
        """Let the kernel drop the pages of a mapped store file read so far (see `unparsed`)."""
        self.storage.data.release()

    def append(self, name: str, docs: list[dict[str, Any]]) -> list[int]:
        """Add documents to an append-only table (the history) without reading it; their ids."""
        meta = self.meta()
        last = meta.get("last_" + name)
        if not isinstance(last, int):
            last = max((int(k) for k in self.raw(name)), default=0)
        ids = list(range(last + 1, last + 1 + len(docs)))
        self.storage.data.append(name, {str(i): doc for i, doc in zip(ids, docs, strict=True)})
        meta["last_" + name] = ids[-1] if ids else last
        self.set_meta(meta)
        self.storage.dirty = True
        return ids

    def insert_new(self, name: str, docs: list[dict[str, Any]]) -> None:
        """Add documents to a table as TinyDB's `insert_multiple` does, handing them over: into
        a table with no document yet they go as they are, with ids 1, 2, … (TinyDB would copy
        every one and key the table by number, then by text again); into a table kept as read,
        after it, with the ids TinyDB would give them, without parsing it; else through
        TinyDB."""
        data = self.storage.data
        if data.is_empty(name):
            data[name] = {str(doc_id): doc for doc_id, doc in enumerate(docs, 1)}
        elif (first := data.next_key(name)) is not None:
            data.append(name, {str(doc_id): doc for doc_id, doc in enumerate(docs, first)})
        else:
            self.table(name).insert_multiple(docs)
        self.storage.dirty = True

    def rewrite(self, name: str, rewrites: Rewrites) -> None:
        """Rewrite values of a table's documents in its bytes (see `Tables.rewrite`)."""
        try:
            self.storage.data.rewrite(name, rewrites)
        except LayoutError as error:
            raise StoreError(str(error)) from None
        self.storage.dirty = True

    def patch(self, name: str, patches: dict[int, dict[str, Any]]) -> None:
        """Apply a different field patch to each document. Only these documents are written
        anew when the store is saved; the rest of the table is kept as read."""
        if not patches:
            return
        try:
            self.storage.data.patch(name, {str(k): v for k, v in patches.items()})
        except LayoutError as error:
            raise StoreError(
                _("store {path} is damaged ({problem}); {hint}").format(
                    path=self.path, problem=error, hint=doctor_hint(self.path)
                )
            ) from None
        self.storage.dirty = True

    def counts(self, year: int) -> dict[str, counts.Figures] | None:
        """Plan `year`'s counts per index (see `counts`), or None unless they were saved with
        exactly the tasks this snapshot read, unchanged since."""
        saved = self._saved_counts()
        if saved is None or self.storage.data.changes("tasks"):
            return None
        plans = saved.get("plans")
        figures = plans.get(str(year), {}) if isinstance(plans, dict) else None
        return figures if isinstance(figures, dict) else None

    def _saved_counts(self) -> dict[str, Any] | None:
        """The counts table's document if it was counted from the tasks as this snapshot read
        them, both proved by their checksums (an edited table is counted again), else None."""
        data = self.storage.data
        proved = data.original_crc("tasks")
        if proved is None or data.original_crc(counts.TABLE) is None:
            return None
        saved = self.raw(counts.TABLE).get("1")
        return saved if isinstance(saved, dict) and saved.get("tasks") == proved else None

    def _recount(self) -> Derived | None:
        """What makes the counts table anew on saving, or None if it is still right."""
        data = self.storage.data
        if "tasks" not in data:
            return None
        saved = self._saved_counts()
        changed = data.changes("tasks")
        if saved is not None and changed == set() and not data.rewritten("tasks"):
            return None
        figures = None
        if saved is not None and changed is not None and len(changed) <= RECOUNT_CHANGES:
            figures = json.loads(json.dumps(saved.get("plans")))  # a deep copy, changed below
            try:
                originals = data.originals("tasks", changed - data.added("tasks").keys())
                for key in changed:
                    if key in originals:  # else added since
                        counts.add(figures, originals[key], -1)
                    counts.add(figures, data.current("tasks", key))
            except (KeyError, TypeError, ValueError, AttributeError):
                figures = None  # not counts as lianta writes them: count again
        if figures is None:
            figures = counts.count(self.raw("tasks").values())
        figures = counts.canonical(figures)
        return {counts.TABLE: lambda checks: {"1": {"tasks": checks["tasks"], "plans": figures}}}

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
            from tinydb.table import Document

            table.insert(Document(meta, doc_id=1))

    def save(self) -> None:
        if not self.writable:
            raise StoreError("internal: save on a read-only snapshot")
        if not self.dirty:
            return
        data = self.storage.data
        data.setdefault("meta", {}).setdefault("1", {"schema": SCHEMA, "last_change": 0})
        try:
            payload = data.pieces(self._recount())
        except LayoutError as error:
            raise StoreError(
                _("store {path} is damaged ({problem}); {hint}").format(
                    path=self.path, problem=error, hint=doctor_hint(self.path)
                )
            ) from None
        except UnicodeEncodeError:
            raise InputError(
                _(
                    "the text given is not valid Unicode (an argument in another encoding?); "
                    "nothing was changed"
                )
            ) from None
        atomic_write(self.path, payload)
        self.storage.dirty = False


def _describe_os_error(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return _("no space left on the disk")
    if error.errno in (errno.EACCES, errno.EPERM):
        return _("permission denied")
    if error.errno == errno.EROFS:
        return _("the file system is read-only")
    return error.strerror or str(error)


def atomic_write(
    path: Path, payload: bytes | Sequence[bytes | memoryview], *, backups: int = BACKUPS
) -> None:
    """Replace `path` with `payload` (bytes, or pieces written one after another); a crash at
    any moment leaves the old or the new file.

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
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            if mode != 0o600:
                os.fchmod(fd, mode)
            _write_all(fd, [payload] if isinstance(payload, bytes) else payload)
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
                path=path, reason=_describe_os_error(error)
            )
        ) from None
    except BaseException:
        _discard(tmp)
        raise


_AT_ONCE = 1024
"""Pieces written with one system call (at most IOV_MAX, 1024 on Linux): a table with many
values rewritten is many small pieces."""


def _write_all(fd: int, pieces: Sequence[bytes | memoryview]) -> None:
    for first in range(0, len(pieces), _AT_ONCE):
        batch = pieces[first : first + _AT_ONCE]
        written = os.writev(fd, batch)
        if written < sum(map(len, batch)):  # a short write: the rest, to the end
            view = memoryview(b"".join(batch))[written:]
            while view:
                view = view[os.write(fd, view) :]


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
        fd = os.open(generations[0], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, payload)
        finally:
            os.close(fd)


def _same_content(path: Path, other: Path, chunk: int = 1 << 20) -> bool:
    """Whether two files hold the same bytes, reading as little as it takes: two saves of a
    store differ in the checksums on its last line, so the ends are compared first."""
    try:
        size = path.stat().st_size
        if size != other.stat().st_size:
            return False
        with path.open("rb") as one, other.open("rb") as two:
            tail = min(size, 1 << 16)
            one.seek(size - tail)
            two.seek(size - tail)
            if one.read(tail) != two.read(tail):
                return False
            one.seek(0)
            two.seek(0)
            while block := one.read(chunk):
                if block != two.read(chunk):
                    return False
        return True
    except OSError:
        return False


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort: not every file system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def store_file(path: Path) -> Path:
    """The file a store path stands for: a symlink's target, so saves keep the link intact."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


MAP_FROM = 32 << 20
"""Store files this large are mapped rather than read: the tables a command does not parse
are checked and written back from the mapping without being held in memory. lianta never
changes a store file in place (a save replaces it whole), so a mapping stays valid."""


def _read(path: Path) -> bytes | mmap.mmap:
    with path.open("rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size < max(MAP_FROM, 1):
            return file.read()
        return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)


def read_store_file(path: Path) -> Tables:
    """The parsed store, or {} if there is none yet."""
    try:
        raw = _read(path)
    except FileNotFoundError:
        return Tables()
    except IsADirectoryError:
        raise StoreError(_("store {path} is a folder, not a file").format(path=path)) from None
    except OSError as error:
        raise StoreError(
            _("cannot read store {path}: {reason}").format(
                path=path, reason=_describe_os_error(error)
            )
        ) from None
    return parse_store_bytes(raw, path)


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


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


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
                folder=path.parent, reason=_describe_os_error(error)
            )
        ) from None
    try:
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
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
                        lock=lock, reason=_describe_os_error(error)
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
def open_store(path: Path, *, write: bool) -> Iterator[Store]:
    """Open a snapshot; with `write`, hold the lock throughout and save at the end if changed.

    Reading takes no lock: saves replace the file atomically, so a reader sees the old file or
    the new one. A damaged file raises StoreError before anything could overwrite it.
    """
    path = store_file(path)
    if not write:
        yield Store(path, read_store_file(path), writable=False)
        return
    with store_lock(path):
        data = read_store_file(path)
        if not data and not path.exists():
            refuse_if_lost(path)
        store = Store(path, data, writable=True)
        yield store
        store.save()
