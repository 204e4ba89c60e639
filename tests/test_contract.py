"""The JSON shapes scripts rely on: exact key sets and value types of every `--format json` output
of the tracking commands. docs/json.md documents exactly these."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import EditByHand, Result, Run

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
TASK_ID = re.compile(r"^[1-9]\d*\.[1-9]\d*$")
STATUSES = {"todo", "in_progress", "blocked", "done"}

# A type spec: a Python type, a tuple of them, or a one-element list [spec] for "a list of spec".
# `int` never accepts a bool. ANY is for the old/new values of events (any JSON value).
ANY = "any"
OPT_STR = (str, type(None))

LIST_ROW: dict[str, Any] = {
    "id": str,
    "index": int,
    "index_code": str,
    "title": str,
    "title_en": str,
    "status": str,
    "progress": int,
    "assignee": OPT_STR,
    "unit": OPT_STR,
    "due": str,
    "overdue": bool,
    "updated": str,
    "archived": bool,
    "cooperating": [str],
    "expected_progress": int,
    "lag": int,
    "light": str,
}
LIGHTS = {"green", "yellow", "red"}
EVENT: dict[str, Any] = {
    "seq": int,
    "change": int,
    "at": str,
    "by": str,
    "plan": int,
    "task": OPT_STR,
    "action": str,
    "field": str,
    "old": ANY,
    "new": ANY,
    "undo_of": (int, type(None)),
}
NOTE: dict[str, Any] = {"at": str, "by": str, "text": str}
SHOW: dict[str, Any] = {
    **LIST_ROW,
    "plan": int,
    "index_name": str,
    "index_name_en": str,
    "index_aim": OPT_STR,
    "index_aim_en": OPT_STR,
    "source": str,
    "places": [str],
    "partners": [str],
    "plan_due": OPT_STR,
    "own_due": OPT_STR,
    "plan_unit": OPT_STR,
    "own_unit": OPT_STR,
    "own_cooperating": (list, type(None)),
    "plan_start": OPT_STR,
    "created": str,
    "notes": [NOTE],
    "history": [EVENT],
}
CHANGE: dict[str, Any] = {"change": int, "tasks": [str], "events": [EVENT]}
UNDONE: dict[str, Any] = {
    "change": int,
    "at": str,
    "by": str,
    "action": str,
    "plan": int,
    "tasks": [str],
    "fields": [str],
}
UNDO: dict[str, Any] = {**CHANGE, "undid": int, "undone": UNDONE, "dry_run": bool}
LOAD: dict[str, Any] = {
    "plan": int,
    "dry_run": bool,
    "added": [str],
    "changed": [{"id": str, "fields": [str]}],
    "archived": [str],
    "restored": [str],
    "unchanged": int,
    "plan_changed": bool,
}
ACTIONS = {"load", "assign", "unassign", "update", "done", "note", "undo", "edit"}
FIELDS = {
    "status",
    "progress",
    "assignee",
    "unit",
    "due",
    "note",
    "archived",
    "plan",
    "tasks",
    "index",
    "title",
    "title_en",
    "source",
    "places",
    "partners",
    "plan_due",
    "plan_unit",
    "plan_start",
    "cooperating",
}


def conforms(value: Any, spec: Any, where: str = "$") -> None:
    """Assert `value` has exactly the shape `spec` describes."""
    if spec == ANY:
        assert value is None or isinstance(value, str | int | float | bool | list | dict), where
    elif isinstance(spec, dict):
        assert isinstance(value, dict), where
        assert set(value) == set(spec), f"{where}: keys {sorted(value)} != {sorted(spec)}"
        for key, sub in spec.items():
            conforms(value[key], sub, f"{where}.{key}")
    elif isinstance(spec, list):
        assert isinstance(value, list), where
        for position, item in enumerate(value):
            conforms(item, spec[0], f"{where}[{position}]")
    else:
        allowed = spec if isinstance(spec, tuple) else (spec,)
        ok = any(
            type(value) is int if t is int else isinstance(value, t)  # no bool for int
            for t in allowed
        )
        assert ok, f"{where}: {value!r} is not {allowed}"


def json_of(result: Result) -> Any:
    assert result.exit_code == 0, result.stderr
    return result.json()


def check_event(event: dict[str, Any]) -> None:
    conforms(event, EVENT)
    assert STAMP.match(event["at"])
    assert event["action"] in ACTIONS
    assert event["field"] in FIELDS
    assert event["task"] is None or TASK_ID.match(event["task"])
    assert (event["undo_of"] is not None) == (event["action"] == "undo")


def check_change(value: dict[str, Any], spec: dict[str, Any] = CHANGE) -> None:
    conforms(value, spec)
    for event in value["events"]:
        check_event(event)
        assert event["change"] == value["change"]
    assert value["tasks"] == sorted(set(value["tasks"]), key=value["tasks"].index)
    assert {e["task"] for e in value["events"]} == set(value["tasks"])


@pytest.fixture
def busy(run: Run, edit_by_hand: EditByHand) -> Run:
    """A store where every kind of event has happened, a hand edit accepted by `doctor` too."""
    steps = [
        ("assign", "1.1", "1.2", "--to", "王芳", "--unit", "经济服务办"),
        ("update", "1.1", "--progress", "30", "--due", "2024-03-01", "--note", "已启动"),
        ("update", "1.2", "--status", "blocked", "--note", "等待批复"),
        ("done", "1.3"),
        ("unassign", "1.2"),
        ("note", "1.1", "周会"),
        ("undo",),
    ]
    for step in steps:
        assert run(*step, now="2024-03-04T09:30").exit_code == 0
    edit_by_hand("2.9", "unit", "城市更新办")
    assert run("doctor", "--accept", now="2024-03-04T09:40").exit_code == 0
    return run


def test_list_json(busy: Run) -> None:
    rows = json_of(busy("list", "--format", "json", now="2024-03-05"))
    assert len(rows) == 40
    for row in rows:
        conforms(row, LIST_ROW)
        assert TASK_ID.match(row["id"]) and DAY.match(row["due"]) and STAMP.match(row["updated"])
        assert row["status"] in STATUSES and 0 <= row["progress"] <= 100
        assert row["index"] == int(row["id"].split(".")[0])
        assert row["light"] in LIGHTS and 0 <= row["expected_progress"] <= 100
        assert row["lag"] == row["expected_progress"] - row["progress"]
    by_id = {row["id"]: row for row in rows}
    assert by_id["1.1"]["overdue"] is True and by_id["1.1"]["due"] == "2024-03-01"
    assert by_id["1.2"]["assignee"] is None and by_id["1.1"]["assignee"] == "王芳"


def test_list_json_is_an_empty_array_when_nothing_matches(busy: Run) -> None:
    assert json_of(busy("list", "--search", "没有这样的任务", "--format", "json")) == []


def test_show_json(busy: Run) -> None:
    task = json_of(busy("show", "1.1", "--format", "json", now="2024-03-05"))
    conforms(task, SHOW)
    assert task["own_due"] == task["due"] == "2024-03-01"
    assert [n["text"] for n in task["notes"]] == ["已启动"]
    for event in task["history"]:
        check_event(event)
        assert event["task"] == "1.1"
    plain = json_of(busy("show", "2.1", "--format", "json", now="2024-03-05"))
    conforms(plain, SHOW)
    assert plain["own_due"] is None and plain["notes"] == [] and plain["history"] == []


def test_history_json(busy: Run) -> None:
    events = json_of(busy("history", "--format", "json"))
    assert {e["action"] for e in events} == ACTIONS
    for event in events:
        check_event(event)
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    assert json_of(busy("history", "--since", "2030-01-01", "--format", "json")) == []


@pytest.mark.parametrize(
    "args",
    [
        ("assign", "2.1", "2.2", "--to", "李娜", "--unit", "党建办"),
        ("unassign", "1.1"),
        ("update", "2.3", "--status", "in_progress", "--progress", "20", "--due", "2024-06-30"),
        ("update", "1.1", "--due", "none"),
        ("done", "2.4", "2.5", "--note", "验收完成"),
        ("note", "2.6", "已联系"),
    ],
    ids=["assign", "unassign", "update", "update-clear-due", "done", "note"],
)
def test_change_result_json(busy: Run, args: tuple[str, ...]) -> None:
    result = json_of(busy(*args, "--format", "json", now="2024-03-06"))
    check_change(result)
    assert result["change"] > 0 and result["events"]
    assert {e["action"] for e in result["events"]} == {args[0]}
    history = json_of(busy("history", "--format", "json"))
    assert [e for e in history if e["change"] == result["change"]] == result["events"]


def test_a_change_that_changes_nothing(busy: Run) -> None:
    result = json_of(busy("assign", "1.1", "--to", "王芳", "--format", "json"))
    check_change(result)
    assert result == {"change": 0, "tasks": [], "events": []}


def test_undo_json(busy: Run) -> None:
    result = json_of(busy("undo", "--format", "json", now="2024-03-06"))
    check_change(result, UNDO)
    assert all(e["undo_of"] == result["undid"] for e in result["events"])
    assert result["undid"] < result["change"] and result["undone"]["change"] == result["undid"]
    assert result["undone"]["action"] in ACTIONS and result["dry_run"] is False


def test_load_json(run: Run, tmp_path: Any) -> None:
    first = json_of(run("load", "--format", "json", now="2024-03-04"))
    conforms(first, LOAD)
    assert first["plan"] == 2024 and first["plan_changed"] is True and len(first["added"]) == 40
    dry = json_of(run("load", "--dry-run", "--format", "json", now="2024-03-04"))
    conforms(dry, LOAD)
    assert dry["dry_run"] is True and dry["unchanged"] == 40 and dry["plan_changed"] is False


COUNTS: dict[str, Any] = {
    "total": int,
    "todo": int,
    "in_progress": int,
    "blocked": int,
    "done": int,
    "percent_done": float,
    "progress": float,
    "overdue": int,
    "unassigned": int,
    "red": int,
    "yellow": int,
    "green": int,
}
UNIT_SUMMARY: dict[str, Any] = {
    "plan": int,
    "as_of": str,
    "units": [{"unit": OPT_STR, "leads": int, "supports": int, **COUNTS}],
    "total": COUNTS,
}
IMPORT: dict[str, Any] = {
    "file": str,
    "sheet": str,
    "plan": int,
    "dry_run": bool,
    "change": int,
    "changes": [{"id": str, "field": str, "old": ANY, "new": ANY}],
    "unchanged": [str],
}


def test_summary_by_unit_json(busy: Run) -> None:
    data = json_of(busy("summary", "--by", "unit", "--format", "json", now="2024-03-05"))
    conforms(data, UNIT_SUMMARY)
    assert data["units"][-1]["unit"] is None and data["total"]["total"] == 40


def test_import_json(busy: Run, tmp_path: Any) -> None:
    ledger = tmp_path / "units.csv"
    ledger.write_text("ID,Progress,Assignee\n2.1,20,李娜\n2.2,0,\n", encoding="utf-8")
    for dry in (["--dry-run"], []):
        data = json_of(busy("import", str(ledger), *dry, "--format", "json", now="2024-03-05"))
        conforms(data, IMPORT)
        assert data["dry_run"] is bool(dry) and data["unchanged"] == ["2.2"]
        assert {c["field"] for c in data["changes"]} == {"status", "progress", "assignee"}
    assert data["change"] > 0


GENERATION: dict[str, Any] = {
    "path": str,
    "exists": bool,
    "good": bool,
    "problems": [str],
    "last_change": (int, type(None)),
    "tasks": int,
    "events": int,
    "saved": OPT_STR,
}
DOCTOR: dict[str, Any] = {
    "store": str,
    "link": OPT_STR,
    "exists": bool,
    "healthy": bool,
    "problems": [str],
    "last_change": (int, type(None)),
    "tasks": int,
    "events": int,
    "backups": [GENERATION],
    "leftovers": [str],
    "restored": (dict, type(None)),
    "restore_error": OPT_STR,
    "accepted": (dict, type(None)),
    "accept_error": OPT_STR,
}
ACCEPTED: dict[str, Any] = {
    "change": int,
    "edits": [{"plan": int, "task": str, "field": str, "recorded": ANY, "stored": ANY}],
}


def test_doctor_json(busy: Run, store_path: Path) -> None:
    healthy = json_of(busy("doctor", "--format", "json"))
    conforms(healthy, DOCTOR)
    assert healthy["healthy"] and healthy["accepted"] is None
    data = json.loads(store_path.read_text(encoding="utf-8"))
    next(t for t in data["tasks"].values() if t["id"] == "2.8")["assignee"] = "李娜"
    store_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    accepted = json_of(busy("doctor", "--accept", "--format", "json"))
    conforms(accepted, DOCTOR)
    conforms(accepted["accepted"], ACCEPTED)
    assert accepted["accepted"]["edits"] == [
        {"plan": 2024, "task": "2.8", "field": "assignee", "recorded": None, "stored": "李娜"}
    ]


# ---------------------------------------------------------------- plans of areas, --plan all

DONGHU = Path(__file__).resolve().parent.parent / "examples" / "donghu-2024.yaml"
DISTRICT_ROW: dict[str, Any] = {"plan": int, "area": OPT_STR, "name": str, "name_en": str}
DISTRICT_SUMMARY: dict[str, Any] = {
    "year": int,
    "as_of": str,
    "plans": [{**DISTRICT_ROW, **COUNTS}],
    "total": COUNTS,
}
WEEKLY_FIGURES: dict[str, Any] = {
    "tasks": int,
    "blocked_end": int,
    "done_start": int,
    "done_end": int,
    "progress_start": float,
    "progress_end": float,
    "done_change": int,
    "progress_change": float,
    "red": int,
    "yellow": int,
    "green": int,
}


def test_a_plan_of_an_area_adds_area_to_every_shape_with_plan(busy: Run) -> None:
    loaded = json_of(busy("load", str(DONGHU), "--format", "json", now="2024-03-05"))
    conforms(loaded, {**LOAD, "area": str})
    assert (loaded["plan"], loaded["area"]) == (2024, "donghu")
    area_event = {**EVENT, "area": str}
    changed = json_of(
        busy("update", "1.1", "--plan", "donghu", "-p", "5", "-f", "json", now="2024-03-05")
    )
    conforms(changed, {**CHANGE, "events": [area_event]})
    assert list(changed["events"][0])[4:6] == ["plan", "area"]  # the area follows the year
    show = json_of(busy("show", "1.1", "--plan", "donghu", "-f", "json", now="2024-03-05"))
    conforms(show, {**SHOW, "area": str, "history": [area_event]})
    summary = json_of(busy("summary", "--plan", "donghu", "-f", "json", now="2024-03-05"))
    assert (summary["plan"], summary["area"]) == (2024, "donghu")
    undone = json_of(busy("undo", "-f", "json", now="2024-03-05"))
    conforms(undone["undone"], {**UNDONE, "area": str})
    # the plan without an area keeps its shapes, without `area`
    conforms(json_of(busy("show", "1.1", "--plan", "2024", "-f", "json", now="2024-03-05")), SHOW)


def test_summary_and_weekly_report_over_all_plans_json(busy: Run) -> None:
    assert busy("load", str(DONGHU), now="2024-03-05").exit_code == 0
    every = json_of(busy("summary", "--plan", "all", "-f", "json", now="2024-03-05"))
    conforms(every, DISTRICT_SUMMARY)
    assert [row["area"] for row in every["plans"]] == [None, "donghu"]
    weekly = json_of(busy("report", "weekly", "--plan", "all", "-f", "json", now="2024-03-05"))
    assert set(weekly) == {"year", "period", "as_of", "plans", "total", "reports"}
    conforms(weekly["plans"], [{**DISTRICT_ROW, **WEEKLY_FIGURES}])
    conforms(weekly["total"], WEEKLY_FIGURES)
    assert [(r["plan"], r.get("area")) for r in weekly["reports"]] == [
        (2024, None),
        (2024, "donghu"),
    ]


TITLED: dict[str, Any] = {"id": str, "title": str, "title_en": str}
PERIOD_REPORT_ADDED: dict[str, Any] = {
    "period": {
        "start": str,
        "end": str,
        "week": OPT_STR,
        "month": OPT_STR,
        "quarter": OPT_STR,
        "kind": str,
    },
    "headline": {
        "tasks": int,
        "done": int,
        "percent_done": float,
        "progress": float,
        "elapsed": int,
        "done_change": int,
        "progress_change": float,
        "red": int,
        "yellow": int,
        "behind": [
            {
                "index": int,
                "code": OPT_STR,
                "name": OPT_STR,
                "name_en": OPT_STR,
                "red": int,
                "yellow": int,
            }
        ],
        "newly_blocked": [{**TITLED, "since": OPT_STR, "days": (int, type(None))}],
        "still_blocked": int,
        "completed": [TITLED],
        "overdue": int,
    },
    "units": [{"unit": OPT_STR, "leads": int, "supports": int, **COUNTS}],
    "burnup": [
        {
            "day": str,
            "tasks": int,
            "done": int,
            "percent_done": float,
            "progress": float,
            "elapsed": int,
        }
    ],
    "index_progress": [
        {"index": int, "code": OPT_STR, "name": OPT_STR, "name_en": OPT_STR, "progress": [float]}
    ],
}


def test_report_json(busy: Run) -> None:
    """`report`: the keys of `report weekly` for the same period, and the leadership's."""
    data = json_of(busy("report", "--month", "2024-03", "--format", "json", now="2024-03-05"))
    weekly = json_of(
        busy("report", "weekly", "--since", "2024-03-01", "--until", "2024-03-31", "-f", "json",
             now="2024-03-05")
    )  # fmt: skip
    assert set(data) == set(weekly) | {"headline", "summary", "units", "burnup", "index_progress"}
    conforms({key: data[key] for key in PERIOD_REPORT_ADDED}, PERIOD_REPORT_ADDED)
    assert set(data["summary"]) == {"indices", "total"}
    conforms(data["summary"]["total"], COUNTS)
    assert DAY.match(data["burnup"][-1]["day"]) and data["period"]["kind"] == "month"
    assert [e["id"] for e in data["headline"]["newly_blocked"]] == ["1.2"]
