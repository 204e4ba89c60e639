"""`lianta report`: the leadership's report on a week, a month, a quarter or any days.

Run against the first quarter of 2024 replayed through the real CLI (tests/test_report.py's
replay): the report is the weekly report's replay over another period, opens with its headline,
and its figures and charts say what `summary` says on the same day.
"""

from __future__ import annotations

import html
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import Run
from test_report import END_OF_W10, QUARTER, replay

END_OF_MARCH = "2024-03-29T18:00"  # after the quarter's last change, while March runs
LATER = "2025-06-01"


@pytest.fixture(scope="module")
def quarter(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The store after 2024-W10 (Sunday 10 March), and after the quarter."""
    folder = tmp_path_factory.mktemp("quarter")
    db = folder / "lianta.json"
    replay(db, QUARTER[:END_OF_W10])
    w10 = folder / "after-w10.json"
    shutil.copyfile(db, w10)
    replay(db, QUARTER[END_OF_W10:])
    return {"w10": w10, "all": db}


@pytest.fixture
def worked(quarter: dict[str, Path], store_path: Path) -> Path:
    shutil.copyfile(quarter["all"], store_path)
    return store_path


def report_json(run: Run, *args: str, now: str = LATER) -> dict[str, Any]:
    result = run("report", *args, "--format", "json", now=now)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = result.json()
    return data


# ---------------------------------------------------------------- the periods


def test_a_month_and_a_quarter_are_their_calendar_days(run: Run, worked: Path) -> None:
    month = report_json(run, "--month", "2024-03")
    assert month["period"] == {
        "start": "2024-03-01",
        "end": "2024-03-31",
        "week": None,
        "month": "2024-03",
        "quarter": None,
        "kind": "month",
    }
    assert [point["day"] for point in month["burnup"]][:3] == [
        "2024-02-29",  # where the month started: the end of the day before
        "2024-03-01",
        "2024-03-02",
    ]
    assert len(month["burnup"]) == 32
    quarter = report_json(run, "--quarter", "2024-q1")
    assert quarter["period"]["quarter"] == "2024-Q1"
    days = [point["day"] for point in quarter["burnup"]]
    assert days[0] == "2023-12-31" and days[-1] == "2024-03-31"
    assert all(date.fromisoformat(day).isoweekday() == 7 for day in days)
    assert len(days) == 1 + 13  # the quarter's thirteen Sundays, the last of them 31 March


def test_the_report_is_the_weekly_replay_over_its_period(run: Run, worked: Path) -> None:
    """The same replay as `report weekly` over the same days: every section and figure."""
    period = report_json(run, "--quarter", "2024-Q1")
    weekly = run(
        "report",
        "weekly",
        "--since",
        "2024-01-01",
        "--until",
        "2024-03-31",
        "-f",
        "json",
        now=LATER,
    ).json()
    for key, value in weekly.items():
        if key != "period":
            assert period[key] == value, key
    week = report_json(run, "--week", "2024-W10")
    assert (
        week["indices"]
        == run("report", "weekly", "--week", "2024-W10", "-f", "json", now=LATER).json()["indices"]
    )
    csv_text = run("report", "--week", "2024-W10", "-f", "csv", now=LATER).stdout
    assert csv_text == run("report", "weekly", "--week", "2024-W10", "-f", "csv", now=LATER).stdout


def test_with_no_period_the_report_covers_this_week(run: Run, worked: Path) -> None:
    data = report_json(run, now="2024-03-06T12:00")
    assert data["period"]["week"] == "2024-W10" and data["as_of"] == "2024-03-06"


def test_the_burnup_replays_the_history_day_by_day(run: Run, worked: Path) -> None:
    """6.3 done on 1 March, undone on 4 March; 2.7 done on 7 March (tests/test_report.py)."""
    data = report_json(run, "--since", "2024-02-28", "--until", "2024-03-08")
    done = {point["day"]: point["done"] for point in data["burnup"]}
    assert done["2024-03-01"] == done["2024-02-29"] + 1
    assert done["2024-03-04"] == done["2024-03-03"] - 1
    assert done["2024-03-07"] == done["2024-03-06"] + 1
    assert {point["tasks"] for point in data["burnup"]} == {40}
    elapsed = [point["elapsed"] for point in data["burnup"]]
    assert elapsed == sorted(elapsed) and 0 < elapsed[0] < elapsed[-1] < 100


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2024-13"], "--month 2024-13: no such month"),
        (["--month", "March"], "--month March: not a month; use YYYY-MM"),
        (["--quarter", "2024-Q5"], "--quarter 2024-Q5: no such quarter"),
        (["--quarter", "Q1"], "--quarter Q1: not a quarter"),
        (["--month", "2024-03", "--quarter", "2024-Q1"], "give one period"),
        (["--month", "2024-03", "--since", "2024-03-01"], "cannot be combined"),
        (["--month", "2024-04"], "has not begun"),
        (["--format", "table"], "--format table: use one of md, json, csv, html, pdf"),
        (["--format", "md", "--bom"], "--bom and --no-bom are for --format csv"),
        (["--week", "2024-W10", "weekly"], "--week go after 'weekly', not before it"),
    ],
)
def test_bad_periods_are_one_line_errors(
    run: Run, worked: Path, args: list[str], message: str
) -> None:
    result = run("report", *args, now="2024-03-20")
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


# ---------------------------------------------------------------- the headline


def test_the_report_opens_with_its_headline(run: Run, worked: Path) -> None:
    text = run("report", "--month", "2024-03", now=END_OF_MARCH).stdout
    lines = text.split("\n\n")
    assert lines[0] == "# Monthly report 2024-03"
    assert lines[1].endswith("2024-03-01 to 2024-03-31 · as of 2024-03-29")
    total = run("summary", "--format", "json", now=END_OF_MARCH).json()["total"]
    headline = lines[2]
    assert headline.startswith(
        f"By 2024-03-29, {total['done']} of {total['total']} tasks are done "
        f"({total['percent_done']}%) and average progress is {total['progress']}%, against "
    )
    sentences = re.findall(r"[^.]+\.(?:\s|$)", headline.replace("No.", "No"))
    assert 3 <= len(sentences) <= 5, sentences
    data = report_json(run, "--month", "2024-03", now=END_OF_MARCH)
    facts = data["headline"]
    assert [e["id"] for e in facts["completed"]] == [e["id"] for e in data["completed"]]
    for entry in facts["completed"][:3]:
        assert entry["id"] + " " + entry["title_en"] in headline
    behind = [row["index"] for row in data["summary"]["indices"] if row["red"]]
    assert [row["index"] for row in facts["behind"]] == sorted(
        behind, key=lambda n: -data["summary"]["indices"][n - 1]["red"]
    )
    assert ("Behind schedule by the lights" in headline) == bool(behind)


def test_newly_blocked_says_for_how_long(run: Run, worked: Path) -> None:
    """1.4 was blocked on 6 March and is still blocked on the 10th."""
    data = report_json(run, "--week", "2024-W10")
    assert data["headline"]["newly_blocked"] == [
        {
            "id": "1.4",
            "title": data["blocked"][0]["title"],
            "title_en": "Step up investment promotion in key sectors",
            "since": "2024-03-06",
            "days": 4,
        }
    ]
    text = run("report", "--week", "2024-W10", now=LATER).stdout
    assert "Newly blocked: 1.4 Step up investment promotion in key sectors (for 4 days)." in text
    zh = run("report", "--week", "2024-W10", "--lang", "zh", now=LATER).stdout
    assert "新增受阻：1.4 " in zh and "（已 4 天）" in zh


def test_the_assignments_are_condensed_to_a_line_per_person(run: Run, worked: Path) -> None:
    weekly = run("report", "weekly", "--week", "2024-W10", now=LATER).stdout
    period = run("report", "--week", "2024-W10", now=LATER).stdout

    def section(text: str, title: str) -> list[str]:
        block = text.split("## " + title)[1].split("\n\n")[1]
        return block.splitlines()

    assert len(section(weekly, "Newly assigned (5)")) == 5
    assert section(period, "Newly assigned (5)") == [
        "- 李娜 (城市更新办): 2.4, 2.5",
        "- 周婷 (文旅服务中心): 3.4 (was 陈静)",
        "- 黄磊 (城市管理办): 6.4, 6.5",
    ]
    assert len(section(weekly, "Open tasks with nobody assigned (8)")) == 8
    assert section(period, "Open tasks with nobody assigned (8)") == [
        "- 2.9, 2.10, 3.8, 3.9, 3.10, 4.6, 4.7, 5.3"
    ]
    assert len(period.splitlines()) < len(weekly.splitlines())


# ---------------------------------------------------------------- the same numbers as summary


def _attributes(page: str, name: str) -> list[str]:
    return [html.unescape(v) for v in re.findall(rf'{name}="([^"]*)"', page)]


@pytest.mark.parametrize(("store", "now"), [("all", END_OF_MARCH), ("w10", "2024-03-10T20:00")])
def test_the_figures_and_charts_are_the_summarys(
    run: Run, quarter: dict[str, Path], store_path: Path, store: str, now: str
) -> None:
    """On the day the report is judged, its figures, its chart series and the numbers its HTML
    page draws are what `summary` and `summary --by unit` say."""
    shutil.copyfile(quarter[store], store_path)
    summary = run("summary", "--format", "json", now=now).json()
    units = run("summary", "--by", "unit", "--format", "json", now=now).json()
    data = report_json(run, "--month", "2024-03", now=now)
    assert data["summary"] == {"indices": summary["indices"], "total": summary["total"]}
    assert data["units"] == units["units"]
    last = data["burnup"][-1]
    assert last["day"] == summary["as_of"]
    assert (last["tasks"], last["done"]) == (summary["total"]["total"], summary["total"]["done"])
    assert last["percent_done"] == summary["total"]["percent_done"]
    assert last["progress"] == summary["total"]["progress"] == data["total"]["progress_end"]
    for series, row, figures in zip(
        data["index_progress"], summary["indices"], data["indices"], strict=True
    ):
        assert series["progress"][-1] == row["progress"] == figures["progress_end"]
        assert series["progress"][0] == figures["progress_start"]
        assert [figures[k] for k in ("red", "yellow", "green")] == [
            row[k] for k in ("red", "yellow", "green")
        ]
    page = run("report", "--month", "2024-03", "--format", "html", now=now).stdout
    assert _attributes(page, "data-progress")[0] == str(summary["total"]["progress"])
    assert _attributes(page, "data-percent-done") == [str(summary["total"]["percent_done"])]
    statuses = [
        " ".join(str(row[s]) for s in ("done", "in_progress", "blocked", "todo"))
        for row in summary["indices"]
    ]
    assert _attributes(page, "data-statuses") == statuses
    assert _attributes(page, "data-lights") == [
        f"{row['red']} {row['yellow']} {row['green']}" for row in units["units"]
    ]
    assert _attributes(page, "data-progress")[1:] == [
        str(row["progress"]) for row in summary["indices"]
    ]


# ---------------------------------------------------------------- the HTML page


def test_the_page_is_self_contained_and_the_same_bytes_each_time(run: Run, worked: Path) -> None:
    first = run("report", "--month", "2024-03", "-f", "html", now=LATER).stdout
    assert first == run("report", "--month", "2024-03", "-f", "html", now=LATER).stdout
    lowered = first.lower()
    for outside in (
        "http:",
        "https:",
        "//",
        "src=",
        "href=",
        "url(",
        "@import",
        "<script",
        "<link",
    ):
        assert outside not in lowered, outside
    assert first.count('<svg class="plot"') == 1
    assert first.count('<figure class="chart"') == 4
    assert "Microsoft YaHei" in first and "PingFang SC" in first and "Noto Sans CJK SC" in first
    assert "@page { size: A4" in first and "break-before: page" in first


def test_the_page_follows_the_interface_language(run: Run, worked: Path) -> None:
    page = run("report", "--month", "2024-03", "-f", "html", "--lang", "zh", now=LATER).stdout
    assert '<html lang="zh-CN"' in page
    assert "<h1>月度报告 2024-03</h1>" in page
    assert "截至 2024-03-31，40 项任务已完成" in page
    assert "产业经济发展指数" in page
    english = run("report", "--month", "2024-03", "-f", "html", now=LATER).stdout
    assert not re.search(
        r"[\u4e00-\u9fff]",
        english.split('<section id="details">')[0].split('<figure class="chart" id="chart-units">')[
            0
        ],
    )


def test_notes_and_names_are_text_in_the_page(run: Run, store_path: Path) -> None:
    now = "2024-05-07T10:00"
    assert (
        run("assign", "1.1", "--to", "<b>王伟</b>", "--unit", "<i>办</i>", now=now).exit_code == 0
    )
    note = '<script>alert(1)</script><img src=x onerror=alert(2)> & "quotes"'
    assert run("update", "1.1", "-s", "blocked", "--note", note, now=now).exit_code == 0
    page = run("report", "--week", "2024-W19", "-f", "html", now=now).stdout
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert "&lt;b&gt;王伟&lt;/b&gt;" in page and "&lt;i&gt;办&lt;/i&gt;" in page


def test_output_writes_the_page_whole(run: Run, worked: Path, tmp_path: Path) -> None:
    target = tmp_path / "march.html"
    result = run("report", "--month", "2024-03", "-f", "html", "-o", str(target), now=LATER)
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == f"wrote {target}\n"
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_pdf_without_chromium_says_what_to_do(run: Run, worked: Path, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    target = tmp_path / "march.pdf"
    result = run(
        "report", "--month", "2024-03", "-f", "pdf", "-o", str(target),
        now=LATER, env={"PATH": str(empty)},
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "Chromium, Chrome or Edge" in result.stderr and "--format html" in result.stderr
    assert not target.exists()


def test_a_browser_named_that_is_not_there_is_refused(
    run: Run, worked: Path, tmp_path: Path
) -> None:
    target = tmp_path / "march.pdf"
    result = run(
        "report", "--month", "2024-03", "-f", "pdf", "-o", str(target),
        now=LATER, env={"LIANTA_BROWSER": "no-such-browser"},
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        "lianta: LIANTA_BROWSER is no-such-browser, which is not a program found on PATH\n"
    )
    assert not target.exists()
