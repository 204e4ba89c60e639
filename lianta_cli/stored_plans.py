"""The plans a store holds, each known by its area and year (a `PlanKey`), and the choice of
the plan a command acts on: `--plan 2024`, `--plan liantang`, `--plan liantang/2024`, or, with
no `--plan`, the plan running today; `--plan all` for the commands that cover every plan.

A plan file without an area keeps the identity plans had before areas existed: its year, shown
as `2024`. So `--plan 2024` names that plan when the store holds it, and otherwise the one plan
of 2024 there is; when several plans fit a choice, the command is refused with the choices.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .errors import InputError
from .i18n import _, pick
from .models import PlanKey, key_of
from .store import Store

ALL = "all"
"""`--plan all`: every plan in the store, for the commands that cover them all."""


def plan_docs(store: Store) -> dict[PlanKey, dict[str, Any]]:
    """Stored plans by area and year."""
    return {key_of(doc): doc for doc in store.read("plans").values()}


def all_plans(store: Store) -> list[PlanKey]:
    """Every plan in the store, by year and then area (the plan without an area first)."""
    return sorted(plan_docs(store))


def covers_all(choice: str | None) -> bool:
    """Whether `--plan` asks for every plan (of a year: `all`, `all/2024`)."""
    return choice is not None and choice.strip().lower().partition("/")[0] == ALL


def plan_name(plan: dict[str, Any]) -> str:
    """A stored plan as people call it: its area's name, else its title (in the interface's
    language)."""
    if plan.get("area_name") or plan.get("area_name_en"):
        return pick(plan.get("area_name") or "", plan.get("area_name_en") or "")
    return pick(str(plan.get("title") or ""), str(plan.get("title_en") or ""))


def select_plan(store: Store, choice: str | None, day: date) -> PlanKey:
    """The plan a command acts on: the one `choice` names (a year, an area, or area/year), or
    among those the plan whose period holds `day`, else the latest that has begun by then, else
    the first to begin. InputError when no plan fits, or several do."""
    plans = plan_docs(store)
    if not plans:
        raise InputError(_("the store holds no plan yet; run 'lianta load PLAN'"))
    if choice is None:
        return _by_date(plans, list(plans), day, None)
    text = choice.strip().lower()
    if covers_all(text):
        message = _("--plan all: this command acts on one plan; choose one of {plans}")
        raise InputError(message.format(plans=_listed(plans)))
    given, slash, year_text = text.rpartition("/")
    area: str | None = given
    if not slash:
        area, year_text = (None, text) if text.isdigit() else (text, "")
    year = int(year_text) if year_text.isdigit() else None
    if not text or (year_text and year is None) or (slash and not (area and year_text)):
        message = _(
            "--plan {value}: give a year (2024), an area (liantang) or both (liantang/2024)"
        )
        raise InputError(message.format(value=choice))
    if area is None and year is not None and PlanKey("", year) in plans:
        return PlanKey("", year)  # the plan without an area is called by its year alone
    fitting = [
        key
        for key in plans
        if (area is None or key.area == area) and (year is None or key.year == year)
    ]
    if not fitting:
        raise InputError(
            _("--plan {year}: no such plan in the store (it holds {years})").format(
                year=choice.strip(), years=_listed(plans)
            )
        )
    return _by_date(plans, fitting, day, choice.strip())


def select_all(store: Store, choice: str, day: date) -> list[PlanKey]:
    """The plans `--plan all` covers: every area's plan of one year, `all/2024` naming it, else
    the year of the plans running on `day` (else the latest begun, else the first)."""
    plans = plan_docs(store)
    if not plans:
        raise InputError(_("the store holds no plan yet; run 'lianta load PLAN'"))
    _all, _slash, year_text = choice.strip().lower().partition("/")
    if not year_text:
        year = _year_by_date(plans, list(plans), day)
    elif year_text.isdigit() and any(key.year == int(year_text) for key in plans):
        year = int(year_text)
    else:
        raise InputError(
            _("--plan {year}: no such plan in the store (it holds {years})").format(
                year=choice.strip(), years=_listed(plans)
            )
        )
    return sorted(key for key in plans if key.year == year)


def _year_by_date(plans: dict[PlanKey, dict[str, Any]], keys: list[PlanKey], day: date) -> int:
    """Of the years of `keys`, the one with a plan running on `day`, else the latest with a
    plan begun, else the first."""
    on = day.isoformat()

    def start(key: PlanKey) -> str:
        return str(plans[key].get("start") or plans[key]["end"])

    years = sorted({key.year for key in keys})
    begun = [y for y in years if any(start(k) <= on for k in keys if k.year == y)]
    running = [
        y for y in begun if any(start(k) <= on <= str(plans[k]["end"]) for k in keys if k.year == y)
    ]
    return (running or begun or years[:1])[-1]


def _by_date(
    plans: dict[PlanKey, dict[str, Any]], keys: list[PlanKey], day: date, choice: str | None
) -> PlanKey:
    """Of `keys`, the plan of the year `_year_by_date` finds; refused when several areas have
    a plan of that year."""
    year = _year_by_date(plans, keys, day)
    chosen = sorted(key for key in keys if key.year == year)
    if len(chosen) == 1:
        return chosen[0]
    shown = ", ".join(str(key) for key in chosen)
    if choice is None:
        message = _("the store holds several plans for {year} ({plans}); choose one with --plan")
        raise InputError(message.format(year=year, plans=shown))
    message = _("--plan {value}: several plans fit ({plans}); choose one, like --plan {first}")
    raise InputError(message.format(value=choice, plans=shown, first=chosen[-1]))


def _listed(plans: dict[PlanKey, dict[str, Any]]) -> str:
    return ", ".join(str(key) for key in sorted(plans))
