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
from .tracker import ChangeResult, Undoable, event, record


def _last_undoable(store: Store) -> tuple[Undoable, list[dict[str, Any]], int]:
    """The most recent change not yet undone (loads and undos are not undone), its events
    newest first, and the number of the last plan load (0 if none)."""
    events = store.read("history")
    undone = {e.get("undo_of") for e in events.values() if e.get("action") == "undo"}
    changes: dict[int, list[dict[str, Any]]] = {}
    last_load = 0
    for _seq, item in sorted(events.items(), reverse=True):
        change = item.get("change", 0)
        if item.get("action") == "load":
            last_load = max(last_load, change)
        elif item.get("action") != "undo" and change not in undone:
            changes.setdefault(change, []).append(item)
    if not changes:
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


def undo(
    store: Store,
    clock: Clock,
    user: str,
    *,
    before_load: bool = False,
    dry_run: bool = False,
) -> ChangeResult:
    """Revert the most recent change not yet undone, as a new change; plan loads are not undone.
    Each undo goes one change further back: undo, undo reverts the last two changes. A change
    made before the last plan load is reverted only with `before_load`; with `dry_run`, the
    result says what would be undone and nothing changes."""
    undoable, target, last_load = _last_undoable(store)
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
    if dry_run:
        return ChangeResult(0, [], undoable.tasks, undid=number, undone=undoable)
    tasks = {(key_of(d), d["id"]): (k, d) for k, d in store.read("tasks").items()}
    patches: dict[int, dict[str, Any]] = {}
    reverts: list[dict[str, Any]] = []
    for item in target:
        found = tasks.get((key_of(item), item["task"]))
        if found is None:
            continue
        key, doc = found
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
    stamp = clock.stamp()
    store.update("tasks", {key: {**patch, "updated": stamp} for key, patch in patches.items()})
    change, rows = record(store, reverts, clock, user)
    touched = sorted({row["task"] for row in rows}, key=id_key)
    return ChangeResult(change, rows, touched, undid=number, undone=undoable)
