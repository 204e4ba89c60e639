"""The per-index counts saved with the tasks (`counts`): always those of the tasks saved, and
`summary` made from them the same as `summary` made from every task."""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

from conftest import PLAN_2024, Run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianta_cli import counts
from lianta_cli.segments import split_tables

NOW = "2024-03-08T17:00:00"
TODAYS = ["2024-01-02T09:00:00", NOW, "2024-06-30T18:00:00", "2025-01-05T08:00:00"]


def saved_counts(store: Path) -> dict[str, Any]:
    data = json.loads(store.read_bytes())
    table = data[counts.TABLE]["1"]
    assert table["tasks"] == data["checks"]["1"]["tasks"]  # made from the tasks saved
    recounted = counts.canonical(counts.count(data["tasks"].values()))
    assert json.dumps(table["plans"]) == json.dumps(recounted)  # the same bytes, too
    return dict(table["plans"])


def without_counts(store: Path) -> Path:
    """The same store as one line of JSON with no counts table: read whole, counted afresh."""
    data = json.loads(store.read_bytes())
    data.pop(counts.TABLE)
    data.pop("checks")
    plain = store.with_name("plain.json")
    plain.write_text(json.dumps(data, ensure_ascii=False))
    return plain


def assert_summaries_agree(run: Run, store: Path) -> None:
    plain = without_counts(store)
    for now in TODAYS:
        kept = run("summary", "-f", "json", now=now)
        counted = run("summary", "-f", "json", now=now, env={"LIANTA_DB": str(plain)})
        assert kept.exit_code == counted.exit_code == 0
        assert kept.json() == counted.json()


COMMANDS = st.sampled_from(
    [
        ["assign", "1.1", "2.3", "--to", "王芳"],
        ["assign", "3.4", "--to", "Wang Li", "--unit", "经发办"],
        ["unassign", "2.3"],
        ["update", "1.1", "--progress", "40"],
        ["update", "1.2", "--status", "blocked", "--note", "等待回复"],
        ["update", "1.2", "--status", "in_progress"],
        ["update", "3.4", "--due", "2024-02-01"],
        ["update", "3.4", "--due", "none"],
        ["update", "4.2", "--due", "2024-12-01", "--progress", "10"],
        ["done", "2.3", "5.1"],
        ["update", "5.1", "--progress", "90"],
        ["note", "6.1", "巡查"],
        ["undo"],
        ["update", "9.9", "--progress", "5"],
    ]
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(COMMANDS, min_size=1, max_size=8))
def test_counts_follow_every_change(steps: list[list[str]], run: Run, store_path: Path) -> None:
    for old in store_path.parent.glob(store_path.name + "*"):  # the last example's store
        old.unlink()
    assert run("load", now=NOW).exit_code == 0
    saved_counts(store_path)
    for step in steps:
        run(*step, now=NOW)
        saved_counts(store_path)
    assert_summaries_agree(run, store_path)


def test_counts_follow_a_reloaded_plan(run: Run, store_path: Path, tmp_path: Path) -> None:
    """Tasks that leave the plan are counted out, and counted in again when they return."""
    assert run("done", "1.1", now=NOW).exit_code == 0
    assert run("assign", "2.1", "--to", "王芳", now=NOW).exit_code == 0
    shorter = tmp_path / "plan.yaml"
    text = PLAN_2024.read_text(encoding="utf-8")
    start = text.index('      - id: "1.1"')
    end = text.index('      - id: "1.2"')
    shorter.write_text(text[:start] + text[end:], encoding="utf-8")
    assert run("load", str(shorter), now=NOW).exit_code == 0
    assert saved_counts(store_path)["2024"]["1"]["total"] == 4
    assert_summaries_agree(run, store_path)
    assert run("load", now=NOW).exit_code == 0
    assert saved_counts(store_path)["2024"]["1"]["done"] == 1
    assert_summaries_agree(run, store_path)


def test_counts_of_other_tasks_are_not_used_and_are_made_anew(run: Run, store_path: Path) -> None:
    """Counts that do not name the checksum of the tasks read (the tasks were changed by
    something that did not count them) are left aside: summary counts every task."""
    assert run("assign", "1.1", "--to", "王芳", now=NOW).exit_code == 0
    data = json.loads(store_path.read_bytes())
    data[counts.TABLE]["1"]["plans"]["2024"]["1"]["total"] = 99  # wrong, and not trusted:
    data[counts.TABLE]["1"]["tasks"] += 1  # it names other tasks
    lines = split_tables(store_path.read_bytes())
    assert lines is not None
    segment = json.dumps(data[counts.TABLE], ensure_ascii=False, separators=(",", ":"))
    data["checks"]["1"][counts.TABLE] = zlib.crc32(segment.encode())
    store_path.write_bytes(
        b"{"
        + b",\n".join(
            f'"{name}":'.encode()
            + (
                segment.encode()
                if name == counts.TABLE
                else json.dumps(data[name], separators=(",", ":")).encode()
                if name == "checks"
                else lines[name]
            )
            for name in data
        )
        + b"}\n"
    )
    summary = run("summary", "-f", "json", now=NOW).json()
    assert summary["indices"][0]["total"] == 5
    assert run("doctor", now=NOW).exit_code == 0  # stale counts are not damage
    assert run("update", "1.2", "--progress", "5", now=NOW).exit_code == 0
    assert saved_counts(store_path)["2024"]["1"]["total"] == 5


def test_counts_edited_without_their_checksum_are_counted_again(run: Run, store_path: Path) -> None:
    assert run("assign", "1.1", "--to", "王芳", now=NOW).exit_code == 0
    raw = store_path.read_bytes()
    counts_line = raw.index(b'"counts":')
    edited = raw[:counts_line] + raw[counts_line:].replace(b'"total":5,', b'"total":9,', 1)
    assert edited != raw
    store_path.write_bytes(edited)
    summary = run("summary", "-f", "json", now=NOW).json()
    assert summary["indices"][0]["total"] == 5
    assert summary["total"]["total"] == 40


def test_doctor_finds_counts_that_claim_the_tasks_but_disagree(run: Run, store_path: Path) -> None:
    assert run("assign", "1.1", "--to", "王芳", now=NOW).exit_code == 0
    data = json.loads(store_path.read_bytes())
    data[counts.TABLE]["1"]["plans"]["2024"]["1"]["unassigned"] = 0
    lines = split_tables(store_path.read_bytes())
    assert lines is not None
    segment = json.dumps(data[counts.TABLE], ensure_ascii=False, separators=(",", ":")).encode()
    data["checks"]["1"][counts.TABLE] = zlib.crc32(segment)
    parts = [
        f'"{name}":'.encode()
        + (
            segment
            if name == counts.TABLE
            else json.dumps(data[name], separators=(",", ":")).encode()
            if name == "checks"
            else lines[name]
        )
        for name in data
    ]
    store_path.write_bytes(b"{" + b",\n".join(parts) + b"}\n")
    result = run("doctor", now=NOW)
    assert result.exit_code == 1
    assert "the counts table does not agree with the tasks" in result.stdout + result.stderr


DOC = {
    "plan": 2024,
    "index": 3,
    "status": "in_progress",
    "progress": 40,
    "assignee": None,
    "due": None,
    "plan_due": "2024-06-30",
}
DONE = {**DOC, "status": "done", "progress": 100, "assignee": "王芳"}


def test_counting_a_task_out_undoes_counting_it_in() -> None:
    both = counts.count([DOC, DONE])
    counts.add(both, DOC, -1)
    assert both == counts.count([DONE])
    counts.add(both, DONE, -1)
    assert both == {}
    assert counts.count([{**DOC, "archived": True}]) == {}


def test_overdue_from_counts_uses_each_due_date_or_the_plan_end() -> None:
    figures = counts.count([DOC, DONE, {**DOC, "plan_due": None}])["2024"]["3"]
    assert figures["open_due"] == {"2024-06-30": 1, "": 1}
    assert counts.overdue(figures, "2024-12-31", "2024-06-30") == 0
    assert counts.overdue(figures, "2024-12-31", "2024-07-01") == 1
    assert counts.overdue(figures, "2024-12-31", "2025-01-01") == 2


def counted_one_by_one(docs: list[dict[str, Any]]) -> counts.Counts:
    folded: counts.Counts = {}
    for doc in docs:
        counts.add(folded, doc)
    return folded


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "plan": st.sampled_from([2024, 2025]),
                "index": st.integers(1, 4),
                "status": st.sampled_from([*counts.STATUS_KEYS, "odd"]),
                "progress": st.integers(0, 100),
                "assignee": st.sampled_from([None, "", "王芳"]),
            },
            # Fields the store does not check may be missing, of any type, or unhashable
            optional={
                "due": st.sampled_from([None, "", "2024-05-01"]),
                "plan_due": st.sampled_from([None, "2024-06-30", "2024-02-01", 1, 1.0, True]),
                "archived": st.sampled_from([False, True, 0, 1.0, None, [], ["x"]]),
            },
        ),
        max_size=30,
    )
)
def test_counting_all_at_once_is_counting_one_by_one(docs: list[dict[str, Any]]) -> None:
    at_once = counts.count(docs)
    assert at_once == counted_one_by_one(docs)
    assert json.dumps(at_once) == json.dumps(counted_one_by_one(docs))  # in the same order too


def test_equal_values_of_other_types_are_counted_as_add_counts_them() -> None:
    # 1, 1.0 and True are one value to a tally, but three due dates to `add` ("1", "1.0", "True")
    alike = [{**DOC, "archived": False, "plan_due": due} for due in (1, 1.0, True, 1)]
    assert counts.count(alike) == counted_one_by_one(alike)
    assert counts.count(alike)["2024"]["3"]["open_due"] == {"1": 2, "1.0": 1, "True": 1}
