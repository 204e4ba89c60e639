"""The plan keeps every sentence of its source: what an index sets out to achieve (its aim) is
data of the plan, in Chinese and English, validated like the rest and shown by `show`,
`summary` and the weekly report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import PLAN_2024, Result, Run

AIM_6 = "加强城区精细化管理,通过夯实基础、品质提升、细化管理,打造精致化街区"
"""The first sentence of section 六 of the source, which frames the tasks after it."""


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    return result


def plan_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(PLAN_2024.read_text(encoding="utf-8"))
    return data


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_bundled_plan_gives_index_6_the_aim_of_its_source() -> None:
    indices = {index["number"]: index for index in plan_data()["indices"]}
    assert indices[6]["aim"] == AIM_6
    assert indices[6]["aim_en"].startswith("Strengthen fine-grained management")
    sources = [task["source"] for index in indices.values() for task in index["tasks"]]
    assert AIM_6 not in sources  # a framing sentence, not a task


def test_show_summary_and_report_show_the_aim(run: Run) -> None:
    task = ok(run("show", "6.1", "--format", "json", now="2024-03-04")).json()
    assert task["index_aim"] == AIM_6 and task["index_aim_en"].startswith("Strengthen")
    plain = ok(run("show", "1.1", "--format", "json", now="2024-03-04")).json()
    assert plain["index_aim"] is None and plain["index_aim_en"] is None
    table = ok(run("show", "6.1", now="2024-03-04")).stdout
    assert "Aim" in table and "Strengthen fine-grained" in table
    assert AIM_6 in ok(run("--lang", "zh", "show", "6.1", now="2024-03-04")).stdout

    summary = ok(run("summary", "--format", "json", now="2024-03-04")).json()
    aims = {row["index"]: row["aim"] for row in summary["indices"]}
    assert aims == {1: None, 2: None, 3: None, 4: None, 5: None, 6: AIM_6}
    for fmt in ("table", "md"):
        text = ok(run("summary", "--format", fmt, now="2024-03-04")).stdout
        assert "6 Sanitation and civility: Strengthen fine-grained management" in text

    week = ok(run("report", "weekly", "--format", "json", now="2024-03-04")).json()
    assert [row["aim"] for row in week["indices"]] == [None] * 5 + [AIM_6]
    report = ok(run("report", "weekly", now="2024-03-04")).stdout
    head = report.split("## Progress by index")[1].split("\n## ")[0]
    assert "- 6 Sanitation and civility: Strengthen fine-grained management" in head
    zh = ok(run("--lang", "zh", "report", "weekly", now="2024-03-04")).stdout
    assert f"- 6 辖区卫生文明指数：{AIM_6}" in zh


def test_a_plan_without_aims_is_valid_and_shows_none(run: Run, tmp_path: Path) -> None:
    data = plan_data()
    for index in data["indices"]:
        index.pop("aim", None)
        index.pop("aim_en", None)
    plan = write(tmp_path / "plain.yaml", data)
    ok(run("validate", str(plan)))
    ok(run("load", str(plan), now="2024-03-04"))
    text = ok(run("summary", now="2024-03-04")).stdout
    assert "Strengthen" not in text


@pytest.mark.parametrize(
    ("aim", "aim_en", "says"),
    [
        ("两行\n文字", "x", "'aim' must be one line of text"),
        ("目标\u202e", "x", "'aim' holds the direction control U+202E"),
        ("目标\x07", "x", "'aim' holds the control character U+0007"),
        (2024, "x", "'aim' must be text, not the number 2024"),
        ("", "x", "'aim' must not be empty"),
        ("目标", None, "'aim' and 'aim_en' go together"),
        (None, "aim", "'aim' and 'aim_en' go together"),
    ],
)
def test_an_aim_is_validated_like_the_rest(
    run: Run, tmp_path: Path, aim: Any, aim_en: Any, says: str
) -> None:
    data = plan_data()
    index = data["indices"][0]
    for key, value in (("aim", aim), ("aim_en", aim_en)):
        if value is not None:
            index[key] = value
    result = run("validate", str(write(tmp_path / "bad.yaml", data)))
    assert result.exit_code == 2
    assert says in result.stderr, result.stderr


def test_an_edited_aim_is_loaded_with_the_plan(run: Run, tmp_path: Path) -> None:
    ok(run("load", now="2024-03-04"))
    data = plan_data()
    data["indices"][0]["aim"] = "推动产业转型升级"
    data["indices"][0]["aim_en"] = "Upgrade industry"
    plan = write(tmp_path / "p.yaml", data)
    loaded = ok(run("load", str(plan), "--format", "json", now="2024-03-05"))
    assert loaded.json()["plan_changed"] is True
    task = ok(run("show", "1.1", "--format", "json", now="2024-03-05")).json()
    assert (task["index_aim"], task["index_aim_en"]) == ("推动产业转型升级", "Upgrade industry")
