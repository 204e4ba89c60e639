"""The leadership's report on a week, a month, a quarter or any span of days, as plain values.

It is the weekly report (`report.weekly`: each task's state at both ends of the period replayed
from the history) with what a leader looks at first: the facts its headline states, the summary
per index and per unit as it stood at the end of the period (the same counts `summary` gives on
that day), and the series its charts draw: the plan's burn-up and each index's progress, replayed
at each day of the period (each week's end for a longer one, each month's for a longer still).
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, timedelta
from typing import Any, NamedTuple

from . import tracker
from .models import PlanKey
from .periods import Window
from .report import (
    History,
    Summary,
    UnitSummary,
    WeeklyReport,
    one_decimal,
    plan_history,
    state_at,
    summarise,
    summarise_units,
    weekly,
)
from .schedule import expected_progress
from .store import Store

DAILY_UP_TO = 62
"""Up to this many days a chart has a point per day; up to as many weeks, one per week."""


class PeriodReport(NamedTuple):
    """The weekly report's values for the period, and the leadership's additions."""

    report: WeeklyReport
    summary: Summary
    """What `lianta summary` shows as of the report's `as_of`."""
    units: UnitSummary
    """What `lianta summary --by unit` shows as of the report's `as_of`."""
    burnup: list[dict[str, Any]]
    index_progress: list[dict[str, Any]]
    headline: dict[str, Any]

    @property
    def window(self) -> Window:
        return self.report.window

    def as_dict(self) -> dict[str, Any]:
        window = self.report.window
        return {
            **self.report.as_dict(),
            "period": {
                **window.as_dict(),
                "month": window.month,
                "quarter": window.quarter,
                "kind": window.kind,
            },
            "headline": self.headline,
            "summary": {"indices": self.summary.indices, "total": self.summary.total},
            "units": self.units.units,
            "burnup": self.burnup,
            "index_progress": self.index_progress,
        }


def chart_days(window: Window, as_of: date) -> list[date]:
    """The days whose end the charts show: the day before the period (where it started), then
    every day to `as_of`, or every Sunday, or every month's last day, and always `as_of`."""
    span = (as_of - window.start).days + 1
    days = [window.start + timedelta(days=n) for n in range(span)]
    if span > DAILY_UP_TO * 7:
        days = [d for d in days if (d + timedelta(days=1)).day == 1]
    elif span > DAILY_UP_TO:
        days = [d for d in days if d.isoweekday() == 7]
    if not days or days[-1] != as_of:
        days.append(as_of)
    return [window.start - timedelta(days=1), *days]


def period_report(store: Store, plan_key: PlanKey, window: Window, today: date) -> PeriodReport:
    """The report on a plan for `window`, as `weekly` makes it, with its headline facts, its
    summaries at the end and its chart series."""
    history = plan_history(store, plan_key)
    result = weekly(store, plan_key, window, today, history)
    plan = tracker.plan_docs(store)[plan_key]
    as_of = result.as_of
    at_end = summarise(plan, result.tasks_at_end, as_of)
    by_unit = summarise_units(plan, result.tasks_at_end, as_of)
    days = chart_days(window, as_of)
    burnup, index_progress = _series(plan, history, days, at_end)
    return PeriodReport(
        report=result,
        summary=at_end,
        units=by_unit,
        burnup=burnup,
        index_progress=index_progress,
        headline=_headline(result, at_end, plan),
    )


def _elapsed(plan: dict[str, Any], day: date) -> int:
    """The share of the plan's time over by the end of `day` (序时进度), in percent."""
    start, end = date.fromisoformat(str(plan["start"])), date.fromisoformat(str(plan["end"]))
    return expected_progress(start, end, day)


def _series(
    plan: dict[str, Any], history: History, days: list[date], at_end: Summary
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The burn-up (tasks, done and average progress of the plan at the end of each of `days`)
    and each index's average progress on the same days."""
    marks = [(day + timedelta(days=1)).isoformat() for day in days]
    # per day, per index: tasks, tasks done, progress summed
    counts: list[dict[int, list[int]]] = [{} for _ in marks]
    for task_id, doc in history.docs.items():
        timeline = history.timelines.get(task_id, {})
        times = sorted(e["at"] for events in timeline.values() for e in events)
        created = str(doc.get("created") or "")
        seen: tuple[int, bool] | None = None
        state: dict[str, Any] | None = None
        for n, mark in enumerate(marks):
            # the state only changes where an event or the task's creation lies between marks
            key = (bisect_left(times, mark), not created or created < mark)
            if key != seen:
                state, seen = state_at(doc, timeline, mark), key
            if state is None or state["archived"]:
                continue
            row = counts[n].setdefault(int(state["index"]), [0, 0, 0])
            row[0] += 1
            row[1] += state["status"] == "done"
            row[2] += int(state["progress"] or 0)
    burnup = []
    for day, per_index in zip(days, counts, strict=True):
        tasks = sum(row[0] for row in per_index.values())
        done = sum(row[1] for row in per_index.values())
        burnup.append(
            {
                "day": day.isoformat(),
                "tasks": tasks,
                "done": done,
                "percent_done": one_decimal(100 * done, tasks),
                "progress": one_decimal(sum(row[2] for row in per_index.values()), tasks),
                "elapsed": _elapsed(plan, day),
            }
        )
    index_progress = []
    for index in at_end.indices:
        number = index["index"]
        index_progress.append(
            {
                "index": number,
                "code": index["code"],
                "name": index["name"],
                "name_en": index["name_en"],
                "progress": [
                    one_decimal(row[2], row[0])
                    for row in (per_index.get(number, [0, 0, 0]) for per_index in counts)
                ],
            }
        )
    return burnup, index_progress


def _task(entry: dict[str, Any]) -> dict[str, Any]:
    return {"id": entry["id"], "title": entry["title"], "title_en": entry["title_en"]}


def _headline(result: WeeklyReport, at_end: Summary, plan: dict[str, Any]) -> dict[str, Any]:
    """What the first sentences of the report say, as values: how much is done against the time
    elapsed, which indices have tasks in red, what was newly blocked and for how long, what
    was finished."""
    total = at_end.total
    sections = result.sections
    behind = sorted(
        (row for row in at_end.indices if row["red"]),
        key=lambda row: (-row["red"], row["index"]),
    )
    blocked = []
    for entry in sections["blocked"]:
        since = entry["at"][:10] if entry["at"] else None
        days = (result.as_of - date.fromisoformat(since)).days if since else None
        blocked.append({**_task(entry), "since": since, "days": days})
    return {
        "tasks": total["total"],
        "done": total["done"],
        "percent_done": total["percent_done"],
        "progress": total["progress"],
        "elapsed": _elapsed(plan, result.as_of),
        "done_change": result.total["done_change"],
        "progress_change": result.total["progress_change"],
        "red": total["red"],
        "yellow": total["yellow"],
        "behind": [
            {key: row[key] for key in ("index", "code", "name", "name_en", "red", "yellow")}
            for row in behind
        ],
        "newly_blocked": blocked,
        "still_blocked": len(sections["still_blocked"]),
        "completed": [_task(entry) for entry in sections["completed"]],
        "overdue": len(sections["overdue"]),
    }
