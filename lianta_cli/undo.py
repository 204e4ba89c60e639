"""`lianta undo`: revert the most recent change not yet undone, as a change of its own, and say
which change that is (who made it, when, on what) before or after reverting it."""

from __future__ import annotations

from typing import Any

from .clock import Clock
from .errors import InputError
from .i18n import _
from .models import key_of
from .store import Store
from .task_ids import id_key
from .tracker import ChangeResult, Undoable, event, record, update_tasks


def _last_undoable(store: Store, user: str | None) -> tuple[Undoable, list[dict[str, Any]], int]:
    """The most recent change not yet undone (loads and undos are not undone) made by `user`
    (None: by anyone), its events newest first, and the number of the last plan load (0 if
    none)."""
    events = store.read("history")
    undone = {e.get("undo_of") for e in events.values() if e.get("action") == "undo"}
    changes: dict[int, list[dict[str, Any]]] = {}
    last_load = 0
    by_others = False
    for _seq, item in sorted(events.items(), reverse=True):
        change = item.get("change", 0)
        if item.get("action") == "load":
            last_load = max(last_load, change)
        elif item.get("action") != "undo" and change not in undone:
            if user is None or item.get("by") == user:
                changes.setdefault(change, []).append(item)
            else:
                by_others = True
    if not changes:
        if by_others:
            raise InputError(
                _(
                    "nothing of yours ({user}) to undo; 'lianta undo --anyone' reverts the most "
                    "recent change whoever made it"
                ).format(user=user)
            )
        raise InputError(_("nothing to undo"))
    number = max(changes)
    target = changes[number]
    first = target[-1]
    tasks = sorted({e["task"] for e in target if e["task"]}, key=id_key)
    fields = list(dict.fromkeys(e["field"] for e in reversed(target)))
    undoable = Undoable(
        number, first["at"], first["by"], first["action"], key_of(first), tasks, fields
    )
    return undoable, target, last_load


def _changed_since(
    store: Store, number: int, item: dict[str, Any], doc: dict[str, Any]
) -> dict[str, Any] | None:
    """The later event that moved the field `item` set (None if it still holds what `item` set)."""
    if item["field"] == "note":
        return None  # a note is taken out (or put back) wherever it is
    if doc.get(item["field"]) == item["new"]:
        return None
    later = [
        e
        for e in store.read("history").values()
        if key_of(e) == key_of(item)
        and e.get("task") == item["task"]
        and e.get("field") == item["field"]
        and e.get("change", 0) > number
    ]
    return max(later, key=lambda e: e.get("change", 0), default={"change": "?", "by": "?"})


def undo(
    store: Store,
    clock: Clock,
    user: str,
    *,
    anyone: bool = False,
    before_load: bool = False,
    dry_run: bool = False,
) -> ChangeResult:
    """Revert `user`'s most recent change not yet undone (with `anyone`, anybody's) as a new
    change; plan loads are not undone. Each undo goes one change further back: undo, undo
    reverts the last two. A change made before the last plan load is reverted only with
    `before_load`; a change whose fields someone has changed again since is not undone, as
    that would throw the later change away. With `dry_run`, the result says what would be
    undone and nothing changes."""
    undoable, target, last_load = _last_undoable(store, None if anyone else user)
    number = undoable.change
    if number < last_load and not before_load:
        raise InputError(
            _(
                "change {n} ({by}, {at}, on {tasks}) was recorded before the plan load "
                "(change {load}); 'lianta undo --before-load' reverts it anyway"
            ).format(
                n=number,
                by=undoable.by,
                at=undoable.at[:16].replace("T", " "),
                tasks=", ".join(undoable.tasks),
                load=last_load,
            )
        )
    tasks = {(key_of(d), d["id"]): (k, d) for k, d in store.read("tasks").items()}
    patches: dict[int, dict[str, Any]] = {}
    reverts: list[dict[str, Any]] = []
    for item in target:
        found = tasks.get((key_of(item), item["task"]))
        if found is None:
            continue
        key, doc = found
        later = _changed_since(store, number, item, doc)
        if later is not None:
            raise InputError(
                _(
                    "cannot undo change {n}: the {field} of task {id} was changed again since "
                    "(change {later}, by {who}); undo that first, or set it by hand"
                ).format(
                    n=number,
                    field=item["field"],
                    id=item["task"],
                    later=later["change"],
                    who=later["by"],
                )
            )
        patch = patches.setdefault(key, {})
        if item["field"] == "note":  # take the note out again, or put back one taken out
            notes = list(patch["notes"] if "notes" in patch else doc.get("notes") or [])
            if item["new"] is None:
                notes.append({"at": clock.stamp(), "by": user, "text": item["old"]})
            else:
                for position in range(len(notes) - 1, -1, -1):
                    if notes[position]["text"] == item["new"]:
                        del notes[position]
                        break
            patch["notes"] = notes
        else:
            patch[item["field"]] = item["old"]
        revert = event(key_of(item), item["task"], "undo", item["field"], item["new"], item["old"])
        reverts.append({**revert, "undo_of": number})
    if not reverts:
        raise InputError(_("change {n} cannot be undone: its tasks are gone").format(n=number))
    if dry_run:
        return ChangeResult(0, [], undoable.tasks, undid=number, undone=undoable)
    stamp = clock.stamp()
    updates = {key: {**patch, "updated": stamp} for key, patch in patches.items()}
    update_tasks(store, updates, {key: doc for key, doc in tasks.values()}, user)
    change, rows = record(store, reverts, clock, user)
    touched = sorted({row["task"] for row in rows}, key=id_key)
    return ChangeResult(change, rows, touched, undid=number, undone=undoable)
