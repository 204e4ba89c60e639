"""The console script runs plain `list`, `summary`, `update`, `done` and `report weekly` without
Typer (`launch`): same output, same messages, same exit status, same store as the Typer app, for
every form it accepts; any other form goes to the Typer app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lianta_cli.cli import app
from lianta_cli.launch import quick_arguments, run_quick

NOW = "2024-03-08T17:00:00"
PLAN = str(Path(__file__).resolve().parents[1] / "plans" / "2024.yaml")
BAD_PLANS = sorted(str(path) for path in (Path(__file__).parent / "plans_bad").glob("*.yaml"))

QUICK = [
    ["list"],
    ["list", "--limit", "0"],
    ["list", "-n", "5", "--sort", "due"],
    ["list", "--sort", " Progress "],
    ["list", "--limit=3", "--sort=updated"],
    ["list", "--format", "json"],
    ["list", "-f", "csv", "--limit", "0"],
    ["list", "--format=md"],
    ["list", "--format", "JSON"],
    ["list", "--status", "todo", "-s", "blocked"],
    ["list", "--index", "2"],
    ["list", "-i", "crossborder", "--overdue"],
    ["list", "--assignee", "王芳"],
    ["list", "-a", "wang", "--status", "in_progress"],
    ["list", "--unassigned", "--archived"],
    ["list", "--search", "口岸"],
    ["list", "-q", "港", "--format", "json"],
    ["list", "--ascii"],
    ["list", "--lang", "zh"],
    ["list", "--lang", "zh", "--lang", "en"],
    ["--lang", "zh", "list", "-f", "json"],
    ["--lang=zh", "list", "--index", "sanitation"],
    ["list", "--plan", "2024"],
    ["list", "--db", "{db}"],
    ["summary"],
    ["summary", "-f", "json"],
    ["summary", "--format", "csv"],
    ["summary", "--format", "md", "--ascii"],
    ["--lang", "zh", "summary"],
    ["summary", "--plan", "2024", "--lang", "zh", "--format", "json"],
    ["show", "1.2"],
    ["show", "1.1", "--format", "json"],
    ["show", "-f", "json", "6.1", "--lang", "zh"],
    ["show", "3.4", "--ascii"],
    ["--lang", "zh", "show", "1.2", "--plan", "2024"],
    ["history"],
    ["history", "1.2"],
    ["history", "--limit", "3", "--format", "json"],
    ["history", "-n", "0", "-f", "csv", "--since", "2024-03-01"],
    ["history", "1.1", "--until", "2024-03-08", "--format", "md", "--lang", "zh"],
    ["history", "--ascii", "--since=2024-01-01"],
    ["report", "weekly"],
    ["report", "weekly", "--week", "2024-W10", "--format", "json"],
    ["report", "weekly", "-w", "2024-W09", "-f", "csv"],
    ["report", "weekly", "--since", "2024-03-01", "--until", "2024-03-08", "--lang", "zh"],
    ["report", "weekly", "--since=2024-02-01", "--format=md", "--plan", "2024"],
    ["--lang", "zh", "report", "weekly", "--db", "{db}"],
    # input errors: reported by the same code, so the same line and status
    ["list", "--index", "nope"],
    ["list", "--index", "9"],
    ["list", "--status", "finished"],
    ["list", "--sort", "bogus"],
    ["list", "--format", "xml"],
    ["list", "--plan", "2031"],
    ["summary", "--plan", "1999"],
    ["summary", "--format", "yaml"],
    ["history", "9.9"],
    ["history", "--since", "2024-02-30"],
    ["history", "--format", "xml"],
    ["history", "--plan", "1999"],
    ["show", "9.9"],
    ["show", "1.10"],
    ["show", "abc"],
    ["show", "1.1", "--format", "csv"],
    ["show", "1.1", "--plan", "1999"],
    ["report", "weekly", "--week", "2024-W99"],
    ["report", "weekly", "--week", "next"],
    ["report", "weekly", "--since", "2024-13-01"],
    ["report", "weekly", "--since", "2024-03-08", "--until", "2024-03-01"],
    ["report", "weekly", "--week", "2024-W10", "--since", "2024-03-01"],
    ["report", "weekly", "--format", "table"],
    ["report", "weekly", "--plan", "1999"],
    ["report", "weekly", "--output", "{folder}"],
    ["report", "weekly", "-o", "{folder}/no/such/folder/r.md"],
]

WRITES = [
    ["update", "1.3", "--progress", "40"],
    ["update", "1.1", "2.1", "-p", "60", "--format", "json"],
    ["update", "1.3", "--status", "blocked", "--note", "等待区规自局回复"],
    ["update", "1.3", "--status=in_progress"],
    ["update", "--progress", "100", "4.2"],
    ["update", "3.4", "--due", "2024-05-01"],
    ["update", "3.4", "--due", "none", "-f", "json"],
    ["update", "1.1", "--note", "周报 ok", "--lang", "zh"],
    ["--lang", "zh", "done", "5.1", "--note", "已验收"],
    ["done", "5.2", "5.3"],
    ["done", "2.3"],
    ["update", "1.1", "1.1", "--progress", "45"],
    # refused: the same message, the same status, the store untouched
    ["update", "9.9", "--progress", "5"],
    ["update", "1.10", "--progress", "5"],
    ["update", "1.1", "--progress", "101"],
    ["update", "1.1", "--status", "finished"],
    ["update", "1.1", "--status", "blocked"],
    ["update", "1.1"],
    ["update", "1.1", "--due", "2024-13-01"],
    ["update", "1.1", "--progress", "5", "--format", "xml"],
    ["done", "1.1", "7.1"],
    ["update", "abc", "--progress", "5"],
    ["--lang", "zh", "update", "9.9", "-p", "5"],
    ["assign", "1.3", "4.2", "--to", "王芳", "--unit", "经济服务办"],
    ["assign", "--to=Wang Li", "2.1", "--format", "json"],
    ["assign", "1.1", "--to", "王芳"],
    ["--lang", "zh", "assign", "6.1", "--to", "陈静", "--unit", "城市管理和综合执法队"],
    ["unassign", "1.1", "1.2"],
    ["unassign", "3.4", "-f", "json"],
    ["unassign", "2.2"],
    ["note", "1.1", "已召开协调会，明确责任分工"],
    ["note", "--format", "json", "6.1", "港人服务站 weekly check"],
    ["note", "2.10", "两个 spaces  kept", "--lang", "zh"],
    # refused: the same message, the same status, the store untouched
    ["load"],
    ["load", PLAN, "--format", "json"],
    ["load", "--dry-run", PLAN],
    ["--lang", "zh", "load", PLAN],
    ["load", BAD_PLANS[0]],
    ["load", BAD_PLANS[-1], "--format", "json"],
    ["load", "/no/such/plan.yaml"],
    ["load", PLAN, "--format", "xml"],
    ["undo"],
    ["undo", "--format", "json"],
    ["--lang", "zh", "undo"],
    ["assign", "9.9", "--to", "王芳"],
    ["assign", "1.1", "--to", "   "],
    ["assign", "1.1", "--to", "王芳", "--format", "xml"],
    ["unassign", "1.1", "7.7"],
    ["note", "9.9", "text"],
    ["note", "1.1", "   "],
    ["note", "abc", "text"],
]

TO_TYPER = [
    ["list", "--help"],
    ["summary", "-h"],
    ["list", "extra"],
    ["list", "--bogus"],
    ["list", "--limit"],
    ["list", "--limit", "x"],
    ["list", "--limit", "-1"],
    ["list", "-n5"],
    ["list", "--ascii=1"],
    ["list", "--lang", "fr"],
    ["list", "--db", "{folder}"],
    ["list", "--index", ""],
    ["summary", "--status", "todo"],
    ["summary", "--limit", "3"],
    ["show"],
    ["show", "1.1", "1.2"],
    ["history", "1.1", "1.2"],
    ["history", "--limit", "-1"],
    ["history", "--limit", "x"],
    ["load", "-f", "json"],
    ["load", PLAN, PLAN],
    ["load", "--plan", "2024"],
    ["load", "--dry-run=1"],
    ["undo", "1.1"],
    ["undo", "--plan", "2024"],
    ["undo", "--ascii"],
    ["show", "1.1", "--help"],
    ["--lang", "zh"],
    [],
    ["update", "--progress", "5"],
    ["update", "1.1", "--progress", "-5"],
    ["update", "1.1", "--progress", "half"],
    ["update", "1.1", "--note", ""],
    ["update", "1.1", "--ascii", "--progress", "5"],
    ["done"],
    ["done", "1.1", "--status", "done"],
    ["assign", "1.1"],
    ["assign", "--to", "王芳"],
    ["assign", "1.1", "--to", ""],
    ["assign", "1.1", "--to", "王芳", "--unit"],
    ["unassign"],
    ["unassign", "1.1", "--to", "王芳"],
    ["note", "1.1"],
    ["note", "1.1", "one", "two"],
    ["note", "1.1", "-5% this week"],
    ["note", "1.1", ""],
    ["note", "1.1", "text", "--note", "x"],
    ["report"],
    ["report", "--help"],
    ["report", "weekly", "--help"],
    ["report", "weekly", "extra"],
    ["report", "weekly", "--ascii"],
    ["report", "weekly", "--week"],
    ["report", "weekly", "--output", ""],
    ["report", "--lang", "zh", "weekly"],
    ["report", "monthly"],
]


@pytest.fixture
def tracked(run: Run, store_path: Path) -> Path:
    """A store with a little of everything: assignees, statuses, progress, a note, a due date."""
    steps = [
        ["assign", "1.1", "1.2", "--to", "王芳", "--unit", "经发办"],
        ["assign", "3.4", "--to", "Wang Li"],
        ["update", "1.1", "--progress", "40"],
        ["update", "1.2", "--status", "blocked", "--note", "等待区规自局回复"],
        ["done", "2.3"],
        ["update", "3.4", "--due", "2024-02-01", "--progress", "10"],
        ["note", "6.1", "港人服务站 weekly check"],
    ]
    for step in steps:
        result = run(*step, now=NOW)
        assert result.exit_code == 0, result.stderr
    return store_path


def _argv(template: list[str], store: Path) -> list[str]:
    return [a.format(db=store, folder=store.parent) for a in template]


def _launched(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """`lianta ARGV` through the quick path, in this process: exit status, stdout, stderr."""
    parsed = quick_arguments(argv)
    assert parsed is not None
    with CliRunner().isolation(env=env) as (out, err, _mixed):
        code = run_quick(*parsed)
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode(), err.getvalue().decode()


def _both(argv: list[str], store: Path) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    env = {"LIANTA_NOW": NOW, "LIANTA_DB": str(store)}
    typer_result = CliRunner().invoke(app, argv, env=env, catch_exceptions=False)
    by_typer = (typer_result.exit_code, typer_result.stdout, typer_result.stderr)
    return by_typer, _launched(argv, env)


def _alike_on_twins(
    argv: list[str],
    env: dict[str, str],
    twin_argv: list[str],
    twin_env: dict[str, str],
    names: tuple[Path, Path],
) -> int:
    """`argv` through the Typer app and `twin_argv` through the quick path, each on its own copy
    (of a store, of an output file) named `names`: the same exit status, stdout and stderr, but
    for the copy's name; the exit status."""
    typer_result = CliRunner().invoke(app, argv, env=env, catch_exceptions=False)
    launched = _launched(twin_argv, twin_env)
    assert launched == (
        typer_result.exit_code,
        typer_result.stdout,
        typer_result.stderr.replace(str(names[0]), str(names[1])),
    )
    return typer_result.exit_code


@pytest.mark.parametrize("template", QUICK, ids=" ".join)
def test_quick_path_gives_what_typer_gives(template: list[str], tracked: Path) -> None:
    argv = _argv(template, tracked)
    before = tracked.read_bytes()
    by_typer, by_launch = _both(argv, tracked)
    assert by_launch == by_typer
    assert tracked.read_bytes() == before


@pytest.mark.parametrize("argv", WRITES, ids=" ".join)
def test_quick_writes_give_what_typer_gives(argv: list[str], tracked: Path) -> None:
    """The same change on two copies of a store: the same output and the same bytes saved."""
    twin = tracked.with_name("twin.json")
    twin.write_bytes(tracked.read_bytes())
    env = {"LIANTA_NOW": NOW}
    _alike_on_twins(  # `load` names the store
        argv,
        {**env, "LIANTA_DB": str(tracked)},
        argv,
        {**env, "LIANTA_DB": str(twin)},
        (tracked, twin),
    )
    assert twin.read_bytes() == tracked.read_bytes()


@pytest.mark.parametrize("fmt", ["md", "json", "csv"])
def test_weekly_written_to_a_file_is_the_same_file(fmt: str, tracked: Path) -> None:
    env = {"LIANTA_NOW": NOW, "LIANTA_DB": str(tracked)}
    first, second = tracked.with_name("first.txt"), tracked.with_name("second.txt")
    argv = ["report", "weekly", "--week", "2024-W10", "--format", fmt, "--output"]
    code = _alike_on_twins([*argv, str(first)], env, [*argv, str(second)], env, (first, second))
    assert code == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.stat().st_size > 0


@pytest.mark.parametrize("template", TO_TYPER, ids=lambda t: " ".join(t) or "(none)")
def test_other_forms_go_to_typer(template: list[str], tracked: Path) -> None:
    assert quick_arguments(_argv(template, tracked)) is None


def test_unrecognised_ascii_variable_goes_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIANTA_ASCII", "yes")
    assert quick_arguments(["list"]) is None
    monkeypatch.setenv("LIANTA_ASCII", "1")
    assert quick_arguments(["list"]) is not None


@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["summary", "-f", "json"],
        ["list", "-n", "0"],
        ["report", "weekly"],
        ["history"],
        ["show", "1.1"],
        ["undo"],
        ["assign", "1.1", "--to", "王芳"],
        ["load"],
        ["load", "--dry-run"],
    ],
)
def test_first_use_saves_the_same_store(command: list[str], tmp_path: Path) -> None:
    """On a new store the bundled plan is loaded; both paths save the same file."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "s.json", tmp_path / "b" / "s.json"
    env = {"LIANTA_NOW": NOW, "LIANTA_USER": "tester"}
    _alike_on_twins(
        command,
        {**env, "LIANTA_DB": str(first)},
        command,
        {**env, "LIANTA_DB": str(second)},
        (first, second),
    )
    assert first.exists() == second.exists()  # a refused command (undo) saves nothing
    assert not first.exists() or first.read_bytes() == second.read_bytes()


TOKENS = st.sampled_from(
    [
        "list",
        "summary",
        "--limit",
        "-n",
        "0",
        "3",
        "-2",
        "x",
        "--format",
        "-f",
        "json",
        "csv",
        "md",
        "table",
        "--format=json",
        "--status",
        "-s",
        "todo",
        "done",
        "blocked",
        "--index",
        "-i",
        "1",
        "7",
        "sanitation",
        "--sort",
        "due",
        "status",
        "--search",
        "-q",
        "口岸",
        "港",
        "--assignee",
        "王芳",
        "--unassigned",
        "--overdue",
        "--archived",
        "--ascii",
        "--lang",
        "zh",
        "en",
        "--lang=zh",
        "--plan",
        "2024",
        "2023",
        "--help",
        "--",
        "",
        "report",
        "weekly",
        "--week",
        "2024-W10",
        "--since",
        "2024-03-01",
        "--until",
    ]
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(argv=st.lists(TOKENS, max_size=7))
def test_any_argument_list_is_handled_alike_or_passed_on(argv: list[str], tracked: Path) -> None:
    if quick_arguments(argv) is None:
        return
    before = tracked.read_bytes()
    by_typer, by_launch = _both(argv, tracked)
    assert by_launch == by_typer
    assert tracked.read_bytes() == before


def test_console_script_takes_the_quick_path(tracked: Path) -> None:
    """The installed entry point (as `python -m lianta_cli`) prints what the Typer app prints,
    and does not import Typer to do it."""
    env = {**os.environ, "LIANTA_NOW": NOW, "LIANTA_DB": str(tracked), "LIANTA_LANG": "zh"}
    env.pop("COLUMNS", None)
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['lianta', 'list', '--limit', '0']\n"
        "import lianta_cli.launch as launch\n"
        "launch.finish = lambda code: (sys.stdout.flush(), print(\n"
        "    'typer' in sys.modules, code, file=sys.stderr))\n"
        "launch.main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    typer_result = CliRunner().invoke(
        app, ["list", "--limit", "0"], env={"LIANTA_NOW": NOW, "LIANTA_LANG": "zh"}
    )
    assert done.stderr.strip() == "False 0"
    assert done.stdout == typer_result.stdout
    module = subprocess.run(
        [sys.executable, "-m", "lianta_cli", "summary", "-f", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert module.returncode == 0
    assert module.stdout == CliRunner().invoke(app, ["summary", "-f", "json"], env=env).stdout
