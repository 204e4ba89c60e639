"""`--plan all` for `summary` and `report weekly`: every area's plan of a year side by side and
the district's total, in every format, as commands.py shows one plan."""

from __future__ import annotations

from datetime import date
from typing import Any

from . import district, report, report_text
from .commands import Env, out, out_csv, show_table
from .errors import InputError
from .export import Column, dumps_json, md_cell, to_csv, to_markdown
from .i18n import _, pick
from .store import Store
from .stored_plans import select_all
from .views import headers, summary_columns, weekly_index_columns

SUMMARY_KEYS = (*district.PLAN_KEYS, *report.COUNT_KEYS)
WEEKLY_KEYS = (*district.PLAN_KEYS, *report.WEEKLY_INDEX_KEYS[4:])
SECTION_KEYS = ("plan", "area", *report.CSV_KEYS)


def _headers(keys: tuple[str, ...]) -> list[str]:
    """CSV headers: the plan's, then those every summary and report has."""
    named = {"plan": _("Plan"), "area": _("Area"), "name": _("Name")}
    named["name_en"] = _("Name (English)")
    return [named.get(key, header) for key, header in zip(keys, headers(keys), strict=True)]


def _plan_label(row: dict[str, Any]) -> str:
    if row.get("plan") is None:
        return ""
    return f"{row['area']}/{row['plan']}" if row.get("area") else str(row["plan"])


def _plan_columns() -> list[Column]:
    """The plan's name in place of the index's, ahead of the same figures."""
    return [
        Column("plan", _("Plan"), show=_plan_label),
        Column("name", _("Name"), show=lambda r: pick(r.get("name"), r.get("name_en")), wrap=True),
    ]


def _total(row: dict[str, Any]) -> dict[str, Any]:
    return {"plan": None, "area": None, "name": _("Total"), "name_en": _("Total"), **row}


def run_summary(env: Env, *, fmt: str, by: str, bom: bool | None) -> None:
    """`lianta summary --plan all`: a row per plan of the year and the district's total."""
    if by.strip().lower() != "index":
        raise InputError(_("--by unit counts the units of one plan; choose it with --plan"))
    store = env.reading()
    today = env.clock.today()
    result = district.summary(store, select_all(store, str(env.plan), today), today)
    if fmt == "json":
        out(dumps_json(result.as_dict()))
        return
    if fmt == "csv":
        total = {**result.total, "area": "total"}
        out_csv(to_csv([*result.plans, total], SUMMARY_KEYS, _headers(SUMMARY_KEYS)), bom)
        return
    caption = _("all plans of {year} · as of {today}").format(year=result.year, today=result.as_of)
    if fmt == "md":
        columns = [*_plan_columns(), *summary_columns(bars=False)[2:]]
        out(to_markdown([*result.plans, _total(result.total)], columns))
        out("\n" + caption + "\n")
        return
    columns = [*_plan_columns(), *summary_columns(bars=False, ascii_only=env.ascii_only)[2:]]
    show_table(result.plans, columns, env, caption=caption, footer=_total(result.total))


def weekly_text(store: Store, env: Env, window: report.Window, today: date, fmt: str) -> str:
    """`lianta report weekly --plan all` in `fmt` (md, json or csv)."""
    keys = select_all(store, str(env.plan), min(today, window.end))
    result = district.weekly(store, keys, window, today)
    if fmt == "json":
        return dumps_json(result.as_dict())
    if fmt == "csv":
        total = {**result.total, "area": "total"}
        figures = to_csv([*result.plans, total], WEEKLY_KEYS, _headers(WEEKLY_KEYS))
        sections = [
            {**row, "plan": item.plan.year, "area": item.plan.area or None}
            for item in result.reports
            for row in report_text.section_rows(item)
        ]
        return figures + "\n" + to_csv(sections, SECTION_KEYS, _headers(SECTION_KEYS))
    return _weekly_markdown(result)


def _weekly_markdown(result: district.DistrictWeekly) -> str:
    """The figures of every plan and their total, then each plan's own report, a level down."""
    window = result.window
    if window.week:
        heading = _("Weekly report {week}").format(week=window.week)
    else:
        heading = _("Report {start} to {end}").format(
            start=window.start.isoformat(), end=window.end.isoformat()
        )
    heading += _(" · all plans of {year}").format(year=result.year)
    subtitle = _("{start} to {end}").format(
        start=window.start.isoformat(), end=window.end.isoformat()
    )
    if result.as_of < window.end:
        subtitle += _(" · as of {date}").format(date=result.as_of.isoformat())
    columns = [*_plan_columns(), *weekly_index_columns()[2:]]
    table = to_markdown([*result.plans, _total(result.total)], columns).rstrip("\n")
    blocks = ["# " + md_cell(heading), subtitle, "## " + _("Progress by plan") + "\n\n" + table]
    for item in result.reports:
        lines = report_text.weekly_markdown(item).rstrip("\n").split("\n")
        blocks.append("\n".join("#" + line if line.startswith("#") else line for line in lines))
    return "\n\n".join(blocks) + "\n"
