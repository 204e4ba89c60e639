"""What a shell user expects of lianta: completion of commands, options, option values and task
ids in bash, zsh, fish and PowerShell (answered by the installed `lianta`, as the shell's
completion script calls it); --version; examples on every help screen that the command line
accepts; the environment variables in `lianta --help`; a hint for text that starts with '-'.
The pager and a real bash with completion installed are driven in tmux (test_terminal.py)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from importlib.metadata import version as installed_version
from pathlib import Path

import pytest
from conftest import Run
from test_docs import _commands

LIANTA = Path(sys.executable).with_name("lianta")
NOW = "2024-03-08T17:00"
STATUSES = ["todo", "in_progress", "blocked", "done"]


def shell_env(store: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIANTA_", "LC_", "LANG"))}
    env.update({"LIANTA_DB": str(store), "LIANTA_NOW": NOW, "LIANTA_USER": "tester"})
    env.update(extra)
    return env


def lianta(store: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LIANTA), *args],
        env=shell_env(store, **extra),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def complete_bash(store: Path, line: str, **extra: str) -> list[str]:
    """What bash's completion function gets for the command line `line` (the cursor at its
    end), as the script `lianta --show-completion bash` sets it up."""
    words = shlex.split(line) + ([""] if line.endswith(" ") else [])
    result = subprocess.run(
        [str(LIANTA)],
        env=shell_env(
            store,
            _LIANTA_COMPLETE="complete_bash",
            COMP_WORDS=" ".join(words),
            COMP_CWORD=str(len(words) - 1),
            **extra,
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout.split()


def complete_zsh(store: Path, line: str, **extra: str) -> str:
    env = dict(_LIANTA_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS=line, **extra)
    result = subprocess.run(
        [str(LIANTA)],
        env=shell_env(store, **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout


@pytest.fixture
def filled(run: Run, store_path: Path) -> Path:
    """The test's store file, with assignees and units to complete."""
    for step in (
        ("assign", "1.2", "1.3", "--to", "王芳", "--unit", "经济服务办"),
        ("assign", "2.10", "--to", "欧阳晓明", "--unit", "城市更新和土地整备办公室"),
    ):
        assert run(*step, now=NOW).exit_code == 0
    return store_path


# ---------------------------------------------------------------- completion


def test_task_ids_complete_from_the_store(filled: Path) -> None:
    assert complete_bash(filled, "lianta show 1.") == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    assert complete_bash(filled, "lianta history 2.1") == ["2.1", "2.10"]
    several = complete_bash(filled, "lianta done ")
    assert len(several) == 40 + 6 and "industry" in several and "6.5" in several
    assert complete_bash(filled, "lianta update 1.1 ind") == ["industry"]
    assert complete_bash(filled, "lianta note ") == complete_bash(filled, "lianta show ")


def test_option_values_complete(filled: Path) -> None:
    assert complete_bash(filled, "lianta list --status ") == STATUSES
    assert complete_bash(filled, "lianta update 1.1 -s bl") == ["blocked"]
    assert complete_bash(filled, "lianta list --index ") == [
        "industry",
        "potential",
        "crossborder",
        "performance",
        "wellbeing",
        "sanitation",
    ]
    assert complete_bash(filled, "lianta list --assignee ") == ["欧阳晓明", "王芳"]
    assert complete_bash(filled, "lianta assign 1.1 --to 王") == ["王芳"]
    assert complete_bash(filled, "lianta assign 1.1 --unit 经") == ["经济服务办"]
    assert complete_bash(filled, "lianta summary --plan ") == ["2024"]
    assert complete_bash(filled, "lianta list --sort ") == [
        "id",
        "due",
        "progress",
        "status",
        "updated",
    ]
    assert complete_bash(filled, "lianta list --format ") == ["table", "json", "csv", "md"]
    assert complete_bash(filled, "lianta show 1.1 -f ") == ["table", "json"]
    assert complete_bash(filled, "lianta done 1.1 --format ") == ["text", "json"]
    assert complete_bash(filled, "lianta report weekly -f ") == ["md", "json", "csv"]
    assert complete_bash(filled, "lianta list --lang ") == ["en", "zh"]
    assert complete_bash(filled, "lianta load ") == []  # the shell offers file names instead
    assert complete_bash(filled, "lianta list --db /t") == []


def test_commands_and_options_complete(filled: Path) -> None:
    assert complete_bash(filled, "lianta li") == ["list"]
    assert complete_bash(filled, "lianta re") == ["report"]
    assert complete_bash(filled, "lianta report ") == ["weekly"]
    assert complete_bash(filled, "lianta list --st") == ["--status"]
    assert "--install-completion" in complete_bash(filled, "lianta --")


def test_the_plan_chosen_on_the_command_line_is_the_one_completed(
    run: Run, filled: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.json"
    assert run("load", "--db", str(other), now=NOW).exit_code == 0
    assert run("assign", "1.1", "--to", "张伟", "--db", str(other), now=NOW).exit_code == 0
    assert complete_bash(filled, f"lianta list --db {other} --assignee ") == ["张伟"]
    assert complete_bash(filled, "lianta list --assignee ") == ["欧阳晓明", "王芳"]


def test_plans_of_areas_complete_with_their_areas_and_all(filled: Path) -> None:
    donghu = Path(__file__).resolve().parent.parent / "examples" / "donghu-2024.yaml"
    assert lianta(filled, "load", str(donghu)).returncode == 0
    assert complete_bash(filled, "lianta summary --plan ") == [
        "2024",
        "donghu/2024",
        "donghu",
        "all",
    ]
    assert complete_bash(filled, "lianta show --plan donghu 2.") == ["2.1", "2.2"]
    assert complete_bash(filled, "lianta list --plan donghu --index ") == ["industry", "wellbeing"]


def test_zsh_fish_and_powershell_show_titles_beside_ids(filled: Path) -> None:
    zsh = complete_zsh(filled, "lianta show 1.")
    assert '"1.2":"Revitalise the industrial space of the No. 7 Industrial Zone"' in zsh
    zh = complete_zsh(filled, "lianta show 1.", LIANTA_LANG="zh")
    assert '"1.2":"盘活第七工业区产业空间"' in zh
    assert '"blocked":"受阻"' in complete_zsh(filled, "lianta list --status ", LIANTA_LANG="zh")
    fish = lianta(
        filled,
        _LIANTA_COMPLETE="complete_fish",
        _TYPER_COMPLETE_FISH_ACTION="get-args",
        _TYPER_COMPLETE_ARGS="lianta list --index ",
    )
    assert "industry\tIndustrial and economic development" in fish.stdout.splitlines()
    powershell = lianta(
        filled,
        _LIANTA_COMPLETE="complete_powershell",
        _TYPER_COMPLETE_ARGS="lianta show 3.",
        _TYPER_COMPLETE_WORD_TO_COMPLETE="3.",
    )
    assert powershell.stdout.splitlines()[0].startswith("3.1:::Strengthen the staffing")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_every_shell_gets_a_completion_script(tmp_path: Path, shell: str) -> None:
    result = lianta(
        tmp_path / "store.json",
        "--show-completion",
        shell,
        _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1",
    )
    assert result.returncode == 0, result.stderr
    assert "_LIANTA_COMPLETE" in result.stdout
    assert "lianta" in result.stdout


def test_completion_is_quiet_and_harmless_when_the_store_is_not(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.json"
    damaged.write_text("{not json", encoding="utf-8")
    assert complete_bash(damaged, "lianta show 1.") == []
    assert damaged.read_text(encoding="utf-8") == "{not json"
    assert complete_bash(damaged, "lianta list --status ") == STATUSES  # needs no store
    fresh = tmp_path / "new" / "store.json"
    assert complete_bash(fresh, "lianta show 1.") == []  # a store named must exist: none made
    assert not fresh.exists()
    assert complete_bash(damaged, "lianta list --lang xx --index ") == []


# ---------------------------------------------------------------- version, help, hints


def test_version_option_and_command(run: Run) -> None:
    expected = f"lianta {installed_version('lianta')}\n"
    assert run("--version").stdout == expected
    assert run("version").stdout == expected
    assert run("--lang", "zh", "--version").stdout == expected


def _examples(help_text: str) -> list[str]:
    lines = help_text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() in ("Examples:", "示例："))
    return [line.strip() for line in lines[start:] if line.strip().startswith("lianta ")]


@pytest.mark.parametrize("command", _commands())
def test_every_help_screen_has_examples_the_command_line_accepts(
    run: Run, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = run(*command.split(), "--help", env={"COLUMNS": "200"})
    assert shown.exit_code == 0
    examples = _examples(shown.stdout)
    assert examples and all(e.startswith(f"lianta {command}") for e in examples), examples
    zh = _examples(run(*command.split(), "--help", env={"LIANTA_LANG": "zh"}).stdout)
    assert zh == examples
    monkeypatch.chdir(tmp_path)  # plans/2025.yaml is missing here: a refusal, not a usage error
    for example in examples:
        result = run(*shlex.split(example)[1:], now=NOW)
        assert "--help" not in result.stderr, (example, result.stderr)  # no usage error
        assert "Traceback" not in result.stderr


def test_the_main_help_lists_the_environment_and_where_the_store_is(
    run: Run, store_path: Path
) -> None:
    shown = run("--help", env={"COLUMNS": "200"}).stdout
    assert f"The store in use: {store_path}" in shown
    assert "/lianta/lianta.json" in shown  # where it is without LIANTA_DB
    for name in (
        "LIANTA_DB",
        "LIANTA_NOW",
        "LIANTA_USER",
        "LIANTA_LANG",
        "LIANTA_ASCII",
        "LIANTA_LOCK_TIMEOUT",
        "LIANTA_PAGER, PAGER",
        "NO_COLOR",
    ):
        assert f"│ {name} " in shown, name
    for option in ("--version", "--no-pager", "--install-completion", "--show-completion"):
        assert option in shown
    zh = lianta(store_path, "--help", LIANTA_LANG="zh", COLUMNS="200").stdout
    assert "╭─ 环境变量" in zh and f"当前数据文件：{store_path}" in zh
    assert "为当前 shell 安装自动补全。" in zh and "显示 lianta 的版本并退出。" in zh


def test_text_starting_with_a_dash_gets_a_hint_that_works(run: Run) -> None:
    refused = run("note", "1.2", "-5% 预算", now=NOW)
    assert refused.exit_code == 2
    assert refused.stderr.splitlines() == [
        "lianta note: No such option: -5 (see 'lianta note --help'); text that starts with "
        "'-' goes after --: lianta note 1.2 -- '-5% 预算'"
    ]
    hinted = shlex.split(refused.stderr.rsplit(": ", 1)[1])
    assert run(*hinted[1:], now=NOW).exit_code == 0
    notes = run("show", "1.2", "--format", "json").json()["notes"]
    assert [n["text"] for n in notes] == ["-5% 预算"]
    typo = run("note", "1.2", "--fromat", "json", "x")
    assert "goes after --" not in typo.stderr  # a misspelt option gets its own hint
    assert "goes after --" not in run("list", "--bogus").stderr  # list takes no text
