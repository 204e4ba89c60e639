"""Loading a plan into the store: its tasks added, changed, archived or restored, keeping all
tracking state, as one change in the history; and the bundled plan loaded into an empty store,
so that every command works right after install."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .clock import Clock
from .errors import InputError
from .fields import TASK_PLAN_FIELDS
from .i18n import _
from .models import PlanKey, key_of
from .store import Store
from .stored_plans import plan_docs
from .tracker import event, record

if TYPE_CHECKING:
    from .models import Plan, PlanTask


@dataclass
class LoadResult:
    """What syncing a plan into the store did (or would do, on a dry run)."""

    plan: PlanKey
    dry_run: bool = False
    added: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: int = 0
    plan_changed: bool = False
    wrote: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.plan.fields(),
            "dry_run": self.dry_run,
            "added": self.added,
            "changed": [{"id": task_id, "fields": fields} for task_id, fields in self.changed],
            "archived": self.archived,
            "restored": self.restored,
            "unchanged": self.unchanged,
            "plan_changed": self.plan_changed,
        }


def plan_task_fields(task: PlanTask, position: int) -> dict[str, Any]:
    """The fields of a stored task that the plan file gives, and its position in the plan."""
    return {
        "index": task.index,
        "title": task.title,
        "title_en": task.title_en,
        "source": task.source,
        "places": list(task.places),
        "partners": list(task.partners),
        "plan_due": task.due.isoformat() if task.due else None,
        "plan_unit": task.lead_unit,
        "plan_start": task.start.isoformat() if task.start else None,
        "order": position,
    }


NEW_TASK_STATE: dict[str, Any] = {
    "status": "todo",
    "progress": 0,
    "assignee": None,
    "unit": None,
    "cooperating": None,
    "due": None,
}
"""The tracking state of a task a plan load adds, before anybody has worked on it."""


def new_task(plan_key: PlanKey, task: PlanTask, position: int, stamp: str) -> dict[str, Any]:
    """A task added by a load: the fields the plan gives, then the state of a new task."""
    return {
        **plan_key.fields(),
        "id": task.id,
        **plan_task_fields(task, position),
        **NEW_TASK_STATE,
        "notes": [],
        "created": stamp,
        "updated": stamp,
        "archived": False,
    }


def sync_plan(
    store: Store, plan: Plan, clock: Clock, user: str, *, dry_run: bool = False
) -> LoadResult:
    """Bring the store in line with `plan`, keeping all tracking state; archive, never delete.

    Loading the same plan again changes nothing, so the store file is not written at all.
    """
    plan_key = plan.key
    result = LoadResult(plan=plan_key, dry_run=dry_run)
    stamp = clock.stamp()
    meta = plan.meta()
    stored_plans = {key_of(doc): number for number, doc in store.read("plans").items()}
    stored_at = stored_plans.get(plan_key)
    stored_meta = store.read("plans")[stored_at] if stored_at is not None else None
    if stored_meta is None:
        refuse_second_copy(store, plan)
    result.plan_changed = stored_meta is None or any(
        stored_meta.get(k) != v for k, v in meta.items()
    )
    existing = {
        doc["id"]: (key, doc) for key, doc in store.read("tasks").items() if key_of(doc) == plan_key
    }
    inserts: list[dict[str, Any]] = []
    updates: dict[int, dict[str, Any]] = {}
    events: list[dict[str, Any]] = []
    for position, task in enumerate(plan.tasks):
        fields = plan_task_fields(task, position)
        found = existing.get(task.id)
        if found is None:
            result.added.append(task.id)
            inserts.append(new_task(plan_key, task, position, stamp))
            continue
        key, doc = found
        differing = [k for k in TASK_PLAN_FIELDS if doc.get(k) != fields[k]]
        patch = {k: fields[k] for k in differing}
        if differing:
            result.changed.append((task.id, differing))
            events += [
                event(plan_key, task.id, "load", k, doc.get(k), fields[k]) for k in differing
            ]
        if doc.get("order") != position:
            patch["order"] = position
        if doc.get("archived"):
            result.restored.append(task.id)
            patch["archived"] = False
            events.append(event(plan_key, task.id, "load", "archived", True, False))
        elif not differing:
            result.unchanged += 1
        if patch:
            updates[key] = patch
    in_plan = {task.id for task in plan.tasks}
    for task_id, (key, doc) in existing.items():
        if task_id not in in_plan and not doc.get("archived"):
            result.archived.append(task_id)
            updates[key] = {"archived": True}
            events.append(event(plan_key, task_id, "load", "archived", False, True))
    if dry_run or not (inserts or updates or result.plan_changed):
        return result
    if result.added:
        events.insert(0, event(plan_key, None, "load", "tasks", None, f"added {len(result.added)}"))
    stored = {**meta, "loaded": stamp, "file": plan.path}
    stored.update(file_path=plan.location, file_sha256=plan.digest)  # what doctor checks against
    if stored_at is None:
        store.insert("plans", [stored])
        events.insert(0, event(plan_key, None, "load", "plan", None, plan.year))
    else:
        store.update("plans", {stored_at: stored})
    store.insert("tasks", inserts)
    store.update("tasks", updates)
    record(store, events, clock, user)
    result.wrote = True
    return result


def refuse_second_copy(store: Store, plan: Plan) -> None:
    """Refuse a plan with an area over the same plan stored without one (the same year and
    title): loading it would track a second copy of its tasks beside the first."""
    if not plan.area:
        return
    same = plan_docs(store).get(PlanKey("", plan.year))
    if same is not None and same.get("title") == plan.title:
        raise InputError(
            _(
                "the store holds this {year} plan ('{title}') without an area; loading it "
                "as area {area} would track its tasks twice: load it without 'area', or into "
                "another store"
            ).format(year=plan.year, title=plan.title, area=plan.area)
        )


def ensure_plan(store: Store, clock: Clock, user: str) -> LoadResult | None:
    """On an empty store, load the bundled 2024 plan so every command works right after install."""
    if store.read("plans"):
        return None
    from .plan import bundled_plan_path, load_plan

    plan, _warnings = load_plan(bundled_plan_path(), display="plans/2024.yaml (bundled)")
    return sync_plan(store, plan, clock, user)
