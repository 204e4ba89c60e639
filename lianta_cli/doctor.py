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
file aside. `integrity.check_store` is the quick check every command runs before it works.
Nothing here prints: the functions return values, and `doctor_text.checkup_lines` words them.
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

from . import plan_load, tracker
from .clock import Clock
from .errors import StoreError
from .fields import TASK_PLAN_FIELDS
from .files import NotRegularFile, kind_of, read_regular
from .i18n import _
from .integrity import task_problem
from .lock import store_lock
from .models import AREA, Plan, PlanKey, key_of
from .store import (
    LEGACY_TABLES,
    FileStore,
    Store,
    aside_path,
    atomic_write,
    backup_paths,
    decode,
    open_store,
    stale_temporaries,
    store_file,
)
from .tracker import SCHEMA, TABLES

EVENT_KEYS = ("plan", "task", "action", "field", "old", "new", "change", "at", "by")

START = {**plan_load.NEW_TASK_STATE, "archived": False}
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
    hand_edits: int = 0
    """How many of the problems are hand edits (see `HandEdit`)."""

    @property
    def good(self) -> bool:
        return self.exists and not self.problems

    @property
    def only_hand_edits(self) -> bool:
        """Damaged only by edits of tasks in the file: `accept` can record them."""
        return bool(self.problems) and len(self.problems) == self.hand_edits

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
class Accepted:
    """What `accept` did: the change it recorded and the hand edits in it."""

    change: int
    edits: list[HandEdit]


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
    accepted: Accepted | None = None
    accept_error: str | None = None

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
        return not self.problems and self.restore_error is None and self.accept_error is None

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
            "accepted": None
            if self.accepted is None
            else {
                "change": self.accepted.change,
                "edits": [edit.as_dict() for edit in self.accepted.edits],
            },
            "accept_error": self.accept_error,
        }


def check_history(store: Store) -> None:
    """StoreError unless the store passes every check of `lianta doctor`, its history replaying
    to its tasks: a command that writes must not build on a store changed behind lianta's back,
    nor push its good backups out with copies of it."""
    problems = check_data(_tables(store))
    if problems:
        more = _("; +{n} more").format(n=len(problems) - 1) if len(problems) > 1 else ""
        raise StoreError(
            _(
                "store {path} does not agree with its history ({problem}{more}); run 'lianta "
                "doctor --db {path}': --accept records a deliberate hand edit, --restore brings "
                "back a backup"
            ).format(path=store.location, problem=problems[0], more=more)
        )


def _tables(store: Store) -> dict[str, dict[str, Any]]:
    """The store's tables as its file holds them (documents keyed by their number as text)."""
    return {name: {str(k): doc for k, doc in store.read(name).items()} for name in store.tables()}


# ---------------------------------------------------------------- examining files


def examine(path: Path | str) -> Checkup:
    """Check the store at `path`, each backup generation, and list leftover temporary files
    (and a generation a killed save held aside); a database (a URL), which keeps no backup
    files, through its interface."""
    if isinstance(path, str):
        with open_store(path, write=False) as store:
            return examine_store(store)
    real = store_file(path)
    aside = aside_path(real)
    return Checkup(
        store=examine_file(real),
        backups=[examine_file(b, follow=False) for b in backup_paths(real)],
        leftovers=stale_temporaries(real) + ([aside] if os.path.lexists(aside) else []),
        link=path if real != path else None,
    )


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
    data, problems, edits = check_bytes(raw)
    generation.problems = problems
    generation.hand_edits = len(edits)
    if isinstance(data, dict):
        for name, count in (("tasks", "tasks"), ("history", "events")):
            table = data.get(name)
            setattr(generation, count, len(table) if isinstance(table, dict) else 0)
        meta = data.get("meta")
        change = meta.get("1", {}).get("last_change") if isinstance(meta, dict) else None
        generation.last_change = change if isinstance(change, int) else None
        generation.empty = not any(data.values())
    return generation


def check_bytes(raw: bytes) -> tuple[Any, list[str], list[HandEdit]]:
    """Parse a store file's bytes; every problem found in it, and the hand edits among them."""
    if not raw or raw.isspace() or b"\x00" in raw:
        _data, problem = decode(raw)
        return None, [_("the file {problem}").format(problem=problem)], []
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as error:
        return None, [_("the file is not valid JSON ({error})").format(error=error)], []
    problems, edits = review(data)
    return data, problems, edits


def check_data(data: Any, *, ordered: bool = True) -> list[str]:
    """Every problem with parsed store data: its shape first, then whether its history agrees
    (for `ordered`, see `review`)."""
    return review(data, ordered=ordered)[0]


def review(data: Any, *, ordered: bool = True) -> tuple[list[str], list[HandEdit]]:
    """Every problem with parsed store data, and the hand edits among them: tasks whose fields
    or notes are not where their history ends (each such problem is one hand edit). With
    `ordered`, the whole history must be in the order of its changes and of time, as one writer
    at a time keeps it; else each task's (a database: commands on different tasks run side by
    side and number their events as they come)."""
    if not isinstance(data, dict):
        return [_("the top level is not a mapping of tables")], []
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
    steps, edits = _check_replay(tasks, events)
    problems += steps + [edit.problem() for edit in edits]
    if not problems:
        problems += _check_plan_text(tables)
    return problems, edits


def _check_plan_text(tables: dict[str, dict[str, Any]]) -> list[str]:
    """The plan text of each plan against the file it was last loaded from, if that file is
    still there unchanged (same SHA-256): a load of it must then find nothing to change."""
    problems: list[str] = []
    for doc in tables.get("plans", {}).values():
        location, digest = doc.get("file_path"), doc.get("file_sha256")
        if not (isinstance(location, str) and location and isinstance(digest, str)):
            continue  # loaded by an earlier version of lianta: nothing to check against
        plan = _plan_file(location, digest)
        if plan is None or plan.key != key_of(doc):
            continue
        snapshot = FileStore(Path(location), {n: dict(t) for n, t in tables.items()})
        found = plan_load.sync_plan(snapshot, plan, Clock(), "doctor", dry_run=True)
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
                ).format(year=plan.key, file=location, what=shown)
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


def _check_plans(docs: dict[str, Any], problems: list[str]) -> dict[PlanKey, set[int]]:
    """Plans by area and year, each with its index numbers."""
    plans: dict[PlanKey, set[int]] = {}
    for key, doc in docs.items():
        year = doc.get("year")
        if not isinstance(year, int) or isinstance(year, bool):
            problems.append(_("plan document {key}: no valid year").format(key=key))
            continue
        if "area" in doc and not (isinstance(doc["area"], str) and AREA.fullmatch(doc["area"])):
            message = _("plan document {key}: area {value!r} is not a short lowercase code")
            problems.append(message.format(key=key, value=doc["area"]))
            continue
        year = key_of(doc)
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
    docs: dict[str, Any], plans: dict[PlanKey, set[int]], problems: list[str]
) -> dict[tuple[PlanKey, str], dict[str, Any]]:
    """Tasks that are well formed, by (plan, id)."""
    tasks: dict[tuple[PlanKey, str], dict[str, Any]] = {}
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
        if key_of(doc) not in plans:
            problems.append(_("{task}: its plan is not in the store").format(task=label))
        elif plans[key_of(doc)] and doc["index"] not in plans[key_of(doc)]:
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
        if (key_of(doc), doc["id"]) in tasks:
            problems.append(_("{task}: the id is used twice in its plan").format(task=label))
            continue
        tasks[(key_of(doc), doc["id"])] = doc
    return tasks


def _check_events(
    docs: dict[str, Any], plans: dict[PlanKey, set[int]], problems: list[str], *, ordered: bool
) -> list[tuple[int, dict[str, Any]]]:
    """Well-formed events in order (by sequence number)."""
    events: list[tuple[int, dict[str, Any]]] = []
    changes: dict[Any, int] = {}
    times: dict[Any, str] = {}
    keys = set(EVENT_KEYS)
    for seq, event in sorted(((int(k), e) for k, e in docs.items()), key=lambda item: item[0]):
        if not keys <= event.keys():
            missing = [name for name in EVENT_KEYS if name not in event]
            problems.append(
                _("history event {seq}: no {fields}").format(seq=seq, fields=", ".join(missing))
            )
            continue
        change = event["change"]
        if type(change) is not int or change < 1:
            problems.append(
                _("history event {seq}: change {value!r} is not a number from 1").format(
                    seq=seq, value=change
                )
            )
            continue
        order = None if ordered else (event["plan"], event["task"])
        previous_change = changes.get(order, 0)
        if change < previous_change:
            problems.append(
                _("history event {seq}: change {n} comes after change {m}").format(
                    seq=seq, n=change, m=previous_change
                )
            )
        changes[order] = max(previous_change, change)
        if not _is_moment(event["at"]) or type(event["field"]) is not str:
            problems.append(_("history event {seq}: malformed time or field").format(seq=seq))
            continue
        previous_at = times.get(order, "")
        if event["at"] < previous_at:
            problems.append(
                _(
                    "history event {seq} is dated {at}, before the event ahead of it ({before})"
                ).format(seq=seq, at=event["at"], before=previous_at)
            )
        times[order] = max(previous_at, event["at"])
        if key_of(event) not in plans:
            problems.append(
                _("history event {seq}: plan {year!r} is not in the store").format(
                    seq=seq, year=str(key_of(event)) if event.get("area") else event["plan"]
                )
            )
            continue
        if event["action"] == "undo" and not (
            isinstance(event.get("undo_of"), int) and 0 < event["undo_of"] < change
        ):
            problems.append(_("history event {seq}: an undo of no earlier change").format(seq=seq))
        events.append((seq, event))
    return events


@dataclass
class HandEdit:
    """A task whose stored value is not where its history ends: changed in the file by hand.
    A note added by hand has `recorded` None; a note taken out, `stored` None."""

    plan: PlanKey
    task: str
    field: str
    recorded: Any
    stored: Any

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.plan.fields(),
            "task": self.task,
            "field": self.field,
            "recorded": self.recorded,
            "stored": self.stored,
        }

    def event(self) -> dict[str, Any]:
        """The event that records the edit: from where the history ends to what is stored."""
        return tracker.event(self.plan, self.task, "edit", self.field, self.recorded, self.stored)

    def problem(self) -> str:
        if self.field == "note":
            text = (
                _("task {task} ({year}): it holds a note its history never added: {note}")
                if self.recorded is None
                else _("task {task} ({year}): a note its history added is gone: {note}")
            )
            return text.format(
                task=self.task, year=self.plan, note=_shown(self.recorded or self.stored)
            )
        return _(
            "task {task} ({year}): {field} is {stored} but its history ends at {value}"
        ).format(
            task=self.task,
            year=self.plan,
            field=self.field,
            stored=_shown(self.stored),
            value=_shown(self.recorded),
        )


def _check_replay(
    tasks: dict[tuple[PlanKey, str], dict[str, Any]], events: list[tuple[int, dict[str, Any]]]
) -> tuple[list[str], list[HandEdit]]:
    """Replay each task's events from the state a load gives it: where a step disagrees, and
    where a task is not where its events end (a hand edit)."""
    problems: list[str] = []
    state: dict[tuple[PlanKey, str], dict[str, Any]] = {}
    notes: dict[tuple[PlanKey, str], Counter[str]] = {}
    broken: Counter[tuple[tuple[PlanKey, str], str]] = Counter()
    for seq, event in events:
        if event["task"] is None:
            continue
        key = (key_of(event), event["task"])
        if key not in tasks:
            problems.append(
                _("history event {seq}: task {task} is not in the {year} plan").format(
                    seq=seq, task=event["task"], year=key[0]
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
        current = state.get(key)
        if current is None:
            current = state[key] = dict(START)
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
                        year=key[0],
                        seq=seq,
                        field=name,
                        old=_shown(old),
                        was=_shown(current[name]),
                    )
                )
        current[name] = new
    edits: list[HandEdit] = []
    for key, doc in tasks.items():
        current = state.get(key, dict(START))
        for name, value in current.items():
            stored = doc.get(name, False if name == "archived" else None)
            if stored != value:
                edits.append(HandEdit(key[0], key[1], name, value, stored))
        added = notes.get(key)
        if not doc["notes"] and not (added and any(added.values())):
            continue
        expected = +(added or Counter())
        held = Counter(str(n.get("text")) for n in doc["notes"])
        if held != expected:
            edits += [HandEdit(*key, "note", None, t) for t in sorted((held - expected).elements())]
            edits += [HandEdit(*key, "note", t, None) for t in sorted((expected - held).elements())]
    return problems, edits


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _task_label(doc: dict[str, Any], key: str) -> str:
    task = doc.get("id")
    if isinstance(task, str):
        return _("task {task} ({year})").format(task=task, year=key_of(doc))
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


def accept(location: Path | str, clock: Clock, user: str) -> Checkup:
    """Under the store's lock (a database: in one transaction): record the store's hand edits
    (tasks changed behind lianta's back, see `HandEdit`) as one change by `user` (a database:
    by its login), so that its history agrees with it again. Nothing is written if the store
    has any other problem: that is damage, for `restore`."""
    database = isinstance(location, str)
    if not database:
        location = store_file(Path(location))
        if not location.exists():
            return examine(location)  # nothing to accept, and nothing made
    with open_store(location, write=True) as store:
        problems, edits = review(_tables(store), ordered=not database)
        if len(problems) > len(edits):
            checkup = examine_store(store) if database else examine(location)
            checkup.accept_error = _(
                "the store has problems that are not edits of tasks; 'lianta doctor --restore' "
                "brings back a good backup"
            )
            return checkup
        change = 0
        if edits:
            events = [edit.event() for edit in edits]
            change, _rows = tracker.record(store, events, clock, store.user or user)
            stamp = clock.stamp()
            touched = {(e.plan, e.task) for e in edits}
            store.update(
                "tasks",
                {
                    key: {"updated": stamp}
                    for key, doc in store.read("tasks").items()
                    if (key_of(doc), doc["id"]) in touched
                },
            )
    after = examine(location)
    after.accepted = Accepted(change, edits)
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
