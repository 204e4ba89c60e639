"""A district's view: the plans of one year, one per area (subdistrict), side by side, and
their total (`--plan all`). Each plan is summed up exactly as on its own (`report.summary`,
`report.weekly`); the total is worked out from the same sums, so it is the sum of the plans.
Plain values; nothing here prints or formats."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from . import report
from .models import PlanKey
from .store import Store
from .stored_plans import plan_docs

PLAN_KEYS = ("plan", "area", "name", "name_en")
"""What names each plan's row: its year, its area (None without one) and its name."""


def plan_row(plan: dict[str, Any], key: PlanKey) -> dict[str, Any]:
    """The first cells of a plan's row: its year and area, and its area's name, else its
    title."""
    named = plan.get("area_name") or plan.get("area_name_en")
    return {
        "plan": key.year,
        "area": key.area or None,
        "name": plan.get("area_name" if named else "title"),
        "name_en": plan.get("area_name_en" if named else "title_en"),
    }


class DistrictSummary(NamedTuple):
    """The summary of each plan of a year (its total row) and the district's total."""

    year: int
    as_of: str
    plans: list[dict[str, Any]]
    total: dict[str, Any]
    summaries: list[report.Summary]

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "as_of": self.as_of, "plans": self.plans, "total": self.total}


def summary(store: Store, keys: list[PlanKey], today: date) -> DistrictSummary:
    """One row per plan of `keys` (the plans of one year), counted as `report.summary` counts
    it, and the total of them all."""
    docs = plan_docs(store)
    summaries = [report.summary(store, key, today) for key in keys]
    rows = [{**plan_row(docs[item.plan], item.plan), **item.total} for item in summaries]
    year = keys[0].year
    return DistrictSummary(year, today.isoformat(), rows, report.add_up(summaries), summaries)


class DistrictWeekly(NamedTuple):
    """The weekly report of each plan of a year, a row of figures per plan, and the total."""

    year: int
    window: report.Window
    as_of: date
    plans: list[dict[str, Any]]
    total: dict[str, Any]
    reports: list[report.WeeklyReport]

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "period": self.window.as_dict(),
            "as_of": self.as_of.isoformat(),
            "plans": self.plans,
            "total": self.total,
            "reports": [item.as_dict() for item in self.reports],
        }


def weekly(store: Store, keys: list[PlanKey], window: report.Window, today: date) -> DistrictWeekly:
    """The report of each plan of `keys` for `window`, as `report.weekly` makes it, and the
    figures of them all."""
    docs = plan_docs(store)
    reports = [report.weekly(store, key, window, today) for key in keys]
    rows = [{**plan_row(docs[item.plan], item.plan), **item.total} for item in reports]
    as_of = min(today, window.end)
    total = report.add_up_weekly(reports)
    return DistrictWeekly(keys[0].year, window, as_of, rows, total, reports)
