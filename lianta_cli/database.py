"""`lianta db`: a shared PostgreSQL store set up (its schema, migrations and roles), and stores
moved between a file and a database. Messages go to stderr; the work is in `store_pg`."""

from __future__ import annotations

from pathlib import Path

from . import doctor, tracker
from .commands import Env, info
from .errors import InputError, StoreError
from .i18n import _
from .store import (
    check_database_engine,
    is_database,
    open_file_store,
    shown_location,
    store_file,
    write_store_file,
)


def database_url(env: Env) -> str:
    """The database a `db` command works on: `--db`/`LIANTA_DB` must be a postgresql:// URL."""
    if not is_database(env.db):
        raise InputError(
            _(
                "--db {db}: 'lianta db' works on a database; give a postgresql:// URL "
                "(--db or LIANTA_DB)"
            ).format(db=env.db)
        )
    check_database_engine()
    return str(env.db)


def run_init(env: Env) -> None:
    """`lianta db init`: create lianta's schema in an empty database."""
    from . import store_pg

    url = database_url(env)
    version = store_pg.init(url, tracker.ensure_meta)
    info(
        _("created the lianta store in {db} (schema version {version})").format(
            db=shown_location(url), version=version
        )
    )


def run_migrate(env: Env) -> None:
    """`lianta db migrate`: bring the schema to this lianta's version."""
    from . import store_pg

    url = database_url(env)
    found, applied = store_pg.migrate(url)
    if not applied:
        info(
            _("{db}: schema version {version}, up to date").format(
                db=shown_location(url), version=found
            )
        )
        return
    info(
        _("{db}: schema version {old} -> {new}").format(
            db=shown_location(url), old=found, new=applied[-1]
        )
    )


def run_grant(env: Env, role: str, kind: str, *, unit: str | None, name: str | None) -> None:
    """`lianta db grant`: what a database role may do in the store."""
    from . import store_pg

    url = database_url(env)
    kind = kind.strip().lower()
    if kind not in store_pg.ROLE_KINDS:
        raise InputError(
            _("{kind}: not a kind of role; use one of {kinds}").format(
                kind=kind, kinds=", ".join(store_pg.ROLE_KINDS)
            )
        )
    if (kind == "unit") != (unit is not None):
        raise InputError(
            _("--unit names the unit of a unit role, and only of one")
            if unit is not None
            else _("a unit role needs --unit: the unit whose tasks it changes")
        )
    role = role.strip()
    if not role:
        raise InputError(_("the role name is empty"))
    unit_name = tracker.clean_name(unit, "--unit") if unit is not None else None
    display = tracker.clean_name(name, "--name") if name is not None else None
    store_pg.grant(url, role, kind, unit_name, display)
    if kind == "none":
        info(_("{role} has no rights in {db} now").format(role=role, db=shown_location(url)))
        return
    shown = {"office": _("office"), "reader": _("reader")}.get(kind) or _("unit {unit}").format(
        unit=unit_name
    )
    info(
        _("{role} is {kind} in {db}, recorded as {name}").format(
            role=role, kind=shown, db=shown_location(url), name=display or role
        )
    )


def run_push(env: Env, file: Path) -> None:
    """`lianta db push FILE`: copy a store file, whole history and all, into an empty database."""
    from . import store_pg

    url = database_url(env)
    path = store_file(file.expanduser())
    if not path.is_file():
        raise InputError(_("{path}: no such store file").format(path=file))
    with open_file_store(path, write=False) as store:
        tables = {name: store.read(name) for name in store.tables()}
    problems = doctor.check_data(
        {name: {str(key): doc for key, doc in docs.items()} for name, docs in tables.items()}
    )
    if problems:
        raise StoreError(
            _("store {path} is damaged ({problem}); run 'lianta doctor --db {path}'").format(
                path=file, problem=problems[0]
            )
        )
    copied = store_pg.push(url, tables)
    info(
        _("copied {plans} plan(s), {tasks} tasks and {events} events from {file} into {db}").format(
            plans=copied.get("plans", 0),
            tasks=copied.get("tasks", 0),
            events=copied.get("history", 0),
            file=file,
            db=shown_location(url),
        )
    )


def run_pull(env: Env, file: Path, *, replace: bool) -> None:
    """`lianta db pull FILE`: the database written into a store file."""
    from . import store_pg

    url = database_url(env)
    if is_database(str(file)):
        raise InputError(_("{file}: give a file to write, not a database").format(file=file))
    tables = store_pg.pull(url)
    write_store_file(file.expanduser(), tables, replace=replace)
    info(
        _("wrote {file}: {plans} plan(s), {tasks} tasks and {events} events from {db}").format(
            file=file,
            plans=len(tables["plans"]),
            tasks=len(tables["tasks"]),
            events=len(tables["history"]),
            db=shown_location(url),
        )
    )
