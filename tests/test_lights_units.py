"""Schedule lag and traffic lights, lead and cooperating units, and CSV for Excel: through the
command line, on real store files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import PLAN_2024, Result, Run
from openpyxl import load_workbook

LIANTA = Path(sys.executable).with_name("lianta")


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    return result


def schedule(run: Run, task: str, now: str) -> tuple[int, int, str]:
    shown = ok(run("show", task, "--format", "json", now=now)).json()
    return shown["expected_progress"], shown["lag"], shown["light"]


# ---------------------------------------------------------------- lights


def test_expected_progress_lag_and_light_follow_the_calendar(run: Run) -> None:
    assert schedule(run, "1.1", "2023-12-31") == (0, 0, "green")  # before the plan starts
    assert schedule(run, "1.1", "2024-01-01") == (0, 0, "green")  # 1 of 366 days: 0.27 %
    assert schedule(run, "1.1", "2024-03-08") == (19, 19, "yellow")  # 68 of 366 days
    ok(run("update", "1.1", "--progress", "10", now="2024-03-08"))
    assert schedule(run, "1.1", "2024-03-08") == (19, 9, "green")  # 9 points: not yet yellow
    assert schedule(run, "1.1", "2024-05-09") == (36, 26, "yellow")  # 130 of 366
    assert schedule(run, "1.1", "2024-06-30") == (50, 40, "red")  # 182.5 → 50, more than 30
    ok(run("update", "1.2", "--due", "2024-03-01", now="2024-03-08"))
    assert schedule(run, "1.2", "2024-03-01") == (100, 100, "red")
    assert schedule(run, "1.2", "2024-02-29") == (98, 98, "red")
    ok(run("done", "1.2", now="2024-03-08"))
    assert schedule(run, "1.2", "2024-12-31") == (100, 0, "green")  # done is green


def _plan(tmp_path: Path) -> Path:
    """The 2024 plan with thresholds of 5 and 15 points, and 1.2 led by 经济服务办 from July."""
    text = PLAN_2024.read_text(encoding="utf-8")
    text = text.replace(
        "  indices_declared: 7", "  indices_declared: 7\n  yellow_lag: 5\n  red_lag: 15"
    )
    text = text.replace(
        '      - id: "1.2"\n',
        '      - id: "1.2"\n        lead_unit: 经济服务办\n        start: 2024-07-01\n',
    )
    path = tmp_path / "2024.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_thresholds_a_task_start_and_a_lead_unit_come_from_the_plan_file(
    run: Run, tmp_path: Path
) -> None:
    ok(run("load", str(_plan(tmp_path)), now="2024-01-02"))
    assert schedule(run, "1.1", "2024-03-08") == (19, 19, "red")  # red above 15 points
    ok(run("update", "1.1", "--progress", "12", now="2024-03-08"))
    assert schedule(run, "1.1", "2024-03-08") == (19, 7, "yellow")  # yellow from 5
    assert schedule(run, "1.2", "2024-03-08") == (0, 0, "green")  # its work starts in July
    assert schedule(run, "1.2", "2024-10-01") == (51, 51, "red")  # 93 of 184 days: 50.5
    shown = ok(run("show", "1.2", "--format", "json", now="2024-03-08")).json()
    assert (shown["unit"], shown["plan_unit"], shown["own_unit"]) == (
        "经济服务办",
        "经济服务办",
        None,
    )
    assert shown["plan_start"] == "2024-07-01"


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            "  indices_declared: 7",
            "  indices_declared: 7\n  red_lag: 120",
            "'red_lag' must be a number of points from 0 to 100, not 120",
        ),
        (
            "  indices_declared: 7",
            "  indices_declared: 7\n  yellow_lag: 40\n  red_lag: 30",
            "'yellow_lag' 40 is more than 'red_lag' 30",
        ),
        (
            '      - id: "1.2"\n',
            '      - id: "1.2"\n        start: 2025-01-01\n',
            "'start' 2025-01-01 is outside the plan period",
        ),
        (
            '      - id: "1.2"\n',
            '      - id: "1.2"\n        start: 2024-08-01\n        due: 2024-06-30\n',
            "'start' 2024-08-01 is after 'due' 2024-06-30",
        ),
        (
            '      - id: "1.2"\n',
            '      - id: "1.2"\n        lead_unit: [经济服务办]\n',
            "'lead_unit' must be text, not a list",
        ),
    ],
    ids=["red lag", "yellow above red", "start outside", "start after due", "lead unit a list"],
)
def test_the_new_plan_fields_are_validated(
    run: Run, tmp_path: Path, old: str, new: str, says: str
) -> None:
    path = tmp_path / "2024.yaml"
    path.write_text(PLAN_2024.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 2 and says in result.stderr, result.stderr


def test_list_picks_lights_and_refuses_what_is_no_light(run: Run) -> None:
    ok(run("update", "3.3", "--progress", "30", "--due", "2024-03-01", now="2024-03-04"))
    ok(run("update", "1.1", "--progress", "50", now="2024-03-04"))
    red = ok(run("list", "--light", "red", "-f", "json", now="2024-03-08")).json()
    assert [t["id"] for t in red] == ["3.3"]
    both = ok(run("list", "--light", "RED", "--light", "green", "-f", "json", now="2024-03-08"))
    assert [t["id"] for t in both.json()] == ["1.1", "3.3"]
    bad = run("list", "--light", "amber", now="2024-03-08")
    assert bad.exit_code == 2 and "--light amber: use one of green, yellow, red" in bad.stderr


def test_lights_agree_across_list_summary_report_and_workbook(run: Run, tmp_path: Path) -> None:
    steps = [
        ("update", "1.1", "--progress", "30"),
        ("update", "2.3", "--progress", "5"),
        ("update", "3.3", "--due", "2024-03-01"),
        ("done", "4.1"),
    ]
    for step in steps:
        ok(run(*step, now="2024-03-04"))
    today = "2024-03-08"
    tasks = ok(run("list", "-f", "json", now=today)).json()
    counted = Counter(t["light"] for t in tasks)
    assert counted == {"yellow": 37, "green": 2, "red": 1}  # 2.3 at 5 lags 14: yellow
    total = ok(run("summary", "-f", "json", now=today)).json()["total"]
    week = ok(run("report", "weekly", "-f", "json", now=today)).json()["total"]  # ends 03-10
    path = tmp_path / "ledger.xlsx"
    ok(run("export", "xlsx", "-o", str(path), now=today))
    sheet = load_workbook(path)["Task list"]
    lights = Counter(row[11] for row in sheet.iter_rows(min_row=2, values_only=True))
    for light in ("red", "yellow", "green"):
        assert total[light] == week[light] == lights[light] == counted[light], light


# ---------------------------------------------------------------- lead and cooperating units


def test_assign_sets_lead_and_cooperating_units_and_none_goes_back_to_the_plan(
    run: Run,
) -> None:
    plan = ok(run("show", "2.2", "-f", "json", now="2024-03-04")).json()
    assert plan["cooperating"] == plan["partners"] == ["指挥部", "区规自局"]  # the plan's
    result = ok(
        run(
            "assign",
            "2.2",
            "--unit",
            "城市更新办",
            "--cooperating",
            "区规自局、规划所",
            "--cooperating",
            "规划所",
            "-f",
            "json",
            now="2024-03-04",
        )
    )
    fields = {e["field"]: e["new"] for e in result.json()["events"]}
    assert fields == {"unit": "城市更新办", "cooperating": ["区规自局", "规划所"]}
    shown = ok(run("show", "2.2", "-f", "json")).json()
    assert shown["own_cooperating"] == shown["cooperating"] == ["区规自局", "规划所"]
    table = ok(run("show", "2.2")).stdout
    assert "区规自局, 规划所 (the plan says 指挥部, 区规自局)" in table
    ok(run("assign", "2.2", "--cooperating", "none", now="2024-03-05"))
    assert ok(run("show", "2.2", "-f", "json")).json()["cooperating"] == ["指挥部", "区规自局"]
    ok(run("assign", "2.2", "--cooperating", "", now="2024-03-05"))
    assert ok(run("show", "2.2", "-f", "json")).json()["cooperating"] == []
    ok(run("undo", now="2024-03-06"))
    assert ok(run("show", "2.2", "-f", "json")).json()["cooperating"] == ["指挥部", "区规自局"]
    ok(run("assign", "2.2", "--unit", "none", now="2024-03-06"))
    assert ok(run("show", "2.2", "-f", "json")).json()["unit"] is None
    assert ok(run("doctor")).exit_code == 0


def test_list_unit_finds_what_a_unit_leads_or_cooperates_on(run: Run) -> None:
    ok(run("assign", "1.1", "--to", "王芳", "--unit", "經濟服務辦", now="2024-03-04"))
    ok(run("assign", "1.5", "--cooperating", "经济服务办", now="2024-03-04"))
    found = ok(run("list", "--unit", "经济服务办", "-f", "json")).json()
    assert [t["id"] for t in found] == ["1.1", "1.5"]  # traditional characters match too
    partners = ok(run("list", "--unit", "区规自局", "-f", "json")).json()
    assert partners and all("区规自局" in t["cooperating"] for t in partners)


def test_a_store_written_before_units_and_lights_keeps_its_meaning(
    run: Run, store_path: Path
) -> None:
    ok(run("assign", "1.2", "--to", "王芳", "--unit", "经济服务办", now="2024-03-04"))
    data = json.loads(store_path.read_text(encoding="utf-8"))
    for task in data["tasks"].values():  # as the previous version wrote them
        for name in ("cooperating", "plan_unit", "plan_start"):
            task.pop(name, None)
    for plan in data["plans"].values():
        plan.pop("yellow_lag", None)
        plan.pop("red_lag", None)
    store_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    shown = ok(run("show", "1.2", "-f", "json", now="2024-03-08")).json()
    assert (shown["unit"], shown["cooperating"]) == ("经济服务办", [])
    assert ok(run("show", "2.2", "-f", "json")).json()["cooperating"] == ["指挥部", "区规自局"]
    assert ok(run("doctor")).exit_code == 0
    again = ok(run("load", "--format", "json", now="2024-03-08")).json()
    assert again["changed"] == [] and again["unchanged"] == 40


# ---------------------------------------------------------------- CSV for Excel and WPS


def _lianta(args: list[str], tmp_path: Path, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIANTA_")}
    env.update(LIANTA_DB=str(tmp_path / "store.json"), LIANTA_NOW="2024-03-08")
    if not (tmp_path / "store.json").exists():  # a store named by LIANTA_DB must exist
        subprocess.run([str(LIANTA), "load"], env=env, timeout=60, check=True, capture_output=True)
    return subprocess.run([str(LIANTA), *args], env=env, timeout=60, check=False, **kwargs)


BOM = b"\xef\xbb\xbf"


def test_csv_into_a_file_starts_with_the_mark_and_into_a_pipe_does_not(tmp_path: Path) -> None:
    target = tmp_path / "tasks.csv"
    with target.open("wb") as out:
        assert _lianta(["list", "--format", "csv"], tmp_path, stdout=out).returncode == 0
    assert target.read_bytes().startswith(BOM + b"ID,")
    piped = _lianta(["list", "--format", "csv"], tmp_path, capture_output=True)
    assert piped.stdout.startswith(b"ID,")
    asked = _lianta(["summary", "--format", "csv", "--bom"], tmp_path, capture_output=True)
    assert asked.stdout.startswith(BOM)
    with target.open("wb") as out:
        _lianta(["history", "--format", "csv", "--no-bom"], tmp_path, stdout=out)
    assert target.read_bytes().startswith(b"Event,")


def test_a_weekly_csv_file_has_the_mark_and_other_formats_refuse_it(
    run: Run, tmp_path: Path
) -> None:
    target = tmp_path / "w10.csv"
    ok(run("report", "weekly", "--format", "csv", "--output", str(target), now="2024-03-08"))
    assert target.read_bytes().startswith(BOM + b"Index no.,")
    result = run("list", "--format", "json", "--bom")
    assert result.exit_code == 2 and "--bom and --no-bom are for --format csv" in result.stderr


def test_the_chinese_csv_headers_read_back(tmp_path: Path) -> None:
    target = tmp_path / "tasks.csv"
    with target.open("wb") as out:
        _lianta(["list", "--format", "csv", "--lang", "zh"], tmp_path, stdout=out)
    text = target.read_bytes().decode("utf-8-sig")
    assert text.startswith(
        "编号,指数序号,指数代码,任务,任务（英文）,状态,进度,负责人,牵头单位,配合单位"
    )
    edited = tmp_path / "edited.csv"
    edited.write_bytes(
        text.replace("\n1.1,", "\n1.1,", 1)
        .replace(",todo,0,", ",in_progress,5,", 1)
        .encode("gb18030")
    )
    done = _lianta(
        ["import", str(edited), "--dry-run", "-f", "json"], tmp_path, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    changes = json.loads(done.stdout)["changes"]
    assert [(c["id"], c["field"], c["new"]) for c in changes] == [
        ("1.1", "status", "in_progress"),
        ("1.1", "progress", 5),
    ]
