"""What the commands do: load a plan, find tasks, change tracking state, read the history, undo.

Every function takes the open `Store`, the `Clock` and the acting user, and returns plain values;
nothing here prints. A command on several ids checks all of them before changing any, so the
change happens to all or to none.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .clock import Clock
from .errors import InputError
from .models import STATUSES, TASK_PLAN_FIELDS, Plan
from .store import SCHEMA, Store
from .textfold import fold

MAX_NAME = 80
MAX_NOTE = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def current_user(environ: dict[str, str] | None = None) -> str:
    """`LIANTA_USER`, else the operating system's user name."""
    env = environ if environ is not None else dict(os.environ)
    name = env.get("LIANTA_USER", "").strip()
    if name:
        return name
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # pragma: no cover
        return env.get("USER") or env.get("USERNAME") or "unknown"


# ---------------------------------------------------------------- plans in the store


def plan_docs(store: Store) -> dict[int, dict[str, Any]]:
    """Stored plans by year."""
    return {doc["year"]: doc for doc in store.raw("plans").values()}


def select_year(store: Store, year: int | None) -> int:
    """The plan a command acts on: `year` if given and stored, else the latest."""
    years = sorted(plan_docs(store))
    if not years:
        raise InputError("the store holds no plan yet; run 'lianta load PLAN'")
    if year is None:
        return years[-1]
    if year not in years:
        shown = ", ".join(str(y) for y in years)
        raise InputError(f"--plan {year}: no such plan in the store (it holds {shown})")
    return year


@dataclass
class LoadResult:
    """What syncing a plan into the store did (or would do, on a dry run)."""

    year: int
    added: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: int = 0
    plan_changed: bool = False
    dry_run: bool = False

    @property
    def wrote(self) -> bool:
        return (
            bool(self.added or self.changed or self.archived or self.restored or self.plan_changed)
            and not self.dry_run
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.year,
            "dry_run": self.dry_run,
            "added": self.added,
            "changed": [{"id": task_id, "fields": fields} for task_id, fields in self.changed],
            "archived": self.archived,
            "restored": self.restored,
            "unchanged": self.unchanged,
            "plan_changed": self.plan_changed,
        }


def _plan_task_fields(task: Any, plan: Plan) -> dict[str, Any]:
    return {
        "index": task.index,
        "title": task.title,
        "title_en": task.title_en,
        "source": task.source,
        "places": list(task.places),
        "partners": list(task.partners),
        "plan_due": task.due.isoformat() if task.due else None,
    }


def sync_plan(
    store: Store, plan: Plan, clock: Clock, user: str, *, dry_run: bool = False
) -> LoadResult:
    """Bring the store in line with `plan`, keeping all tracking state; archive, never delete."""
    result = LoadResult(year=plan.year, dry_run=dry_run)
    stamp = clock.stamp()
    meta = plan.meta()
    plans = store.table("plans")
    stored_plan = next(
        ((int(k), doc) for k, doc in store.raw("plans").items() if doc.get("year") == plan.year),
        None,
    )
    if stored_plan is None or {k: stored_plan[1].get(k) for k in meta} != meta:
        result.plan_changed = True
    existing = {
        doc["id"]: (int(doc_id), doc)
        for doc_id, doc in store.raw("tasks").items()
        if doc.get("plan") == plan.year
    }
    seen: set[str] = set()
    inserts: list[dict[str, Any]] = []
    updates: dict[int, dict[str, Any]] = {}
    events: list[dict[str, Any]] = []
    for position, task in enumerate(plan.tasks):
        seen.add(task.id)
        fields = _plan_task_fields(task, plan)
        fields["order"] = position
        if task.id not in existing:
            result.added.append(task.id)
            inserts.append(
                {
                    "plan": plan.year,
                    "id": task.id,
                    **fields,
                    "status": "todo",
                    "progress": 0,
                    "assignee": None,
                    "unit": None,
                    "due": None,
                    "notes": [],
                    "created": stamp,
                    "updated": stamp,
                    "archived": False,
                }
            )
            continue
        doc_id, doc = existing[task.id]
        differing = [k for k in TASK_PLAN_FIELDS if doc.get(k) != fields[k]]
        patch: dict[str, Any] = {}
        if differing:
            result.changed.append((task.id, differing))
            patch.update({k: fields[k] for k in differing})
            for k in differing:
                events.append(_event(plan.year, task.id, "load", k, doc.get(k), fields[k]))
        if doc.get("order") != position:
            patch["order"] = position
        if doc.get("archived"):
            result.restored.append(task.id)
            patch["archived"] = False
            events.append(_event(plan.year, task.id, "load", "archived", True, False))
        if not differing and not doc.get("archived"):
            result.unchanged += 1
        if patch:
            updates[doc_id] = patch
    for task_id, (doc_id, doc) in existing.items():
        if task_id not in seen and not doc.get("archived"):
            result.archived.append(task_id)
            updates[doc_id] = {"archived": True}
            events.append(_event(plan.year, task_id, "load", "archived", False, True))
    if dry_run or not (inserts or updates or result.plan_changed):
        return result
    if result.added:
        events.insert(
            0, _event(plan.year, None, "load", "tasks", None, f"added {len(result.added)}")
        )
    if result.plan_changed:
        stored = {**meta, "loaded": stamp, "file": plan.path}
        if stored_plan is None:
            plans.insert(stored)
            events.insert(0, _event(plan.year, None, "load", "plan", None, plan.year))
        else:
            plans.update(stored, doc_ids=[stored_plan[0]])
    if inserts:
        store.table("tasks").insert_multiple(inserts)
    store.patch("tasks", updates)
    record(store, events, clock, user)
    return result


def ensure_plan(store: Store, clock: Clock, user: str) -> LoadResult | None:
    """On an empty store, load the bundled 2024 plan so every command works right after install."""
    if store.raw("plans"):
        return None
    from .plan import bundled_plan_path, load_plan

    plan, _ = load_plan(bundled_plan_path(), display="plans/2024.yaml (bundled)")
    return sync_plan(store, plan, clock, user)


# ---------------------------------------------------------------- events


def _event(
    year: int, task: str | None, action: str, name: str, old: Any, new: Any
) -> dict[str, Any]:
    return {"plan": year, "task": task, "action": action, "field": name, "old": old, "new": new}


def record(store: Store, events: list[dict[str, Any]], clock: Clock, user: str) -> int:
    """Append events as one change; returns its number (0 if there was nothing to record)."""
    if not events:
        return 0
    meta = store.meta()
    number = int(meta.get("last_change", 0)) + 1
    stamp = clock.stamp()
    for event in events:
        event.update({"change": number, "at": stamp, "by": user})
    store.table("history").insert_multiple(events)
    meta.update({"schema": SCHEMA, "last_change": number})
    store.set_meta(meta)
    return number


# ---------------------------------------------------------------- reading tasks


def index_docs(store: Store, year: int) -> list[dict[str, Any]]:
    return list(plan_docs(store)[year]["indices"])


def effective_due(doc: dict[str, Any], plan_end: str) -> str:
    return str(doc.get("due") or doc.get("plan_due") or plan_end)


def task_view(
    doc: dict[str, Any], indices: dict[int, dict[str, Any]], plan_end: str, today: str
) -> dict[str, Any]:
    """A stored task as every output shows it (the `list` JSON shape)."""
    index = indices.get(doc["index"], {})
    due = effective_due(doc, plan_end)
    return {
        "id": doc["id"],
        "plan": doc["plan"],
        "index": doc["index"],
        "index_code": index.get("code"),
        "index_name": index.get("name"),
        "index_name_en": index.get("name_en"),
        "title": doc["title"],
        "title_en": doc["title_en"],
        "status": doc["status"],
        "progress": doc["progress"],
        "assignee": doc["assignee"],
        "unit": doc["unit"],
        "due": due,
        "overdue": due < today and doc["status"] != "done",
        "updated": doc["updated"],
        "archived": bool(doc.get("archived")),
        "notes": len(doc.get("notes") or ()),
    }


def _id_key(task_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in task_id.split("."))


@dataclass
class TaskQuery:
    """The filters of `lianta list`."""

    index: str | None = None
    statuses: Sequence[str] = ()
    assignee: str | None = None
    unassigned: bool = False
    overdue: bool = False
    search: str | None = None
    sort: str = "id"
    archived: bool = False


SORTS = ("id", "due", "progress", "status", "updated")


def resolve_index(store: Store, year: int, value: str) -> int:
    """An index given by number or code; InputError listing the valid ones."""
    indices = index_docs(store, year)
    text = value.strip().lower()
    for index in indices:
        if text == str(index["number"]) or text == index["code"]:
            return int(index["number"])
    valid = ", ".join(f"{i['number']}|{i['code']}" for i in indices)
    near = difflib.get_close_matches(text, [i["code"] for i in indices], n=1)
    hint = f" (did you mean '{near[0]}'?)" if near else ""
    raise InputError(f"--index {value}: no such index{hint}; valid: {valid}")


def check_statuses(values: Iterable[str], option: str = "--status") -> list[str]:
    result = []
    for value in values:
        status = value.strip().lower().replace("-", "_")
        if status not in STATUSES:
            near = difflib.get_close_matches(status, STATUSES, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise InputError(
                f"{option} {value}: not a status{hint}; use one of {', '.join(STATUSES)}"
            )
        result.append(status)
    return result


def list_tasks(store: Store, year: int, query: TaskQuery, today: date) -> list[dict[str, Any]]:
    """Tasks of plan `year` matching `query`, sorted, as task views."""
    if query.sort not in SORTS:
        raise InputError(f"--sort {query.sort}: use one of {', '.join(SORTS)}")
    statuses = set(check_statuses(query.statuses))
    index_number = resolve_index(store, year, query.index) if query.index else None
    plan = plan_docs(store)[year]
    indices = {i["number"]: i for i in plan["indices"]}
    today_text = today.isoformat()
    assignee = fold(query.assignee.strip()) if query.assignee else None
    needle = fold(query.search.strip()) if query.search and query.search.strip() else None
    views = []
    for doc in store.raw("tasks").values():
        if doc["plan"] != year or (doc.get("archived") and not query.archived):
            continue
        if index_number is not None and doc["index"] != index_number:
            continue
        if statuses and doc["status"] not in statuses:
            continue
        if query.unassigned and doc["assignee"]:
            continue
        if assignee is not None and fold(doc["assignee"] or "") != assignee:
            continue
        if needle is not None and needle not in search_text(doc):
            continue
        view = task_view(doc, indices, plan["end"], today_text)
        if query.overdue and not view["overdue"]:
            continue
        view["_order"] = (doc["index"], doc.get("order", 0), _id_key(doc["id"]))
        views.append(view)
    views.sort(key=_sort_key(query.sort))
    for view in views:
        del view["_order"]
    return views


def search_text(doc: dict[str, Any]) -> str:
    """Everything `--search` looks in, folded (case and script)."""
    parts = [doc["title"], doc["title_en"], doc.get("source", ""), doc["id"]]
    parts += doc.get("places") or []
    parts += doc.get("partners") or []
    parts += [note["text"] for note in doc.get("notes") or ()]
    parts += [doc.get("assignee") or "", doc.get("unit") or ""]
    return fold("\n".join(parts))


_STATUS_RANK = {"blocked": 0, "in_progress": 1, "todo": 2, "done": 3}


def _sort_key(sort: str) -> Any:
    if sort == "due":
        return lambda v: (v["due"], v["_order"])
    if sort == "progress":
        return lambda v: (v["progress"], v["_order"])
    if sort == "status":
        return lambda v: (_STATUS_RANK[v["status"]], v["_order"])
    if sort == "updated":
        return lambda v: (v["updated"], v["_order"])
    return lambda v: v["_order"]


# ---------------------------------------------------------------- finding tasks by id


def find_tasks(
    store: Store, year: int, ids: Sequence[str], *, archived_ok: bool = False
) -> list[tuple[int, dict[str, Any]]]:
    """(doc id, task) for every id, in the order given; InputError on the first unknown id."""
    if not ids:
        raise InputError("give at least one task id, like 3.4")
    by_id = {
        doc["id"]: (int(doc_id), doc)
        for doc_id, doc in store.raw("tasks").items()
        if doc["plan"] == year
    }
    found = []
    seen: set[str] = set()
    for raw in ids:
        task_id = raw.strip()
        if task_id in seen:
            continue
        seen.add(task_id)
        if task_id not in by_id:
            near = difflib.get_close_matches(task_id, list(by_id), n=1, cutoff=0.5)
            hint = f" (did you mean {near[0]}?)" if near else ""
            if not re.fullmatch(r"[1-9][0-9]*\.[1-9][0-9]*", task_id):
                raise InputError(f"task id {raw!r} is not of the form N.M, like 3.4{hint}")
            raise InputError(f"no task {task_id} in the {year} plan{hint}")
        doc_id, doc = by_id[task_id]
        if doc.get("archived") and not archived_ok:
            raise InputError(f"task {task_id} is archived (it left the {year} plan)")
        found.append((doc_id, doc))
    return found


# ---------------------------------------------------------------- changing tasks


def clean_name(value: str, option: str) -> str:
    """A person's or unit's name: trimmed, non-empty, one line, not too long."""
    text = value.strip()
    if not text:
        raise InputError(f"{option}: the name is empty")
    if _CONTROL.search(text) or "\n" in text:
        raise InputError(f"{option}: the name contains control characters or line breaks")
    if len(text) > MAX_NAME:
        raise InputError(f"{option}: the name is longer than {MAX_NAME} characters")
    return text


def clean_note(value: str) -> str:
    text = value.strip()
    if not text:
        raise InputError("--note: the note is empty")
    if len(text) > MAX_NOTE:
        raise InputError(f"--note: the note is longer than {MAX_NOTE} characters")
    return text


@dataclass
class ChangeResult:
    """The outcome of a command that changes tasks: the change number and its events."""

    change: int
    events: list[dict[str, Any]]
    tasks: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"change": self.change, "tasks": self.tasks, "events": self.events}


def _apply(
    store: Store,
    year: int,
    patches: list[tuple[int, dict[str, Any], dict[str, Any]]],
    notes: dict[int, dict[str, Any]],
    action: str,
    clock: Clock,
    user: str,
) -> ChangeResult:
    """Write field patches and notes to tasks and record them as one change."""
    events: list[dict[str, Any]] = []
    updates: dict[int, dict[str, Any]] = {}
    stamp = clock.stamp()
    touched: list[str] = []
    for doc_id, doc, patch in patches:
        changed = {k: v for k, v in patch.items() if doc.get(k) != v}
        note = notes.get(doc_id)
        for name, value in changed.items():
            events.append(_event(year, doc["id"], action, name, doc.get(name), value))
        if note is not None:
            events.append(_event(year, doc["id"], action, "note", None, note["text"]))
            changed["notes"] = [*(doc.get("notes") or []), note]
        if changed:
            changed["updated"] = stamp
            updates[doc_id] = changed
            touched.append(doc["id"])
    store.patch("tasks", updates)
    number = record(store, events, clock, user)
    return ChangeResult(number, events, touched)


def assign(
    store: Store,
    year: int,
    ids: Sequence[str],
    to: str,
    unit: str | None,
    clock: Clock,
    user: str,
) -> ChangeResult:
    name = clean_name(to, "--to")
    unit_name = clean_name(unit, "--unit") if unit is not None else None
    found = find_tasks(store, year, ids)
    patches = []
    for doc_id, doc in found:
        patch: dict[str, Any] = {"assignee": name}
        if unit_name is not None:
            patch["unit"] = unit_name
        patches.append((doc_id, doc, patch))
    return _apply(store, year, patches, {}, "assign", clock, user)


def unassign(store: Store, year: int, ids: Sequence[str], clock: Clock, user: str) -> ChangeResult:
    found = find_tasks(store, year, ids)
    patches = [(doc_id, doc, {"assignee": None, "unit": None}) for doc_id, doc in found]
    return _apply(store, year, patches, {}, "unassign", clock, user)


def _next_state(
    task_id: str, doc: dict[str, Any], status: str | None, progress: int | None
) -> dict[str, Any]:
    """Status and progress after an update, by the rules in the README (done <=> 100 ...)."""
    current_status, current_progress = doc["status"], doc["progress"]
    if status is not None and progress is not None:
        if status == "done" and progress != 100:
            raise InputError(f"task {task_id}: status done means progress 100, not {progress}")
        if status != "done" and progress == 100:
            raise InputError(f"task {task_id}: progress 100 means status done, not {status}")
        if status == "todo" and progress != 0:
            raise InputError(f"task {task_id}: status todo means progress 0, not {progress}")
        return {"status": status, "progress": progress}
    if status is not None:
        if status == "done":
            return {"status": "done", "progress": 100}
        if status == "todo":
            return {"status": "todo", "progress": 0}
        if current_status == "done":
            raise InputError(
                f"task {task_id} is done (progress 100); give --progress below 100 to reopen it"
            )
        return {"status": status, "progress": current_progress}
    if progress is not None:
        if progress == 100:
            return {"status": "done", "progress": 100}
        if current_status in ("done", "todo") and progress > 0:
            return {"status": "in_progress", "progress": progress}
        if current_status == "done":
            return {"status": "in_progress", "progress": progress}
        return {"status": current_status, "progress": progress}
    return {}


def update(
    store: Store,
    year: int,
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
) -> ChangeResult:
    """Change status, progress, due date and/or add a note, on every id or on none."""
    if status is not None:
        status = check_statuses([status])[0]
    if progress is not None and not 0 <= progress <= 100:
        raise InputError(f"--progress {progress}: must be a whole number from 0 to 100")
    text = clean_note(note) if note is not None else None
    if status is None and progress is None and due is None and not clear_due and text is None:
        raise InputError("nothing to change: give --status, --progress, --due or --note")
    found = find_tasks(store, year, ids)
    patches = []
    notes: dict[int, dict[str, Any]] = {}
    for doc_id, doc in found:
        patch = _next_state(doc["id"], doc, status, progress)
        if patch.get("status") == "blocked" and doc["status"] != "blocked" and text is None:
            raise InputError(
                f"task {doc['id']}: blocking needs a reason; add --note 'why it is stuck'"
            )
        if due is not None:
            patch["due"] = due.isoformat()
        elif clear_due:
            patch["due"] = None
        patches.append((doc_id, doc, patch))
        if text is not None:
            notes[doc_id] = {"at": clock.stamp(), "by": user, "text": text}
    return _apply(store, year, patches, notes, action, clock, user)


def add_note(
    store: Store, year: int, task_id: str, text: str, clock: Clock, user: str
) -> ChangeResult:
    return update(store, year, [task_id], clock, user, note=text, action="note")


# ---------------------------------------------------------------- history and undo


def history(
    store: Store,
    year: int,
    task_id: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[dict[str, Any]]:
    """Events of plan `year` (optionally one task, a date window), oldest first."""
    if since and until and since > until:
        raise InputError(f"--since {since} is after --until {until}")
    if task_id is not None:
        find_tasks(store, year, [task_id], archived_ok=True)
    low = since.isoformat() if since else ""
    high = until.isoformat() + "T99" if until else "9999"
    rows = []
    for doc_id, event in store.raw("history").items():
        if event.get("plan") != year:
            continue
        if task_id is not None and event.get("task") != task_id.strip():
            continue
        if not low <= event["at"] <= high:
            continue
        rows.append({"seq": int(doc_id), **event})
    rows.sort(key=lambda e: e["seq"])
    return rows


def undo(store: Store, clock: Clock, user: str) -> ChangeResult:
    """Revert the most recent change not yet undone (plan loads are not undone; see README)."""
    events = store.raw("history")
    undone = {e.get("undo_of") for e in events.values() if e.get("action") == "undo"}
    candidates: dict[int, list[dict[str, Any]]] = {}
    for doc_id, event in events.items():
        change = event.get("change", 0)
        if event.get("action") in ("undo", "load") or change in undone:
            continue
        candidates.setdefault(change, []).append({"seq": int(doc_id), **event})
    if not candidates:
        raise InputError("nothing to undo")
    number = max(candidates)
    target = sorted(candidates[number], key=lambda e: e["seq"], reverse=True)
    tasks = {
        (doc["plan"], doc["id"]): (int(doc_id), doc) for doc_id, doc in store.raw("tasks").items()
    }
    patches: dict[int, dict[str, Any]] = {}
    reverts: list[dict[str, Any]] = []
    for event in target:
        key = (event["plan"], event["task"])
        if key not in tasks:
            continue
        task_doc_id, doc = tasks[key]
        patch = patches.setdefault(task_doc_id, {})
        if event["field"] == "note":
            notes = list(patch.get("notes", doc.get("notes") or []))
            for position in range(len(notes) - 1, -1, -1):
                if notes[position]["text"] == event["new"]:
                    del notes[position]
                    break
            patch["notes"] = notes
        else:
            patch[event["field"]] = event["old"]
        revert = _event(
            event["plan"], event["task"], "undo", event["field"], event["new"], event["old"]
        )
        revert["undo_of"] = number
        reverts.append(revert)
    stamp = clock.stamp()
    store.patch("tasks", {doc_id: {**patch, "updated": stamp} for doc_id, patch in patches.items()})
    change = record(store, reverts, clock, user)
    touched = sorted({e["task"] for e in reverts}, key=_id_key)
    return ChangeResult(change, reverts, touched)


def show_task(store: Store, year: int, task_id: str, today: date) -> dict[str, Any]:
    """Every field of one task, its notes and its history."""
    ((_, doc),) = find_tasks(store, year, [task_id], archived_ok=True)
    plan = plan_docs(store)[year]
    indices = {i["number"]: i for i in plan["indices"]}
    view = task_view(doc, indices, plan["end"], today.isoformat())
    view.update(
        {
            "source": doc.get("source", ""),
            "places": list(doc.get("places") or []),
            "partners": list(doc.get("partners") or []),
            "plan_due": doc.get("plan_due"),
            "own_due": doc.get("due"),
            "created": doc.get("created"),
            "notes": list(doc.get("notes") or []),
            "history": history(store, year, doc["id"]),
        }
    )
    return view
