"""Inputs lianta accepted that it should not: one policy for all free text, repeated and
contradictory options, a due date outside the plan, text that looks like an option, and output
that cannot be written."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Result, Run


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    return result


def refused(result: Result, *needles: str) -> None:
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


# ---------------------------------------------------------------- one policy for all free text

UNFIT = {
    "an ANSI escape": "red \x1b[31malert",
    "a bell": "ring\x07",
    "a C1 control": "x\x9b31m",
    "a direction override": "\u202eevil",
    "a direction isolate": "a\u2067b",
    "a zero-width space": "王\u200b芳",
}
"""A tab is refused in a name or a unit too, but a note may hold one (see test_hostile)."""


@pytest.mark.parametrize("text", UNFIT.values(), ids=UNFIT.keys())
def test_notes_names_and_units_refuse_the_same_characters(
    run: Run, store_path: Path, text: str
) -> None:
    ok(run("assign", "1.1", "--to", "王芳", now="2024-03-04"))
    before = store_path.read_bytes()
    for args in (
        ("note", "1.1", text),
        ("update", "1.1", "--status", "blocked", "--note", text),
        ("done", "1.1", "--note", text),
        ("assign", "1.2", "--to", text),
        ("assign", "1.2", "--to", "王芳", "--unit", text),
    ):
        refused(run(*args, now="2024-03-05"), "U+")
    assert store_path.read_bytes() == before


def test_a_note_may_run_over_several_lines_and_a_name_may_not(run: Run) -> None:
    ok(run("note", "1.1", "第一行\n第二行", now="2024-03-04"))
    refused(run("assign", "1.1", "--to", "王\n芳", now="2024-03-04"), "U+000A", "line-break")
    refused(run("assign", "1.1", "--to", "王\t芳", now="2024-03-04"), "U+0009")


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200d\ufeff", " \u2060 "])
def test_a_name_of_invisible_characters_is_empty(run: Run, name: str) -> None:
    refused(run("assign", "1.1", "--to", name, now="2024-03-04"), "the name is empty")
    refused(run("note", "1.1", name, now="2024-03-04"), "the note is empty")


def test_lianta_user_follows_the_same_policy(run: Run) -> None:
    refused(run("note", "1.1", "x", env={"LIANTA_USER": "bob\x1b[31m"}), "LIANTA_USER")


def test_a_plan_refuses_the_same_characters(run: Run, tmp_path: Path) -> None:
    plan = (Path(__file__).resolve().parent.parent / "plans" / "2024.yaml").read_text("utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        plan.replace("推动打造行业产业园区\n", "推动打造\u202e行业产业园区\n", 1), "utf-8"
    )
    result = run("validate", str(bad))
    assert result.exit_code == 2
    assert "'title' holds the direction control U+202E" in result.stderr


def test_csv_shows_control_characters_already_in_a_store_as_text(
    run: Run, store_path: Path
) -> None:
    """A store written before this policy may hold them: CSV makes them visible, as tables do."""
    ok(run("note", "1.1", "PLACEHOLDER", now="2024-03-04"))
    raw = store_path.read_text(encoding="utf-8")
    store_path.write_text(raw.replace("PLACEHOLDER", "\\u001b[2J\\u202eevil"), encoding="utf-8")
    out = ok(run("history", "--format", "csv")).stdout
    assert "\x1b" not in out and "\u202e" not in out
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert any("\\x1b[2J\\u202eevil" in row for row in rows)


# ---------------------------------------------------------------- options given twice, filters


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("update", "1.1", "--progress", "10", "--progress", "20"), "--progress"),
        (("update", "1.1", "-p", "10", "--progress", "20"), "--progress"),
        (("assign", "1.1", "--to", "王芳", "--to", "李娜"), "--to"),
        (("list", "--sort", "due", "--sort", "id"), "--sort"),
        (("list", "--db", "a.json", "--db", "b.json"), "--db"),
        (("report", "weekly", "--week", "2024-W10", "-w", "2024-W11"), "--week"),
    ],
)
def test_an_option_of_one_value_given_twice_is_an_error(
    run: Run, args: tuple[str, ...], option: str
) -> None:
    refused(run(*args, now="2024-03-04"), option, "once")


def test_repeatable_options_may_repeat(run: Run) -> None:
    ok(run("list", "--status", "todo", "--status", "blocked", now="2024-03-04"))


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--unassigned", "--assignee", "王芳"),
        ("list", "--overdue", "--status", "done"),
    ],
    ids=" ".join,
)
def test_contradictory_filters_are_an_error(run: Run, args: tuple[str, ...]) -> None:
    refused(run(*args, now="2024-03-04"), "cannot")


# ---------------------------------------------------------------- a due date outside the plan


def test_a_due_date_outside_the_plan_warns(run: Run) -> None:
    result = ok(run("update", "1.1", "--due", "2025-03-01", now="2024-03-04"))
    assert "warning" in result.stderr and "2024-01-01 to 2024-12-31" in result.stderr
    inside = ok(run("update", "1.2", "--due", "2024-06-30", now="2024-03-04"))
    assert "warning" not in inside.stderr


# ---------------------------------------------------------------- text that starts with '-'


def test_text_starting_with_a_dash_gets_the_hint(run: Run) -> None:
    result = run("note", "1.1", "-3 percent on last week", now="2024-03-04")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "--" in result.stderr and "lianta note 1.1 -- " in result.stderr
    ok(run("note", "1.1", "--", "-3 percent on last week", now="2024-03-04"))


# ---------------------------------------------------------------- output that cannot be written


def test_output_to_a_full_disk_says_so(run: Run, store_path: Path, tmp_path: Path) -> None:
    device = tmp_path / "full"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
        os.close(os.open(device, os.O_WRONLY))
    except OSError:
        pytest.skip("cannot make a device node here (needs root and a folder without nodev)")
    ok(run("load", now="2024-01-02"))
    lianta = Path(sys.executable).with_name("lianta")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIANTA_")}
    env.update({"LIANTA_DB": str(store_path), "LIANTA_LANG": "en"})
    for args in (["list"], ["history", "--format", "json"], ["summary", "--format", "csv"]):
        with open(device, "w") as full:
            done = subprocess.run(
                [str(lianta), *args], env=env, stdout=full, stderr=subprocess.PIPE, text=True
            )
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith("lianta: cannot write the output: no space left on the disk")
        assert done.stderr.count("\n") == 1
    assert json.loads(store_path.read_bytes())["meta"]["1"]["last_change"] == 1
