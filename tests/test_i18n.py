"""Two complete interface languages: the same work in English and in Chinese gives the same rows
and numbers in different words, no English leaks into the Chinese interface (nor Chinese into
the English one), help screens follow --lang and the locale, and search ignores script."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ENGINE, Result, Run

from lianta_cli.errors import InputError
from lianta_cli.i18n import (
    _,
    detect_language,
    interface_strings,
    language,
    missing_translations,
    placeholders,
    set_language,
)
from lianta_cli.plan import bundled_plan_path, load_plan
from lianta_cli.textfold import fold
from lianta_cli.zh import ZH

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\U00020000-\U0003ffff]")
STATUSES = ("todo", "in_progress", "blocked", "done")

NAMES = ("王芳", "歐陽曉明", "欧阳晓明", "经济服务办", "城市更新和土地整备办公室")
NOTES = ("已完成产业空间摸底", "等待口岸辦選址意見", "等待口岸办选址意见", "街道已复核")
SCENARIO: list[tuple[str, ...]] = [
    ("assign", "1.2", "1.3", "--to", "王芳", "--unit", "经济服务办"),
    ("assign", "2.10", "--to", "歐陽曉明", "--unit", "城市更新和土地整备办公室"),
    ("update", "1.2", "--progress", "40", "--note", "已完成产业空间摸底"),
    ("update", "3.2", "--status", "blocked", "--note", "等待口岸辦選址意見"),
    ("done", "1.3"),
    ("note", "2.10", "街道已复核"),
    ("list",),
    ("list", "--assignee", "王芳"),
    ("list", "--overdue", "--status", "blocked", "--status", "todo", "-n", "5"),
    ("show", "3.2"),
    ("show", "1.2"),
    ("history",),
    ("history", "3.2"),
    ("summary",),
    ("report", "weekly"),
    ("report", "--month", "2024-03"),
    ("doctor",),
    ("undo",),
    ("load", "--dry-run"),
    ("validate",),
]
FAILURES: list[tuple[str, ...]] = [
    ("list", "--bogus"),
    ("list", "--limit", "x"),
    ("list", "extra"),
    ("list", "--sort"),
    ("list", "--sort", "size"),
    ("list", "--index", "industri"),
    ("lis",),
    ("assign", "1.1"),
    ("assign", "--to", "王芳"),
    ("assign", "1.1", "--to", " "),
    ("update", "9.9", "--progress", "3"),
    ("update", "3.2", "--status", "blockd"),
    ("update", "1.4", "--status", "blocked"),
    ("update", "1.4", "--progress", "101"),
    ("update", "1.4"),
    ("show", "x"),
    ("history", "--since", "2024-13-01"),
    ("history", "--since", "2024-03-09", "--until", "2024-03-01"),
    ("list", "--format", "xml"),
    ("list", "--plan", "2023"),
    ("list", "--db", "/"),
    ("report", "weekly", "--week", "10"),
    ("report", "--quarter", "2024-Q5"),
    ("validate", "tests/plans_bad/duplicate_code.yaml"),
    ("validate", "tests/plans_bad/id_unquoted_float.yaml"),
    ("validate", "tests/plans_bad/no_such_file.yaml"),
]
NOW = "2024-03-08T17:00"


def plan_texts() -> list[str]:
    """Every piece of plan content (titles, names, sources ...) in both languages, longest first."""
    plan, _warnings = load_plan(bundled_plan_path())
    texts = {plan.title, plan.title_en, plan.source, plan.preamble, plan.preamble_en}
    for item in plan.framing:
        texts.update(item.values())
    for index in plan.indices:
        texts.update((index.name, index.name_en, index.theme, index.theme_en, index.code))
        texts.update((index.aim, index.aim_en))
        for task in index.tasks:
            texts.update((task.title, task.title_en, task.source, *task.places, *task.partners))
    texts.update(NAMES + NOTES)
    return sorted((t for t in texts if t), key=len, reverse=True)


PLAN_TEXTS = plan_texts()


def without_content(line: str, tmp: Path, typed: tuple[str, ...] = ()) -> str:
    """The line with plan content, names, notes, the test's folder and what was typed taken out."""
    line = line.replace(str(tmp), " ")
    for text in (*PLAN_TEXTS, *sorted(typed, key=len, reverse=True)):
        if text in line:
            line = line.replace(text, " ")
    return line


@pytest.fixture
def both(run: Run, tmp_path: Path) -> Iterator[dict[str, list[Result]]]:
    """The scenario and the failures run in each language against its own fresh store."""
    if ENGINE == "postgresql":
        pytest.skip("about the languages: run on two fresh store files, not on a database")
    outputs: dict[str, list[Result]] = {}
    for lang in ("en", "zh"):
        folder = tmp_path / lang
        folder.mkdir()
        env = {"XDG_DATA_HOME": str(folder), "LIANTA_LANG": lang, "COLUMNS": "200"}
        outputs[lang] = [run(*args, now=NOW, env=env) for args in SCENARIO + FAILURES]
    yield outputs
    set_language("en")


def numbers(line: str) -> Counter[str]:
    """Ids, dates, times, counts and percentages of a line, in any order (not the real time at
    which a backup was saved: the two languages ran a moment apart)."""
    found = re.findall(r"\d+(?:[.:T-]\d+)*%?", line)
    return Counter(n for n in found if not re.fullmatch(r"(?!2024)\d{4}-\d\d-\d\dT[\d:]+", n))


def test_same_work_gives_the_same_rows_and_numbers_in_both_languages(
    both: dict[str, list[Result]], tmp_path: Path
) -> None:
    for args, en, zh in zip(SCENARIO + FAILURES, both["en"], both["zh"], strict=True):
        shown = " ".join(args)
        assert en.exit_code == zh.exit_code, shown
        for stream in ("stdout", "stderr"):
            en_lines = getattr(en, stream).splitlines()
            zh_lines = getattr(zh, stream).splitlines()
            assert len(en_lines) == len(zh_lines), (shown, stream, en_lines, zh_lines)
            for en_line, zh_line in zip(en_lines, zh_lines, strict=True):
                en_numbers = numbers(without_content(en_line, tmp_path))
                zh_numbers = numbers(without_content(zh_line, tmp_path))
                assert en_numbers == zh_numbers, (shown, en_line, zh_line)
        human = en.stdout + en.stderr
        if human.strip() and not human.lstrip().startswith(("{", "[")):
            assert en.stdout + en.stderr != zh.stdout + zh.stderr, shown


def test_the_scenario_succeeds_and_the_failures_fail(both: dict[str, list[Result]]) -> None:
    for args, result in zip(SCENARIO, both["zh"], strict=False):
        assert result.exit_code == 0, (args, result.stderr)
    for args, result in zip(FAILURES, both["zh"][len(SCENARIO) :], strict=True):
        assert result.exit_code in (1, 2), (args, result)
        assert result.stderr.strip(), result
        assert "Traceback" not in result.stderr


ALLOWED_ZH = re.compile(
    r"""
      --?[a-z][a-z0-9-]*                   # option names: --status, -n
    | lianta(?:\ [a-z]+)*                  # the program and a command path: lianta list
    | '[^'\n]*'                            # quoted input, YAML keys and tags: 'title', '!include'
    | "[^"\n]*"                            # quoted plan values: "2.10"
    | \b(?:{statuses})\b                   # status values, as typed on the command line
    | \b(?:json|csv|md|table|text|none|id|due|progress|status|updated)\b  # option values
    | \b\d{{4}}-W\d{{2}}\b                 # ISO weeks
    | \b\d{{4}}-Q\d\b                      # quarters
    | \bYYYY-MM-DD\b | \bYYYY-Www\b | \bN\.M\b
    | \b(?:NUL|JSON|YAML|UTF-8|GBK|GB18030|ASCII|ISO|U\+[0-9A-F]{{4}})\b
    | \bLIANTA_[A-Z_]+\b | \$LIANTA_[A-Z_]+
    | \b(?:tester)\b                       # the acting user
    | \b\d+(?:[.:T-]\d+)*\b                # ids, dates, times, numbers
    | \S*/\S*                              # file paths
    """.format(statuses="|".join(STATUSES)),
    re.X,
)


def test_no_english_in_the_chinese_interface(both: dict[str, list[Result]], tmp_path: Path) -> None:
    for args, result in zip(SCENARIO + FAILURES, both["zh"], strict=True):
        if "--format" in args and "json" in args:
            continue
        for line in (result.stdout + result.stderr).splitlines():
            rest = ALLOWED_ZH.sub(" ", without_content(line, tmp_path))
            rest = without_content(rest, tmp_path, args)  # what the user typed may be echoed
            assert not re.search(r"[A-Za-z]", rest), (" ".join(args), line, rest)


def test_no_chinese_in_the_english_interface(both: dict[str, list[Result]], tmp_path: Path) -> None:
    for args, result in zip(SCENARIO + FAILURES, both["en"], strict=True):
        for line in (result.stdout + result.stderr).splitlines():
            rest = without_content(line, tmp_path, args)
            assert not CJK.search(rest), (" ".join(args), line, rest)


def test_json_is_the_same_in_both_languages(run: Run) -> None:
    for step in SCENARIO[:6]:
        assert run(*step, now=NOW).exit_code == 0
    for args in (
        ("list", "--format", "json"),
        ("show", "3.2", "--format", "json"),
        ("history", "--format", "json"),
        ("summary", "--format", "json"),
        ("report", "weekly", "--format", "json"),
    ):
        en = run(*args, now=NOW, env={"LIANTA_LANG": "en"})
        zh = run(*args, now=NOW, env={"LIANTA_LANG": "zh"})
        assert en.exit_code == zh.exit_code == 0, (args, en.stderr, zh.stderr)
        assert en.json() == zh.json(), args


def test_plan_content_follows_the_language(run: Run) -> None:
    en = run("show", "3.2", now=NOW, env={"LIANTA_LANG": "en"}).stdout
    zh = run("show", "3.2", now=NOW, env={"LIANTA_LANG": "zh"}).stdout
    data = run("show", "3.2", "--format", "json", now=NOW).json()
    title_en, title_zh = data["title_en"], data["title"]
    assert en.index(title_en) < en.index(title_zh)  # the English title first, Chinese as the other
    assert zh.index(title_zh) < zh.index(title_en)
    assert data["index_name_en"] in en and data["index_name"] in zh
    assert data["index_name"] not in en and data["index_name_en"] not in zh


# ---------------------------------------------------------------- choosing the language


@pytest.mark.parametrize(
    ("explicit", "environ", "expected"),
    [
        (None, {}, "en"),
        (None, {"LANG": "zh_CN.UTF-8"}, "zh"),
        (None, {"LANG": "zh_TW.UTF-8"}, "zh"),
        (None, {"LANG": "en_US.UTF-8"}, "en"),
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        (None, {"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "en"),
        (None, {"LIANTA_LANG": "zh", "LC_ALL": "en_US.UTF-8"}, "zh"),
        (None, {"LIANTA_LANG": "zh-Hans"}, "zh"),
        ("en", {"LIANTA_LANG": "zh", "LANG": "zh_CN.UTF-8"}, "en"),
        ("ZH", {}, "zh"),
        (" en ", {"LANG": "zh_CN.UTF-8"}, "en"),
    ],
)
def test_language_comes_from_option_then_env_then_locale(
    explicit: str | None, environ: dict[str, str], expected: str
) -> None:
    assert detect_language(explicit, environ) == expected


def test_an_unknown_language_is_a_one_line_input_error(run: Run) -> None:
    with pytest.raises(InputError, match="fr"):
        detect_language("fr", {})
    result = run("list", "--lang", "fr")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["lianta: --lang fr: use en or zh"]
    result = run("list", env={"LIANTA_LANG": "zh", "LANG": "en_US.UTF-8"})
    assert result.exit_code == 0
    assert "项任务" in result.stdout


def test_lang_before_the_command_is_accepted(run: Run) -> None:
    result = run("--lang", "zh", "list", "-n", "1", now=NOW)
    assert result.exit_code == 0, result.stderr
    assert "编号" in result.stdout
    assert run("--lang=en", "list", "-n", "1", now=NOW).stdout.startswith("ID")


# ---------------------------------------------------------------- the catalog


def test_every_interface_string_has_a_chinese_translation() -> None:
    assert missing_translations() == {}


def test_translations_keep_their_placeholders_and_are_chinese() -> None:
    strings = interface_strings()
    assert len(strings) > 200
    for english in strings:
        chinese = ZH[english]
        assert placeholders(chinese) == placeholders(english), english
        assert chinese != english and not chinese.isascii(), english
        assert not re.search(r"\b(?:the|is|not|and|of|to)\b", chinese), (english, chinese)


def test_the_catalog_holds_no_stale_entries() -> None:
    assert set(ZH) - set(interface_strings()) == set()


def test_translation_switches_with_the_language() -> None:
    try:
        set_language("zh")
        assert language() == "zh"
        assert _("blocked") == "受阻"
        assert _("an English text not in the catalog") == "an English text not in the catalog"
    finally:
        set_language("en")
    assert _("blocked") == "blocked"


# ---------------------------------------------------------------- search and names


def ids(result: Result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return [row["id"] for row in result.json()]


@pytest.fixture
def worked(run: Run) -> Run:
    for step in SCENARIO[:6]:
        assert run(*step, now=NOW).exit_code == 0
    return run


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_search_ignores_traditional_versus_simplified(worked: Run, lang: str) -> None:
    env = {"LIANTA_LANG": lang}
    simplified = ids(worked("list", "--search", "口岸综合服务站", "-f", "json", env=env))
    traditional = ids(worked("list", "--search", "口岸綜合服務站", "-f", "json", env=env))
    assert "3.2" in simplified
    assert simplified == traditional
    # a note typed in traditional characters is found by its simplified form, and back
    by_note = ids(worked("list", "--search", "口岸办选址", "-f", "json", env=env))
    assert by_note == ids(worked("list", "--search", "口岸辦選址", "-f", "json", env=env))
    assert by_note == ["3.2"]


def test_search_ignores_case_and_width(worked: Run) -> None:
    lower = ids(worked("list", "--search", "port service station", "-f", "json"))
    assert "3.2" in lower
    assert ids(worked("list", "--search", "PORT SERVICE STATION", "-f", "json")) == lower
    assert (
        ids(worked("list", "--search", "ＰＯＲＴ ＳＥＲＶＩＣＥ ＳＴＡＴＩＯＮ", "-f", "json"))
        == lower
    )


def test_search_looks_in_places_and_partners(worked: Run) -> None:
    tasks = worked("list", "-f", "json").json()
    shown = {t["id"]: worked("show", t["id"], "-f", "json").json() for t in tasks[:40]}
    partner_task = next(t for t in shown.values() if t["partners"])
    place_task = next(t for t in shown.values() if t["places"])
    for task, text in (
        (partner_task, partner_task["partners"][0]),
        (place_task, place_task["places"][0]),
    ):
        found = ids(worked("list", "--search", text, "-f", "json"))
        assert task["id"] in found


@pytest.mark.parametrize("typed", ["欧阳晓明", "歐陽曉明", " 欧阳晓明 "])
def test_assignee_filter_matches_chinese_names_in_either_script(worked: Run, typed: str) -> None:
    assert ids(worked("list", "--assignee", typed, "-f", "json")) == ["2.10"]


def test_chinese_names_work_everywhere_a_name_is_taken(worked: Run) -> None:
    assert ids(worked("list", "--assignee", "王芳", "-f", "json")) == ["1.2", "1.3"]
    task = worked("show", "2.10", "-f", "json").json()
    assert (task["assignee"], task["unit"]) == ("歐陽曉明", "城市更新和土地整备办公室")
    for lang in ("en", "zh"):
        table = worked("list", "--assignee", "王芳", env={"LIANTA_LANG": lang}).stdout
        assert table.count("王芳") == 2 and "经济服务办" in table
        report = worked("report", "weekly", now=NOW, env={"LIANTA_LANG": lang})
        assert report.exit_code == 0, report.stderr
        assert "王芳" in report.stdout and "歐陽曉明" in report.stdout
    history = worked("history", "--format", "json").json()
    assert {"王芳", "歐陽曉明", "经济服务办"} <= {e["new"] for e in history}


def test_fold_is_the_same_for_both_scripts() -> None:
    assert fold("口岸綜合服務站") == fold("口岸综合服务站")
    assert fold("經濟服務辦") == "经济服务办"
    assert fold("ＡＢＣ１２３") == "abc123"
    assert fold(fold("薴")) == fold("薴")  # chains in the table are resolved


# ---------------------------------------------------------------- help screens (subprocess)


def lianta(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("lianta")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LIANTA_", "LC_", "LANG"))}
    clean.update({"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"), "COLUMNS": "100"})
    clean.update(env)
    return subprocess.run(
        [str(script), *args], env=clean, capture_output=True, text=True, timeout=60, check=False
    )


def english_help_sentences(command: str | None) -> list[str]:
    """Help texts of the app or one command, as they are written in the code."""
    import typer

    from lianta_cli.cli import app

    group = typer.main.get_command(app)
    target = group if command is None else group.commands[command]  # type: ignore[attr-defined]
    texts = [target.help or ""]
    texts += [getattr(p, "help", None) or "" for p in target.params]
    if command is None:
        texts += [c.help or "" for c in group.commands.values()]  # type: ignore[attr-defined]
    return [t for t in texts if t]


HELP_CASES = [
    pytest.param(("--help",), {"LANG": "zh_CN.UTF-8"}, None, id="main LANG=zh_CN"),
    pytest.param(("list", "--help"), {"LANG": "zh_CN.UTF-8"}, "list", id="list LANG=zh_CN"),
    pytest.param(("list", "--help", "--lang", "zh"), {}, "list", id="list --lang zh"),
    pytest.param(("--lang", "zh", "--help"), {"LANG": "en_US.UTF-8"}, None, id="main --lang zh"),
    pytest.param(("show", "-h"), {"LIANTA_LANG": "zh"}, "show", id="show LIANTA_LANG=zh"),
]


@pytest.mark.parametrize(("args", "env", "command"), HELP_CASES)
def test_help_is_chinese(
    args: tuple[str, ...], env: dict[str, str], command: str | None, tmp_path: Path
) -> None:
    result = lianta(*args, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "用法：lianta" in out and "[选项]" in out
    assert "显示本帮助并退出。" in out
    assert "╭─ 选项" in out
    assert "Usage" not in out and "Options" not in out and "Show this message" not in out
    sentences = english_help_sentences(command)
    assert sentences
    for english in sentences:
        assert ZH[english][:8] in out.replace("\n", "")
        assert english[:24] not in out
    prose = [line for line in out.splitlines() if not line.strip().startswith("lianta ")]
    assert not re.search(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+", "\n".join(prose)), out  # examples aside
    assert "…" not in out  # Chinese help is folded onto the next line, never cut
    if command is None:
        assert "╭─ 命令" in out
    if command == "list":
        assert "[默认：id]" in out


def test_help_is_english_in_an_english_locale(tmp_path: Path) -> None:
    for args in (("--help",), ("list", "--help")):
        result = lianta(*args, env={"LANG": "en_US.UTF-8"}, tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "Usage: lianta" in result.stdout and "Show this message and exit." in result.stdout
        assert "List tasks, filtered and sorted." in result.stdout
        prose = [line for line in result.stdout.splitlines() if "lianta " not in line]
        assert not CJK.search("\n".join(prose).replace("经济服务办", ""))  # examples aside


def test_usage_errors_are_chinese_in_a_chinese_locale(tmp_path: Path) -> None:
    result = lianta("list", "--zzz", env={"LANG": "zh_CN.UTF-8"}, tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "lianta list: 没有 --zzz 这个选项（参见 lianta list --help）"
    ]
    result = lianta(env={"LANG": "zh_CN.UTF-8"}, tmp_path=tmp_path)
    assert "用法：lianta" in result.stdout
    assert result.stderr == ""
