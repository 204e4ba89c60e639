"""Tracking: load a plan into the store, find tasks, change their state, read the history, undo.

Every function takes a `Store` (and, when it records a change, the `Clock` and the acting user)
and returns plain values; nothing here prints or formats. A command on several ids checks all
of them before changing any, so the change happens to all or to none.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from . import schedule, task_ids, units
from .clock import Clock
from .errors import InputError, StoreError
from .fields import EVENT_KEYS, STATUSES
from .freetext import clean_name, clean_note
from .i18n import _
from .models import PlanKey, key_of
from .store import Refused, Store
from .stored_plans import plan_docs as plan_docs
from .stored_plans import select_plan as select_plan
from .task_ids import id_key as id_key
from .textfold import fold

if TYPE_CHECKING:
    pass

SCHEMA = 1
TABLES = ("meta", "plans", "tasks", "history")
_TASK_ID = re.compile(r"[1-9][0-9]*\.[1-9][0-9]*")


def current_user(environ: dict[str, str] | None = None) -> str:
    """`LIANTA_USER`, else the operating system's user name; a name like any other
    (`clean_name`)."""
    env = environ if environ is not None else dict(os.environ)
    name = env.get("LIANTA_USER", "").strip()
    if name:
        return clean_name(name, "LIANTA_USER")
    try:
        import getpass

        name = getpass.getuser()
    except (ImportError, KeyError, OSError):  # pragma: no cover
        return "unknown"
    return clean_name(name, _("the system's user name (LIANTA_USER sets another)"))


# ---------------------------------------------------------------- plans in the store


# ---------------------------------------------------------------- events


def event(
    plan_key: PlanKey, task: str | None, action: str, name: str, old: Any, new: Any
) -> dict[str, Any]:
    fields = {"task": task, "action": action, "field": name, "old": old, "new": new}
    return {**plan_key.fields(), **fields}


def event_row(seq: int, stored: dict[str, Any]) -> dict[str, Any]:
    """A stored event as output: every key of EVENT_KEYS, in that order."""
    row = {**stored, "seq": seq}
    shown = {key: row.get(key) for key in EVENT_KEYS}
    if not stored.get("area"):
        return shown
    at = EVENT_KEYS.index("plan") + 1  # the area follows the plan's year, only when there is one
    items = list(shown.items())
    return dict([*items[:at], ("area", stored["area"]), *items[at:]])


def ensure_meta(store: Store) -> None:
    """Give a new store its meta document: the schema of its documents (and, from the first
    change on, the number of the last change)."""
    if not store.read("meta"):
        store.insert("meta", [{"schema": SCHEMA}])


def record(
    store: Store, events: list[dict[str, Any]], clock: Clock, user: str
) -> tuple[int, list[dict[str, Any]]]:
    """Append events as one change: its number and the events as output rows (0, [] if none)."""
    if not events:
        return 0, []
    ensure_meta(store)
    number = store.next_number("change")
    stamp = clock.stamp()
    check_time_order(store, stamp, clock)
    for item in events:
        item.update({"change": number, "at": stamp, "by": user})
    seqs = store.insert("history", events)
    return number, [event_row(seq, item) for seq, item in zip(seqs, events, strict=True)]


def check_time_order(store: Store, stamp: str, clock: Clock) -> None:
    """Refuse a change dated before the latest event: the history stays in time order, so the
    order of its events is the order of time for the report, `history` and `undo` alike."""
    latest = max((item["at"] for item in store.read("history").values()), default="")
    if stamp >= latest:
        return
    if clock.pinned is not None:
        raise InputError(
            _(
                "LIANTA_NOW={now} is before the latest change in the store ({latest}); changes "
                "are kept in time order, so record older ones first or give a later time"
            ).format(now=stamp, latest=latest)
        )
    raise StoreError(
        _(
            "the clock says {now}, before the latest change in the store ({latest}); changes "
            "are kept in time order: check the computer's clock, or give the time with "
            "LIANTA_NOW"
        ).format(now=stamp, latest=latest)
    )


# ---------------------------------------------------------------- reading tasks


def effective_due(doc: dict[str, Any], plan_end: str) -> str:
    """The task's own due date, else the plan file's date for it, else the end of the plan."""
    return str(doc.get("due") or doc.get("plan_due") or plan_end)


def is_overdue(doc: dict[str, Any], plan_end: str, today: str) -> bool:
    """Past its effective due date and not done."""
    return effective_due(doc, plan_end) < today and doc["status"] != "done"


def task_schedule(doc: dict[str, Any], plan: dict[str, Any], today: date) -> schedule.Schedule:
    """Expected progress, lag and light of a stored task on `today`, for every view of it: its
    period runs from its own start (else the plan's) to its effective due date."""
    start = schedule.day(doc.get("plan_start") or plan["start"])
    due = schedule.day(effective_due(doc, plan["end"]))
    limits = schedule.thresholds(plan)
    return schedule.judge(doc["status"], int(doc["progress"]), start, due, today, limits)


def plan_tasks(store: Store, plan_key: PlanKey, *, archived: bool = False) -> list[dict[str, Any]]:
    """The stored tasks of a plan: those in the plan, or with `archived` those that left it too."""
    return [
        doc
        for doc in store.read("tasks").values()
        if key_of(doc) == plan_key and (archived or not doc.get("archived"))
    ]


def task_view(doc: dict[str, Any], plan: dict[str, Any], today: str) -> dict[str, Any]:
    """A stored task as every output shows it (the `list` JSON shape, and a little more)."""
    index: dict[str, Any] = next(
        (i for i in plan["indices"] if i.get("number") == doc["index"]), {}
    )
    due = effective_due(doc, plan["end"])
    expected, lag, light = task_schedule(doc, plan, schedule.day(today))
    return {
        "id": doc["id"],
        **key_of(doc).fields(),
        "index": doc["index"],
        "index_code": index.get("code"),
        "index_name": index.get("name"),
        "index_name_en": index.get("name_en"),
        "title": doc["title"],
        "title_en": doc["title_en"],
        "status": doc["status"],
        "progress": doc["progress"],
        "assignee": doc["assignee"],
        "unit": units.lead_unit(doc),
        "due": due,
        "overdue": due < today and doc["status"] != "done",
        "updated": doc["updated"],
        "archived": bool(doc.get("archived")),
        "cooperating": units.cooperating_units(doc),
        "expected_progress": expected,
        "lag": lag,
        "light": light,
    }


@dataclass
class TaskQuery:
    """The filters and order of `lianta list`."""

    index: str | None = None
    statuses: Sequence[str] = ()
    assignee: str | None = None
    unassigned: bool = False
    overdue: bool = False
    search: str | None = None
    sort: str = "id"
    archived: bool = False
    unit: str | None = None
    lights: Sequence[str] = ()


SORTS = ("id", "due", "progress", "status", "updated")
_STATUS_RANK = {"blocked": 0, "in_progress": 1, "todo": 2, "done": 3}


def did_you_mean(value: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    near = difflib.get_close_matches(value, list(choices), n=1, cutoff=cutoff)
    return _(" (did you mean {near}?)").format(near=near[0]) if near else ""


def resolve_index(plan: dict[str, Any], value: str) -> int:
    """An index given by number or code; InputError listing the valid ones."""
    indices = plan["indices"]
    text = value.strip().lower()
    for index in indices:
        if text == str(index["number"]) or text == index["code"]:
            return int(index["number"])
    valid = ", ".join(f"{i['number']}|{i['code']}" for i in indices)
    hint = did_you_mean(text, (i["code"] for i in indices))
    raise InputError(
        _("--index {value}: no such index{hint}; valid: {valid}").format(
            value=value, hint=hint, valid=valid
        )
    )


def check_statuses(values: Iterable[str], option: str = "--status") -> list[str]:
    result = []
    for value in values:
        status = value.strip().lower().replace("-", "_").replace(" ", "_")
        if status not in STATUSES:
            raise InputError(
                _("{option} {value}: not a status{hint}; use one of {valid}").format(
                    option=option,
                    value=value,
                    hint=did_you_mean(status, STATUSES),
                    valid=", ".join(STATUSES),
                )
            )
        result.append(status)
    return result


def check_sort(value: str) -> str:
    sort = value.strip().lower()
    if sort not in SORTS:
        raise InputError(
            _("--sort {value}: use one of {valid}{hint}").format(
                value=value, valid=", ".join(SORTS), hint=did_you_mean(sort, SORTS)
            )
        )
    return sort


def search_text(doc: dict[str, Any]) -> str:
    """Everything `--search` looks in, folded (case and script)."""
    parts = [doc["title"], doc["title_en"], doc.get("source", ""), doc["id"]]
    parts += doc.get("places") or []
    parts += [*units.cooperating_units(doc), units.lead_unit(doc) or ""]
    parts += [note["text"] for note in doc.get("notes") or ()]
    parts += [doc.get("assignee") or ""]
    return fold("\n".join(parts))


def _sort_key(sort: str, plan_end: str) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """What `--sort` orders by; ties keep the plan's order (index, then position)."""

    def plan_order(d: dict[str, Any]) -> tuple[Any, ...]:
        return (d["index"], d.get("order", 0), d["id"])

    if sort == "id":
        return plan_order
    if sort == "status":
        return lambda d: (_STATUS_RANK[d["status"]], *plan_order(d))
    if sort == "due":
        return lambda d: (effective_due(d, plan_end), *plan_order(d))
    return lambda d: (d[sort], *plan_order(d))


def list_tasks(
    store: Store, plan_key: PlanKey, query: TaskQuery, today: date, limit: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """The first `limit` (0: all) tasks of the plan matching `query`, sorted, as task views,
    and how many matched."""
    sort = check_sort(query.sort)
    statuses = set(check_statuses(query.statuses))
    lights = set(schedule.check_lights(query.lights))
    if query.unassigned and query.assignee:
        raise InputError(
            _("--unassigned and --assignee cannot be combined: a task someone has is assigned")
        )
    if query.overdue and statuses and statuses <= {"done"}:
        raise InputError(
            _("--overdue cannot be combined with --status done: a done task is never overdue")
        )
    plan = plan_docs(store)[plan_key]
    index = resolve_index(plan, query.index) if query.index else None
    end, today_text = plan["end"], today.isoformat()
    chosen = plan_tasks(store, plan_key, archived=query.archived)
    if index is not None:
        chosen = [doc for doc in chosen if doc["index"] == index]
    if statuses:
        chosen = [doc for doc in chosen if doc["status"] in statuses]
    if query.unassigned:
        chosen = [doc for doc in chosen if not doc["assignee"]]
    if query.assignee:
        name = fold(query.assignee.strip())
        chosen = [doc for doc in chosen if fold(doc["assignee"] or "") == name]
    if query.search and query.search.strip():
        needle = fold(query.search.strip())
        chosen = [doc for doc in chosen if needle in search_text(doc)]
    if query.overdue:
        chosen = [doc for doc in chosen if is_overdue(doc, end, today_text)]
    if query.unit and query.unit.strip():
        chosen = [doc for doc in chosen if units.answers_for(doc, query.unit)]
    if lights:
        chosen = [doc for doc in chosen if task_schedule(doc, plan, today).light in lights]
    chosen.sort(key=_sort_key(sort, end))
    total = len(chosen)
    if limit:
        chosen = chosen[:limit]
    return [task_view(doc, plan, today_text) for doc in chosen], total


# ---------------------------------------------------------------- finding tasks by id


def find_tasks(
    store: Store,
    plan_key: PlanKey,
    ids: Sequence[str],
    *,
    archived_ok: bool = False,
    several: bool = True,
) -> list[tuple[int, dict[str, Any]]]:
    """(doc id, task) for every id, in the order given, each task once; InputError on the first
    id that names no task, so a command changes all of them or none.

    With `several`, an id may also name several tasks (`task_ids.expand`): a range `1.1-1.3`,
    `1.*` or an index code, leaving out archived tasks. A task named by its id is refused if it
    is archived, unless `archived_ok`.
    """
    if not ids:
        raise InputError(_("give at least one task id, like 3.4"))
    tasks = {
        doc["id"]: (key, doc) for key, doc in store.read("tasks").items() if key_of(doc) == plan_key
    }
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    for raw in ids:
        value = raw.strip()
        if value in tasks:
            if tasks[value][1].get("archived") and not archived_ok:
                message = _("task {id} is archived (it left the {year} plan)")
                raise InputError(message.format(id=value, year=plan_key))
            found.setdefault(value, tasks[value])
            continue
        named = None
        if several and not task_ids.TASK_ID.fullmatch(value):
            indices = plan_docs(store)[plan_key]["indices"]
            docs = {task_id: doc for task_id, (_key, doc) in tasks.items()}
            named = task_ids.expand(value, docs, indices, plan_key)
        if named is None:
            raise _not_a_task(store, plan_key, raw, list(tasks), several)
        for task_id in named:
            found.setdefault(task_id, tasks[task_id])
    return list(found.values())


def _not_a_task(
    store: Store, plan_key: PlanKey, raw: str, known: list[str], several: bool
) -> InputError:
    """The refusal of an id that names no task, with the nearest one there is."""
    value = raw.strip()
    hint = did_you_mean(value, known, cutoff=0.5)
    if task_ids.TASK_ID.fullmatch(value):
        message = _("no task {id} in the {year} plan{hint}")
        return InputError(message.format(id=value, year=plan_key, hint=hint))
    if not several and task_ids.names_several(value):
        message = _("{value}: give one task id here, like 3.4 (a range or group names several)")
        return InputError(message.format(value=value))
    if not several:
        message = _("task id {id!r} is not of the form N.M, like 3.4{hint}")
        return InputError(message.format(id=raw, hint=hint))
    codes = [index["code"] for index in plan_docs(store)[plan_key]["indices"]]
    message = _(
        "{id!r} is not a task id (like 3.4), a range (1.1-1.3), an index's tasks (1.*) "
        "or an index code ({codes}){hint}"
    )
    hint = did_you_mean(value.lower(), [*known, *codes], cutoff=0.5)
    return InputError(message.format(id=raw, codes=", ".join(codes), hint=hint))


# ---------------------------------------------------------------- changing tasks


class Undoable(NamedTuple):
    """The change `undo` would revert: who made it, when, how, on which tasks and fields."""

    change: int
    at: str
    by: str
    action: str
    plan: PlanKey
    tasks: list[str]
    fields: list[str]

    def as_dict(self) -> dict[str, Any]:
        done = {"change": self.change, "at": self.at, "by": self.by, "action": self.action}
        return {**done, **self.plan.fields(), "tasks": self.tasks, "fields": self.fields}


class ChangeResult(NamedTuple):
    """What a command that changes tasks did: its change number, its events and the tasks it
    touched. `change` is 0 and `events` empty when nothing changed (assigning a task to the
    person who already has it); `undid` is the change an undo reverted (or would revert, on a
    dry run), `undone` that change."""

    change: int
    events: list[dict[str, Any]]
    tasks: list[str]
    undid: int | None = None
    undone: Undoable | None = None
    warnings: tuple[str, ...] = ()
    """What was done but may not be what was meant (a due date outside the plan)."""

    def as_dict(self) -> dict[str, Any]:
        return {"change": self.change, "tasks": self.tasks, "events": self.events}


Patch = tuple[int, dict[str, Any], dict[str, Any]]
"""A task's document number, the task, and the fields a command sets on it."""


def update_tasks(
    store: Store, updates: dict[int, dict[str, Any]], tasks: dict[int, dict[str, Any]], user: str
) -> None:
    """Write field updates to tasks (by document number); a refusal of the store (a shared
    database's rights) names the tasks."""
    try:
        store.update("tasks", updates)
    except Refused as refusal:
        ids = sorted({tasks[key]["id"] for key in refusal.keys if key in tasks}, key=id_key)
        raise Refused(
            _(
                "{user} may not change task {ids}: the store does not allow it; nothing was changed"
            ).format(user=user, ids=", ".join(ids)),
            refusal.table,
            refusal.keys,
        ) from None


def apply_patches(
    store: Store,
    plan_key: PlanKey,
    patches: list[Patch],
    notes: dict[int, dict[str, Any]],
    action: str,
    clock: Clock,
    user: str,
) -> ChangeResult:
    """Write field patches and notes to tasks and record them as one change."""
    events: list[dict[str, Any]] = []
    updates: dict[int, dict[str, Any]] = {}
    touched: list[str] = []
    for key, doc, patch in patches:
        changed = {k: v for k, v in patch.items() if doc.get(k) != v}
        events += [event(plan_key, doc["id"], action, k, doc.get(k), v) for k, v in changed.items()]
        note = notes.get(key)
        if note is not None:
            events.append(event(plan_key, doc["id"], action, "note", None, note["text"]))
            changed["notes"] = [*(doc.get("notes") or []), note]
        if changed:
            updates[key] = {**changed, "updated": clock.stamp()}
            touched.append(doc["id"])
    update_tasks(store, updates, {key: doc for key, doc, _patch in patches}, user)
    number, rows = record(store, events, clock, user)
    return ChangeResult(number, rows, touched)


def assign(
    store: Store,
    plan_key: PlanKey,
    ids: Sequence[str],
    to: str | None,
    unit: str | None,
    clock: Clock,
    user: str,
    cooperating: Sequence[str] | None = None,
) -> ChangeResult:
    """Give tasks to `to`, set their lead unit and cooperating units ('none': back to the
    plan's); whatever is not given is kept."""
    patch = units.unit_patch(unit, cooperating)
    if to is not None:
        patch["assignee"] = clean_name(to, "--to")
    if not patch:
        message = _("nothing to assign: give {person}, {unit} or {cooperating}")
        raise InputError(message.format(person="--to", unit="--unit", cooperating="--cooperating"))
    patches = [(key, doc, dict(patch)) for key, doc in find_tasks(store, plan_key, ids)]
    return apply_patches(store, plan_key, patches, {}, "assign", clock, user)


def unassign(
    store: Store, plan_key: PlanKey, ids: Sequence[str], clock: Clock, user: str
) -> ChangeResult:
    patches = [
        (key, doc, {"assignee": None, "unit": None})
        for key, doc in find_tasks(store, plan_key, ids)
    ]
    return apply_patches(store, plan_key, patches, {}, "unassign", clock, user)


# Status rules (docs/status-rules.md states them the same way):
#   done <=> progress 100;  todo => progress 0;
#   --progress alone: 100 finishes the task; above 0 starts a todo task; below 100 reopens a
#     done task (as in_progress); otherwise the status stays;
#   --status alone: done sets 100, todo sets 0, any other keeps the progress, but a done task
#     cannot leave done that way (its progress would stay 100): give --progress below 100;
#   both: must agree with the two rules at the top;
#   entering blocked needs --note (the reason).


def next_state(
    task_id: str, doc: dict[str, Any], status: str | None, progress: int | None
) -> dict[str, Any]:
    """Status and progress after an update, by the rules above."""
    if status is not None and progress is not None:
        if status == "done" and progress != 100:
            message = _("task {id}: status done means progress 100, not {progress}")
        elif status != "done" and progress == 100:
            message = _("task {id}: progress 100 means status done, not {status}")
        elif status == "todo" and progress != 0:
            message = _("task {id}: status todo means progress 0, not {progress}")
        else:
            return {"status": status, "progress": progress}
        raise InputError(message.format(id=task_id, status=status, progress=progress))
    if status is not None:
        if status == "done":
            return {"status": "done", "progress": 100}
        if status == "todo":
            return {"status": "todo", "progress": 0}
        if doc["status"] == "done":
            raise InputError(
                _(
                    "task {id} is done (progress 100); to reopen it give --progress below 100 "
                    "as well, e.g. --status {status} --progress 90"
                ).format(id=task_id, status=status)
            )
        return {"status": status, "progress": doc["progress"]}
    if progress is not None:
        current = doc["status"]
        if progress == 100:
            return {"status": "done", "progress": 100}
        if current == "done" or (current == "todo" and progress > 0):
            return {"status": "in_progress", "progress": progress}
        return {"status": current, "progress": progress}
    return {}


def update(
    store: Store,
    plan_key: PlanKey,
    ids: Sequence[str],
    clock: Clock,
    user: str,
    *,
    status: str | None = None,
    progress: int | None = None,
    due: date | None = None,
    clear_due: bool = False,
    note: str | None = None,
    action: str = "update",
    several: bool = True,
) -> ChangeResult:
    """Change status, progress, due date and/or add a note, on every id or on none (`several`:
    ids may be ranges and groups, see `find_tasks`)."""
    checked = check_statuses([status])[0] if status is not None else None
    if progress is not None and not 0 <= progress <= 100:
        raise InputError(
            _("--progress {value}: must be a whole number from 0 to 100").format(value=progress)
        )
    text = clean_note(note) if note is not None else None
    if checked is None and progress is None and due is None and not clear_due and text is None:
        raise InputError(_("nothing to change: give --status, --progress, --due or --note"))
    patches = []
    notes: dict[int, dict[str, Any]] = {}
    for key, doc in find_tasks(store, plan_key, ids, several=several):
        patch = next_state(doc["id"], doc, checked, progress)
        if patch.get("status") == "blocked" and doc["status"] != "blocked" and text is None:
            raise InputError(
                _("task {id}: blocking needs a reason; add --note 'why it is stuck'").format(
                    id=doc["id"]
                )
            )
        if due is not None or clear_due:
            patch["due"] = due.isoformat() if due is not None else None
        patches.append((key, doc, patch))
        if text is not None:
            notes[key] = {"at": clock.stamp(), "by": user, "text": text}
    result = apply_patches(store, plan_key, patches, notes, action, clock, user)
    plan = plan_docs(store)[plan_key]
    start, end = str(plan.get("start") or plan["end"]), str(plan["end"])
    if due is not None and not start <= due.isoformat() <= end:
        warning = _("due {due} is outside the {year} plan ({start} to {end})").format(
            due=due, year=plan_key, start=start, end=end
        )
        result = result._replace(warnings=(warning,))
    return result


def add_note(
    store: Store, plan_key: PlanKey, task_id: str, text: str, clock: Clock, user: str
) -> ChangeResult:
    return update(store, plan_key, [task_id], clock, user, note=text, action="note", several=False)


# ---------------------------------------------------------------- history and undo


def history(
    store: Store,
    plan_key: PlanKey,
    task_id: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[dict[str, Any]]:
    """Events of the plan (optionally one task, a date window), oldest first."""
    if since and until and since > until:
        raise InputError(
            _("--since {since} is after --until {until}").format(since=since, until=until)
        )
    wanted = (
        find_tasks(store, plan_key, [task_id], archived_ok=True, several=False)[0][1]["id"]
        if task_id
        else None
    )
    low = since.isoformat() if since else ""
    high = until.isoformat() + "T99" if until else "9999"
    return [
        event_row(seq, item)
        for seq, item in sorted(store.read("history").items())
        if key_of(item) == plan_key
        and (wanted is None or item.get("task") == wanted)
        and low <= item["at"] <= high
    ]


def show_task(store: Store, plan_key: PlanKey, task_id: str, today: date) -> dict[str, Any]:
    """Every field of one task, its notes and its history."""
    ((_key, doc),) = find_tasks(store, plan_key, [task_id], archived_ok=True, several=False)
    plan = plan_docs(store)[plan_key]
    view = task_view(doc, plan, today.isoformat())
    index: dict[str, Any] = next(
        (i for i in plan["indices"] if i.get("number") == doc["index"]), {}
    )
    view.update(
        {
            "index_aim": index.get("aim"),
            "index_aim_en": index.get("aim_en"),
            "source": doc.get("source", ""),
            "places": list(doc.get("places") or []),
            "partners": list(doc.get("partners") or []),
            "plan_due": doc.get("plan_due"),
            "own_due": doc.get("due"),
            "plan_unit": doc.get("plan_unit"),
            "own_unit": doc.get("unit"),
            "own_cooperating": doc.get("cooperating"),
            "plan_start": doc.get("plan_start"),
            "created": doc.get("created"),
            "notes": list(doc.get("notes") or []),
            "history": history(store, plan_key, doc["id"]),
        }
    )
    return view
