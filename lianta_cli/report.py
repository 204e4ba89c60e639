"""Summaries per index and the weekly report, as plain values. Nothing here prints.

`summary` counts the tasks of each index as they are now. `weekly` describes a period (an ISO
week, or any span of days) from the history: each task's state at the start of the period and at
its end is reconstructed from the recorded events (an undo is an event like any other, so an
undone completion is no completion), and the sections compare the two. Everything is sorted and
derived only from the store and the period, so the same store and period always give the same
bytes. `markdown_report` and `csv_report` turn a report into text for a chat, an e-mail or a
spreadsheet; `write_atomically` saves it without ever leaving a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from . import counts, segments, tracker
from .collector import collector_paused
from .errors import InputError, StoreError
from .export import md_cell, to_csv, to_markdown
from .i18n import _, pick
from .store import Store, fsync_folder
from .views import signed, status_name, weekly_index_columns

# ---------------------------------------------------------------- numbers


def one_decimal(numerator: int, denominator: int) -> float:
    """numerator / denominator rounded half up to one decimal (0.0 when there is nothing)."""
    if denominator <= 0:
        return 0.0
    tenths, _rest = divmod(20 * numerator + denominator, 2 * denominator)  # exact, in integers
    return tenths / 10


def _difference(end: float, start: float) -> float:
    """end - start of two one-decimal figures, exactly as the figures read."""
    from decimal import Decimal

    return float(Decimal(str(end)) - Decimal(str(start)))


def _id_key(task_id: str) -> tuple[int, ...]:
    """The numbers of a task id ("2.10" after "2.9"); parts that are not numbers are left out."""
    if task_id.isascii() and task_id.replace(".", "").isdigit():
        try:
            return tuple(map(int, task_id.split(".")))  # every part digits (or one empty)
        except ValueError:
            pass
    return tuple(map(int, filter(str.isdigit, task_id.split("."))))


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
)
COUNT_KEYS = SUMMARY_KEYS[4:]


class Summary(NamedTuple):
    """Counts per index of one plan on one day (archived tasks left out), and their total."""

    plan: int
    as_of: str
    indices_declared: int | None
    indices_described: int
    indices: list[dict[str, Any]]
    total: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "as_of": self.as_of,
            "indices_declared": self.indices_declared,
            "indices_described": self.indices_described,
            "indices": self.indices,
            "total": self.total,
        }

    def note(self) -> str | None:
        """A line for people when the plan promises more (or fewer) indices than it describes."""
        declared, described = self.indices_declared, self.indices_described
        if declared is None or declared == described:
            return None
        return _("The plan declares {declared} indices and describes {described}.").format(
            declared=declared, described=described
        )


class _Tally:
    def __init__(self) -> None:
        self.total = 0
        self.statuses = {"todo": 0, "in_progress": 0, "blocked": 0, "done": 0}
        self.progress = 0
        self.overdue = 0
        self.unassigned = 0

    def add(self, task: dict[str, Any], overdue: bool) -> None:
        self.total += 1
        self.statuses[task["status"]] = self.statuses.get(task["status"], 0) + 1
        self.progress += int(task["progress"])
        self.overdue += overdue
        self.unassigned += not task["assignee"]

    def take(self, figures: counts.Figures, overdue: int) -> None:
        """Add an index's stored counts (see `counts`)."""
        self.total += figures["total"]
        for status in self.statuses:
            self.statuses[status] += figures.get(status, 0)
        self.progress += figures["progress"]
        self.overdue += overdue
        self.unassigned += figures["unassigned"]

    def counts(self) -> dict[str, Any]:
        return {
            "total": self.total,
            **self.statuses,
            "percent_done": one_decimal(100 * self.statuses["done"], self.total),
            "progress": one_decimal(self.progress, self.total),
            "overdue": self.overdue,
            "unassigned": self.unassigned,
        }


def summary(store: Store, year: int, today: date) -> Summary:
    """One row per index of plan `year` (its order), counted from the same tasks `list` shows,
    with the same overdue rule."""
    plan = tracker.plan_docs(store)[year]
    indices = list(plan.get("indices") or [])
    tallies: dict[int, _Tally] = {int(i["number"]): _Tally() for i in indices}
    overall = _Tally()
    end, today_text = plan["end"], today.isoformat()
    stored = store.counts(year)
    if stored is not None:  # counted when the tasks were saved: no task needs reading
        for key, figures in stored.items():
            overdue = counts.overdue(figures, end, today_text)
            tallies.setdefault(int(key), _Tally()).take(figures, overdue)
            overall.take(figures, overdue)
    else:
        for task in tracker.current_tasks(store, year):
            overdue = tracker.is_overdue(task, end, today_text)
            tallies.setdefault(int(task["index"]), _Tally()).add(task, overdue)
            overall.add(task, overdue)
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
                **tallies[number].counts(),
            }
        )
    declared = plan.get("indices_declared")
    return Summary(
        plan=year,
        as_of=today.isoformat(),
        indices_declared=int(declared) if declared is not None else None,
        indices_described=len(indices),
        indices=rows,
        total=overall.counts(),
    )


def summary_csv(result: Summary) -> str:
    """The summary as CSV: a row per index and a last row whose code is 'total'."""
    total = {"index": None, "code": "total", "name": None, "name_en": None, **result.total}
    return to_csv([*result.indices, total], SUMMARY_KEYS)


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
    """The period from --week, or --since/--until, or else the ISO week holding `today`."""
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
    return Window(monday, monday + timedelta(days=6))


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
STANDING_SECTIONS = ("overdue", "due_soon", "unassigned")
SECTIONS = ACTIVITY_SECTIONS + STANDING_SECTIONS
DUE_SOON_DAYS = 7
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


class WeeklyReport(NamedTuple):
    """What happened to plan `plan` in `window`, and where things stood at its end."""

    plan: int
    title: str
    title_en: str
    window: Window
    sections: dict[str, list[dict[str, Any]]]
    indices: list[dict[str, Any]]
    total: dict[str, Any]

    @property
    def quiet(self) -> bool:
        """Nothing changed in the period."""
        return not any(self.sections[name] for name in ACTIVITY_SECTIONS)

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "period": self.window.as_dict(),
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


def _history(
    store: Store, year: int, docs: dict[str, dict[str, Any]]
) -> list[tuple[int, dict[str, Any]]]:
    """The plan's events on `docs` as (seq, event), the whole history in (at, seq) order."""
    events = [
        (int(seq), event)
        for seq, event in store.raw("history").items()
        if event.get("plan") == year and event.get("task") in docs
    ]
    events.sort(key=lambda item: (item[1]["at"], item[0]))
    return events


def _in_order(events: list[tuple[int, dict[str, Any]]]) -> bool:
    """Whether the events are in the order of their seq and of their stamps both, and carry
    the fields the report reads."""
    last_seq, last_at = -1, ""
    for seq, event in events:
        at = event.get("at")
        if not isinstance(at, str) or seq <= last_seq or at < last_at:
            return False
        if "field" not in event or "change" not in event:
            return False
        last_seq, last_at = seq, at
    return True


_Marks = tuple[dict[str, Any] | None, dict[str, Any] | None]
_Events = list[tuple[int, dict[str, Any]]]
_Table = dict[str, dict[str, Any]]

_TIMELINE = frozenset(TIMELINE_FIELDS)
_LATER_SLICE = 2 << 20
"""Bytes of history after the period parsed at a time: they are undone and let go, so that a
period long past does not hold every event since in memory at once."""


def _tail(
    store: Store, year: int, docs: dict[str, dict[str, Any]], start_mark: str, end_mark: str
) -> tuple[_Events, Iterator[_Table | None]] | None:
    """The plan's events on `docs` stamped in [start_mark, end_mark), and the history after it
    in slices, newest slice first, each parsed when reached (None for one that does not parse);
    None unless the history is kept as read and its stamps are in order, and the tasks are as
    lianta saved them."""
    # Undoing from the tasks now needs tasks that agree with their history, as every write of
    # lianta leaves them: a tasks table changed by other means is replayed whole instead.
    found = store.unparsed("history") if store.proved("tasks") else None
    if found is None:
        return None
    raw, (_start, end) = found
    cuts = segments.tail_cuts(raw, [start_mark, end_mark], found[1])
    if cuts is None:
        return None
    window = segments.docs_between(raw, cuts[0], cuts[1])
    store.release()  # the pages swept for the stamps
    if window is None:
        return None

    def later() -> Iterator[_Table | None]:
        for cut, stop in reversed(segments.tail_slices(raw, cuts[1], end - 1, _LATER_SLICE)):
            table = segments.docs_between(raw, cut, stop)
            store.release()
            yield table
            del table  # not held while the next slice is parsed

    ours = [
        (int(seq), event)
        for seq, event in window.items()
        if event.get("plan") == year and event.get("task") in docs
    ]
    return ours, later()


def _undone(
    docs: dict[str, dict[str, Any]],
    values: dict[str, dict[str, Any]],
    table: _Table,
    year: int,
    newer: int,
    touched: set[str] | None = None,
) -> int | None:
    """Undo the events of plan `year` on `docs` in a slice of the history (its documents in the
    file's order, every one before the seq `newer`) newest first, on each task's `values` (its
    fields now, for a task not met before), adding the tasks to `touched`. The slice's first
    seq (`newer` if it is empty), or None if the seqs are out of order, an event lacks what the
    report reads, or its new value is not the value it left (a history that does not replay to
    the tasks)."""
    timeline = _TIMELINE
    for key, event in reversed(table.items()):
        seq = int(key)
        if seq >= newer:
            return None
        newer = seq
        if event.get("plan") != year:
            continue
        task_id = event.get("task")
        if task_id not in docs:
            continue
        name = event.get("field")
        if name is None or "change" not in event or type(event.get("at")) is not str:
            return None
        if name in timeline:
            if touched is not None:
                touched.add(task_id)
            value = values.get(task_id)
            if value is None:
                value = values[task_id] = _fields(docs[task_id])
            held, new = value[name], event["new"]
            if type(held) is not type(new) or held != new:
                return None
            value[name] = event["old"]
    return newer


def _undo_slices(
    docs: dict[str, dict[str, Any]],
    year: int,
    window: _Events,
    later: Iterator[_Table | None],
    start_mark: str,
    end_mark: str,
) -> dict[str, _Marks] | None:
    """Each task's state at both marks, from its fields now with the events at or after each
    mark undone, newest first; only the tasks with such events. The events are `window` (every
    one from `start_mark` to `end_mark`, in order, and any before) and the history `later`
    (from `end_mark` on, in slices, newest slice first), each slice let go once undone. None if
    a slice does not parse, the events are not in order, or an event's new value is not the
    value it left (a history that does not replay to the tasks): then only a full replay gives
    the result."""
    values: dict[str, dict[str, Any]] = {}
    newer = 1 << 62  # the first seq of the slice undone last
    for table in later:
        first = None if table is None else _undone(docs, values, table, year, newer)
        if first is None:
            return None
        newer = first
    if not _in_order(window):  # before its stamps are read below
        return None
    at_end = {task_id: _marked(docs[task_id], value, end_mark) for task_id, value in values.items()}
    early = sum(1 for item in window if item[1]["at"] < start_mark)  # the first ones
    touched: set[str] = set()
    first = _undone(docs, values, _table(window[early:]), year, newer, touched)
    if first is None:
        return None
    # a task with no event in the period stands at its start as at its end, unless created in it
    at_start = dict(at_end)
    for task_id in values.keys() - at_end.keys():
        at_end[task_id] = _marked(docs[task_id], _fields(docs[task_id]), end_mark)
    for task_id in at_end:
        if start_mark <= str(docs[task_id].get("created") or "") < end_mark:
            touched.add(task_id)
    for task_id in touched:
        at_start[task_id] = _marked(docs[task_id], values[task_id], start_mark)
    if _undone(docs, values, _table(window[:early]), year, first) is None:
        return None
    for task_id in values.keys() - at_end.keys():  # met only before the period: unchanged since
        doc = docs[task_id]
        at_start[task_id] = _marked(doc, _fields(doc), start_mark)
        at_end[task_id] = _marked(doc, _fields(doc), end_mark)
    return {task_id: (at_start[task_id], at_end[task_id]) for task_id in values}


def _table(events: _Events) -> _Table:
    return {str(seq): event for seq, event in events}


def _fields(doc: dict[str, Any]) -> dict[str, Any]:
    return {name: doc.get(name) for name in TIMELINE_FIELDS}


_STANDING_FIELDS = frozenset(("status", "progress", "assignee"))
"""The fields `_standing` reads by key: a task that has them all stands for its own state."""


def _state_now(doc: dict[str, Any]) -> dict[str, Any]:
    """The task as it stands now, as `_state_at` gives it for a task with no events."""
    get = doc.get
    return {  # TIMELINE_FIELDS spelled out: this runs for every task
        "id": doc["id"],
        "status": get("status"),
        "progress": get("progress"),
        "assignee": get("assignee"),
        "unit": get("unit"),
        "due": get("due"),
        "plan_due": get("plan_due"),
        "archived": bool(get("archived")),
        "index": get("index"),
    }


def _marked(doc: dict[str, Any], fields: dict[str, Any], mark: str) -> dict[str, Any] | None:
    """A state as `_state_at` gives it: None before the task was created."""
    created = str(doc.get("created") or "")
    if created and created >= mark:
        return None
    return {"id": doc["id"], **fields, "archived": bool(fields["archived"])}


def _replay_states(
    docs: dict[str, dict[str, Any]],
    events: list[tuple[int, dict[str, Any]]],
    start_mark: str,
    end_mark: str,
) -> dict[str, _Marks]:
    """Each task's state at both marks from its whole timeline (tasks with events only)."""
    timelines: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for _seq, event in events:
        if event["field"] in TIMELINE_FIELDS:
            timelines.setdefault(event["task"], {}).setdefault(event["field"], []).append(event)
    return {
        task_id: (
            _state_at(docs[task_id], timeline, start_mark),
            _state_at(docs[task_id], timeline, end_mark),
        )
        for task_id, timeline in timelines.items()
    }


def task_states(
    store: Store, year: int, docs: dict[str, dict[str, Any]], start_mark: str, end_mark: str
) -> tuple[list[tuple[int, dict[str, Any]]], dict[str, _Marks]]:
    """The events of the period (at least; in (at, seq) order) and the state at both marks of
    each task with events: undone from the end of the history when its stamps are in order and
    it replays to the tasks (the events after the period a slice at a time), else replayed
    whole."""
    found = _tail(store, year, docs, start_mark, end_mark)
    if found is not None:
        window, later = found
        states = _undo_slices(docs, year, window, later, start_mark, end_mark)
        if states is not None:
            return window, states
    events = _history(store, year, docs)
    return events, _replay_states(docs, events, start_mark, end_mark)


def weekly(store: Store, year: int, window: Window) -> WeeklyReport:
    """The report on plan `year` for `window`: activity, figures per index, standing lists."""
    # The work below makes no reference cycles, but its many small objects would set off full
    # collections that walk every parsed task and event again (most of the time on a large store).
    with collector_paused():
        return _weekly(store, year, window)


def _weekly(store: Store, year: int, window: Window) -> WeeklyReport:
    plan = tracker.plan_docs(store)[year]
    plan_end = str(plan["end"])
    start_mark = window.start.isoformat()
    end_mark = (window.end + timedelta(days=1)).isoformat()
    end_day = window.end.isoformat()
    soon_day = (window.end + timedelta(days=DUE_SOON_DAYS)).isoformat()

    docs = {doc["id"]: doc for doc in store.raw("tasks").values() if doc.get("plan") == year}
    events, states = task_states(store, year, docs, start_mark, end_mark)
    undone_by_end = {
        e.get("undo_of") for _seq, e in events if e.get("action") == "undo" and e["at"] < end_mark
    }
    inside: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for seq, event in events:
        if start_mark <= event["at"] < end_mark:
            inside.setdefault(event["task"], []).append((seq, event))

    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS}
    # per index: tasks, done and progress summed at the start, then the same at the end
    figures: dict[Any, list[int]] = {}
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    for task_id in sorted(docs, key=_id_key):
        doc = docs[task_id]
        marks = states.get(task_id)
        if marks is None:
            created = str(doc.get("created") or "")
            if not created or created < start_mark:
                # unchanged through the period: no activity, its fields now at both ends
                if not doc.get("archived"):
                    counts = figures.setdefault(doc.get("index"), [0] * 6)
                    done = doc.get("status") == "done"
                    progress = int(doc.get("progress") or 0)
                    counts[0] += 1
                    counts[1] += done
                    counts[2] += progress
                    counts[3] += 1
                    counts[4] += done
                    counts[5] += progress
                    now = doc if doc.keys() >= _STANDING_FIELDS else _state_now(doc)
                    _standing(sections, doc, now, plan_end, end_day, soon_day)
                    _notes(sections, doc, inside.get(task_id), undone_by_end)
                continue
            before, after = None, _state_now(doc) if created < end_mark else None
        else:
            before, after = marks
        if before is not None and not before["archived"]:
            counts = figures.setdefault(before["index"], [0] * 6)
            counts[0] += 1
            counts[1] += before["status"] == "done"
            counts[2] += int(before["progress"] or 0)
        if after is None or after["archived"]:
            continue
        counts = figures.setdefault(after["index"], [0] * 6)
        counts[3] += 1
        counts[4] += after["status"] == "done"
        counts[5] += int(after["progress"] or 0)
        timed = inside.get(task_id)
        if before is not after:
            was = before if before is not None else {**after, **_FRESH}
            moves = [event for _seq, event in timed] if timed else []
            _activity(sections, doc, was, after, moves)
        _standing(sections, doc, after, plan_end, end_day, soon_day)
        _notes(sections, doc, timed, undone_by_end)

    sections["notes"].sort(key=lambda n: (n["at"], n.pop("_seq")))
    sections["overdue"].sort(key=lambda t: (t["due"], _id_key(t["id"])))
    sections["due_soon"].sort(key=lambda t: (t["due"], _id_key(t["id"])))

    indices = []
    numbers = [int(i["number"]) for i in plan.get("indices") or []]
    extra = {int(index) for index in figures} - set(numbers)
    described = {int(i["number"]): i for i in plan.get("indices") or []}
    empty = [0] * 6
    for number in [*numbers, *sorted(extra)]:
        index = described.get(number, {})
        indices.append(
            {
                "index": number,
                "code": index.get("code"),
                "name": index.get("name"),
                "name_en": index.get("name_en"),
                **_change_figures(figures.get(number, empty)),
            }
        )
    return WeeklyReport(
        plan=year,
        title=str(plan.get("title") or ""),
        title_en=str(plan.get("title_en") or ""),
        window=window,
        sections=sections,
        indices=indices,
        total=_change_figures(
            [sum(column) for column in zip(*figures.values(), empty, strict=True)]
        ),
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
    tasks_start, done_start, progress_start_sum, tasks, done_end, progress_end_sum = counts
    progress_start = one_decimal(progress_start_sum, tasks_start)
    progress_end = one_decimal(progress_end_sum, tasks)
    return {
        "tasks": tasks,
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
    if was["status"] == "todo" and now["status"] != "todo":
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
        event = _last(moves, "status", new="blocked")
        reason = None
        if event is not None:
            note = _last(
                [e for e in moves if e["change"] == event["change"] and e["action"] != "undo"],
                "note",
            )
            reason = note["new"] if note else None
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


def _standing(
    sections: dict[str, list[dict[str, Any]]],
    doc: dict[str, Any],
    now: dict[str, Any],
    plan_end: str,
    end_day: str,
    soon_day: str,
) -> None:
    """The task's entries in the lists of where things stand at the end of the period."""
    if now["status"] == "done":
        return
    due = tracker.effective_due(now, plan_end)
    if due < end_day or due <= soon_day:
        entry = {
            **_task(doc),
            "due": due,
            "status": now["status"],
            "progress": now["progress"],
            "assignee": now["assignee"],
        }
        if due < end_day:
            days = (date.fromisoformat(end_day) - date.fromisoformat(due)).days
            sections["overdue"].append({**entry, "days_overdue": days})
        else:
            sections["due_soon"].append(entry)
    if not now["assignee"]:
        sections["unassigned"].append(
            {**_task(doc), "status": now["status"], "progress": now["progress"], "due": due}
        )


# ---------------------------------------------------------------- the report as text


def csv_report(report: WeeklyReport) -> str:
    """One row per (section, task), sections in their report order."""
    rows = []
    for name in SECTIONS:
        for entry in report.sections[name]:
            row = {**entry, "section": name}
            if "note" in entry:
                row["text"] = entry["note"]
            if name == "progress":
                row["progress"] = entry["to"]
            rows.append(row)
    return to_csv(rows, CSV_KEYS)


def _title(entry: dict[str, Any]) -> str:
    return md_cell(f"{entry['id']} {pick(entry['title'], entry['title_en'])}")


def _day(stamp: str | None) -> str | None:
    return stamp[:10] if stamp else None


def _status_text(status: str, progress: Any) -> str:
    return _("{status}, {progress}%").format(status=status_name(status), progress=progress)


def _item(entry: dict[str, Any], *parts: str | None) -> str:
    shown = [p for p in parts if p]
    return "- " + _title(entry) + (" — " + " · ".join(shown) if shown else "")


def _late(due: str, days: int) -> str:
    if days == 1:
        return _("due {date}, 1 day late").format(date=due)
    return _("due {date}, {days} days late").format(date=due, days=days)


def _names(value: Any) -> str | None:
    return md_cell(value) if value else None


def markdown_report(report: WeeklyReport) -> str:
    """The report for pasting into an e-mail or a chat: headings, lists, one table, no ANSI."""
    window = report.window
    sections = report.sections
    if window.week:
        heading = _("Weekly report {week}").format(week=window.week)
    else:
        heading = _("Report {start} to {end}").format(
            start=window.start.isoformat(), end=window.end.isoformat()
        )
    blocks = [
        "# " + heading,
        _("{plan} · {start} to {end}").format(
            plan=md_cell(pick(report.title, report.title_en) or str(report.plan)),
            start=window.start.isoformat(),
            end=window.end.isoformat(),
        ),
    ]
    total_row = {"index": "", "name": _("Total"), "name_en": _("Total"), **report.total}
    blocks.append(
        "## "
        + _("Progress by index")
        + "\n\n"
        + to_markdown([*report.indices, total_row], weekly_index_columns()).rstrip("\n")
    )
    if report.quiet:
        blocks.append(_("No changes were recorded in this period."))

    def section(title: str, lines: list[str]) -> None:
        if lines:
            blocks.append("## " + title + "\n\n" + "\n".join(lines))

    section(
        _("Completed ({count})").format(count=len(sections["completed"])),
        [_item(e, _names(e["assignee"]), _day(e["at"])) for e in sections["completed"]],
    )
    section(
        _("Started ({count})").format(count=len(sections["started"])),
        [
            _item(
                e,
                _names(e["assignee"]),
                _day(e["at"]),
                _("now {state}").format(state=_status_text(e["status"], e["progress"])),
            )
            for e in sections["started"]
        ],
    )
    section(
        _("Blocked ({count})").format(count=len(sections["blocked"])),
        [
            _item(e, _names(e["assignee"]), _day(e["at"]))
            + (": " + md_cell(e["note"]) if e["note"] else "")
            for e in sections["blocked"]
        ],
    )
    section(
        _("Unblocked ({count})").format(count=len(sections["unblocked"])),
        [
            _item(
                e,
                _names(e["assignee"]),
                _day(e["at"]),
                _("now {state}").format(state=status_name(e["status"])),
            )
            for e in sections["unblocked"]
        ],
    )
    section(
        _("Newly assigned ({count})").format(count=len(sections["assigned"])),
        [
            _item(
                e,
                (md_cell(e["from"]) + " → " if e["from"] else "")
                + md_cell(e["to"])
                + (" (" + md_cell(e["unit"]) + ")" if e["unit"] else ""),
            )
            for e in sections["assigned"]
        ],
    )
    section(
        _("Progress moves ({count})").format(count=len(sections["progress"])),
        [
            _item(e, f"{e['from']}% → {e['to']}% ({signed(e['change'], 0)})")
            for e in sections["progress"]
        ],
    )
    section(
        _("Notes added ({count})").format(count=len(sections["notes"])),
        [
            _item(e, _names(e["by"]), _day(e["at"])) + ": " + md_cell(e["text"])
            for e in sections["notes"]
        ],
    )
    section(
        _("Overdue on {date} ({count})").format(
            date=window.end.isoformat(), count=len(sections["overdue"])
        ),
        [
            _item(
                e,
                _late(e["due"], e["days_overdue"]),
                _names(e["assignee"]) or _("unassigned"),
                _status_text(e["status"], e["progress"]),
            )
            for e in sections["overdue"]
        ],
    )
    section(
        _("Due {start} to {end} ({count})").format(
            start=window.end.isoformat(),
            end=(window.end + timedelta(days=DUE_SOON_DAYS)).isoformat(),
            count=len(sections["due_soon"]),
        ),
        [
            _item(
                e,
                _("due {date}").format(date=e["due"]),
                _names(e["assignee"]) or _("unassigned"),
                _status_text(e["status"], e["progress"]),
            )
            for e in sections["due_soon"]
        ],
    )
    section(
        _("Open tasks with nobody assigned ({count})").format(count=len(sections["unassigned"])),
        [_item(e) for e in sections["unassigned"]],
    )
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------- saving a report


def write_atomically(path: Path, text: str) -> Path:
    """Write `text` to `path` through a temporary file in the same folder, fsync and rename.

    A failure at any moment leaves either the previous file or the new one, and no temporary
    file. A new file gets the usual permissions (0666 less the umask); a replaced one keeps its.
    """
    target = path.expanduser()
    folder = target.parent
    if target.is_dir():
        raise InputError(_("--output {path}: is a folder; give a file name").format(path=path))
    if not folder.is_dir():
        raise InputError(
            _("--output {path}: the folder {folder} does not exist").format(
                path=path, folder=folder
            )
        )
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        mode = 0o666 & ~mask
    import tempfile

    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    tmp = Path(name)
    try:
        try:
            payload = memoryview(text.encode("utf-8"))
            while payload:
                written = os.write(fd, payload)
                payload = payload[written:]
            os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            tmp.unlink()
        reason = error.strerror or str(error)
        raise StoreError(
            _("cannot write {path}: {reason}; the file was not changed").format(
                path=path, reason=reason
            )
        ) from None
    fsync_folder(folder)
    return target
