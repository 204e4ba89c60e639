"""What every command checks of a store before it works on it: each table's shape, every task's
fields and their types, a plan for the tasks and history it holds. `lianta doctor` checks more
(`doctor.py`): the history against the tasks, the plan text against its file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import StoreError
from .fields import STATUSES
from .i18n import _
from .store import Store, doctor_hint
from .tracker import SCHEMA, TABLES

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


def task_problem(doc: dict[str, Any]) -> str | None:
    """What is wrong with one stored task (missing field, wrong type, impossible value), or None."""
    for name, types in TASK_TYPES.items():
        if name not in doc:
            return _("has no {name!r}").format(name=name)
        value = doc[name]
        if type(value) not in types:  # exact types, as JSON gives them: true is not a number
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
        if not isinstance(note.get("at"), str) or not isinstance(note.get("by"), str):
            return _("has a note without its time or author")
    own = doc.get("cooperating")
    if own is not None and not (isinstance(own, list) and all(isinstance(n, str) for n in own)):
        return _("'cooperating' is not a list of names")
    return None


def table_problem(name: str, table: dict[int, dict[str, Any]]) -> str | None:
    """What is wrong with one table as every command relies on it, or None (`lianta doctor`
    checks more)."""
    if name not in TABLES:
        return _("unknown table {name!r}").format(name=name)
    if name == "meta":
        meta = table.get(1)
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
            if (
                type(doc.get("at")) is not str
                or type(doc.get("field")) is not str
                or type(doc.get("change")) is not int
            ):
                return _("history event {key} is not an event").format(key=key)
    return None


def tables_problem(tables: dict[str, dict[int, dict[str, Any]]]) -> str | None:
    """What is wrong with a store's tables, or None."""
    for name, table in tables.items():
        problem = table_problem(name, table)
        if problem:
            return problem
    if not tables.get("plans") and (tables.get("tasks") or tables.get("history")):
        return _("it holds tasks or history but no plan")
    history = tables.get("history")
    if history:
        last = tables.get("meta", {}).get(1, {}).get("last_change")
        highest = max(doc["change"] for doc in history.values())
        if not isinstance(last, int) or last < highest:
            return _("its last change is recorded as {last} but the history has change {n}").format(
                last=last, n=highest
            )
    return None


def check_store(store: Store) -> None:
    """StoreError if the store is damaged: every command refuses to work on such a store."""
    problem = tables_problem({name: store.read(name) for name in store.tables()})
    if problem:
        raise StoreError(
            _("store {path} is damaged ({problem}); {hint}").format(
                path=store.location, problem=problem, hint=doctor_hint(Path(store.location))
            )
        )
