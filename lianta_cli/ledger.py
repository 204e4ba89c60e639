"""The ledger (台账): every task of a plan as the office reads it in a spreadsheet, and the
units' edited ledger taken back in as one change.

`rows` gives each task as `list` shows it, with its latest note. `take_in` checks the values a
spreadsheet gives for each task (read by `workbook`, each with the cell it came from) by the
rules `update` and `assign` follow, reports every bad value with its cell, and records all the
rest as one change, so that one `lianta undo` reverts a whole import. Nothing here reads a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from . import tracker, units
from .clock import Clock
from .errors import InputError
from .fields import STATUSES
from .i18n import _
from .store import Store

IMPORTED = ("status", "progress", "due", "assignee", "unit", "cooperating", "note")
"""The columns an import takes in; the others of the ledger are shown, not read (the title
and the plan year are compared with the task, to catch a row that is not what it seems)."""
_TASK_ID = re.compile(r"[1-9][0-9]*\.[1-9][0-9]*")
_DAY = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
)


class Cell(NamedTuple):
    """A value from a spreadsheet and where it was: `ledger.xlsx:Tasks!H5`. The value is text,
    a number or a date; None for an empty cell."""

    place: str
    value: Any


Problem = Callable[[str, str], None]
"""Reports what is wrong with the cell of a column key."""


class Row(NamedTuple):
    """One task's row: where its id is, the id, and its cells by column key."""

    place: str
    task_id: str
    cells: dict[str, Cell]


@dataclass
class Intake:
    """What an import did (or would do): each changed field as the ledger shows it, the rows
    that change nothing, and the problems (then nothing is changed)."""

    year: int
    dry_run: bool
    changes: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    change: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.year,
            "dry_run": self.dry_run,
            "change": self.change,
            "changes": self.changes,
            "unchanged": self.unchanged,
        }


def rows(store: Store, year: int, today: date) -> list[dict[str, Any]]:
    """Every task of plan `year` in the plan's order, as `list` shows it, with its latest note
    (`note`) and the plan's year (`plan`)."""
    views, _total = tracker.list_tasks(store, year, tracker.TaskQuery(), today)
    latest = {
        doc["id"]: (doc.get("notes") or [{}])[-1].get("text")
        for doc in tracker.plan_tasks(store, year)
    }
    return [{**view, "note": latest.get(view["id"])} for view in views]


def shown(doc: dict[str, Any], plan: dict[str, Any]) -> dict[str, Any]:
    """The imported fields of a task as the ledger shows them (the effective due date and
    units), for comparing with a row and for saying what changed."""
    notes = doc.get("notes") or []
    return {
        "status": doc["status"],
        "progress": doc["progress"],
        "due": tracker.effective_due(doc, plan["end"]),
        "assignee": doc["assignee"],
        "unit": units.lead_unit(doc),
        "cooperating": units.cooperating_units(doc),
        "note": notes[-1]["text"] if notes else None,
    }


def take_in(
    store: Store,
    year: int,
    ledger: list[Row],
    clock: Clock,
    user: str,
    *,
    dry_run: bool = False,
) -> Intake:
    """Check every row against the tasks of plan `year` and, unless `dry_run` or a problem is
    found, apply them as one change (action `import`)."""
    result = Intake(year, dry_run)
    plan = tracker.plan_docs(store)[year]
    tasks = {
        doc["id"]: (key, doc) for key, doc in store.read("tasks").items() if doc["plan"] == year
    }
    seen: dict[str, str] = {}
    patches: list[tracker.Patch] = []
    notes: dict[int, dict[str, Any]] = {}
    for row in ledger:
        found = tasks.get(row.task_id)
        if not _TASK_ID.fullmatch(row.task_id):
            message = _("{id!r} is not a task id like 3.4").format(id=row.task_id)
        elif found is None:
            message = _("no task {id} in the {year} plan").format(id=row.task_id, year=year)
        elif row.task_id in seen:
            message = _("task {id} is also on {place}").format(
                id=row.task_id, place=seen[row.task_id]
            )
        elif found[1].get("archived"):
            message = _("task {id} is archived (it left the {year} plan)").format(
                id=row.task_id, year=year
            )
        else:
            seen[row.task_id] = row.place
            key, doc = found
            before = shown(doc, plan)
            patch, note = _row_patch(row, doc, plan, before, clock, user, result.problems)
            after = shown({**doc, **patch}, plan)
            if note is not None:
                after["note"] = note["text"]
                notes[key] = note
            moved = [name for name in IMPORTED if after[name] != before[name]]
            if not moved:
                result.unchanged.append(row.task_id)
                continue
            patches.append((key, doc, patch))
            result.changes += [
                {"id": row.task_id, "field": name, "old": before[name], "new": after[name]}
                for name in moved
            ]
            continue
        result.problems.append(f"{row.place}: {message}")
    if result.problems or dry_run or not patches:
        return result
    done = tracker.apply_patches(store, year, patches, notes, "import", clock, user)
    result.change = done.change
    return result


def _row_patch(
    row: Row,
    doc: dict[str, Any],
    plan: dict[str, Any],
    before: dict[str, Any],
    clock: Clock,
    user: str,
    problems: list[str],
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The fields a row sets on its task and the note it adds; its bad cells in `problems`."""
    cells = row.cells

    def problem(name: str, message: str) -> None:
        problems.append(f"{cells[name].place}: {message}")

    def given(name: str) -> bool:
        return name in cells

    def value(name: str) -> Any:
        return cells[name].value

    _check_identity(row, doc, plan, problems)
    patch: dict[str, Any] = {}
    status = value("status") if given("status") else None
    if given("status") and status is None:
        problem("status", _("the status is empty"))
    elif status is not None and status not in STATUSES:
        message = _("{value!r} is not a status; use one of {valid} (or their names)")
        problem("status", message.format(value=status, valid=", ".join(STATUSES)))
        status = None
    progress = _progress(value("progress"), problem) if given("progress") else None
    note: dict[str, Any] | None = None
    text = value("note") if given("note") else None
    if text is not None and str(text) != before["note"]:
        try:
            note = {"at": clock.stamp(), "by": user, "text": tracker.clean_note(str(text))}
        except InputError as error:
            problem("note", str(error))
    if status is not None and progress is not None:
        status, progress = settled(status, progress)
        moved = (status, progress) != (doc["status"], doc["progress"])
        new_status, new_progress = (status, progress) if moved else (None, None)
    else:
        new_status = status if status is not None and status != doc["status"] else None
        new_progress = progress if progress is not None and progress != doc["progress"] else None
    try:
        patch.update(tracker.next_state(doc["id"], doc, new_status, new_progress))
    except InputError as error:
        problem("status" if new_status is not None else "progress", str(error))
    if patch.get("status") == "blocked" and doc["status"] != "blocked" and note is None:
        problem("status", _("blocking needs a reason: write it in the note column"))
    if given("due"):
        due = _day(value("due"), lambda message: problem("due", message))
        if due != before["due"] and (due is not None or doc.get("due") is not None):
            patch["due"] = due
    if given("assignee") and value("assignee") != before["assignee"]:
        name = value("assignee")
        try:
            patch["assignee"] = None if name is None else tracker.clean_name(str(name), _("name"))
        except InputError as error:
            problem("assignee", str(error))
    patch.update(_unit_patch(cells, doc, before, problem))
    return patch, note


def settled(status: str, progress: int) -> tuple[str, int]:
    """A row's status and progress made to agree, whatever the task was before (so that the
    same file imported twice changes nothing the second time): done means 100 whatever the
    progress says; otherwise 100 means done, and progress above 0 starts a task still todo."""
    if status == "done" or progress == 100:
        return "done", 100
    if status == "todo" and progress > 0:
        return "in_progress", progress
    return status, progress


def _check_identity(
    row: Row, doc: dict[str, Any], plan: dict[str, Any], problems: list[str]
) -> None:
    """A row's title and plan year, where given, must be its task's: a row whose id a
    spreadsheet changed (1.10 read as the number 1.1) must not change another task."""
    year = row.cells.get("plan")
    if year is not None and year.value is not None and str(year.value).strip() != str(plan["year"]):
        message = _("the row is of the {value} plan, not {year}; give --plan {value}")
        problems.append(f"{year.place}: " + message.format(value=year.value, year=plan["year"]))
    title = row.cells.get("title")
    written = "" if title is None or title.value is None else str(title.value).strip()
    if title is not None and written and written not in (doc["title"], doc["title_en"]):
        message = _(
            "the title is not task {id}'s ({title}): titles come from the plan, and a row "
            "may have the wrong id (a spreadsheet reads 1.10 as the number 1.1)"
        )
        problems.append(f"{title.place}: " + message.format(id=doc["id"], title=doc["title"]))


def _unit_patch(
    cells: dict[str, Cell], doc: dict[str, Any], before: dict[str, Any], problem: Problem
) -> dict[str, Any]:
    """Lead and cooperating units as `assign --unit / --cooperating` sets them; an empty cell
    goes back to the plan's (no cooperating units, where the plan names some)."""
    patch: dict[str, Any] = {}
    lead = cells["unit"].value if "unit" in cells else before["unit"]
    if lead != before["unit"]:
        if lead is None and doc.get("plan_unit") and not doc.get("unit"):
            message = _("the plan names {unit} as lead unit; write the unit that leads instead")
            problem("unit", message.format(unit=doc["plan_unit"]))
        else:
            try:
                patch.update(units.unit_patch(units.NONE if lead is None else str(lead), None))
            except InputError as error:
                problem("unit", str(error))
    if "cooperating" in cells:
        written = cells["cooperating"].value
        names = units.split_units([str(written)]) if written is not None else []
        if not names and before["cooperating"]:
            patch["cooperating"] = [] if doc.get("partners") else None
        elif names != before["cooperating"]:
            try:
                patch.update(units.unit_patch(None, names))
            except InputError as error:
                problem("cooperating", str(error))
    return patch


def _progress(value: Any, problem: Problem) -> int | None:
    """A percentage as a spreadsheet holds it: 40, 40.0, '40' or '40%'."""
    number: Any = value
    if isinstance(value, str):
        text = value.strip().removesuffix("%").strip()
        number = int(text) if text.isdigit() else None
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    if value is None:
        problem("progress", _("the progress is empty"))
    elif type(number) is not int or not 0 <= number <= 100:
        problem(
            "progress",
            _("progress {value!r} is not a whole number from 0 to 100").format(value=value),
        )
    else:
        return number
    return None


def _day(value: Any, problem: Callable[[str], None]) -> str | None:
    """A due date from a date cell or text (2024-06-30, 2024/6/30, 2024.6.30, 2024年6月30日);
    None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    match = _DAY.fullmatch(str(value).strip())
    try:
        if match is None:
            raise ValueError
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        problem(_("due {value!r} is not a date; write it as YYYY-MM-DD").format(value=value))
        return None
