"""End to end through the CLI against a real store file: a coordinator's week, plan syncs,
several plans, the status rules, and every kind of bad input."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import PLAN_2024, Result, Run

# ---------------------------------------------------------------- helpers


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def tasks_by_id(
    run: Run, *args: str, now: str = "2024-03-04", env: dict[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    rows = ok(run("list", "--format", "json", *args, now=now, env=env)).json()
    return {row["id"]: row for row in rows}


def read_plan(path: Path = PLAN_2024) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def write_plan(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def plan_task(data: dict[str, Any], task_id: str) -> dict[str, Any]:
    for index in data["indices"]:
        for task in index["tasks"]:
            if task["id"] == task_id:
                result: dict[str, Any] = task
                return result
    raise KeyError(task_id)


def remove_task(data: dict[str, Any], task_id: str) -> None:
    for index in data["indices"]:
        index["tasks"] = [t for t in index["tasks"] if t["id"] != task_id]


def add_task(data: dict[str, Any], index_number: int, task: dict[str, Any]) -> None:
    for index in data["indices"]:
        if index["number"] == index_number:
            index["tasks"].append(task)


def plan_2025(tmp_path: Path) -> Path:
    """The 2024 plan as a 2025 plan: the year changed and every date moved a year on."""
    data = read_plan()
    data["plan"]["year"] = 2025
    data["plan"]["title"] = data["plan"]["title"].replace("2024", "2025")
    data["plan"]["title_en"] = data["plan"]["title_en"].replace("2024", "2025")
    data["plan"]["start"] = date(2025, 1, 1)
    data["plan"]["end"] = date(2025, 12, 31)
    for index in data["indices"]:
        for task in index["tasks"]:
            if task.get("due"):
                task["due"] = task["due"].replace(year=2025)
    return write_plan(tmp_path / "2025.yaml", data)


def events_of(history: list[dict[str, Any]], change: int) -> list[dict[str, Any]]:
    return [e for e in history if e["change"] == change]


# ---------------------------------------------------------------- a coordinator's week


def test_a_coordinators_week(run: Run, store_path: Path) -> None:
    monday, tuesday, wednesday = "2024-03-04T09:00", "2024-03-05T10:30", "2024-03-06T16:00"
    thursday, friday = "2024-03-07T11:00", "2024-03-08T17:30"

    ok(run("load", now=monday))
    to_wang = ("--to", "王芳", "--unit", "经济服务办", "-f", "json")
    assigned = ok(run("assign", "1.2", "3.4", *to_wang, now=monday)).json()
    ok(run("assign", "5.1", "--to", "陈晓明", "--unit", "公共服务办", now=monday))
    ok(run("update", "1.2", "--status", "in_progress", now=tuesday))
    ok(run("update", "1.2", "--progress", "40", "--note", "已完成产业空间摸底", now=tuesday))
    ok(run("update", "3.4", "--progress", "10", now=tuesday))  # progress starts a todo task
    blocked = ok(
        run("update", "5.1", "--status", "blocked", "--note", "等待口岸办选址意见", now=wednesday)
    )
    ok(run("note", "3.4", "与中医院对接,下周实地考察", now=wednesday))
    ok(run("done", "1.2", "--note", "园区改造方案已通过", now=thursday))
    ok(run("update", "3.4", "--progress", "60", now=thursday))

    undo_one = ok(run("undo", "-f", "json", now=friday)).json()
    undo_two = ok(run("undo", "-f", "json", now=friday)).json()

    tasks = tasks_by_id(run, now=friday)
    shown = ok(run("show", "3.4", "-f", "json", now=friday)).json()
    history = ok(run("history", "-f", "json", now=friday)).json()

    # the two undos took back "3.4 to 60" and then "1.2 done", newest first
    assert undo_one["undid"] > undo_two["undid"]
    assert {e["task"] for e in undo_one["events"]} == {"3.4"}
    assert {e["task"] for e in undo_two["events"]} == {"1.2"}
    assert tasks["3.4"]["progress"] == 10 and tasks["3.4"]["status"] == "in_progress"
    assert tasks["1.2"]["status"] == "in_progress" and tasks["1.2"]["progress"] == 40
    assert tasks["5.1"]["status"] == "blocked"
    assert (tasks["1.2"]["assignee"], tasks["1.2"]["unit"]) == ("王芳", "经济服务办")
    assert (tasks["5.1"]["assignee"], tasks["5.1"]["unit"]) == ("陈晓明", "公共服务办")
    assert tasks["1.1"]["assignee"] is None and tasks["1.1"]["status"] == "todo"
    # the undo of "done" took its note away too; 1.2 keeps its earlier one
    notes_12 = ok(run("show", "1.2", "-f", "json", now=friday)).json()["notes"]
    assert [n["text"] for n in notes_12] == ["已完成产业空间摸底"]

    # show agrees with list, and its history is the task's slice of the full history
    for key in ("status", "progress", "assignee", "unit", "due", "overdue", "updated"):
        assert shown[key] == tasks["3.4"][key], key
    assert [n["text"] for n in shown["notes"]] == ["与中医院对接,下周实地考察"]
    assert shown["notes"][0]["at"] == "2024-03-06T16:00:00"
    assert shown["history"] == [e for e in history if e["task"] == "3.4"]
    assert shown["updated"] == "2024-03-08T17:30:00"  # an undo is a change too

    # history: one change per command, stamped with the pinned clock and the user
    assign_events = events_of(history, assigned["change"])
    assert assign_events == assigned["events"]
    assert {(e["task"], e["field"]) for e in assign_events} == {
        ("1.2", "assignee"),
        ("1.2", "unit"),
        ("3.4", "assignee"),
        ("3.4", "unit"),
    }
    assert all(e["at"] == "2024-03-04T09:00:00" and e["by"] == "tester" for e in assign_events)
    block = events_of(history, int(blocked.stderr.split("change ")[1].split(";")[0]))
    assert {(e["field"], e["old"], e["new"]) for e in block} == {
        ("status", "todo", "blocked"),
        ("note", None, "等待口岸办选址意见"),
    }
    undo_events = [e for e in history if e["action"] == "undo"]
    assert undo_events == undo_one["events"] + undo_two["events"]
    assert {e["undo_of"] for e in undo_events} == {undo_one["undid"], undo_two["undid"]}
    assert all(e["at"] == "2024-03-08T17:30:00" for e in undo_events)
    assert [e["seq"] for e in history] == sorted(e["seq"] for e in history)
    assert len({e["seq"] for e in history}) == len(history)

    # the store itself holds the Chinese as text, not as \u escapes
    raw = store_path.read_bytes().decode("utf-8")
    assert "王芳" in raw and "等待口岸办选址意见" in raw
    assert "\\u" not in raw


def test_undo_walks_back_through_every_change_then_says_nothing_to_undo(run: Run) -> None:
    ok(run("assign", "2.1", "--to", "李娜", now="2024-03-04"))
    ok(run("update", "2.1", "--progress", "30", now="2024-03-05"))
    before_undo = tasks_by_id(run)["2.1"]
    assert before_undo["status"] == "in_progress"
    ok(run("undo", now="2024-03-06"))
    assert tasks_by_id(run)["2.1"]["progress"] == 0
    assert tasks_by_id(run)["2.1"]["status"] == "todo"
    ok(run("undo", now="2024-03-06"))
    assert tasks_by_id(run)["2.1"]["assignee"] is None
    result = run("undo", now="2024-03-06")  # loading the plan is not undone
    assert result.exit_code == 2
    assert result.stderr.strip() == "lianta: nothing to undo"


def test_one_command_on_several_ids_is_one_change_for_undo(run: Run) -> None:
    ok(run("assign", "4.1", "4.2", "4.3", "--to", "赵敏", now="2024-03-04"))
    ok(run("done", "4.1", "4.2", now="2024-03-05"))
    undone = ok(run("undo", "-f", "json", now="2024-03-06")).json()
    assert undone["tasks"] == ["4.1", "4.2"]
    tasks = tasks_by_id(run)
    assert [tasks[t]["status"] for t in ("4.1", "4.2", "4.3")] == ["todo"] * 3
    assert [tasks[t]["assignee"] for t in ("4.1", "4.2", "4.3")] == ["赵敏"] * 3


def test_several_ids_fail_together(run: Run, store_path: Path) -> None:
    ok(run("load", now="2024-03-04"))
    ok(run("update", "1.1", "--status", "done", now="2024-03-04"))
    before = store_path.read_bytes()
    # 1.1 is done, so a bare --status blocked cannot apply to it: neither task changes
    block = ("--status", "blocked", "--note", "缺资金")
    result = run("update", "1.2", "1.1", *block, now="2024-03-05")
    assert result.exit_code == 2
    assert "1.1" in result.stderr
    assert store_path.read_bytes() == before
    assert tasks_by_id(run)["1.2"]["status"] == "todo"


def test_ranges_groups_and_index_codes_name_several_tasks(run: Run, tmp_path: Path) -> None:
    def changed(*args: str, now: str = "2024-03-04") -> list[str]:
        tasks: list[str] = ok(run(*args, "--format", "json", now=now)).json()["tasks"]
        return tasks

    assert changed("assign", "1.1-1.3", "--to", "王芳") == ["1.1", "1.2", "1.3"]
    assert changed("assign", "1.2-4", "1.1", "--to", "赵敏") == ["1.2", "1.3", "1.4", "1.1"]
    assert changed("update", "4.6-5.2", "--progress", "10") == ["4.6", "4.7", "5.1", "5.2"]
    assert changed("done", "2.*") == [f"2.{n}" for n in range(1, 11)]  # 2.10 last, not second
    assert changed("unassign", "industry") == ["1.1", "1.2", "1.3", "1.4"]
    assert changed("update", "Sanitation", "6.1", "--due", "2024-06-30") == [
        f"6.{n}" for n in range(1, 6)
    ]
    undone = ok(run("undo", "--format", "json", now="2024-03-04")).json()
    assert undone["tasks"] == [f"6.{n}" for n in range(1, 6)]  # one command, one change

    data = read_plan()
    remove_task(data, "3.2")
    ok(run("load", str(write_plan(tmp_path / "edited.yaml", data)), now="2024-03-05"))
    later = "2024-03-06"
    assert "3.2" not in changed("update", "3.1-3.4", "--progress", "20", now=later)  # archived
    assert "3.2" not in changed("done", "crossborder", now=later)
    refused = run("update", "3.2", "--progress", "30", now=later)
    assert refused.exit_code == 2 and "archived" in refused.stderr


# ---------------------------------------------------------------- status rules


@pytest.mark.parametrize(
    ("start", "args", "expected"),
    [
        (("todo", 0), ["--progress", "30"], ("in_progress", 30)),
        (("todo", 0), ["--progress", "100"], ("done", 100)),
        (("todo", 0), ["--status", "in_progress"], ("in_progress", 0)),
        (("in_progress", 40), ["--status", "done"], ("done", 100)),
        (("in_progress", 40), ["--status", "todo"], ("todo", 0)),
        (("in_progress", 40), ["--progress", "0"], ("in_progress", 0)),
        (("in_progress", 40), ["--status", "blocked", "--note", "缺场地"], ("blocked", 40)),
        (("blocked", 40), ["--progress", "50"], ("blocked", 50)),
        (("blocked", 40), ["--status", "in_progress"], ("in_progress", 40)),
        (("done", 100), ["--progress", "90"], ("in_progress", 90)),
        (("done", 100), ["--status", "in_progress", "--progress", "90"], ("in_progress", 90)),
        (("done", 100), ["--status", "todo"], ("todo", 0)),
    ],
)
def test_status_rules(
    run: Run, start: tuple[str, int], args: list[str], expected: tuple[str, int]
) -> None:
    status, progress = start
    setup = ["--status", status, "--progress", str(progress)]
    if status == "blocked":
        setup += ["--note", "原因"]
    ok(run("update", "2.3", *setup, now="2024-03-04"))
    ok(run("update", "2.3", *args, now="2024-03-05"))
    task = tasks_by_id(run)["2.3"]
    assert (task["status"], task["progress"]) == expected


@pytest.mark.parametrize(
    ("start", "args", "says"),
    [
        ("done", ["--status", "in_progress"], "to reopen it give --progress below 100"),
        ("done", ["--status", "blocked", "--note", "x"], "to reopen it give --progress"),
        ("todo", ["--status", "blocked"], "blocking needs a reason"),
        ("todo", ["--status", "done", "--progress", "50"], "status done means progress 100"),
        ("todo", ["--status", "in_progress", "--progress", "100"], "progress 100 means status"),
        ("todo", ["--status", "todo", "--progress", "20"], "status todo means progress 0"),
    ],
)
def test_status_rules_refuse(
    run: Run, store_path: Path, start: str, args: list[str], says: str
) -> None:
    ok(run("update", "2.3", "--status", start, now="2024-03-04"))
    before = store_path.read_bytes()
    result = run("update", "2.3", *args, now="2024-03-05")
    assert result.exit_code == 2
    assert says in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert store_path.read_bytes() == before


def test_a_blocked_task_stays_blocked_without_a_new_note(run: Run) -> None:
    ok(run("update", "2.3", "--status", "blocked", "--note", "缺资金", now="2024-03-04"))
    ok(run("update", "2.3", "--status", "blocked", now="2024-03-05"))  # already blocked: no note
    assert tasks_by_id(run)["2.3"]["status"] == "blocked"


def test_unchanged_values_record_nothing(run: Run) -> None:
    ok(run("assign", "1.1", "--to", "王芳", now="2024-03-04"))
    again = ok(run("assign", "1.1", "--to", "王芳", "-f", "json", now="2024-03-05")).json()
    assert again == {"change": 0, "tasks": [], "events": []}
    assert tasks_by_id(run)["1.1"]["updated"] == "2024-03-04T00:00:00"


# ---------------------------------------------------------------- list filters and sorts


@pytest.fixture
def sorted_week(run: Run) -> Run:
    steps = [
        ("2024-03-04", ("assign", "1.1", "2.1", "--to", "王芳", "--unit", "经济服务办")),
        ("2024-03-05", ("assign", "3.1", "--to", "陳曉明")),
        ("2024-03-06", ("update", "2.1", "--progress", "70", "--due", "2024-04-01")),
        ("2024-03-07", ("update", "3.1", "--status", "blocked", "--note", "场地未落实")),
        ("2024-03-08", ("done", "1.1")),
    ]
    for now, step in steps:
        ok(run(*step, now=now))
    return run


def ids(run: Run, *args: str) -> list[str]:
    return list(tasks_by_id(run, *args, now="2024-03-09"))


def test_list_filters(sorted_week: Run) -> None:
    run = sorted_week
    assert ids(run, "--status", "blocked", "--status", "done") == ["1.1", "3.1"]
    assert ids(run, "--status", "in-progress") == ["2.1"]
    assert ids(run, "--assignee", "王芳") == ["1.1", "2.1"]
    assert ids(run, "--assignee", "陈晓明") == ["3.1"]  # traditional and simplified match
    assert len(ids(run, "--unassigned")) == 37
    assert ids(run, "--index", "crossborder", "--status", "blocked") == ["3.1"]
    assert ids(run, "--index", "3", "--assignee", "陈晓明") == ["3.1"]
    assert ids(run, "--search", "場地未落實") == ["3.1"]  # notes are searched, in either script
    assert ids(run, "--search", "经济服务办") == ["1.1", "2.1"]
    assert ids(run, "--limit", "2") == ["1.1", "1.2"]
    assert len(ids(run, "--limit", "0")) == 40


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("id", ["1.1", "1.2", "1.3"]),
        ("due", ["2.1", "1.1", "1.2"]),  # soonest due first; ties in plan order
        ("progress", ["1.2", "1.3", "1.4"]),  # least progress first
        ("status", ["3.1", "2.1", "1.2"]),  # blocked, in progress, todo, done
        ("updated", ["1.2", "1.3", "1.4"]),  # least recently touched first
    ],
)
def test_list_sorts(sorted_week: Run, sort: str, first: list[str]) -> None:
    order = ids(sorted_week, "--sort", sort)
    assert order[:3] == first
    assert len(order) == 40
    if sort == "updated":
        assert order[-3:] == ["2.1", "3.1", "1.1"]
    if sort == "progress":
        assert order[-2:] == ["2.1", "1.1"]


# ---------------------------------------------------------------- overdue and the clock


def test_overdue_uses_own_due_else_plan_task_due_else_plan_end(run: Run, tmp_path: Path) -> None:
    data = read_plan()
    plan_task(data, "1.1")["due"] = date(2024, 6, 30)
    ok(run("load", str(write_plan(tmp_path / "2024.yaml", data)), now="2024-03-04"))
    ok(run("update", "1.2", "--due", "2024-04-15", now="2024-03-04"))
    ok(run("done", "1.3", now="2024-03-04"))

    def due_and_overdue(now: str) -> dict[str, tuple[str, bool]]:
        return {k: (v["due"], v["overdue"]) for k, v in tasks_by_id(run, now=now).items()}

    may = due_and_overdue("2024-05-01")
    assert may["1.1"] == ("2024-06-30", False)
    assert may["1.2"] == ("2024-04-15", True)
    assert may["1.4"] == ("2024-12-31", False)
    assert due_and_overdue("2024-06-30")["1.1"] == ("2024-06-30", False)  # due today: not yet
    assert due_and_overdue("2024-07-01")["1.1"] == ("2024-06-30", True)
    new_year = due_and_overdue("2025-01-01")
    assert new_year["1.4"] == ("2024-12-31", True)
    assert new_year["1.3"] == ("2024-12-31", False)  # done is never overdue
    overdue = tasks_by_id(run, "--overdue", now="2024-05-01")
    assert list(overdue) == ["1.2"]
    ok(run("update", "1.2", "--due", "none", now="2024-05-01"))
    assert due_and_overdue("2024-05-01")["1.2"] == ("2024-12-31", False)


@pytest.mark.file_engine  # a database records its login instead
def test_events_are_stamped_with_the_pinned_clock_and_the_user(run: Run) -> None:
    ok(run("note", "6.1", "巡查", now="2024-03-08T17:30:05"))
    history = ok(run("history", "6.1", "-f", "json", env={"LIANTA_USER": "李主任"})).json()
    assert [(e["at"], e["by"]) for e in history] == [("2024-03-08T17:30:05", "tester")]
    ok(run("note", "6.1", "复查", now="2024-03-09", env={"LIANTA_USER": "李主任"}))
    history = ok(run("history", "6.1", "-f", "json")).json()
    assert history[-1]["by"] == "李主任"


@pytest.mark.file_engine  # a database records its login instead
def test_without_lianta_user_the_os_user_is_recorded(run: Run, monkeypatch: Any) -> None:
    """The login name as the system gives it: USERNAME is what Windows sets (Linux and macOS
    set USER or LOGNAME, which come first)."""
    for name in ("LIANTA_USER", "LOGNAME", "USER", "LNAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("USERNAME", "wangfang")
    ok(run("note", "6.1", "巡查", now="2024-03-08"))
    history = ok(run("history", "6.1", "-f", "json")).json()
    assert history[-1]["by"] == "wangfang"


def test_history_since_and_until_are_whole_days(run: Run) -> None:
    for day in ("2024-03-04T08:00", "2024-03-05T23:59", "2024-03-06T00:00"):
        ok(run("note", "2.2", f"记录 {day}", now=day))
    rows = ok(run("history", "2.2", "--since", "2024-03-05", "--until", "2024-03-05", "-f", "json"))
    assert [e["new"] for e in rows.json()] == ["记录 2024-03-05T23:59"]
    since = ok(run("history", "--since", "2024-03-05", "-f", "json")).json()
    assert [e["at"][:10] for e in since] == ["2024-03-05", "2024-03-06"]


# ---------------------------------------------------------------- loading plans


def test_loading_the_same_plan_twice_writes_nothing(run: Run, store_path: Path) -> None:
    first = ok(run("load", "--format", "json", now="2024-03-04")).json()
    assert len(first["added"]) == 40
    ok(run("assign", "3.4", "--to", "王芳", now="2024-03-04"))
    before, mtime = store_path.read_bytes(), store_path.stat().st_mtime_ns
    os.utime(store_path, ns=(mtime - 10**9, mtime - 10**9))  # any write would move it on
    mtime = store_path.stat().st_mtime_ns
    again = ok(run("load", now="2024-03-05"))
    assert store_path.read_bytes() == before
    assert store_path.stat().st_mtime_ns == mtime
    assert "unchanged 40" in again.stdout
    assert "nothing to write" in again.stderr
    again_json = ok(run("load", "--format", "json", now="2024-03-06")).json()
    assert again_json["unchanged"] == 40
    assert again_json["added"] == again_json["changed"] == again_json["archived"] == []
    assert store_path.stat().st_mtime_ns == mtime


def test_editing_the_plan_keeps_tracking_state(run: Run, tmp_path: Path) -> None:
    ok(run("load", now="2024-03-04"))
    ok(run("assign", "1.2", "3.4", "--to", "王芳", "--unit", "经济服务办", now="2024-03-04"))
    ok(run("update", "1.2", "--progress", "40", "--note", "摸底完成", now="2024-03-05"))
    ok(run("update", "3.4", "--status", "blocked", "--note", "等批复", now="2024-03-05"))

    data = read_plan()
    plan_task(data, "1.2")["title"] = "盘活第七工业区产业空间(调整)"
    remove_task(data, "3.4")
    add_task(
        data,
        2,
        {
            "id": "2.11",
            "title": "新增:口岸经济带规划",
            "title_en": "New: plan the port economic belt",
            "source": "谋划口岸经济带",
            "places": [],
            "partners": [],
        },
    )
    edited = write_plan(tmp_path / "2024-edited.yaml", data)
    loaded = ok(run("load", str(edited), "--format", "json", now="2024-03-06")).json()
    assert loaded["added"] == ["2.11"]
    assert loaded["changed"] == [{"id": "1.2", "fields": ["title"]}]
    assert loaded["archived"] == ["3.4"]
    assert loaded["unchanged"] == 38

    tasks = tasks_by_id(run)
    assert tasks["1.2"]["title"] == "盘活第七工业区产业空间(调整)"
    assert (tasks["1.2"]["status"], tasks["1.2"]["progress"]) == ("in_progress", 40)
    assert (tasks["1.2"]["assignee"], tasks["1.2"]["unit"]) == ("王芳", "经济服务办")
    assert tasks["2.11"]["status"] == "todo"
    assert "3.4" not in tasks  # archived: hidden
    with_archived = tasks_by_id(run, "--archived")
    assert with_archived["3.4"]["archived"] is True
    assert with_archived["3.4"]["status"] == "blocked"
    assert ok(run("show", "3.4", "-f", "json")).json()["archived"] is True
    refused = run("update", "3.4", "--progress", "50")
    assert refused.exit_code == 2 and "archived" in refused.stderr
    history = ok(run("history", "1.2", "-f", "json")).json()
    assert [(e["action"], e["field"]) for e in history][-1] == ("load", "title")

    # the task comes back: restored with its state, and its notes
    restored = ok(run("load", "--format", "json", now="2024-03-07")).json()
    assert restored["restored"] == ["3.4"]
    assert restored["archived"] == ["2.11"]
    assert restored["changed"] == [{"id": "1.2", "fields": ["title"]}]
    tasks = tasks_by_id(run)
    assert tasks["3.4"]["status"] == "blocked" and tasks["3.4"]["assignee"] == "王芳"
    assert tasks["1.2"]["progress"] == 40
    shown = ok(run("show", "3.4", "-f", "json")).json()
    assert [n["text"] for n in shown["notes"]] == ["等批复"]


def test_load_prints_what_it_did(run: Run, tmp_path: Path) -> None:
    ok(run("load", now="2024-03-04"))
    data = read_plan()
    plan_task(data, "6.5")["title_en"] = "Film a documentary"
    remove_task(data, "6.4")
    result = ok(run("load", str(write_plan(tmp_path / "p.yaml", data)), now="2024-03-05"))
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert any(line.startswith("changed 1: 6.5 (") for line in lines), lines
    assert "archived 1: 6.4" in lines
    assert "unchanged 38" in lines


def test_dry_run_writes_nothing(run: Run, store_path: Path, tmp_path: Path) -> None:
    dry = ok(run("load", "--dry-run", "--format", "json", now="2024-03-04")).json()
    assert dry["dry_run"] is True and len(dry["added"]) == 40
    assert not store_path.exists()
    ok(run("load", now="2024-03-04"))
    data = read_plan()
    remove_task(data, "5.1")
    before, mtime = store_path.read_bytes(), store_path.stat().st_mtime_ns
    dry = ok(run("load", str(write_plan(tmp_path / "p.yaml", data)), "--dry-run", now="2024-03-05"))
    assert "archived 1: 5.1" in dry.stdout
    assert "dry run" in dry.stderr
    assert store_path.read_bytes() == before
    assert store_path.stat().st_mtime_ns == mtime
    assert "5.1" in tasks_by_id(run)


def test_two_plans_in_one_store(run: Run, tmp_path: Path) -> None:
    ok(run("load", now="2024-03-04"))
    ok(run("assign", "1.1", "--to", "王芳", now="2024-03-04"))
    loaded = ok(run("load", str(plan_2025(tmp_path)), "--format", "json", now="2025-01-02")).json()
    assert loaded["plan"] == 2025 and len(loaded["added"]) == 40

    latest = ok(run("list", "--format", "json", now="2025-01-02")).json()
    assert {row["due"] for row in latest} == {"2025-12-31"}
    assert all(row["assignee"] is None for row in latest)
    older = ok(run("list", "--plan", "2024", "--format", "json", now="2025-01-02")).json()
    assert {row["due"] for row in older} == {"2024-12-31"}
    assert next(r for r in older if r["id"] == "1.1")["assignee"] == "王芳"

    ok(run("assign", "1.1", "--to", "陈晓明", now="2025-01-03"))
    ok(run("update", "1.1", "--plan", "2024", "--progress", "20", now="2025-01-03"))
    new_1_1 = ok(run("show", "1.1", "-f", "json", now="2025-01-03")).json()
    old_1_1 = ok(run("show", "1.1", "--plan", "2024", "-f", "json", now="2025-01-03")).json()
    assert (new_1_1["plan"], new_1_1["assignee"], new_1_1["progress"]) == (2025, "陈晓明", 0)
    assert (old_1_1["plan"], old_1_1["assignee"], old_1_1["progress"]) == (2024, "王芳", 20)
    assert old_1_1["overdue"] is True  # the 2024 plan ended before 2025-01-03
    history_2025 = ok(run("history", "-f", "json")).json()
    assert {e["plan"] for e in history_2025} == {2025}
    history_2024 = ok(run("history", "--plan", "2024", "-f", "json")).json()
    assert {e["plan"] for e in history_2024} == {2024}


# ---------------------------------------------------------------- where the store lives


def test_db_option_wins_over_lianta_db(run: Run, store_path: Path, tmp_path: Path) -> None:
    named, other = tmp_path / "named.json", tmp_path / "other" / "store.json"
    for path in (named, other):
        ok(run("load", "--db", str(path), now="2024-03-04"))
    env = {"LIANTA_DB": str(named)}
    ok(run("assign", "1.1", "--to", "王芳", "--db", str(other), now="2024-03-04", env=env))
    assert tasks_by_id(run, "--db", str(other))["1.1"]["assignee"] == "王芳"
    assert tasks_by_id(run, env=env)["1.1"]["assignee"] is None
    assert not store_path.exists()


@pytest.mark.file_engine  # the default store is a file
def test_without_db_or_lianta_db_the_user_data_folder_is_used(run: Run, tmp_path: Path) -> None:
    ok(run("note", "1.1", "hello", now="2024-03-04"))
    assert (tmp_path / "data" / "lianta" / "lianta.json").exists()


# ---------------------------------------------------------------- bad input

BAD_INPUT = [
    (["show", "9.9"], "no task 9.9"),
    (["show", "3.41"], "did you mean 3.4"),
    (["update", "3.44", "--progress", "10"], "did you mean 3.4"),
    (["assign", "1.1", "7.7", "--to", "王芳"], "no task 7.7"),
    (["show", "abc"], "not of the form N.M"),
    (["list", "--index", "industy"], "did you mean industry?"),
    (["list", "--index", "9"], "no such index"),
    (["list", "--status", "finished"], "not a status"),
    (["update", "1.1", "--status", "finished"], "not a status"),
    (["update", "1.1", "--progress", "120"], "from 0 to 100"),
    (["update", "1.1", "--progress", "-1"], "from 0 to 100"),
    (["update", "1.1", "--progress", "abc"], "not a valid int"),
    (["update", "1.1", "--due", "2024-13-01"], "not a real date"),
    (["update", "1.1", "--due", "2024-02-30"], "not a real date"),
    (["history", "--since", "2024-13-01"], "not a real date"),
    (["update", "1.1"], "nothing to change"),
    (["assign", "1.1", "--to", ""], "the name is empty"),
    (["assign", "1.1", "--to", "   "], "the name is empty"),
    (["assign", "1.1", "--to", "王芳", "--unit", ""], "the name is empty"),
    (["assign", "1.1"], "nothing to assign: give --to, --unit or --cooperating"),
    (["note", "1.1", "  "], "the note is empty"),
    (["list", "--sort", "priority"], "--sort priority"),
    (["list", "--format", "xml"], "--format xml"),
    (["history", "--format", "pdf"], "--format pdf"),
    (["show", "1.1", "--format", "csv"], "--format csv"),
    (["assign", "1.1", "--to", "王芳", "--format", "md"], "--format md"),
    (["undo", "--format", "yaml"], "--format yaml"),
    (["list", "--limit", "-1"], "--limit -1"),
    (["history", "--limit", "-5"], "--limit -5"),
    (["history", "--since", "2024-05-01", "--until", "2024-04-01"], "is after --until"),
    (["list", "--plan", "1999"], "--plan 1999"),
    (["update", "1.1", "--plan", "1999", "--progress", "5"], "--plan 1999"),
    (["history", "--plan", "1999"], "--plan 1999"),
    (["list", "--bogus"], "No such option"),
    (["assign", "1.3-1.1", "--to", "王芳"], "1.3-1.1: the range runs backwards; write 1.1-1.3"),
    (["done", "1.1-1.9"], "1.1-1.9: no task 1.9 in the 2024 plan"),
    (["done", "1.1-9"], "no task 1.9"),
    (["done", "1.1-1.x"], "1.1-1.x: not a range of task ids; write it like 1.1-1.3"),
    (["done", "1.1-"], "not a range of task ids"),
    (["done", "9.*"], "9.*: no index 9 in the 2024 plan; it has 1 industry, 2 potential"),
    (["done", "industri"], "did you mean industry?"),
    (["done", "1.*", "9.9"], "no task 9.9"),
    (["update", "1.*", "3.2", "--status", "blocked"], "blocking needs a reason"),
    (["show", "1.*"], "1.*: give one task id here, like 3.4"),
    (["history", "1.1-1.3"], "give one task id here"),
    (["note", "industry", "开会"], "not of the form N.M"),
]


@pytest.mark.parametrize(("args", "says"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_exit_2_and_no_write(
    run: Run, store_path: Path, args: list[str], says: str
) -> None:
    ok(run("assign", "1.1", "--to", "王芳", now="2024-03-04"))
    before = store_path.read_bytes()
    backups = sorted(p.name for p in store_path.parent.iterdir())
    result = run(*args, now="2024-03-05")
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("lianta")
    assert says in result.stderr
    assert "Traceback" not in result.stderr
    assert store_path.read_bytes() == before
    assert sorted(p.name for p in store_path.parent.iterdir()) == backups


def test_a_bad_lianta_now_is_one_line(run: Run) -> None:
    result = run("list", now="next friday")
    assert result.exit_code == 2
    assert "LIANTA_NOW" in result.stderr and len(result.stderr.splitlines()) == 1


def test_days_pass_with_the_pinned_clock(run: Run) -> None:
    ok(run("update", "1.1", "--due", "2024-03-10", now="2024-03-04"))
    for offset, expected in ((0, False), (6, False), (7, True)):
        day = (date(2024, 3, 4) + timedelta(days=offset)).isoformat()
        assert tasks_by_id(run, now=day)["1.1"]["overdue"] is expected


def test_bad_input_on_a_new_store_leaves_no_store_behind(run: Run, store_path: Path) -> None:
    for args in (("list", "--index", "nope"), ("show", "9.9"), ("history", "--since", "x")):
        result = run(*args)
        assert result.exit_code == 2, result.stderr
        assert not store_path.exists(), args
    result = run("list", "--format", "json")
    assert result.exit_code == 0 and len(result.json()) == 40
    assert store_path.exists() and "loaded the bundled 2024 plan" in result.stderr
