"""The history is the truth, in any order the commands come: a change dated before the latest
one is refused (docs/status-rules.md), so the weekly report replayed from the history agrees
with `list` and `summary` whatever the clock did; and the numbering of changes cannot be
turned back."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from helpers_robust import assert_one_line_error, call_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MONDAY = datetime(2024, 3, 4, 9, 0)


def _env(store: Path, now: str) -> dict[str, str]:
    return {"LIANTA_DB": str(store), "LIANTA_NOW": now, "LIANTA_USER": "tester"}


def _json(store: Path, now: str, *args: str) -> Any:
    code, out, err = call_cli([*args, "--format", "json"], _env(store, now))
    assert code == 0, (args, err)
    return json.loads(out)


def test_a_back_dated_change_is_refused_and_the_report_agrees(tmp_path: Path) -> None:
    store = tmp_path / "store.json"
    assert call_cli(["load"], _env(store, "2024-03-04T09:00"))[0] == 0
    assert call_cli(["update", "1.2", "-p", "60"], _env(store, "2024-03-11T09:00"))[0] == 0
    before = store.read_bytes()
    code, _out, err = call_cli(["done", "1.2"], _env(store, "2024-03-08T17:00"))
    assert code == 2
    assert_one_line_error(err, "LIANTA_NOW=2024-03-08T17:00:00", "2024-03-11T09:00:00")
    assert store.read_bytes() == before
    assert call_cli(["done", "1.2"], _env(store, "2024-03-11T09:00"))[0] == 0  # the same time
    report = _json(store, "2024-03-15", "report", "weekly", "--week", "2024-W11")
    summary = _json(store, "2024-03-15", "summary")
    assert report["total"]["done_end"] == summary["total"]["done"] == 1
    assert report["progress"][0]["to"] == 100


COMMANDS = st.one_of(
    st.tuples(st.just("update"), st.sampled_from(["1.1", "1.2", "2.3"]), st.integers(0, 100)),
    st.tuples(st.just("done"), st.sampled_from(["1.1", "1.2", "2.3"]), st.just(0)),
    st.tuples(st.just("block"), st.sampled_from(["1.1", "2.3"]), st.just(0)),
    st.tuples(st.just("assign"), st.sampled_from(["1.2", "2.3"]), st.integers(0, 2)),
    st.tuples(st.just("undo"), st.just(""), st.just(0)),
)


def _args(command: tuple[str, str, int]) -> list[str]:
    kind, task, number = command
    if kind == "update":
        return ["update", task, "--progress", str(number)]
    if kind == "done":
        return ["done", task]
    if kind == "block":
        return ["update", task, "--status", "blocked", "--note", "等待批复"]
    if kind == "assign":
        return ["assign", task, "--to", ("王芳", "李明", "陈静")[number]]
    return ["undo"]


def _figures(summary: dict[str, Any]) -> list[tuple[int, float]]:
    """Done tasks and average progress per index, then for the whole plan."""
    rows = [*summary["indices"], summary["total"]]
    return [(row["done"], row["progress"]) for row in rows]


def _report_figures(report: dict[str, Any], end: str) -> list[tuple[int, float]]:
    rows = [*report["indices"], report["total"]]
    return [(row[f"done_{end}"], row[f"progress_{end}"]) for row in rows]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 20 * 24), COMMANDS),  # hours after Monday 4 March 2024
        min_size=2,
        max_size=10,
    )
)
def test_random_histories_agree_with_the_report_in_any_order(
    steps: list[tuple[int, tuple[str, str, int]]],
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="lianta-order-"))
    try:
        store = folder / "store.json"
        first = MONDAY.isoformat(timespec="seconds")
        assert call_cli(["load"], _env(store, first))[0] == 0
        latest = first
        snapshots = [(first, _figures(_json(store, first, "summary")))]
        for hours, command in steps:
            now = (MONDAY + timedelta(hours=hours)).isoformat(timespec="seconds")
            before = store.read_bytes()
            code, _out, err = call_cli(_args(command), _env(store, now))
            if now < latest:  # back-dated: never recorded (refused, unless nothing changes)
                assert store.read_bytes() == before, (command, now, latest)
                assert code == 2 or err == "nothing changed\n", err
                if "time order" in err:
                    assert_one_line_error(err, latest)
            if code != 0:
                assert code == 2 and store.read_bytes() == before, err
                continue
            if store.read_bytes() != before:
                latest = max(latest, now)
                snapshots.append((now, _figures(_json(store, now, "summary"))))
        last_day = (MONDAY + timedelta(days=21)).isoformat(timespec="seconds")
        assert call_cli(["doctor"], _env(store, last_day))[0] == 0
        events = _json(store, last_day, "history")
        assert [e["at"] for e in events] == sorted(e["at"] for e in events)
        for week in ("2024-W10", "2024-W11", "2024-W12", "2024-W13"):
            report = _json(store, last_day, "report", "weekly", "--week", week)
            start, end = report["period"]["start"], report["period"]["end"]
            at_start = [f for at, f in snapshots if at < start]
            at_end = [f for at, f in snapshots if at[:10] <= end]
            assert _report_figures(report, "end") == at_end[-1], week
            if at_start:
                assert _report_figures(report, "start") == at_start[-1], week
    finally:
        shutil.rmtree(folder)


def test_the_number_of_the_last_change_cannot_be_turned_back(tmp_path: Path) -> None:
    store = tmp_path / "store.json"
    env = _env(store, "2024-03-04T10:00")
    for args in (["load"], ["note", "1.1", "a"], ["note", "1.1", "b"], ["note", "1.1", "c"]):
        assert call_cli(args, env)[0] == 0
    data = json.loads(store.read_bytes())
    data["meta"]["1"]["last_change"] = 2  # the next change would be 3 again
    store.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = store.read_bytes()
    for args in (["note", "1.1", "d"], ["undo"], ["list"]):
        code, _out, err = call_cli(args, env)
        assert code == 1, (args, err)
        assert_one_line_error(err, "last change is recorded as 2", "change 4", "lianta doctor")
    assert store.read_bytes() == before
    code, out, _err = call_cli(["doctor"], env)
    assert code == 1 and "last_change is 2 but the history has change 4" in out


def test_doctor_finds_a_history_out_of_time_order(tmp_path: Path) -> None:
    store = tmp_path / "store.json"
    assert call_cli(["load"], _env(store, "2024-03-04T09:00"))[0] == 0
    for now in ("2024-03-04T10:00", "2024-03-05T10:00"):
        assert call_cli(["note", "1.1", now], _env(store, now))[0] == 0
    data = json.loads(store.read_bytes())
    last = max(data["history"], key=int)
    data["history"][last]["at"] = "2024-03-01T10:00:00"
    store.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, _err = call_cli(["doctor"], _env(store, "2024-03-06"))
    assert code == 1
    assert f"history event {last} is dated 2024-03-01T10:00:00, before the event ahead" in out
