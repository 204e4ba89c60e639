"""The report tells the truth: lateness as of the day it is read, what is stuck stays in view,
the plan a command acts on is the one running today, a plan that is over says so, and the
figures are named for what they count."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Result, Run
from test_tracking import plan_2025


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    return result


def weekly(run: Run, *args: str, now: str) -> dict[str, Any]:
    data: dict[str, Any] = ok(run("report", "weekly", *args, "--format", "json", now=now)).json()
    return data


def ids(entries: list[dict[str, Any]]) -> list[str]:
    return [entry["id"] for entry in entries]


# ---------------------------------------------------------------- 1. lateness as of today


@pytest.fixture
def due_friday(run: Run) -> Run:
    """3.3 is due Friday 2024-03-08 (week 2024-W10) and still open."""
    ok(run("update", "3.3", "--progress", "30", "--due", "2024-03-08", now="2024-03-04T09:00"))
    return run


def test_a_task_due_friday_is_not_late_on_wednesday(due_friday: Run) -> None:
    report = weekly(due_friday, now="2024-03-06T10:00")
    assert report["as_of"] == "2024-03-06"
    assert report["overdue"] == []
    assert ids(report["due_soon"]) == ["3.3"]
    listed = ok(due_friday("list", "--overdue", "--format", "json", now="2024-03-06T10:00"))
    assert listed.json() == []
    text = ok(due_friday("report", "weekly", now="2024-03-06T10:00")).stdout
    assert "late" not in text
    assert "2024-03-04 to 2024-03-10 · as of 2024-03-06" in text
    assert "## Due 2024-03-06 to 2024-03-13 (1)" in text


def test_the_friday_cron_run_does_not_call_fridays_tasks_late(due_friday: Run) -> None:
    report = weekly(due_friday, now="2024-03-08T18:00")
    assert report["overdue"] == [] and ids(report["due_soon"]) == ["3.3"]


def test_a_week_read_after_it_ended_judges_as_of_its_sunday(due_friday: Run) -> None:
    report = weekly(due_friday, "--week", "2024-W10", now="2024-04-01")
    assert report["as_of"] == "2024-03-10"
    (late,) = report["overdue"]
    assert (late["id"], late["days_overdue"]) == ("3.3", 2)


def test_a_week_not_yet_begun_is_refused(due_friday: Run) -> None:
    for args in (["--week", "2024-W12"], ["--since", "2024-03-20", "--until", "2024-03-31"]):
        result = due_friday("report", "weekly", *args, now="2024-03-06")
        assert result.exit_code == 2, result.stderr
        assert result.stdout == "" and result.stderr.count("\n") == 1
        assert "has not begun" in result.stderr and "2024-03-06" in result.stderr


@pytest.mark.parametrize(
    ("args", "now", "says"),
    [
        (["--week", "2025-W01"], "2025-06-01", "The 2024 plan ended on 2024-12-31, within this"),
        (["--week", "2025-W10"], "2025-06-01", "This period lies after the 2024 plan"),
        (["--since", "2023-12-28", "--until", "2024-01-03"], "2024-12-31", "begins on 2024-01-01"),
        (["--since", "2023-12-01", "--until", "2023-12-31"], "2024-03-06", "lies before the"),
    ],
)
def test_a_period_outside_the_plan_is_marked(
    run: Run, args: list[str], now: str, says: str
) -> None:
    ok(run("load", now="2024-01-02"))
    text = ok(run("report", "weekly", *args, now=now)).stdout
    assert says in text.split("## Progress by index")[0]
    report = weekly(run, *args, now=now)
    assert report["plan_period"] == {"start": "2024-01-01", "end": "2024-12-31"}


def test_a_week_inside_the_plan_carries_no_mark(due_friday: Run) -> None:
    text = ok(due_friday("report", "weekly", "--week", "2024-W10", now="2024-04-01")).stdout
    assert "the 2024 plan" not in text and "The 2024 plan" not in text


# ---------------------------------------------------------------- 2. what is stuck stays in view


@pytest.fixture
def stuck(run: Run) -> Run:
    """1.4 is blocked in 2024-W10 and stays blocked; 2.1 is blocked with nobody assigned."""
    ok(run("assign", "1.4", "--to", "王伟", "--unit", "经济服务办", now="2024-03-04T09:00"))
    ok(run("update", "1.4", "-s", "blocked", "--note", "等待政策细则", now="2024-03-06T15:00"))
    ok(run("update", "2.1", "-s", "blocked", "--note", "规划待审", now="2024-03-07T10:00"))
    return run


def test_a_task_that_stays_blocked_stays_in_later_reports(stuck: Run) -> None:
    week = weekly(stuck, "--week", "2024-W10", now="2024-04-01")
    assert ids(week["blocked"]) == ["1.4", "2.1"] and week["still_blocked"] == []
    later = weekly(stuck, "--week", "2024-W12", now="2024-04-01")
    assert later["blocked"] == []
    assert [(e["id"], e["since"], e["note"], e["assignee"]) for e in later["still_blocked"]] == [
        ("1.4", "2024-03-06T15:00:00", "等待政策细则", "王伟"),
        ("2.1", "2024-03-07T10:00:00", "规划待审", None),
    ]
    text = ok(stuck("report", "weekly", "--week", "2024-W12", now="2024-04-01")).stdout
    assert "## Still blocked (2)" in text
    line = "- 1.4 Step up investment promotion in key sectors — 王伟 · since 2024-03-06: "
    assert line + "等待政策细则" in text
    summary = ok(stuck("summary", "--format", "json", now="2024-04-01")).json()
    assert summary["total"]["blocked"] == len(later["still_blocked"])


def test_an_unblocked_task_leaves_the_still_blocked_list(stuck: Run) -> None:
    ok(stuck("update", "1.4", "-s", "in_progress", "--note", "已发布", now="2024-03-19T09:00"))
    later = weekly(stuck, "--week", "2024-W13", now="2024-04-01")
    assert ids(later["still_blocked"]) == ["2.1"]


def test_blocked_counts_per_index(stuck: Run) -> None:
    week = weekly(stuck, "--week", "2024-W12", now="2024-04-01")
    blocked = {row["index"]: row["blocked_end"] for row in week["indices"]}
    assert blocked == {1: 1, 2: 1, 3: 0, 4: 0, 5: 0, 6: 0}
    assert week["total"]["blocked_end"] == 2
    text = ok(stuck("report", "weekly", "--week", "2024-W12", now="2024-04-01")).stdout
    header = next(line for line in text.splitlines() if line.startswith("| # |"))
    assert "| Blocked at end |" in header


def test_todo_to_blocked_is_blocked_not_started(stuck: Run) -> None:
    week = weekly(stuck, "--week", "2024-W10", now="2024-04-01")
    assert week["started"] == []
    text = ok(stuck("report", "weekly", "--week", "2024-W10", now="2024-04-01")).stdout
    assert "## Started" not in text


# ---------------------------------------------------------------- 3. which year


@pytest.fixture
def two_plans(run: Run, tmp_path: Path) -> Run:
    """The 2024 and the 2025 plan in one store, loaded in November 2024."""
    ok(run("load", now="2024-01-02"))
    ok(run("load", str(plan_2025(tmp_path)), now="2024-11-04"))
    return run


def test_without_plan_a_command_acts_on_the_plan_running_today(two_plans: Run) -> None:
    result = ok(two_plans("done", "1.1", now="2024-11-05"))
    assert "done: 1.1 in the 2024 plan (change 3" in result.stderr
    in_2024 = ok(two_plans("show", "1.1", "--plan", "2024", "-f", "json")).json()
    in_2025 = ok(two_plans("show", "1.1", "--plan", "2025", "-f", "json")).json()
    assert (in_2024["status"], in_2025["status"]) == ("done", "todo")
    assert ok(two_plans("show", "1.1", "-f", "json", now="2024-11-05")).json()["plan"] == 2024
    assert ok(two_plans("show", "1.1", "-f", "json", now="2025-02-01")).json()["plan"] == 2025


def test_a_report_of_a_2024_week_is_on_the_2024_plan_and_says_so(two_plans: Run) -> None:
    ok(two_plans("done", "1.1", now="2024-11-05"))
    week = weekly(two_plans, now="2024-11-06")
    assert week["plan"] == 2024 and ids(week["completed"]) == ["1.1"]
    text = ok(two_plans("report", "weekly", now="2024-11-06")).stdout
    assert text.splitlines()[0] == "# Weekly report 2024-W45 · 2024 plan"
    assert weekly(two_plans, "--week", "2025-W02", now="2025-02-01")["plan"] == 2025


def test_after_every_plan_has_ended_the_latest_is_used(two_plans: Run) -> None:
    assert ok(two_plans("summary", "-f", "json", now="2027-01-05")).json()["plan"] == 2025


def test_one_plan_keeps_the_short_confirmation(run: Run) -> None:
    result = ok(run("done", "1.1", now="2024-11-05"))
    assert "done: 1.1 (change 2" in result.stderr


# ---------------------------------------------------------------- 4. a plan that is over


def test_a_summary_after_the_plan_ended_says_so(run: Run) -> None:
    ok(run("load", now="2024-01-02"))
    table = ok(run("summary", now="2026-03-02")).stdout
    assert "The 2024 plan ended on 2024-12-31." in table
    data = ok(run("summary", "--format", "json", now="2026-03-02")).json()
    assert data["plan_period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert data["total"]["overdue"] == 40
    listed = ok(run("list", now="2026-03-02")).stdout
    assert "The 2024 plan ended on 2024-12-31." in listed
    during = ok(run("summary", now="2024-06-03")).stdout
    assert "ended" not in during


# ---------------------------------------------------------------- 5. figures named as they read


def test_the_change_columns_say_what_they_count(stuck: Run) -> None:
    text = ok(stuck("report", "weekly", "--week", "2024-W10", now="2024-04-01")).stdout
    header = next(line for line in text.splitlines() if line.startswith("| # |"))
    assert header.count("Change") == 2 and "| Change |" not in header
    assert "| Change in tasks done |" in header and "| Change in progress (points) |" in header
    zh = ok(stuck("--lang", "zh", "report", "weekly", "-w", "2024-W10", now="2024-04-01")).stdout
    zh_header = next(line for line in zh.splitlines() if line.startswith("| # |"))
    assert "| 变化 |" not in zh_header


@pytest.mark.parametrize(
    ("args", "english", "chinese"),
    [
        (("history", "1.1"), "1 event · 2024 plan", "1 条记录"),
        (("list", "--assignee", "王芳"), "1 task · 2024 plan", "1 项任务"),
        (("list", "--assignee", "nobody"), "no tasks · 2024 plan", "没有任务"),
    ],
)
def test_counts_read_as_a_person_writes_them(
    run: Run, args: tuple[str, ...], english: str, chinese: str
) -> None:
    ok(run("assign", "1.1", "--to", "王芳", now="2024-03-04"))
    result = run(*args, now="2024-03-04")
    assert english in ok(result).stdout
    assert "1 events" not in result.stdout and "0 of 0" not in result.stdout
    assert chinese in ok(run("--lang", "zh", *args, now="2024-03-04")).stdout


def test_doctor_and_validate_count_as_a_person_writes(
    run: Run, store_path: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "one.yaml"
    plan.write_text(
        "plan: {year: 2025, title: t, title_en: t, source: s, start: 2025-01-01, "
        "end: 2025-12-31}\nindices:\n  - {number: 1, code: a, name: n, name_en: n, theme: t, "
        "theme_en: t, tasks: [{id: '1.1', title: t, title_en: t, source: s}]}\n",
        encoding="utf-8",
    )
    result = ok(run("validate", str(plan)))
    assert "1 index, 1 task (" in result.stderr
    ok(run("load", str(plan), now="2025-01-02"))
    ok(run("note", "1.1", "a note", now="2025-01-02"))
    data = json.loads(store_path.read_text(encoding="utf-8"))
    next(iter(data["tasks"].values()))["assignee"] = "某人"
    store_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    doctor = run("doctor")
    assert "damaged (1 problem)" in doctor.stdout
    assert "good (change 1, 1 task, saved" in doctor.stdout  # the backup left by the note
