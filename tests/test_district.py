"""Several plans in one store, one per area (subdistrict) and year: commands work within the plan
chosen with --plan, an ambiguous choice is refused, and `summary` and `report weekly` cover
every area's plan with `--plan all`. End to end through the CLI, on real store files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import PLAN_2024, ROOT, Result, Run

DONGHU = ROOT / "examples" / "donghu-2024.yaml"
NOW = "2024-03-08T17:00"
COUNTS = ("total", "todo", "in_progress", "blocked", "done", "overdue", "unassigned")
LIGHTS = ("red", "yellow", "green")


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    return result


def refused(result: Result, *says: str) -> str:
    """A one-line refusal with exit status 2 saying all of `says`; the line."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    for text in says:
        assert text in lines[0]
    return lines[0]


def area_copy(tmp_path: Path, source: Path, area: str, name: str, title: str = "") -> Path:
    """A copy of a plan file that names `area` (and, if given, a title of its own)."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    text = []
    for line in lines:
        if line.startswith("  area"):
            continue
        if title and line.startswith("  title:"):
            line = f"  title: {title}\n"
        text.append(line)
        if line.startswith("  year:"):
            text += [f"  area: {area}\n", f"  area_name: {name}\n"]
    path = tmp_path / f"{area}.yaml"
    path.write_text("".join(text), encoding="utf-8")
    return path


@pytest.fixture
def district(run: Run, tmp_path: Path) -> Run:
    """A store holding two areas' plans of 2024 (no plan without an area): `liantang`, the
    bundled plan under an area, and `donghu`, the example; both have tasks 1.1, 1.2, 2.1, 2.2."""
    ok(run("load", str(area_copy(tmp_path, PLAN_2024, "liantang", "莲塘街道")), now=NOW))
    ok(run("load", str(area_copy(tmp_path, DONGHU, "donghu", "东湖街道")), now=NOW))
    return run


def test_two_areas_keep_tasks_of_the_same_id_apart(district: Run, store_path: Path) -> None:
    run = district
    ok(run("update", "1.1", "--plan", "liantang", "--progress", "40", now=NOW))
    ok(run("update", "1.1", "--plan", "donghu/2024", "--progress", "70", now=NOW))
    ok(run("assign", "2.1", "--plan", "donghu", "--to", "李娜", now=NOW))
    ok(run("note", "2.1", "--plan", "liantang", "门店选址已定", now=NOW))

    liantang = ok(run("show", "1.1", "--plan", "liantang", "-f", "json", now=NOW)).json()
    donghu = ok(run("show", "1.1", "--plan", "donghu", "-f", "json", now=NOW)).json()
    assert (liantang["plan"], liantang["area"], liantang["progress"]) == (2024, "liantang", 40)
    assert (donghu["plan"], donghu["area"], donghu["progress"]) == (2024, "donghu", 70)
    assert liantang["title"] != donghu["title"]

    donghu_tasks = ok(run("list", "--plan", "donghu", "-f", "json", now=NOW)).json()
    assert [t["id"] for t in donghu_tasks] == ["1.1", "1.2", "2.1", "2.2"]
    assert {t["id"]: t["assignee"] for t in donghu_tasks}["2.1"] == "李娜"
    liantang_21 = ok(run("show", "2.1", "--plan", "liantang", "-f", "json", now=NOW)).json()
    assert liantang_21["assignee"] is None
    assert [n["text"] for n in liantang_21["notes"]] == ["门店选址已定"]

    history = ok(run("history", "--plan", "donghu", "-f", "json", now=NOW)).json()
    assert {event["area"] for event in history} == {"donghu"}
    assert {event["task"] for event in history if event["task"]} == {"1.1", "2.1"}
    stored = json.loads(store_path.read_text(encoding="utf-8"))
    areas = {doc["area"] for doc in stored["history"].values()}
    assert areas == {"liantang", "donghu"}

    # undo takes back the last change, in its own plan only
    said = ok(run("undo", now=NOW)).stderr
    assert "2.1 of the liantang/2024 plan" in said
    again = ok(run("show", "2.1", "--plan", "liantang", "-f", "json", now=NOW)).json()
    assert again["notes"] == []
    still = ok(run("show", "2.1", "--plan", "donghu", "-f", "json", now=NOW)).json()
    assert still["assignee"] == "李娜"
    checkup = ok(run("doctor", "-f", "json"))
    assert checkup.json()["healthy"] is True


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["list"], ["several plans for 2024", "donghu/2024, liantang/2024", "--plan"]),
        (["update", "1.1", "--progress", "5"], ["several plans for 2024"]),
        (["list", "--plan", "2024"], ["--plan 2024: several plans fit", "donghu/2024"]),
        (["done", "1.1", "--plan", "2024"], ["several plans fit (donghu/2024, liantang/2024)"]),
        (["report", "weekly", "--plan", "2024"], ["several plans fit"]),
        (["list", "--plan", "futian"], ["--plan futian: no such plan", "liantang/2024"]),
        (["list", "--plan", "donghu/2023"], ["no such plan"]),
        (["list", "--plan", "donghu/x"], ["give a year (2024), an area"]),
        (["update", "1.1", "--plan", "all", "--progress", "5"], ["acts on one plan"]),
        (["summary", "--plan", "all/2023"], ["--plan all/2023: no such plan"]),
        (["summary", "--plan", "all", "--by", "unit"], ["units of one plan"]),
        (["update", "1.9", "--plan", "donghu", "--progress", "5"], ["no task 1.9 in the donghu"]),
    ],
    ids=lambda value: " ".join(value) if isinstance(value[0], str) and " " not in value[0] else "",
)
def test_a_choice_that_fits_no_plan_or_several_is_refused(
    district: Run, store_path: Path, args: list[str], says: list[str]
) -> None:
    before = store_path.read_bytes()
    refused(district(*args, now=NOW), *says)
    assert store_path.read_bytes() == before


def _busy(run: Run) -> None:
    """Work on both plans: done, blocked, started, assigned, a due date passed."""
    for args in (
        ["done", "1.2", "--plan", "liantang"],
        ["update", "3.2", "--plan", "liantang", "--status", "blocked", "--note", "等待选址"],
        ["update", "1.1", "--plan", "liantang", "--progress", "35"],
        ["assign", "1.1", "1.3", "--plan", "liantang", "--to", "王芳"],
        ["update", "1.1", "--plan", "donghu", "--progress", "55"],
        ["done", "2.2", "--plan", "donghu"],
        ["assign", "2.1", "--plan", "donghu", "--to", "李娜"],
    ):
        ok(run(*args, now=NOW))


def test_summary_over_all_plans_is_the_sum_of_each(district: Run) -> None:
    run = district
    _busy(run)
    every = ok(run("summary", "--plan", "all", "-f", "json", now="2024-07-02")).json()
    single = [
        ok(run("summary", "--plan", name, "-f", "json", now="2024-07-02")).json()
        for name in ("donghu", "liantang")
    ]
    assert [(row["plan"], row["area"]) for row in every["plans"]] == [
        (2024, "donghu"),
        (2024, "liantang"),
    ]
    for row, alone in zip(every["plans"], single, strict=True):
        assert {key: row[key] for key in alone["total"]} == alone["total"]
    for key in (*COUNTS, *LIGHTS):
        assert every["total"][key] == sum(alone["total"][key] for alone in single), key
    assert every["total"]["overdue"] > 0  # donghu's 1.1 was due on 2024-06-30
    progress = [
        task["progress"]
        for name in ("donghu", "liantang")
        for task in ok(run("list", "--plan", name, "-f", "json", now="2024-07-02")).json()
    ]
    assert every["total"]["progress"] == round(sum(progress) / len(progress), 1)
    assert every["total"]["percent_done"] == round(100 * every["total"]["done"] / 44, 1)

    table = ok(run("summary", "--plan", "all", now="2024-07-02")).stdout
    assert "donghu/2024" in table and "liantang/2024" in table
    assert "all plans of 2024" in table
    markdown = ok(run("summary", "--plan", "all", "-f", "md", now="2024-07-02")).stdout
    assert markdown.splitlines()[0].startswith("| Plan | Name | Tasks |")
    assert f"|  | Total | {every['total']['total']} |" in markdown
    csv_lines = ok(run("summary", "--plan", "all", "-f", "csv", now="2024-07-02")).stdout
    header, first, second, total = csv_lines.splitlines()
    assert header.startswith("Plan,Area,Name,Name (English),Tasks,")
    assert first.startswith("2024,donghu,东湖街道,") and second.startswith("2024,liantang,")
    assert total.startswith(",total,,,44,")
    chinese = ok(run("--lang", "zh", "summary", "--plan", "all", now="2024-07-02")).stdout
    assert "2024 年全部计划" in chinese


def test_weekly_report_over_all_plans(district: Run, tmp_path: Path) -> None:
    run = district
    _busy(run)
    every = ok(run("report", "weekly", "--plan", "all/2024", "-f", "json", now=NOW)).json()
    single = [
        ok(run("report", "weekly", "--plan", name, "-f", "json", now=NOW)).json()
        for name in ("donghu", "liantang")
    ]
    assert every["reports"] == single
    assert every["period"] == single[0]["period"] and every["year"] == 2024
    for key in ("tasks", "blocked_end", "done_start", "done_end", "done_change", *LIGHTS):
        assert every["total"][key] == sum(alone["total"][key] for alone in single), key
    assert every["total"]["done_end"] == 2

    markdown = ok(run("report", "weekly", "--plan", "all", now=NOW)).stdout
    assert markdown.startswith("# Weekly report 2024-W10 · all plans of 2024\n")
    assert "## Progress by plan" in markdown
    assert "## Weekly report 2024-W10 · donghu/2024 plan" in markdown
    assert "### Completed (1)" in markdown  # each plan's sections, a level down
    assert "- 2.2 增设口袋公园" in markdown or "- 2.2 Add pocket parks" in markdown

    written = tmp_path / "district.csv"
    ok(run("report", "weekly", "--plan", "all", "-f", "csv", "-o", str(written), now=NOW))
    figures, sections = written.read_text(encoding="utf-8-sig").split("\n\n")
    assert figures.splitlines()[-1].startswith(",total,,,44,")
    rows = sections.splitlines()
    assert rows[0].startswith("Plan,Area,Section,ID,")
    assert "2024,donghu,completed,2.2," in sections and "2024,liantang,completed,1.2," in sections


def test_a_store_without_areas_is_as_before_and_takes_an_area_plan_beside(
    run: Run, store_path: Path
) -> None:
    ok(run("update", "1.1", "--progress", "20", now=NOW))
    assert '"area"' not in store_path.read_text(encoding="utf-8")
    shown = ok(run("show", "1.1", "-f", "json", now=NOW)).json()
    assert shown["plan"] == 2024 and "area" not in shown
    assert all("area" not in event for event in shown["history"])
    assert "area" not in ok(run("summary", "-f", "json", now=NOW)).json()

    ok(run("load", str(DONGHU), now=NOW))
    line = refused(run("list", now=NOW), "several plans for 2024 (2024, donghu/2024)")
    assert "--plan" in line
    # the plan without an area is called by its year alone, as before
    old = ok(run("show", "1.1", "--plan", "2024", "-f", "json", now=NOW)).json()
    assert (old["progress"], "area" in old) == (20, False)
    new = ok(run("show", "1.1", "--plan", "donghu", "-f", "json", now=NOW)).json()
    assert (new["progress"], new["area"]) == (0, "donghu")
    every = ok(run("summary", "--plan", "all", "-f", "json", now=NOW)).json()
    assert [(row["area"], row["total"]) for row in every["plans"]] == [(None, 40), ("donghu", 4)]
    assert ok(run("doctor", "-f", "json")).json()["healthy"] is True


def test_reloading_the_bundled_plan_never_makes_a_second_copy(
    run: Run, store_path: Path, tmp_path: Path
) -> None:
    ok(run("assign", "1.1", "--to", "王芳", now=NOW))
    again = ok(run("load", now=NOW))
    assert "unchanged 40" in again.stdout and "nothing to write" in again.stderr
    before = store_path.read_bytes()
    same_with_area = area_copy(tmp_path, PLAN_2024, "liantang", "莲塘街道")
    result = run("load", str(same_with_area), now=NOW)
    assert result.exit_code == 2
    *warnings, refusal = result.stderr.splitlines()
    assert all(": warning: " in line for line in warnings)  # the plan's own (7 indices, 6 told)
    assert "holds this 2024 plan ('莲塘街道2024年工作计划') without an area" in refusal
    assert "area liantang would track its tasks twice" in refusal
    assert store_path.read_bytes() == before
    tasks = json.loads(store_path.read_text(encoding="utf-8"))["tasks"]
    assert len(tasks) == 40


def test_another_title_with_an_area_is_a_plan_of_its_own(run: Run, tmp_path: Path) -> None:
    ok(run("list", now=NOW))
    other = area_copy(tmp_path, PLAN_2024, "huangbei", "黄贝街道", title="黄贝街道2024年工作计划")
    loaded = ok(run("load", str(other), now=NOW))
    assert loaded.stdout.startswith("huangbei/2024 plan from")
    assert "added 40" in loaded.stdout


def test_doctor_finds_a_task_of_an_area_with_no_plan(district: Run, store_path: Path) -> None:
    ok(district("update", "1.1", "--plan", "donghu", "--progress", "10", now=NOW))
    data: dict[str, Any] = json.loads(store_path.read_text(encoding="utf-8"))
    for doc in data["tasks"].values():
        if doc.get("area") == "donghu" and doc["id"] == "1.2":
            doc["area"] = "nowhere"
    store_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    checkup = district("doctor")
    assert checkup.exit_code != 0
    assert "task 1.2 (nowhere/2024): its plan is not in the store" in checkup.stdout


def test_a_ledger_of_one_area_is_refused_by_another(district: Run, tmp_path: Path) -> None:
    ledger = tmp_path / "donghu.xlsx"
    ok(district("export", "xlsx", "--plan", "donghu", "-o", str(ledger), now=NOW))
    said = district("import", str(ledger), "--plan", "liantang", now=NOW)
    assert said.exit_code == 2
    assert "the row is of the donghu/2024 plan, not liantang/2024" in said.stderr


def test_a_month_over_all_plans_and_the_page_of_one(district: Run, tmp_path: Path) -> None:
    run = district
    _busy(run)
    every = ok(run("report", "--month", "2024-03", "--plan", "all", "-f", "json", now=NOW)).json()
    single = [
        ok(run("report", "weekly", "--plan", name, "--since", "2024-03-01", "--until",
               "2024-03-31", "-f", "json", now=NOW)).json()
        for name in ("donghu", "liantang")
    ]  # fmt: skip
    assert every["reports"] == single
    assert every["total"]["done_end"] == sum(alone["total"]["done_end"] for alone in single)
    page = tmp_path / "all.html"
    line = refused(
        run(
            "report", "--month", "2024-03", "--plan", "all", "-f", "html", "-o", str(page), now=NOW
        ),
        "--plan all",
        "html",
    )
    assert "one plan" in line and not page.exists()
    ok(
        run(
            "report",
            "--month",
            "2024-03",
            "--plan",
            "donghu",
            "-f",
            "html",
            "-o",
            str(page),
            now=NOW,
        )
    )
    assert "Donghu" in page.read_text(encoding="utf-8")
