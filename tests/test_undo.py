"""`undo` says what it undoes (who, when, what), can show it first, and does not reach back past
a plan load unless asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Result, Run


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    return result


@pytest.mark.file_engine  # LIANTA_USER as the author; a database records its login
def test_undo_names_the_change_its_author_and_its_time(run: Run) -> None:
    ok(run("assign", "1.1", "--to", "王芳", "--unit", "经济服务办", now="2024-03-04T09:00"))
    ok(run("note", "3.2", "等待选址", now="2024-03-04T10:30", env={"LIANTA_USER": "alice"}))
    result = ok(run("undo", "--anyone", now="2024-03-04T11:00", env={"LIANTA_USER": "bob"}))
    assert result.stderr == (
        "undid change 3 — note 3.2 (note) by alice at 2024-03-04 10:30; recorded as change 4\n"
    )
    again = ok(run("undo", now="2024-03-04T11:01"))
    assert "undid change 2 — assign 1.1 (lead unit, assignee) by tester at 2024-03-04 09:00" in (
        again.stderr
    )
    zh = run("--lang", "zh", "undo", "--dry-run", now="2024-03-04T11:02")
    assert zh.exit_code == 2 and "没有可撤销" in zh.stderr


def test_undo_dry_run_shows_and_changes_nothing(run: Run, store_path: Path) -> None:
    ok(run("done", "1.3", now="2024-03-08T17:00"))
    before = store_path.read_bytes()
    shown = ok(run("undo", "--dry-run", now="2024-03-08T17:05"))
    assert shown.stderr == (
        "would undo change 2 — done 1.3 (status, progress) by tester at 2024-03-08 17:00\n"
    )
    assert store_path.read_bytes() == before
    data = ok(run("undo", "--dry-run", "--format", "json", now="2024-03-08T17:05")).json()
    assert data["dry_run"] is True and data["change"] == 0 and data["events"] == []
    assert data["undone"] == {
        "change": 2,
        "at": "2024-03-08T17:00:00",
        "by": "tester",
        "action": "done",
        "plan": 2024,
        "tasks": ["1.3"],
        "fields": ["status", "progress"],
    }


def test_undo_does_not_reach_back_past_a_plan_load(
    run: Run, store_path: Path, tmp_path: Path
) -> None:
    ok(run("note", "1.1", "before the load", now="2024-03-04T09:00"))
    plan = (Path(__file__).resolve().parent.parent / "plans" / "2024.yaml").read_text("utf-8")
    edited = tmp_path / "2024.yaml"
    renamed = plan.replace("推动打造行业产业园区\n", "推动打造行业产业园区(修订)\n", 1)
    edited.write_text(renamed, "utf-8")
    ok(run("load", str(edited), now="2024-03-05T09:00"))
    before = store_path.read_bytes()
    refused = run("undo", now="2024-03-05T10:00")
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    assert "change 2" in refused.stderr and "plan load (change 3)" in refused.stderr
    assert "--before-load" in refused.stderr
    assert store_path.read_bytes() == before
    done = ok(run("undo", "--before-load", now="2024-03-05T10:00"))
    assert done.stderr.startswith("undid change 2 — note 1.1 (note) by tester")
    assert ok(run("show", "1.1", "-f", "json")).json()["notes"] == []
