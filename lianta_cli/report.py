"""Summaries per index and the weekly report, as plain values. Nothing here prints or formats.

`summary` counts the tasks of each index as they are now. `weekly` describes a period (an ISO
week, or any span of days) from the history: each task's state at the start of the period and at
its end is replayed from the recorded events (an undo is an event like any other, so an undone
completion is no completion), and the sections compare the two. Everything is sorted and derived
only from the store and the period, so the same store and period always give the same values.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from . import tracker, units
from .errors import InputError
from .i18n import _
from .store import Store
from .textfold import fold

# ---------------------------------------------------------------- numbers


def one_decimal(numerator: int, denominator: int) -> float:
    """numerator / denominator rounded half up to one decimal (0.0 when there is nothing)."""
    if denominator <= 0:
        return 0.0
    tenths, _rest = divmod(20 * numerator + denominator, 2 * denominator)  # exact, in integers
    return tenths / 10


def _difference(end: float, start: float) -> float:
    """end - start of two one-decimal figures, exactly as the figures read."""
    return float(Decimal(str(end)) - Decimal(str(start)))


# ---------------------------------------------------------------- summary

SUMMARY_KEYS = (
    "index",
    "code",
    "name",
    "name_en",
    "total",
    "todo",
    "in_progress",
    "blocked",
    "done",
    "percent_done",
    "progress",
    "overdue",
    "unassigned",
    "red",
    "yellow",
    "green",
)
COUNT_KEYS = SUMMARY_KEYS[4:]
LIGHT_KEYS = ("red", "yellow", "green")
UNIT_SUMMARY_KEYS = ("unit", "leads", "supports", *COUNT_KEYS)


class Summary(NamedTuple):
    """Counts per index of one plan on one day (archived tasks left out), and their total."""

    plan: int
    as_of: str
    plan_start: str
    plan_end: str
    indices_declared: int | None
    indices_described: int
    indices: list[dict[str, Any]]
    total: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "as_of": self.as_of,
            "plan_period": {"start": self.plan_start, "end": self.plan_end},
            "indices_declared": self.indices_declared,
            "indices_described": self.indices_described,
            "indices": self.indices,
            "total": self.total,
        }

    def notes(self) -> list[str]:
        """Lines for people: the plan has not begun or is over; it promises more (or fewer)
        indices than it describes."""
        lines = []
        period = period_note(
            self.plan, self.plan_start, self.plan_end, self.as_of, self.as_of, self.as_of
        )
        if period:
            lines.append(period)
        declared, described = self.indices_declared, self.indices_described
        if declared is not None and declared != described:
            lines.append(
                _("The plan declares {declared} indices and describes {described}.").format(
                    declared=declared, described=described
                )
            )
        return lines


def period_note(year: int, start: str, end: str, first: str, last: str, as_of: str) -> str | None:
    """A sentence for people when the days `first` to `last` (ISO dates; one day when they are
    equal) are not all within the period `start` to `end` of plan `year`; None when they are.
    `as_of` is the day the words are true on: a plan that ends within a period has ended by
    then, or will."""
    one_day = first == last
    if last < start:
        text = (
            _("The {year} plan begins on {date}.")
            if one_day
            else _("This period lies before the {year} plan, which begins on {date}.")
        )
        return text.format(year=year, date=start)
    if first > end:
        text = (
            _("The {year} plan ended on {date}.")
            if one_day
            else _("This period lies after the {year} plan, which ended on {date}.")
        )
        return text.format(year=year, date=end)
    if first < start:
        return _("The {year} plan begins on {date}, within this period.").format(
            year=year, date=start
        )
    if last > end:
        text = (
            _("The {year} plan ended on {date}, within this period.")
            if as_of > end
            else _("The {year} plan ends on {date}, within this period.")
        )
        return text.format(year=year, date=end)
    return None


class _Tally:
    def __init__(self) -> None:
        self.total = 0
        self.statuses = {"todo": 0, "in_progress": 0, "blocked": 0, "done": 0}
        self.progress = 0
        self.overdue = 0
        self.unassigned = 0
        self.lights = dict.fromkeys(LIGHT_KEYS, 0)

    def add(self, task: dict[str, Any], overdue: bool, light: str) -> None:
        self.total += 1
        self.statuses[task["status"]] = self.statuses.get(task["status"], 0) + 1
        self.progress += int(task["progress"])
        self.overdue += overdue
        self.unassigned += not task["assignee"]
        self.lights[light] += 1

    def counts(self) -> dict[str, Any]:
        return {
            "total": self.total,
            **self.statuses,
            "percent_done": one_decimal(100 * self.statuses["done"], self.total),
            "progress": one_decimal(self.progress, self.total),
            "overdue": self.overdue,
            "unassigned": self.unassigned,
            **self.lights,
        }


def summary(store: Store, year: int, today: date) -> Summary:
    """One row per index of plan `year` (its order), counted from the same tasks `list` shows,
    with the same overdue rule and lights."""
    plan = tracker.plan_docs(store)[year]
    indices = list(plan.get("indices") or [])
    tallies: dict[int, _Tally] = {int(i["number"]): _Tally() for i in indices}
    overall = _Tally()
    end, today_text = plan["end"], today.isoformat()
    for task in tracker.plan_tasks(store, year):
        overdue = tracker.is_overdue(task, end, today_text)
        light = tracker.task_schedule(task, plan, today).light
        tallies.setdefault(int(task["index"]), _Tally()).add(task, overdue, light)
        overall.add(task, overdue, light)
    described = {int(i["number"]): i for i in indices}
    rows = []
    for number in [*described, *sorted(set(tallies) - set(described))]:
        index = described.get(number, {})
        rows.append(
            {
                "index": number,
                "code": index.get("code"),
                "name": index.get("name"),
                "name_en": index.get("name_en"),
                "aim": index.get("aim"),
                "aim_en": index.get("aim_en"),
                **tallies[number].counts(),
            }
        )
    declared = plan.get("indices_declared")
    return Summary(
        plan=year,
        as_of=today.isoformat(),
        plan_start=str(plan.get("start") or ""),
        plan_end=str(end),
        indices_declared=int(declared) if declared is not None else None,
        indices_described=len(indices),
        indices=rows,
        total=overall.counts(),
    )


class UnitSummary(NamedTuple):
    """Counts per unit of one plan on one day: the tasks each unit leads or cooperates on."""

    plan: int
    as_of: str
    units: list[dict[str, Any]]
    total: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"plan": self.plan, "as_of": self.as_of, "units": self.units, "total": self.total}


def summary_by_unit(store: Store, year: int, today: date) -> UnitSummary:
    """One row per unit named as lead or cooperating unit of a task of plan `year`, by name,
    and a last row (unit None) for the tasks no unit leads: what each unit is to be chased on,
    counted as `summary` counts (`leads` and `supports` say in which role)."""
    plan = tracker.plan_docs(store)[year]
    end, today_text = plan["end"], today.isoformat()
    tallies: dict[str | None, _Tally] = {}
    roles: dict[str | None, list[int]] = {}
    overall = _Tally()
    for task in tracker.plan_tasks(store, year):
        overdue = tracker.is_overdue(task, end, today_text)
        light = tracker.task_schedule(task, plan, today).light
        overall.add(task, overdue, light)
        lead = units.lead_unit(task)
        named = [(lead, 0), *((name, 1) for name in units.cooperating_units(task) if name != lead)]
        for name, role in named:
            tallies.setdefault(name, _Tally()).add(task, overdue, light)
            roles.setdefault(name, [0, 0])[role] += 1
    order = sorted((name for name in tallies if name is not None), key=fold)
    rows = [
        {
            "unit": name,
            "leads": roles[name][0],
            "supports": roles[name][1],
            **tallies[name].counts(),
        }
        for name in [*order, *([None] if None in tallies else [])]
    ]
    return UnitSummary(year, today.isoformat(), rows, overall.counts())


# ---------------------------------------------------------------- the period of a report

_WEEK = re.compile(r"(\d{4})-?[Ww](\d{1,2})")


def week_name(day: date) -> str:
    """The ISO week holding `day`, as YYYY-Www (the ISO year, which may differ from day.year)."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def weeks_in_year(year: int) -> int:
    return date(year, 12, 28).isocalendar().week


class Window(NamedTuple):
    """The days a report covers, both included; `week` names it when it is one whole ISO week."""

    start: date
    end: date

    @property
    def week(self) -> str | None:
        whole_week = self.start.isoweekday() == 1 and self.end == self.start + timedelta(days=6)
        return week_name(self.start) if whole_week else None

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "week": self.week}


def parse_week(value: str) -> Window:
    """'2024-W10' (or 2024W10, 2024-w3) as the Monday-to-Sunday window of that ISO week."""
    match = _WEEK.fullmatch(value.strip())
    if not match:
        raise InputError(
            _("--week {value}: not an ISO week; use YYYY-Www, like 2024-W10").format(value=value)
        )
    year, week = int(match.group(1)), int(match.group(2))
    if not 1 <= year <= 9998 or not 1 <= week <= weeks_in_year(year):
        last = weeks_in_year(year) if 1 <= year <= 9998 else 52
        raise InputError(
            _("--week {value}: no such week; {year} has weeks 1 to {last} (like {example})").format(
                value=value, year=year, last=last, example=f"{year}-W{last:02d}"
            )
        )
    start = date.fromisocalendar(year, week, 1)
    return Window(start, start + timedelta(days=6))


def resolve_window(week: str | None, since: date | None, until: date | None, today: date) -> Window:
    """The period from --week, or --since/--until, or else the ISO week holding `today`; a
    period that has not begun by `today` is refused (a report tells what has happened)."""
    window = _window(week, since, until, today)
    if window.end > LAST_DAY:
        raise InputError(
            _("the period ends on {end}; a report's period must end by {last}").format(
                end=window.end, last=LAST_DAY
            )
        )
    if window.start > today:
        raise InputError(
            _("the period {start} to {end} has not begun (today is {today})").format(
                start=window.start, end=window.end, today=today
            )
        )
    return window


def _window(week: str | None, since: date | None, until: date | None, today: date) -> Window:
    if week is not None and (since is not None or until is not None):
        raise InputError(_("--week cannot be combined with --since/--until; give one or the other"))
    if week is not None:
        return parse_week(week)
    if until is not None and since is None:
        raise InputError(
            _("--until {until}: give --since too (the first day of the period)").format(until=until)
        )
    if since is not None:
        end = until if until is not None else today
        if since > end:
            raise InputError(
                _("--since {since} is after --until {until}").format(since=since, until=end)
                if until is not None
                else _("--since {since} is after today ({today}); give --until").format(
                    since=since, today=end
                )
            )
        return Window(since, end)
    monday = today - timedelta(days=today.isoweekday() - 1)
    return Window(monday, monday + timedelta(days=min(6, (date.max - monday).days)))


# ---------------------------------------------------------------- a task's state at a moment

TIMELINE_FIELDS = ("status", "progress", "assignee", "unit", "due", "plan_due", "archived", "index")
"""The fields of a task whose past values the history lets us reconstruct."""

_FRESH = {"status": "todo", "progress": 0, "assignee": None, "unit": None, "due": None}


def _state_at(
    doc: dict[str, Any], timeline: dict[str, list[dict[str, Any]]], mark: str
) -> dict[str, Any] | None:
    """The task as it stood just before the instant `mark` (an ISO date or date-time string).

    Each field takes the value set by the last event before `mark`; with none, the value the
    field held before its first event; with no events at all, its value now. None if the task
    was not in the store yet.
    """
    created = str(doc.get("created") or "")
    if created and created >= mark:
        return None
    state: dict[str, Any] = {"id": doc["id"]}
    for name in TIMELINE_FIELDS:
        events = timeline.get(name)
        if not events:
            state[name] = doc.get(name)
            continue
        before = [e for e in events if e["at"] < mark]
        state[name] = before[-1]["new"] if before else events[0]["old"]
    state["archived"] = bool(state["archived"])
    return state


# ---------------------------------------------------------------- the weekly report

ACTIVITY_SECTIONS = (
    "completed",
    "started",
    "blocked",
    "unblocked",
    "assigned",
    "progress",
    "notes",
)
STANDING_SECTIONS = ("still_blocked", "overdue", "due_soon", "unassigned")
SECTIONS = ACTIVITY_SECTIONS + STANDING_SECTIONS
DUE_SOON_DAYS = 7
LAST_DAY = date.max - timedelta(days=DUE_SOON_DAYS + 1)
"""The last day a report's period can end on (it looks a week beyond its end)."""
CSV_KEYS = (
    "section",
    "id",
    "title",
    "title_en",
    "at",
    "by",
    "from",
    "to",
    "text",
    "status",
    "progress",
    "assignee",
    "unit",
    "due",
)


WEEKLY_INDEX_KEYS = (
    "index",
    "code",
    "name",
    "name_en",
    "tasks",
    "done_start",
    "done_end",
    "done_change",
    "progress_start",
    "progress_end",
    "progress_change",
    *LIGHT_KEYS,
)


class WeeklyReport(NamedTuple):
    """What happened to plan `plan` in `window`, and where things stood at its end, or today
    (`as_of`) if the period has not ended yet."""

    plan: int
    title: str
    title_en: str
    window: Window
    as_of: date
    plan_start: str
    plan_end: str
    plans: int
    """How many plans the store holds (a report names the year when there are several)."""
    sections: dict[str, list[dict[str, Any]]]
    indices: list[dict[str, Any]]
    total: dict[str, Any]

    def period_note(self) -> str | None:
        """A sentence when the period reaches outside the plan's (see `period_note`)."""
        return period_note(
            self.plan,
            self.plan_start,
            self.plan_end,
            self.window.start.isoformat(),
            self.window.end.isoformat(),
            self.as_of.isoformat(),
        )

    @property
    def quiet(self) -> bool:
        """Nothing changed in the period."""
        return not any(self.sections[name] for name in ACTIVITY_SECTIONS)

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "period": self.window.as_dict(),
            "as_of": self.as_of.isoformat(),
            "plan_period": {"start": self.plan_start, "end": self.plan_end},
            **{name: self.sections[name] for name in SECTIONS},
            "indices": self.indices,
            "total": self.total,
        }


def _task(doc: dict[str, Any]) -> dict[str, Any]:
    return {"id": doc["id"], "title": doc["title"], "title_en": doc["title_en"]}


def _stamp(event: dict[str, Any] | None) -> dict[str, Any]:
    return {"at": event["at"] if event else None, "by": event["by"] if event else None}


def _last(events: list[dict[str, Any]], name: str, **match: Any) -> dict[str, Any] | None:
    found = None
    for event in events:
        if event["field"] == name and all(event[k] == v for k, v in match.items()):
            found = event
    return found


def _first(events: list[dict[str, Any]], name: str, **match: Any) -> dict[str, Any] | None:
    for event in events:
        if event["field"] == name and all(event[k] == v for k, v in match.items()):
            return event
    return None


def weekly(store: Store, year: int, window: Window, today: date) -> WeeklyReport:
    """The report on plan `year` for `window`: activity, figures per index, standing lists.

    What is late or due soon, and the lights of each index, are judged as of the end of the
    period, or as of `today` while the period runs: a task due on Friday is not late on the
    Wednesday before."""
    plans = tracker.plan_docs(store)
    plan = plans[year]
    lit_on = min(window.end, today)
    lights: dict[int, dict[str, int]] = {}
    plan_end = str(plan["end"])
    start_mark = window.start.isoformat()
    end_mark = (window.end + timedelta(days=1)).isoformat()
    as_of = min(today, window.end)
    soon_day = (as_of + timedelta(days=DUE_SOON_DAYS)).isoformat()

    docs = {doc["id"]: doc for doc in store.read("tasks").values() if doc["plan"] == year}
    events = [
        (seq, item)
        for seq, item in store.read("history").items()
        if item.get("plan") == year and item.get("task") in docs
    ]
    events.sort(key=lambda pair: (pair[1]["at"], pair[0]))
    timelines: dict[str, dict[str, list[dict[str, Any]]]] = {}
    inside: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    before_end: dict[str, list[dict[str, Any]]] = {}
    for seq, item in events:
        if item["field"] in TIMELINE_FIELDS:
            timelines.setdefault(item["task"], {}).setdefault(item["field"], []).append(item)
        if item["at"] < end_mark:
            before_end.setdefault(item["task"], []).append(item)
            if start_mark <= item["at"]:
                inside.setdefault(item["task"], []).append((seq, item))
    undone_by_end = {
        e.get("undo_of") for _seq, e in events if e.get("action") == "undo" and e["at"] < end_mark
    }

    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS}
    # per index: tasks, done and progress summed at the start, then the same at the end, and
    # the tasks blocked at the end
    figures: dict[Any, list[int]] = {}
    for task_id in sorted(docs, key=tracker.id_key):
        doc = docs[task_id]
        timeline = timelines.get(task_id, {})
        before = _state_at(doc, timeline, start_mark)
        after = _state_at(doc, timeline, end_mark)
        if before is not None and not before["archived"]:
            counts = figures.setdefault(before["index"], [0] * 7)
            counts[0] += 1
            counts[1] += before["status"] == "done"
            counts[2] += int(before["progress"] or 0)
        if after is None or after["archived"]:
            continue
        counts = figures.setdefault(after["index"], [0] * 7)
        counts[3] += 1
        counts[4] += after["status"] == "done"
        counts[5] += int(after["progress"] or 0)
        counts[6] += after["status"] == "blocked"
        light = tracker.task_schedule({**doc, **after}, plan, lit_on).light
        lights.setdefault(int(after["index"]), dict.fromkeys(LIGHT_KEYS, 0))[light] += 1
        timed = inside.get(task_id)
        was = before if before is not None else {**after, **_FRESH}
        _activity(sections, doc, was, after, [item for _seq, item in timed or ()])
        if was["status"] == after["status"] == "blocked":
            event, reason = _blocking(before_end.get(task_id, []))
            stamp = _stamp(event)
            sections["still_blocked"].append(
                {
                    **_task(doc),
                    "since": stamp["at"],
                    "by": stamp["by"],
                    "note": reason,
                    "assignee": after["assignee"],
                    "unit": after["unit"],
                }
            )
        _standing(sections, doc, after, plan_end, as_of.isoformat(), soon_day)
        _notes(sections, doc, timed, undone_by_end)

    sections["notes"].sort(key=lambda n: (n["at"], n.pop("_seq")))
    sections["overdue"].sort(key=lambda t: (t["due"], tracker.id_key(t["id"])))
    sections["due_soon"].sort(key=lambda t: (t["due"], tracker.id_key(t["id"])))

    indices = []
    numbers = [int(i["number"]) for i in plan.get("indices") or []]
    extra = {int(index) for index in figures} - set(numbers)
    described = {int(i["number"]): i for i in plan.get("indices") or []}
    empty = [0] * 7
    for number in [*numbers, *sorted(extra)]:
        index = described.get(number, {})
        indices.append(
            {
                "index": number,
                "code": index.get("code"),
                "name": index.get("name"),
                "name_en": index.get("name_en"),
                "aim": index.get("aim"),
                "aim_en": index.get("aim_en"),
                **_change_figures(figures.get(number, empty)),
                **lights.get(number, dict.fromkeys(LIGHT_KEYS, 0)),
            }
        )
    return WeeklyReport(
        plan=year,
        title=str(plan.get("title") or ""),
        title_en=str(plan.get("title_en") or ""),
        window=window,
        as_of=as_of,
        plan_start=str(plan.get("start") or ""),
        plan_end=plan_end,
        plans=len(plans),
        sections=sections,
        indices=indices,
        total={
            **_change_figures(
                [sum(column) for column in zip(*figures.values(), empty, strict=True)]
            ),
            **{key: sum(counts[key] for counts in lights.values()) for key in LIGHT_KEYS},
        },
    )


def _notes(
    sections: dict[str, list[dict[str, Any]]],
    doc: dict[str, Any],
    timed: list[tuple[int, dict[str, Any]]] | None,
    undone_by_end: set[Any],
) -> None:
    for seq, event in timed or ():
        if event["field"] == "note" and event["action"] != "undo":
            if event["change"] in undone_by_end:
                continue
            sections["notes"].append(
                {**_task(doc), **_stamp(event), "text": event["new"], "_seq": seq}
            )


def _change_figures(counts: list[int]) -> dict[str, Any]:
    tasks_start, done_start, progress_start_sum, tasks, done_end, progress_end_sum, blocked = counts
    progress_start = one_decimal(progress_start_sum, tasks_start)
    progress_end = one_decimal(progress_end_sum, tasks)
    return {
        "tasks": tasks,
        "blocked_end": blocked,
        "done_start": done_start,
        "done_end": done_end,
        "progress_start": progress_start,
        "progress_end": progress_end,
        "done_change": done_end - done_start,
        "progress_change": _difference(progress_end, progress_start),
    }


def _activity(
    sections: dict[str, list[dict[str, Any]]],
    doc: dict[str, Any],
    was: dict[str, Any],
    now: dict[str, Any],
    moves: list[dict[str, Any]],
) -> None:
    """The task's entries in the activity sections: its state at the end against the start."""
    task = _task(doc)
    if now["status"] == "done" and was["status"] != "done":
        event = _last(moves, "status", new="done")
        sections["completed"].append({**task, **_stamp(event), "assignee": now["assignee"]})
    if was["status"] == "todo" and now["status"] not in ("todo", "blocked"):
        event = _first(moves, "status", old="todo")
        sections["started"].append(
            {
                **task,
                **_stamp(event),
                "status": now["status"],
                "progress": now["progress"],
                "assignee": now["assignee"],
            }
        )
    if now["status"] == "blocked" and was["status"] != "blocked":
        event, reason = _blocking(moves)
        sections["blocked"].append(
            {**task, **_stamp(event), "note": reason, "assignee": now["assignee"]}
        )
    if was["status"] == "blocked" and now["status"] != "blocked":
        event = _last(moves, "status", old="blocked")
        sections["unblocked"].append(
            {**task, **_stamp(event), "status": now["status"], "assignee": now["assignee"]}
        )
    if now["assignee"] and now["assignee"] != was["assignee"]:
        event = _last(moves, "assignee", new=now["assignee"])
        sections["assigned"].append(
            {
                **task,
                **_stamp(event),
                "from": was["assignee"],
                "to": now["assignee"],
                "unit": now["unit"],
            }
        )
    if now["progress"] != was["progress"]:
        event = _last(moves, "progress")
        sections["progress"].append(
            {
                **task,
                **_stamp(event),
                "from": was["progress"],
                "to": now["progress"],
                "change": int(now["progress"]) - int(was["progress"]),
            }
        )


def _blocking(events: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, str | None]:
    """The last of `events` that blocked the task, and the reason given with it (the note of
    the same change)."""
    event = _last(events, "status", new="blocked")
    if event is None:
        return None, None
    given = [e for e in events if e["change"] == event["change"] and e["action"] != "undo"]
    note = _last(given, "note")
    return event, note["new"] if note else None


def _standing(
    sections: dict[str, list[dict[str, Any]]],
    doc: dict[str, Any],
    now: dict[str, Any],
    plan_end: str,
    as_of: str,
    soon_day: str,
) -> None:
    """The task's entries in the lists of where things stand at the end of the period (or
    today, `as_of`, while it runs)."""
    if now["status"] == "done":
        return
    due = tracker.effective_due(now, plan_end)
    if due < as_of or due <= soon_day:
        entry = {
            **_task(doc),
            "due": due,
            "status": now["status"],
            "progress": now["progress"],
            "assignee": now["assignee"],
        }
        if due < as_of:
            days = (date.fromisoformat(as_of) - date.fromisoformat(due)).days
            sections["overdue"].append({**entry, "days_overdue": days})
        else:
            sections["due_soon"].append(entry)
    if not now["assignee"]:
        sections["unassigned"].append(
            {**_task(doc), "status": now["status"], "progress": now["progress"], "due": due}
        )


# ---------------------------------------------------------------- the report as text
