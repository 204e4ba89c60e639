"""`report weekly` reads the states at the period's ends from the end of the history.

The report undoes the events after each end from the tasks as they are now, reading only the
history's tail when its stamps are in order, and falls back to replaying every task's whole
timeline otherwise. These tests build random histories through the real tracker functions (with
undos, plan reloads that archive, restore and move tasks, events on the edges of weeks and years,
and clocks that go back) and compare whole reports with the replay kept here as the reference.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import PLAN_2024

from lianta_cli import report, segments, tracker
from lianta_cli.clock import Clock
from lianta_cli.errors import InputError
from lianta_cli.models import Plan
from lianta_cli.plan import load_plan
from lianta_cli.report import Window
from lianta_cli.segments import Tables
from lianta_cli.store import Store, open_store

# ---------------------------------------------------------------- the reference


def reference_weekly(store: Store, year: int, window: Window) -> dict[str, Any]:
    """The weekly report as the straightforward replay of every task's whole timeline."""
    plan = tracker.plan_docs(store)[year]
    plan_end = str(plan["end"])
    start_mark = window.start.isoformat()
    end_mark = (window.end + timedelta(days=1)).isoformat()
    end_day = window.end.isoformat()
    soon_day = (window.end + timedelta(days=report.DUE_SOON_DAYS)).isoformat()
    docs = {doc["id"]: doc for doc in store.raw("tasks").values() if doc.get("plan") == year}
    history = [
        {**event, "seq": int(seq)}
        for seq, event in store.raw("history").items()
        if event.get("plan") == year and event.get("task") in docs
    ]
    undone_by_end = {
        e.get("undo_of") for e in history if e.get("action") == "undo" and e["at"] < end_mark
    }
    events = sorted(history, key=lambda e: (e["at"], e["seq"]))
    timelines: dict[str, dict[str, list[dict[str, Any]]]] = {}
    inside: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        if event["field"] in report.TIMELINE_FIELDS:
            timelines.setdefault(event["task"], {}).setdefault(event["field"], []).append(event)
        if start_mark <= event["at"] < end_mark:
            inside.setdefault(event["task"], []).append(event)
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in report.SECTIONS}
    at_start: list[dict[str, Any]] = []
    at_end: list[dict[str, Any]] = []
    for task_id in sorted(docs, key=report._id_key):
        doc = docs[task_id]
        timeline = timelines.get(task_id, {})
        before = report._state_at(doc, timeline, start_mark)
        after = report._state_at(doc, timeline, end_mark)
        if before is not None and not before["archived"]:
            at_start.append(before)
        if after is None or after["archived"]:
            continue
        at_end.append(after)
        was = before if before is not None else {**after, **report._FRESH}
        moves = inside.get(task_id, [])
        report._activity(sections, doc, was, after, moves)
        report._standing(sections, doc, after, plan_end, end_day, soon_day)
        for event in moves:
            if event["field"] == "note" and event["action"] != "undo":
                if event["change"] in undone_by_end:
                    continue
                sections["notes"].append(
                    {
                        **report._task(doc),
                        **report._stamp(event),
                        "text": event["new"],
                        "_seq": event["seq"],
                    }
                )
    sections["notes"].sort(key=lambda n: (n["at"], n.pop("_seq")))
    sections["overdue"].sort(key=lambda t: (t["due"], report._id_key(t["id"])))
    sections["due_soon"].sort(key=lambda t: (t["due"], report._id_key(t["id"])))
    numbers = [int(i["number"]) for i in plan.get("indices") or []]
    extra = {int(s["index"]) for s in at_start + at_end} - set(numbers)
    described = {int(i["number"]): i for i in plan.get("indices") or []}
    indices = []
    for number in [*numbers, *sorted(extra)]:
        index = described.get(number, {})
        indices.append(
            {
                "index": number,
                "code": index.get("code"),
                "name": index.get("name"),
                "name_en": index.get("name_en"),
                **_figures(
                    [s for s in at_start if s["index"] == number],
                    [s for s in at_end if s["index"] == number],
                ),
            }
        )
    return {
        "plan": year,
        "period": window.as_dict(),
        **{name: sections[name] for name in report.SECTIONS},
        "indices": indices,
        "total": _figures(at_start, at_end),
    }


def _figures(start: list[dict[str, Any]], end: list[dict[str, Any]]) -> dict[str, Any]:
    def counts(states: list[dict[str, Any]]) -> tuple[int, int, float]:
        done = sum(1 for s in states if s["status"] == "done")
        progress = sum(int(s["progress"] or 0) for s in states)
        return len(states), done, report.one_decimal(progress, len(states))

    _, done_start, progress_start = counts(start)
    tasks, done_end, progress_end = counts(end)
    return {
        "tasks": tasks,
        "done_start": done_start,
        "done_end": done_end,
        "progress_start": progress_start,
        "progress_end": progress_end,
        "done_change": done_end - done_start,
        "progress_change": report._difference(progress_end, progress_start),
    }


# ---------------------------------------------------------------- random histories

PEOPLE = ["王伟", "李娜", "陈静", "刘洋"]
UNITS = ["经济服务办", "城市更新办", None]
NOTES = ["已召开协调会", "方案已提交", "等待审批", "资金已到位"]
# moments on the edges of periods: midnight starting a week, a second before it, year ends
EDGES = [
    "2023-12-31T23:59:59",
    "2024-01-01T00:00:00",
    "2024-01-07T23:59:59",
    "2024-01-08T00:00:00",
    "2024-02-04T23:59:59",
    "2024-02-05T00:00:00",
    "2024-12-29T23:59:59",
    "2024-12-30T00:00:00",
    "2024-12-31T23:59:59",
    "2025-01-01T00:00:00",
]


def _variant(plan: Plan, rng: random.Random) -> Plan:
    """The plan with a few tasks left out (archived on load), moved or given a new due date."""
    indices = []
    for index in plan.indices:
        tasks = [t for t in index.tasks if rng.random() > 0.1]
        indices.append(replace(index, tasks=tuple(tasks)))
    if len(indices) > 1 and indices[0].tasks:
        moved, *kept = indices[0].tasks
        target = indices[1]
        indices[0] = replace(indices[0], tasks=tuple(kept))
        indices[1] = replace(
            target, tasks=(*target.tasks, moved._replace(index=target.number, due=None))
        )
    for position, index in enumerate(indices):
        indices[position] = replace(
            index,
            tasks=tuple(
                t._replace(due=date(2024, rng.randint(1, 12), 15)) if rng.random() < 0.1 else t
                for t in index.tasks
            ),
        )
    return replace(plan, indices=tuple(indices))


def _moments(rng: random.Random, count: int, skew: bool) -> list[datetime]:
    """Mostly increasing moments from mid-December 2023 to early January 2025, with edges; with
    `skew`, the clock now and then goes back."""
    moments = [datetime(2023, 12, 20, 9) + timedelta(minutes=rng.randint(0, 2_000))]
    for _ in range(count - 1):
        step = timedelta(minutes=rng.choice([0, 1, 30, 600, 3_000, 9_000]))
        moments.append(moments[-1] + step)
    for position in rng.sample(range(count), min(count, 12)):
        moments[position] = datetime.fromisoformat(rng.choice(EDGES))
    if not skew:
        moments.sort()
    return moments


def _build(path: Path, seed: int, *, skew: bool = False, count: int = 160) -> None:
    rng = random.Random(seed)
    plan, _warnings = load_plan(PLAN_2024)
    moments = _moments(rng, count, skew)
    user = "tester"
    with open_store(path, write=True) as store:
        tracker.sync_plan(store, plan, Clock(moments[0] - timedelta(days=1)), user)
        ids = [t.id for t in plan.tasks]
        for moment in moments:
            clock = Clock(moment)
            some = rng.sample(ids, rng.choice([1, 1, 2, 3]))
            kind = rng.random()
            try:
                if kind < 0.15:
                    tracker.assign(
                        store, 2024, some, rng.choice(PEOPLE), rng.choice(UNITS), clock, user
                    )
                elif kind < 0.2:
                    tracker.unassign(store, 2024, some, clock, user)
                elif kind < 0.45:
                    tracker.update(store, 2024, some, clock, user, progress=rng.randint(0, 100))
                elif kind < 0.6:
                    status = rng.choice(["todo", "in_progress", "blocked", "done"])
                    note = rng.choice(NOTES) if status == "blocked" else None
                    tracker.update(store, 2024, some, clock, user, status=status, note=note)
                elif kind < 0.68:
                    due = date(2024, rng.randint(1, 12), rng.randint(1, 28))
                    tracker.update(store, 2024, some, clock, user, due=due)
                elif kind < 0.78:
                    tracker.add_note(store, 2024, some[0], rng.choice(NOTES), clock, user)
                elif kind < 0.95:
                    tracker.undo(store, clock, user)
                else:
                    tracker.sync_plan(store, _variant(plan, rng), clock, user)
            except InputError:
                continue


WINDOWS = [
    *(report.parse_week(f"2024-W{week:02d}") for week in range(1, 53)),
    report.parse_week("2025-W01"),
    report.parse_week("2023-W51"),
    report.parse_week("2023-W52"),
    Window(date(2023, 12, 31), date(2024, 1, 1)),
    Window(date(2024, 1, 1), date(2024, 12, 31)),
    Window(date(2023, 1, 1), date(2025, 12, 31)),
    Window(date(2024, 2, 4), date(2024, 2, 4)),
    Window(date(2024, 12, 30), date(2025, 1, 5)),
]


def _marks(window: Window) -> tuple[str, str]:
    return window.start.isoformat(), (window.end + timedelta(days=1)).isoformat()


def _tail(
    store: Store, docs: dict[str, dict[str, Any]], window: Window
) -> tuple[list[tuple[int, dict[str, Any]]], Any] | None:
    """The period's events and the history after it in slices, if the report can undo them."""
    return report._tail(store, 2024, docs, *_marks(window))


def _undo_states(
    docs: dict[str, dict[str, Any]],
    events: list[tuple[int, dict[str, Any]]],
    start: str,
    end: str,
) -> dict[str, Any] | None:
    """The states undone from `events` (in order, every one from `start` on), those after the
    period as one slice."""
    window = [item for item in events if item[1]["at"] < end]
    later = {str(seq): event for seq, event in events if event["at"] >= end}
    return report._undo_slices(docs, 2024, window, iter([later]), start, end)


def _compare(path: Path, windows: list[Window]) -> int:
    """Compare every window's report with the reference; how many took the tail path."""
    tails = 0
    for window in windows:
        with open_store(path, write=False) as store:
            docs = {d["id"]: d for d in store.raw("tasks").values() if d.get("plan") == 2024}
            tails += _tail(store, docs, window) is not None
        with open_store(path, write=False) as store:
            fast = report.weekly(store, 2024, window)
        with open_store(path, write=False) as store:
            expected = reference_weekly(store, 2024, window)
        assert json.dumps(fast.as_dict(), ensure_ascii=False) == json.dumps(
            expected, ensure_ascii=False
        ), window
    return tails


@pytest.mark.parametrize("seed", range(4))
def test_reports_from_the_tail_equal_the_replay(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "store.json"
    _build(path, seed)
    assert _compare(path, WINDOWS) == len(WINDOWS)  # stamps in order: always the tail


@pytest.mark.parametrize("seed", range(2))
def test_reports_with_a_clock_that_went_back_equal_the_replay(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "store.json"
    _build(path, 100 + seed, skew=True)
    assert _compare(path, WINDOWS) == 0  # stamps out of order: never the tail


def test_a_history_that_does_not_replay_to_the_tasks_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    _build(path, 7)
    with open_store(path, write=True) as store:
        # an event whose new value is not the task's value now (as a hand edit could leave)
        store.append(
            "history",
            [
                {
                    "plan": 2024,
                    "task": "1.1",
                    "action": "update",
                    "field": "progress",
                    "old": 3,
                    "new": 77,
                    "change": 999,
                    "at": "2025-06-01T00:00:00",
                    "by": "x",
                }
            ],
        )
    window = report.parse_week("2025-W22")
    with open_store(path, write=False) as store:
        docs = {d["id"]: d for d in store.raw("tasks").values() if d.get("plan") == 2024}
        found = _tail(store, docs, window)
        assert found is not None
        assert report._undo_slices(docs, 2024, *found, *_marks(window)) is None
    assert _compare(path, [window, *WINDOWS[:10]]) >= 1


def test_undo_states_equal_replay_states(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    _build(path, 11, count=300)
    for window in WINDOWS:
        start, end = _marks(window)
        with open_store(path, write=False) as store:
            docs = {d["id"]: d for d in store.raw("tasks").values() if d.get("plan") == 2024}
            found = _tail(store, docs, window)
            assert found is not None
            fast = report._undo_slices(docs, 2024, *found, start, end)
            all_events = report._history(store, 2024, docs)
            slow = report._replay_states(docs, all_events, start, end)
        assert fast is not None
        # from the whole history too: then events before the marks are undone past as well
        assert _undo_states(docs, all_events, start, end) == slow, window
        for task_id, marks in slow.items():
            empty = (
                report._state_at(docs[task_id], {}, start),
                report._state_at(docs[task_id], {}, end),
            )
            assert fast.get(task_id, empty) == marks, (window, task_id)


# ---------------------------------------------------------------- the period's cut


def tail_since(raw: bytes, mark: str) -> dict[str, Any] | None:
    """The documents of a table from the first one stamped at or after `mark` to its end, as
    the report reads a period's events (`segments.tail_cuts` and `docs_between`)."""
    cuts = segments.tail_cuts(raw, [mark])
    return None if cuts is None else segments.docs_between(raw, cuts[0], len(raw) - 1)


def _segment(events: dict[str, dict[str, Any]]) -> bytes:
    tables = Tables()
    tables["history"] = events
    raw = tables.serialize()
    return raw.split(b"\n")[0][len(b'{"history":') : -1]


def _event(at: Any, **extra: Any) -> dict[str, Any]:
    return {"field": "note", "old": None, "new": "x", "change": 1, "at": at, **extra}


def test_tail_since_parses_from_the_first_document_at_or_after_the_mark() -> None:
    events = {str(n): _event(f"2024-01-{n:02d}T09:00:00") for n in range(1, 11)}
    segment = _segment(events)
    assert json.loads(segment) == events
    assert tail_since(segment, "2024-01-05") == {str(n): events[str(n)] for n in range(5, 11)}
    assert tail_since(segment, "2024-01-05T09:00:00") == {
        str(n): events[str(n)] for n in range(5, 11)
    }
    assert tail_since(segment, "2024-01-05T09:00:01") == {
        str(n): events[str(n)] for n in range(6, 11)
    }
    assert tail_since(segment, "2024-01-01") == events
    assert tail_since(segment, "") == events
    assert tail_since(segment, "2024-02-01") == {}
    assert tail_since(b"{}", "2024-01-01") == {}


def test_tail_since_declines_stamps_out_of_order_or_not_plain() -> None:
    in_order = {"1": _event("2024-01-01"), "2": _event("2024-01-02"), "3": _event("2024-01-03")}
    assert tail_since(_segment(in_order), "2024-01-02") == {k: in_order[k] for k in ("2", "3")}
    back = {**in_order, "2": _event("2023-12-31")}
    assert tail_since(_segment(back), "2024-01-02") is None
    assert tail_since(_segment({**in_order, "1": _event(None)}), "2024-01-02") is None
    assert tail_since(_segment({**in_order, "3": _event(20240103)}), "2024-01-02") is None
    assert tail_since(_segment({**in_order, "2": _event('2024-01-02"x')}), "2024-01-02") is None
    assert tail_since(_segment({**in_order, "2": _event("")}), "2024-01-02") is None


def test_tail_since_is_not_misled_by_text_or_nested_values() -> None:
    events = {
        "1": _event("2024-01-01", new='"at":"2024-01-09"},"7":{'),
        "2": _event("2024-01-02", old={"x": {"at": "2024-01-02"}}),
        "3": _event("2024-01-03"),
    }
    segment = _segment(events)
    assert tail_since(segment, "2024-01-02") == {k: events[k] for k in ("2", "3")}
    assert tail_since(segment, "2024-01-03") == {"3": events["3"]}
    # a nested mapping keyed like a document: the cut does not parse, so the caller replays
    nested = {**events, "2": _event("2024-01-02", old={"12": {"at": "2024-01-02"}})}
    assert tail_since(_segment(nested), "2024-01-02") is None


def test_weekly_reads_only_the_tail_of_an_unparsed_history(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    _build(path, 3)
    with open_store(path, write=False) as store:
        report.weekly(store, 2024, report.parse_week("2024-W30"))
        assert not store.storage.data.is_parsed("history")


@pytest.mark.parametrize("size", [1, 40, 150, 1 << 22])
def test_tail_since_scans_a_long_table_in_slices(
    monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    monkeypatch.setattr(segments, "_SLICE", size)
    events = {str(n): _event(f"2024-01-{n:02d}T09:00:00") for n in range(1, 21)}
    segment = _segment(events)
    for day in range(1, 22):
        mark = f"2024-01-{day:02d}"
        assert tail_since(segment, mark) == {k: v for k, v in events.items() if int(k) >= day}
    for late in ("2", "11", "20"):
        back = {**events, late: _event("2023-12-31")}
        assert tail_since(_segment(back), "2024-01-05") is None
    assert tail_since(_segment({**events, "12": _event(None)}), "2024-01-20") is None


def test_tasks_edited_by_hand_are_replayed_whole(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    _build(path, 5, count=80)
    raw = path.read_bytes()
    # a hand edit of the tasks line: its checksum no longer matches, the history's still does
    lines = raw.split(b"\n")
    tasks_line = next(n for n, line in enumerate(lines) if line.startswith(b'"tasks":'))
    lines[tasks_line] = lines[tasks_line].replace(b'"assignee":null', b'"assignee":"X"', 3)
    path.write_bytes(b"\n".join(lines))
    window = report.parse_week("2025-W10")
    with open_store(path, write=False) as store:
        assert not store.proved("tasks") and store.proved("history")
        docs = {d["id"]: d for d in store.raw("tasks").values() if d.get("plan") == 2024}
        assert _tail(store, docs, window) is None
    assert _compare(path, [window, *WINDOWS[:6]]) == 0


# ---------------------------------------------------------------- the history after the period


def _sliced(path: Path, window: Window) -> bool:
    """Whether the states of `window` come from the tail, the history after it undone in slices."""
    with open_store(path, write=False) as store:
        docs = {d["id"]: d for d in store.raw("tasks").values() if d.get("plan") == 2024}
        found = _tail(store, docs, window)
        return (
            found is not None
            and report._undo_slices(docs, 2024, *found, *_marks(window)) is not None
        )


@pytest.mark.parametrize("size", [1, 97, 2_048])
def test_reports_undoing_the_later_history_in_slices_equal_the_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    monkeypatch.setattr(report, "_LATER_SLICE", size)
    path = tmp_path / "store.json"
    _build(path, 20 + size % 5)
    assert all(_sliced(path, window) for window in WINDOWS)
    assert _compare(path, WINDOWS) == len(WINDOWS)


def test_tail_cuts_mark_where_each_period_begins() -> None:
    events = {str(n): _event(f"2024-01-{n:02d}T09:00:00") for n in range(1, 11)}
    segment = _segment(events)
    cuts = segments.tail_cuts(segment, ["2024-01-03", "2024-01-07T09:00:00", "2024-02"])
    assert cuts is not None
    first, second, last = cuts
    assert segments.docs_between(segment, 0, first) == {k: events[k] for k in ("1", "2")}
    assert segments.docs_between(segment, first, second) == {
        str(n): events[str(n)] for n in range(3, 7)
    }
    assert segments.docs_between(segment, second, last) == {
        str(n): events[str(n)] for n in range(7, 11)
    }
    assert last == len(segment) - 1 and segments.docs_between(segment, last, last) == {}
    back = {**events, "5": _event("2023-12-31")}
    assert segments.tail_cuts(_segment(back), ["2024-01-03", "2024-01-07"]) is None


@pytest.mark.parametrize("size", [1, 30, 100, 250, 10_000])
def test_tail_slices_cut_between_documents(size: int) -> None:
    events = {str(n): _event(f"2024-01-{n:02d}T09:00:00", new="x" * n) for n in range(1, 21)}
    segment = _segment(events)
    spans = segments.tail_slices(segment, 0, len(segment) - 1, size)
    parsed = [segments.docs_between(segment, cut, stop) for cut, stop in spans]
    assert all(part for part in parsed)
    joined: dict[str, Any] = {}
    for part in parsed:
        assert part is not None
        joined.update(part)
    assert list(joined) == list(events) and joined == events
    if size >= len(segment):
        assert len(spans) == 1
    if size == 1:
        assert len(spans) == len(events)


def test_a_slice_cut_inside_a_nested_value_falls_back_to_the_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.json"
    _build(path, 9)
    with open_store(path, write=True) as store:
        # a value keyed like a document, with a stamp in it, after the periods below
        nested = {"12": {"at": "2025-02-01T00:00:00", "field": "x"}}
        store.append("history", [{**_event("2025-02-01T00:00:00", old=nested), "plan": 2024}])
    windows = [report.parse_week("2024-W10"), report.parse_week("2024-W30")]
    monkeypatch.setattr(report, "_LATER_SLICE", 1)
    assert not any(_sliced(path, window) for window in windows)
    assert _compare(path, windows) == len(windows)  # stamps in order, replayed all the same
    monkeypatch.setattr(report, "_LATER_SLICE", 1 << 30)
    assert all(_sliced(path, window) for window in windows)
    assert _compare(path, windows) == len(windows)


def test_undoing_a_slice_checks_its_order_and_that_it_replays() -> None:
    docs = {"1.1": {"id": "1.1", "status": "done", "progress": 100, "archived": False}}

    def status(old: str, new: str, **extra: Any) -> dict[str, Any]:
        event = {"plan": 2024, "task": "1.1", "field": "status", "old": old, "new": new}
        return {**event, "change": 1, "at": "2024-01-02T09:00:00", **extra}

    table = {"5": status("todo", "in_progress"), "6": status("in_progress", "done")}
    values: dict[str, dict[str, Any]] = {}
    touched: set[str] = set()
    assert report._undone(docs, values, table, 2024, 7, touched) == 5
    assert values["1.1"]["status"] == "todo" and values["1.1"]["progress"] == 100
    assert touched == {"1.1"}
    assert report._undone(docs, {}, {}, 2024, 7) == 7
    assert report._undone(docs, {}, table, 2024, 6) is None  # not all before the newer slice
    assert report._undone(docs, {}, {"6": table["6"], "5": table["5"]}, 2024, 7) is None
    assert report._undone(docs, {}, {"6": status("todo", "blocked")}, 2024, 7) is None
    no_change = {k: v for k, v in table["6"].items() if k != "change"}
    assert report._undone(docs, {}, {"6": no_change}, 2024, 7) is None
    # another plan's events and events on other tasks are passed over
    other = {"5": status("x", "y", plan=2023), "6": status("x", "y", task="9.9")}
    assert report._undone(docs, {}, other, 2024, 7) == 5
