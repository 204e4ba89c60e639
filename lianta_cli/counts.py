"""Per-index counts of the stored tasks, kept beside them so `summary` reads a few kilobytes
instead of every task.

The counts are a table of the store (`counts`) holding, for each plan and index, the tasks in
the plan (archived ones left out) by status, their progress summed, how many nobody has, and the
due dates of those not done (a date, or "" for a task that falls back to the end of the plan):
everything `summary` shows, for any "today". The table names the checksum of the tasks table it
was counted from; a reader trusts it only when that is the checksum of the tasks table it
read and proved, so a store changed by anything that did not recount (an older lianta, a hand
edit) is counted from its tasks again.
"""

from __future__ import annotations

import itertools
import operator
from collections import Counter
from collections.abc import Iterable
from typing import Any

STATUS_KEYS = ("todo", "in_progress", "blocked", "done")
TABLE = "counts"

Figures = dict[str, Any]
"""One index's counts: total, one per status, progress (summed), unassigned, open_due."""

Counts = dict[str, dict[str, Figures]]
"""Plan year -> index number -> figures (JSON keys are text)."""


def empty_figures() -> Figures:
    return {"total": 0, **dict.fromkeys(STATUS_KEYS, 0), "progress": 0, "unassigned": 0}


def add(counts: Counts, doc: dict[str, Any], sign: int = 1) -> None:
    """Count a task in (sign 1) or out (sign -1); archived tasks are not counted."""
    if doc.get("archived"):
        return
    plan = counts.setdefault(str(doc["plan"]), {})
    index = plan.setdefault(str(doc["index"]), empty_figures())
    _count_in(index, doc, sign)
    if not index["total"]:  # counted out entirely: as if never counted
        del plan[str(doc["index"])]
        if not plan:
            del counts[str(doc["plan"])]


def _count_in(index: Figures, doc: dict[str, Any], sign: int) -> None:
    """Count a task in or out of its index's figures."""
    status = doc["status"]
    index["total"] += sign
    index[status] = index.get(status, 0) + sign
    index["progress"] += sign * int(doc["progress"])
    index["unassigned"] += sign * (not doc["assignee"])
    if status != "done":
        due = str(doc.get("due") or doc.get("plan_due") or "")
        open_due = index.setdefault("open_due", {})
        open_due[due] = open_due.get(due, 0) + sign
        if not open_due[due]:
            del open_due[due]
        if not open_due:
            del index["open_due"]


def count(docs: Iterable[dict[str, Any]]) -> Counts:
    """The counts of these tasks: what `add` makes of them one by one.

    Every save after a load or a hand edit counts every task, so the tasks are first tallied
    by the fields their counts are made of, at C speed: a store has many tasks but few kinds,
    and tasks alike in those fields are counted in at once (`_kinds`)."""
    counts: Counts = {}
    found: dict[tuple[str, str], Figures] = {}
    for doc, many in _kinds(docs if isinstance(docs, list) else list(docs)):
        if doc.get("archived"):
            continue
        where = (str(doc["plan"]), str(doc["index"]))
        index = found.get(where)
        if index is None:
            plan = counts.setdefault(where[0], {})
            index = found[where] = plan.setdefault(where[1], empty_figures())
        _count_in(index, doc, many)
    return counts


_COUNTED = ("archived", "plan", "index", "status", "progress", "assignee", "due", "plan_due")
"""The fields `add` reads; the store's checks make every one but the last text, a whole
number, empty or (`archived`) anything whose truth is all that counts."""
_PLAN_DUE = len(_COUNTED) - 1


def _kinds(docs: list[dict[str, Any]]) -> Iterable[tuple[dict[str, Any], int]]:
    """Each kind of task (its `_COUNTED` fields) and how many tasks are of it, in the order
    they first appear; or each task once if any lacks one of them, or has a value that cannot
    be tallied. Values that are equal but of different types (1, 1.0, True) are one kind: the
    same to `add`, but for `plan_due`, which the store does not check, so it must be text or
    empty here."""
    try:
        tally = Counter(map(operator.itemgetter(*_COUNTED), docs))
    except (KeyError, TypeError):
        return zip(docs, itertools.repeat(1))
    if not {type(kind[_PLAN_DUE]) for kind in tally} <= {str, type(None)}:
        return zip(docs, itertools.repeat(1))
    return ((dict(zip(_COUNTED, kind, strict=True)), many) for kind, many in tally.items())


def canonical(counts: Counts) -> Counts:
    """The counts in one order (plans and indices by number, due dates by date), so the same
    tasks give the same bytes however they were counted."""
    return {
        plan: {
            index: {
                **{key: value for key, value in figures.items() if key != "open_due"},
                **(
                    {"open_due": dict(sorted(figures["open_due"].items()))}
                    if "open_due" in figures
                    else {}
                ),
            }
            for index, figures in sorted(indices.items(), key=lambda item: int(item[0]))
        }
        for plan, indices in sorted(counts.items(), key=lambda item: int(item[0]))
    }


def overdue(figures: Figures, plan_end: str, today: str) -> int:
    """Tasks of an index past their due date and not done, as of `today` (ISO date)."""
    return sum(n for due, n in figures.get("open_due", {}).items() if (due or plan_end) < today)
