"""`lianta doctor`: is the store whole, does its history agree with it, which backups are good.

Checks, in order: the file parses; its shape is a lianta store (tables, documents, every task's
fields and their types, statuses, progress 0-100, task ids unique per plan, events complete and
in time order); its history agrees with its state; its plan text agrees with the plan file it
was loaded from, while that file is unchanged; and the same for each backup generation
`<store>.1..3`.

"Agrees" means: a task enters the store through a plan load as todo, 0 %, with nobody, no unit,
no due date of its own, not archived and with no notes. Replaying its events in order (an undo
is an ordinary event that sets a field back) must start each field from that value, take each
step from the value the previous one left (an event's `old` is the value before it), and end at
the task's stored value; its notes must be the notes its events added and did not take out.
Fields that come from the plan file start from whatever the plan said, so only the steps and
the end are checked for them.

`restore` brings back the newest good generation under the store's lock, keeping the damaged
file aside. `check_store` is the quick check every command runs before it works on a store.
Nothing here prints: the functions return values, and `commands.checkup_lines` words them.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import tracker
from .clock import Clock
from .errors import StoreError
from .fields import STATUSES, TASK_PLAN_FIELDS
from .files import NotRegularFile, kind_of, read_regular
from .i18n import _
from .models import Plan
from .store import (
    LEGACY_TABLES,
    FileStore,
    Store,
    aside_path,
    atomic_write,
    backup_paths,
    decode,
    doctor_hint,
    open_store,
    stale_temporaries,
    store_file,
    store_lock,
)
from .tracker import SCHEMA, TABLES

EVENT_KEYS = ("plan", "task", "action", "field", "old", "new", "change", "at", "by")

START = {
    "status": "todo",
    "progress": 0,
    "assignee": None,
    "unit": None,
    "cooperating": None,
    "due": None,
    "archived": False,
}
"""A task's tracking state when a plan load adds it: where the replay of its history starts."""

MOST_PER_FIELD = 1
"""Broken steps reported per task and field (the first explains the rest)."""


@dataclass
class Generation:
    """One file examined: the store itself or a backup generation."""

    path: Path | str
    exists: bool
    problems: list[str] = field(default_factory=list)
    last_change: int | None = None
    tasks: int = 0
    events: int = 0
    saved: str | None = None
    empty: bool = False
    """It parses but holds no document at all."""

    @property
    def good(self) -> bool:
        return self.exists and not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "exists": self.exists,
            "good": self.good,
            "problems": self.problems,
            "last_change": self.last_change,
            "tasks": self.tasks,
            "events": self.events,
            "saved": self.saved,
        }


@dataclass
class Restored:
    """What `restore` did."""

    source: Path
    damaged: Path | None


@dataclass
class Checkup:
    """The verdict on a store, its backups and any leftover temporary files."""

    store: Generation
    backups: list[Generation]
    leftovers: list[Path]
    link: Path | None = None
    """The path given, when it is a symbolic link to the store."""
    restored: Restored | None = None
    restore_error: str | None = None
    before: Generation | None = None
    """On a restore: the store as it was found, before it was replaced."""

    @property
    def problems(self) -> list[str]:
        backed_up = any(b.exists for b in self.backups)
        if self.store.exists and self.store.empty and backed_up and not self.store.problems:
            return [_("the store file holds nothing, but backups of it exist")]
        if self.store.exists:
            return self.store.problems
        if backed_up:
            return [_("the store file is missing, but backups of it exist")]
        return []

    @property
    def healthy(self) -> bool:
        return not self.problems and self.restore_error is None

    @property
    def newest_good(self) -> Generation | None:
        return next((b for b in self.backups if b.good), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "store": str(self.store.path),
            "link": None if self.link is None else str(self.link),
            "exists": self.store.exists,
            "healthy": self.healthy,
            "problems": self.problems,
            "last_change": self.store.last_change,
            "tasks": self.store.tasks,
            "events": self.store.events,
            "backups": [b.as_dict() for b in self.backups],
            "leftovers": [str(p) for p in self.leftovers],
            "restored": None
            if self.restored is None
            else {
                "from": str(self.restored.source),
                "damaged_kept_as": str(self.restored.damaged) if self.restored.damaged else None,
                "problems_before": self.before.problems if self.before else [],
            },
            "restore_error": self.restore_error,
        }


# ---------------------------------------------------------------- what every command relies on

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


# ---------------------------------------------------------------- examining files


def examine(path: Path) -> Checkup:
    """Check the store at `path`, each backup generation, and list leftover temporary files
    (and a generation a killed save held aside)."""
    real = store_file(path)
    aside = aside_path(real)
    return Checkup(
        store=examine_file(real),
        backups=[examine_file(b, follow=False) for b in backup_paths(real)],
        leftovers=stale_temporaries(real) + ([aside] if os.path.lexists(aside) else []),
        link=path if real != path else None,
    )


def examine_database(url: str) -> Checkup:
    """The checks of `examine` on a database (which keeps no backup files)."""
    with open_store(url, write=False) as store:
        return examine_store(store)


def examine_store(store: Store) -> Checkup:
    """The checks of `examine` on a store reached through its interface."""
    data = {name: {str(k): doc for k, doc in store.read(name).items()} for name in store.tables()}
    meta = store.read("meta").get(1, {})
    change = meta.get("last_change")
    generation = Generation(
        store.location,
        True,
        check_data(data, ordered=False),
        last_change=change if isinstance(change, int) else None,
        tasks=len(store.read("tasks")),
        events=len(store.read("history")),
    )
    return Checkup(store=generation, backups=[], leftovers=[])


def examine_file(path: Path, *, follow: bool = True) -> Generation:
    """One file's problems (none if it is a healthy store) and what it holds; a backup
    generation (`follow` False) must be a file of its own, not a link."""
    try:
        raw = read_regular(path, follow=follow)
        saved = datetime.fromtimestamp(path.stat().st_mtime).isoformat(timespec="seconds")
    except FileNotFoundError:
        if os.path.islink(path):  # a link to nothing
            return Generation(path, True, [_("is {kind}").format(kind=kind_of(stat.S_IFLNK))])
        return Generation(path, exists=False)
    except NotRegularFile as error:
        return Generation(path, True, [_("is {kind}").format(kind=error.kind)])
    except OSError as error:
        reason = error.strerror or str(error)
        return Generation(path, True, [_("cannot be read: {reason}").format(reason=reason)])
    generation = Generation(path, True, saved=saved)
    data, problems = check_bytes(raw)
    generation.problems = problems
    if isinstance(data, dict):
        for name, count in (("tasks", "tasks"), ("history", "events")):
            table = data.get(name)
            setattr(generation, count, len(table) if isinstance(table, dict) else 0)
        meta = data.get("meta")
        change = meta.get("1", {}).get("last_change") if isinstance(meta, dict) else None
        generation.last_change = change if isinstance(change, int) else None
        generation.empty = not any(data.values())
    return generation


def check_bytes(raw: bytes) -> tuple[Any, list[str]]:
    """Parse a store file's bytes and list every problem found in it."""
    if not raw or raw.isspace() or b"\x00" in raw:
        _data, problem = decode(raw)
        return None, [_("the file {problem}").format(problem=problem)]
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as error:
        return None, [_("the file is not valid JSON ({error})").format(error=error)]
    return data, check_data(data)


def check_data(data: Any, *, ordered: bool = True) -> list[str]:
    """Every problem with parsed store data: its shape first, then whether its history agrees.
    With `ordered`, the events must be numbered in the order of their changes (as one writer at
    a time numbers them; in a database, commands running side by side interleave them)."""
    if not isinstance(data, dict):
        return [_("the top level is not a mapping of tables")]
    problems: list[str] = []
    tables: dict[str, dict[str, Any]] = {}
    for name, table in data.items():
        if name in LEGACY_TABLES:
            continue
        if name not in TABLES:
            problems.append(_("unknown table {name!r}").format(name=name))
        elif not isinstance(table, dict):
            problems.append(_("table {name!r} is not a mapping").format(name=name))
        else:
            tables[name] = {}
            for key, doc in table.items():
                if not (key.isascii() and key.isdigit()) or not isinstance(doc, dict):
                    problems.append(
                        _("table {name!r}: document {key!r} is malformed").format(
                            name=name, key=key
                        )
                    )
                else:
                    tables[name][key] = doc
    problems += _check_meta(tables.get("meta", {}), tables.get("history", {}))
    plans = _check_plans(tables.get("plans", {}), problems)
    tasks = _check_tasks(tables.get("tasks", {}), plans, problems)
    events = _check_events(tables.get("history", {}), plans, problems, ordered=ordered)
    problems += _check_replay(tasks, events)
    if not problems:
        problems += _check_plan_text(tables)
    return problems


def _check_plan_text(tables: dict[str, dict[str, Any]]) -> list[str]:
    """The plan text of each plan against the file it was last loaded from, if that file is
    still there unchanged (same SHA-256): a load of it must then find nothing to change."""
    problems: list[str] = []
    for doc in tables.get("plans", {}).values():
        location, digest = doc.get("file_path"), doc.get("file_sha256")
        if not (isinstance(location, str) and location and isinstance(digest, str)):
            continue  # loaded by an earlier version of lianta: nothing to check against
        plan = _plan_file(location, digest)
        if plan is None or plan.year != doc.get("year"):
            continue
        snapshot = FileStore(Path(location), {n: dict(t) for n, t in tables.items()})
        found = tracker.sync_plan(snapshot, plan, Clock(), "doctor", dry_run=True)
        differing = [
            _("task {task}: {fields}").format(task=task, fields=", ".join(fields))
            for task, fields in found.changed
        ]
        differing += [_("task {task} is missing").format(task=t) for t in found.added]
        differing += [_("task {task} is not in it").format(task=t) for t in found.archived]
        differing += [_("task {task} is archived").format(task=t) for t in found.restored]
        if found.plan_changed:
            differing.insert(0, _("the plan's own fields"))
        if differing:
            shown = "; ".join(differing[:5]) + (" …" if len(differing) > 5 else "")
            problems.append(
                _(
                    "plan {year}: the stored plan text differs from {file}, which is unchanged "
                    "since it was loaded (edited by hand?): {what}"
                ).format(year=plan.year, file=location, what=shown)
            )
    return problems


@functools.lru_cache(maxsize=4)
def _plan_file(location: str, digest: str) -> Plan | None:
    """The plan in the file at `location` if its bytes still have the SHA-256 `digest`."""
    from .plan import MAX_PLAN_BYTES, parse_plan  # yaml, only for the full check

    try:
        raw = read_regular(Path(location), most=MAX_PLAN_BYTES)
    except OSError:
        return None
    if hashlib.sha256(raw).hexdigest() != digest:
        return None  # changed since it was loaded: a load would bring the changes in
    plan, _problems = parse_plan(raw, location)
    return plan


def _check_meta(meta: dict[str, Any], history: dict[str, Any]) -> list[str]:
    doc = meta.get("1")
    if doc is None:
        return [_("the meta table has no document 1 (schema, last change)")] if history else []
    if doc.get("schema") != SCHEMA:
        return [
            _("schema {found!r}, expected {schema} (a store of another lianta version?)").format(
                found=doc.get("schema"), schema=SCHEMA
            )
        ]
    last = doc.get("last_change")
    if not isinstance(last, int) or isinstance(last, bool):
        return [_("meta: last_change {value!r} is not a whole number").format(value=last)]
    changes = [e.get("change") for e in history.values() if isinstance(e.get("change"), int)]
    if changes and max(changes) > last:
        return [
            _("meta: last_change is {last} but the history has change {n}").format(
                last=last, n=max(changes)
            )
        ]
    return []


def _check_plans(docs: dict[str, Any], problems: list[str]) -> dict[int, set[int]]:
    """Plans by year, each with its index numbers."""
    plans: dict[int, set[int]] = {}
    for key, doc in docs.items():
        year = doc.get("year")
        if not isinstance(year, int) or isinstance(year, bool):
            problems.append(_("plan document {key}: no valid year").format(key=key))
            continue
        if year in plans:
            problems.append(_("plan {year} is stored twice").format(year=year))
        numbers: set[int] = set()
        indices = doc.get("indices")
        if not isinstance(indices, list) or not all(
            isinstance(i, dict) and isinstance(i.get("number"), int) for i in indices
        ):
            problems.append(_("plan {year}: its indices are malformed").format(year=year))
        else:
            numbers = {i["number"] for i in indices}
        for name in ("start", "end"):
            if not _is_day(doc.get(name)):
                problems.append(
                    _("plan {year}: {field} is not a date").format(year=year, field=name)
                )
        plans[year] = numbers
    return plans


def _check_tasks(
    docs: dict[str, Any], plans: dict[int, set[int]], problems: list[str]
) -> dict[tuple[int, str], dict[str, Any]]:
    """Tasks that are well formed, by (plan, id)."""
    tasks: dict[tuple[int, str], dict[str, Any]] = {}
    for key, doc in docs.items():
        label = _task_label(doc, key)
        problem = task_problem(doc)
        if problem:
            problems.append(_("{task}: {problem}").format(task=label, problem=problem))
            continue
        if doc["due"] is not None and not _is_day(doc["due"]):
            problems.append(
                _("{task}: due {value!r} is not a date").format(task=label, value=doc["due"])
            )
        if doc["plan"] not in plans:
            problems.append(_("{task}: its plan is not in the store").format(task=label))
        elif plans[doc["plan"]] and doc["index"] not in plans[doc["plan"]]:
            problems.append(
                _("{task}: index {index} is not an index of its plan").format(
                    task=label, index=doc["index"]
                )
            )
        if (doc["status"] == "done") != (doc["progress"] == 100) or (
            doc["status"] == "todo" and doc["progress"] != 0
        ):
            problems.append(
                _("{task}: status {status} with progress {progress}").format(
                    task=label, status=doc["status"], progress=doc["progress"]
                )
            )
        if (doc["plan"], doc["id"]) in tasks:
            problems.append(_("{task}: the id is used twice in its plan").format(task=label))
            continue
        tasks[(doc["plan"], doc["id"])] = doc
    return tasks


def _check_events(
    docs: dict[str, Any], plans: dict[int, set[int]], problems: list[str], *, ordered: bool
) -> list[tuple[int, dict[str, Any]]]:
    """Well-formed events in order (by sequence number)."""
    events: list[tuple[int, dict[str, Any]]] = []
    previous_change, previous_at = 0, ""
    for seq, event in sorted(((int(k), e) for k, e in docs.items()), key=lambda item: item[0]):
        missing = [name for name in EVENT_KEYS if name not in event]
        if missing:
            problems.append(
                _("history event {seq}: no {fields}").format(seq=seq, fields=", ".join(missing))
            )
            continue
        change = event["change"]
        if not isinstance(change, int) or isinstance(change, bool) or change < 1:
            problems.append(
                _("history event {seq}: change {value!r} is not a number from 1").format(
                    seq=seq, value=change
                )
            )
            continue
        if ordered and change < previous_change:
            problems.append(
                _("history event {seq}: change {n} comes after change {m}").format(
                    seq=seq, n=change, m=previous_change
                )
            )
        previous_change = max(previous_change, change)
        if not _is_moment(event["at"]) or not isinstance(event["field"], str):
            problems.append(_("history event {seq}: malformed time or field").format(seq=seq))
            continue
        if event["at"] < previous_at:
            problems.append(
                _(
                    "history event {seq} is dated {at}, before the event ahead of it ({before})"
                ).format(seq=seq, at=event["at"], before=previous_at)
            )
        previous_at = max(previous_at, event["at"])
        if event["plan"] not in plans:
            problems.append(
                _("history event {seq}: plan {year!r} is not in the store").format(
                    seq=seq, year=event["plan"]
                )
            )
            continue
        if event["action"] == "undo" and not (
            isinstance(event.get("undo_of"), int) and 0 < event["undo_of"] < change
        ):
            problems.append(_("history event {seq}: an undo of no earlier change").format(seq=seq))
        events.append((seq, event))
    return events


def _check_replay(
    tasks: dict[tuple[int, str], dict[str, Any]], events: list[tuple[int, dict[str, Any]]]
) -> list[str]:
    """Replay each task's events from the state a load gives it; list where they disagree."""
    problems: list[str] = []
    state: dict[tuple[int, str], dict[str, Any]] = {}
    notes: dict[tuple[int, str], Counter[str]] = {}
    broken: Counter[tuple[tuple[int, str], str]] = Counter()
    for seq, event in events:
        if event["task"] is None:
            continue
        key = (event["plan"], event["task"])
        if key not in tasks:
            problems.append(
                _("history event {seq}: task {task} is not in the {year} plan").format(
                    seq=seq, task=event["task"], year=event["plan"]
                )
            )
            continue
        name, old, new = event["field"], event["old"], event["new"]
        if name == "note":
            counted = notes.setdefault(key, Counter())
            if new is not None:
                counted[str(new)] += 1
            elif counted[str(old)] > 0:
                counted[str(old)] -= 1
            else:
                problems.append(
                    _("history event {seq}: takes out a note task {task} does not have").format(
                        seq=seq, task=event["task"]
                    )
                )
            continue
        current = state.setdefault(key, dict(START))
        if name not in current and name not in TASK_PLAN_FIELDS:
            continue  # a field this version does not track
        if name in current and current[name] != old:
            broken[(key, name)] += 1
            if broken[(key, name)] <= MOST_PER_FIELD:
                problems.append(
                    _(
                        "task {task} ({year}): history event {seq} changes {field} from {old} "
                        "but it was {was}"
                    ).format(
                        task=event["task"],
                        year=event["plan"],
                        seq=seq,
                        field=name,
                        old=_shown(old),
                        was=_shown(current[name]),
                    )
                )
        current[name] = new
    for key, doc in tasks.items():
        current = state.get(key, dict(START))
        for name, value in current.items():
            stored = doc.get(name, False if name == "archived" else None)
            if stored != value:
                problems.append(
                    _(
                        "task {task} ({year}): {field} is {stored} but its history ends at {value}"
                    ).format(
                        task=key[1],
                        year=key[0],
                        field=name,
                        stored=_shown(stored),
                        value=_shown(value),
                    )
                )
        expected = +notes.get(key, Counter())
        held = Counter(str(n.get("text")) for n in doc["notes"])
        if held != expected:
            problems.append(
                _("task {task} ({year}): it has {held} note(s) but its history adds {n}").format(
                    task=key[1], year=key[0], held=sum(held.values()), n=sum(expected.values())
                )
            )
    return problems


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _task_label(doc: dict[str, Any], key: str) -> str:
    task = doc.get("id")
    if isinstance(task, str):
        return _("task {task} ({year})").format(task=task, year=doc.get("plan"))
    return _("task document {key}").format(key=key)


def _is_moment(value: Any) -> bool:
    """Whether `value` is a time as events carry it (an ISO date-time, to the second)."""
    if not isinstance(value, str) or len(value) != 19:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_day(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- restoring


def restore(path: Path, now: datetime) -> Checkup:
    """Under the store's lock: if the store is not healthy, replace it with the newest good
    backup generation, keeping the damaged file as `<store>.damaged-<time>`."""
    path = store_file(path)
    with store_lock(path):
        checkup = examine(path)
        if not checkup.problems:
            return checkup
        source = checkup.newest_good
        if source is None:
            checkup.restore_error = _("no good backup to restore")
            return checkup
        try:
            payload = Path(source.path).read_bytes()
            damaged = _keep_aside(path, now) if path.exists() else None
        except OSError as error:
            raise StoreError(
                _("cannot write in {folder}: {reason}; nothing was changed").format(
                    folder=path.parent, reason=error.strerror or error
                )
            ) from None
        atomic_write(path, payload, backups=0)
        after = examine(path)
        after.restored = Restored(Path(source.path), damaged)
        after.before = checkup.store
        return after


def _keep_aside(path: Path, now: datetime) -> Path:
    """Link (or copy) the damaged file to a new name beside it; the store's name stays put."""
    stamp = now.strftime("%Y%m%dT%H%M%S")
    for number in itertools.count(1):
        suffix = f"-{number}" if number > 1 else ""
        target = path.with_name(f"{path.name}.damaged-{stamp}{suffix}")
        if os.path.lexists(target):
            continue
        try:
            os.link(path, target)
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links: copy instead
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with contextlib.closing(os.fdopen(fd, "wb")) as out:
                out.write(path.read_bytes())
        return target
    raise AssertionError("unreachable")
