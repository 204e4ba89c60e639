"""The shared store: PostgreSQL behind the `Store` interface. The only module importing psycopg.

Chosen when the store's location is a `postgresql://` URL. The database holds the same tables
of JSON documents as the store file, in the schema `lianta` that `lianta db init` creates from
`migrations/*.sql` (where the rights of each role are set, too). Each command is one
transaction:

* a command that changes the store runs at REPEATABLE READ: it sees one state of the database
  and locks only the rows it changes, so commands on different tasks never wait for each other;
  when another command changed the same task first, the database stops this one, which raises
  `Conflict` and is run again from the start (both changes are kept, the later on top);
* a command that only reads works on a read-only snapshot, taken whole before the connection
  closes; what the domain inserts into it (the bundled plan, on an empty database) stays in it.

A command that fails or is killed before its commit leaves the database as it was, but for
the change number it may have taken (a sequence does not go back). Who is acting is the
database's business: `user` is the display name of the connection's role.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson
import psycopg
from psycopg import errors, sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.types.json import Jsonb, set_json_dumps, set_json_loads

from .errors import InputError, StoreError
from .i18n import _
from .lock import lock_timeout
from .store import (
    COUNTERS,
    Conflict,
    Document,
    Refused,
    counter_field,
    not_unicode,
    shown_location,
)

SCHEMA = "lianta"
TABLES = ("meta", "plans", "tasks", "history")
"""The tables of documents the schema holds (migrations/001-shared-store.sql)."""
MIGRATIONS = Path(__file__).with_name("migrations")
_CONFLICTS = (errors.SerializationFailure, errors.DeadlockDetected, errors.UniqueViolation)


def migrations() -> list[tuple[int, Path]]:
    """The schema's versions, oldest first: `NNN-what.sql` is version NNN."""
    found = []
    for path in MIGRATIONS.glob("*.sql"):
        match = re.match(r"(\d+)-", path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def latest_version() -> int:
    return migrations()[-1][0]


def _dumps(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except TypeError:  # a lone surrogate from a mis-encoded argument
        raise not_unicode() from None


def connect(url: str) -> psycopg.Connection[Any]:
    """A connection to the database at `url` (libpq's PG* variables fill in what it leaves out);
    StoreError, in one line, if there is none."""
    params = conninfo_to_dict(url)
    params.setdefault("connect_timeout", 10)
    params.setdefault("application_name", "lianta")
    try:
        connection = psycopg.connect(make_conninfo("", **params))
    except psycopg.Error as error:
        raise StoreError(
            _("cannot connect to {db}: {reason}").format(
                db=shown_location(url), reason=_reason(error)
            )
        ) from None
    set_json_loads(orjson.loads, connection)
    set_json_dumps(_dumps, connection)
    return connection


def _reason(error: BaseException) -> str:
    """A database error's message, first line only."""
    if isinstance(error, psycopg.Error) and error.diag.message_primary:
        return str(error.diag.message_primary)
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _table(name: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(SCHEMA), sql.Identifier(name))


def _insert_numbered(
    connection: psycopg.Connection[Any], table: str, documents: Sequence[tuple[int, Document]]
) -> None:
    """Insert documents under the numbers given. They travel as one JSON array of [number,
    document] pairs: an array of jsonb values would be escaped one by one."""
    connection.execute(
        sql.SQL(
            "INSERT INTO {} (id, doc) SELECT (pair ->> 0)::bigint, pair -> 1"
            " FROM jsonb_array_elements(%s) AS pair"
        ).format(_table(table)),
        (Jsonb([[key, doc] for key, doc in documents]),),
    )


class DatabaseStore:
    """One transaction on a lianta database (see the module's docstring)."""

    def __init__(self, connection: psycopg.Connection[Any], location: str, *, write: bool):
        self.connection = connection
        self.location = location
        self.write = write
        self.user: str | None = None
        self.saved = False
        self.as_saved = True  # see `Store.as_saved`; `lianta doctor` checks it all
        self._documents: dict[str, dict[int, Document]] = {}

    def tables(self) -> set[str]:
        return set(TABLES)

    def read(self, table: str) -> dict[int, Document]:
        """The documents as this transaction sees them: read them, never change them."""
        if table not in self._documents:
            if table not in TABLES:
                return {}
            rows = self.connection.execute(
                sql.SQL("SELECT id, doc FROM {} ORDER BY id").format(_table(table))
            ).fetchall()
            documents = {int(key): doc for key, doc in rows}
            if table == COUNTERS and 1 in documents:
                documents[1].update(self._counters())
            self._documents[table] = documents
        return self._documents[table]

    def _counters(self) -> dict[str, int]:
        """The last value of each counter, as `last_<counter>` (0 before the first)."""
        rows = self.connection.execute(
            "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences"
            " WHERE schemaname = %s AND sequencename LIKE %s",
            (SCHEMA, "%\\_numbers"),
        ).fetchall()
        return {counter_field(name.removesuffix("_numbers")): int(value) for name, value in rows}

    def insert(self, table: str, documents: Sequence[Document]) -> list[int]:
        if not documents:
            return []
        if not self.write:  # into the snapshot only
            held = self.read(table)
            first = max(held, default=0) + 1
            keys = list(range(first, first + len(documents)))
            held.update({key: dict(doc) for key, doc in zip(keys, documents, strict=True)})
            return keys
        sequence = sql.Literal(f"{SCHEMA}.{table}")
        keys = [
            int(key)
            for (key,) in self.connection.execute(
                sql.SQL(
                    "SELECT nextval(pg_get_serial_sequence({}, 'id')) FROM generate_series(1, %s)"
                ).format(sequence),
                (len(documents),),
            ).fetchall()
        ]
        _insert_numbered(self.connection, table, list(zip(keys, documents, strict=True)))
        if table in self._documents:
            held = self._documents[table]
            held.update({key: dict(doc) for key, doc in zip(keys, documents, strict=True)})
        return keys

    def update(self, table: str, patches: Mapping[int, Document]) -> None:
        if not patches:
            return
        if self.write:
            keys = list(patches)
            changed = {
                int(key)
                for (key,) in self.connection.execute(
                    sql.SQL(
                        "UPDATE {} AS t SET doc = t.doc || (p.pair -> 1)"
                        " FROM jsonb_array_elements(%s) AS p(pair)"
                        " WHERE t.id = (p.pair ->> 0)::bigint RETURNING t.id"
                    ).format(_table(table)),
                    (Jsonb([[key, patches[key]] for key in keys]),),
                ).fetchall()
            }
            refused = [key for key in keys if key not in changed]
            if refused:
                raise Refused(
                    _(
                        "the database does not let {user} change {count} document(s) of {table}; "
                        "nothing was changed"
                    ).format(user=self.user, count=len(refused), table=table),
                    table,
                    refused,
                )
        held = self.read(table) if not self.write else self._documents.get(table, {})
        for key, fields in patches.items():
            if key in held:
                held[key].update(fields)

    def next_number(self, counter: str) -> int:
        name = counter_field(counter)
        if self.write:
            (number,) = self.connection.execute(
                sql.SQL("SELECT nextval({})").format(sql.Literal(f"{SCHEMA}.{counter}_numbers"))
            ).fetchone() or (0,)
        else:
            number = int(self.read(COUNTERS).get(1, {}).get(name, 0)) + 1
        holder = self._documents.get(COUNTERS, {}).get(1)
        if holder is not None:
            holder[name] = int(number)
        return int(number)

    def snapshot(self) -> None:
        """Read every table not read yet, so the store works without its connection."""
        for table in TABLES:
            self.read(table)


@contextlib.contextmanager
def open_database(url: str, *, write: bool) -> Iterator[DatabaseStore]:
    """One command's transaction on the lianta database at `url` (see the module docstring)."""
    location = shown_location(url)
    connection = connect(url)
    try:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = not write
        store = DatabaseStore(connection, location, write=write)
        with _translated(location, store):
            store.user = _check_schema(connection, location)
            yield store
            if write:
                connection.commit()
                store.saved = True
            else:
                store.snapshot()
    finally:
        connection.close()  # without a commit, the database rolls the transaction back


def _check_schema(connection: psycopg.Connection[Any], location: str) -> str:
    """The acting user's display name, once the database is known to hold lianta's schema at
    the version this lianta reads; StoreError saying what to run otherwise."""
    (present,) = connection.execute("SELECT to_regnamespace('lianta') IS NOT NULL").fetchone() or (
        False,
    )
    if not present:
        raise StoreError(
            _("{db} holds no lianta store; run 'lianta db init --db {db}' first").format(
                db=location
            )
        )
    timeout = f"{int(lock_timeout() * 1000)}ms"
    author, version, _timeout = connection.execute(
        "SELECT lianta.author(), (SELECT max(version) FROM lianta.migrations),"
        " set_config('lock_timeout', %s, true)",
        (timeout,),
    ).fetchone() or ("", 0, "")
    latest = latest_version()
    if version < latest:
        raise StoreError(
            _(
                "{db} holds lianta schema version {found}; this lianta needs {latest}: run "
                "'lianta db migrate --db {db}' as its owner"
            ).format(db=location, found=version, latest=latest)
        )
    if version > latest:
        raise StoreError(
            _(
                "{db} holds lianta schema version {found}, newer than this lianta ({latest}); "
                "upgrade lianta"
            ).format(db=location, found=version, latest=latest)
        )
    return str(author)


@contextlib.contextmanager
def _translated(location: str, store: DatabaseStore) -> Iterator[None]:
    """The database's errors as lianta's: `Conflict` to run the command again, else one line."""
    try:
        yield
    except _CONFLICTS as error:
        raise Conflict(str(error)) from None
    except errors.LockNotAvailable:
        raise StoreError(
            _(
                "store is busy: a row this command changes has been held by another session "
                "for {seconds} s (LIANTA_LOCK_TIMEOUT sets the wait); nothing was changed"
            ).format(seconds=f"{lock_timeout():g}")
        ) from None
    except errors.InsufficientPrivilege as error:
        raise StoreError(
            _("the database does not let {user} do this ({reason}); nothing was changed").format(
                user=store.user or _role(store), reason=_reason(error)
            )
        ) from None
    except psycopg.DataError as error:
        raise InputError(
            _("the database cannot store this ({reason}); nothing was changed").format(
                reason=_reason(error)
            )
        ) from None
    except psycopg.Error as error:
        raise StoreError(
            _("{db}: {reason}; nothing was changed").format(db=location, reason=_reason(error))
        ) from None


def _role(store: DatabaseStore) -> str:
    return str(store.connection.info.user or os.environ.get("PGUSER", "?"))


# ---------------------------------------------------------------- setting a database up


def _schema_version(connection: psycopg.Connection[Any]) -> int | None:
    """The version of lianta's schema in the database, or None if it holds none."""
    (present,) = connection.execute(
        "SELECT to_regclass('lianta.migrations') IS NOT NULL"
    ).fetchone() or (False,)
    if not present:
        return None
    (version,) = connection.execute("SELECT max(version) FROM lianta.migrations").fetchone() or (0,)
    return int(version or 0)


def _run_migrations(connection: psycopg.Connection[Any], after: int) -> list[int]:
    applied = []
    for version, path in migrations():
        if version > after:
            connection.execute(path.read_text(encoding="utf-8"))
            connection.execute("INSERT INTO lianta.migrations (version) VALUES (%s)", (version,))
            applied.append(version)
    return applied


@contextlib.contextmanager
def _setting_up(url: str) -> Iterator[tuple[DatabaseStore, int | None]]:
    """One transaction that sets lianta's schema up in the database at `url`: its store, and
    the schema version found there (None: it holds no lianta store); committed if it ends well."""
    location = shown_location(url)
    connection = connect(url)
    try:
        store = DatabaseStore(connection, location, write=True)
        with _translated(location, store):
            yield store, _schema_version(connection)
            connection.commit()
    finally:
        connection.close()


def init(url: str, prepare: Callable[[DatabaseStore], None]) -> int:
    """Create lianta's schema in the database at `url`, which must hold none, then let
    `prepare` put the store's first documents in; all in one transaction. The schema version."""
    with _setting_up(url) as (store, found):
        if found is not None:
            raise InputError(
                _("{db} already holds a lianta store (schema version {version})").format(
                    db=store.location, version=found
                )
            )
        _run_migrations(store.connection, 0)
        store.user = _check_schema(store.connection, store.location)
        prepare(store)
    return latest_version()


def migrate(url: str) -> tuple[int, list[int]]:
    """Bring lianta's schema in the database at `url` to this lianta's version, in one
    transaction: the version it had, and the versions applied."""
    with _setting_up(url) as (store, found):
        if found is None:
            raise StoreError(
                _("{db} holds no lianta store; run 'lianta db init --db {db}' first").format(
                    db=store.location
                )
            )
        if found > latest_version():
            _check_schema(store.connection, store.location)  # says it is newer than this lianta
        applied = _run_migrations(store.connection, found)
    return found, applied


ROLE_KINDS = ("office", "unit", "reader", "none")


def grant(url: str, role: str, kind: str, unit: str | None, name: str | None) -> None:
    """Make `role` an office, unit or reader role of the database at `url` (`none`: take its
    rights away), creating the login role if it does not exist."""
    with open_database(url, write=True) as store:
        store.connection.execute(
            "SELECT lianta.grant_role(%s, %s, %s, %s)",
            (role, None if kind == "none" else kind, unit, name),
        )


# ---------------------------------------------------------------- moving between engines


def push(url: str, tables: Mapping[str, Mapping[int, Document]]) -> dict[str, int]:
    """Copy a store's tables, each document under its own number, into the empty lianta
    database at `url`, and carry the counters on; how many documents each table got."""
    with open_database(url, write=True) as store:
        held = [name for name in TABLES if name != COUNTERS and store.read(name)]
        if held:
            raise InputError(
                _(
                    "{db} is not empty (it holds {tables}); 'lianta db push' copies a store "
                    "into a new database only"
                ).format(db=store.location, tables=", ".join(held))
            )
        counters = dict(tables.get(COUNTERS, {}).get(1, {}))
        connection = store.connection
        connection.execute(sql.SQL("DELETE FROM {}").format(_table(COUNTERS)))
        copied = {}
        for name in TABLES:
            documents = dict(tables.get(name, {}))
            if name == COUNTERS and 1 in documents:
                documents[1] = {
                    k: v for k, v in documents[1].items() if not k.startswith(counter_field(""))
                }
            keys = sorted(documents)
            for start in range(0, len(keys), 10000):
                chunk = keys[start : start + 10000]
                _insert_numbered(connection, name, [(key, documents[key]) for key in chunk])
            if keys:
                connection.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                    (f"{SCHEMA}.{name}", keys[-1]),
                )
            copied[name] = len(keys)
        for field, value in counters.items():
            counter = field.removeprefix(counter_field(""))
            if field.startswith(counter_field("")) and isinstance(value, int) and value > 0:
                connection.execute(
                    sql.SQL("SELECT setval({}, %s)").format(
                        sql.Literal(f"{SCHEMA}.{counter}_numbers")
                    ),
                    (value,),
                )
    return copied


def pull(url: str) -> dict[str, dict[int, Document]]:
    """Every table of the lianta database at `url`, as one snapshot."""
    with open_database(url, write=False) as store:
        store.snapshot()
    return {name: store.read(name) for name in TABLES}
