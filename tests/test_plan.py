"""The plan file: the bundled 2024 plan, a corpus of broken plans, the ways a plan may be
written in YAML (styles, line ends, aliases), and the documented format.

Each broken plan in tests/plans_bad/ is a small copy of `valid_base.yaml` with one thing (or, in
`several_errors.yaml`, several things) broken; the `.expected` file beside it holds the exit
status on its first line (`exit 2`) and then exactly what `lianta validate` prints on stderr.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import PLAN_2024, ROOT, Run

import lianta_cli.plan as plan_module
from lianta_cli.errors import InputError
from lianta_cli.models import Plan
from lianta_cli.plan import (
    FRAMING_FIELDS,
    INDEX_FIELDS,
    PLAN_FIELDS,
    TASK_FIELDS,
    load_plan,
    parse_plan,
    read_plan,
)
from lianta_cli.textfold import to_simplified

PLANS_BAD = Path(__file__).resolve().parent / "plans_bad"
CORPUS = sorted(PLANS_BAD.glob("*.yaml"))
DOC = ROOT / "docs" / "plan-format.md"

WARNING_2024 = "plans/2024.yaml:11: warning: plan: the plan declares 7 indices but describes 6"
COUNTS_2024 = {1: 5, 2: 10, 3: 10, 4: 7, 5: 3, 6: 5}
CODES_2024 = ["industry", "potential", "crossborder", "performance", "wellbeing", "sanitation"]


def expected(path: Path) -> tuple[int, list[str]]:
    """The exit status and stderr lines written in the `.expected` file beside `path`."""
    first, *lines = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert first.startswith("exit "), path
    return int(first.removeprefix("exit ")), lines


def findings(lines: list[str]) -> list[str]:
    """The problem lines of an expected stderr (without the closing verdict line)."""
    return [
        line
        for line in lines
        if not line.endswith("the plan was not accepted") and " valid — " not in line
    ]


# ------------------------------------------------------------------ the bundled 2024 plan


def test_the_2024_plan_validates_with_only_the_seven_versus_six_warning(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = run("validate", "plans/2024.yaml")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    counts = ", ".join(
        f"{number} {code}: {count}"
        for (number, count), code in zip(COUNTS_2024.items(), CODES_2024, strict=True)
    )
    assert result.stderr.splitlines() == [
        WARNING_2024,
        f"plans/2024.yaml: valid — 2024 plan, 6 indices, 40 tasks ({counts})",
    ]


def test_validate_without_a_file_checks_the_bundled_plan(run: Run) -> None:
    result = run("validate")
    assert result.exit_code == 0, result.stderr
    assert "warning: plan: the plan declares 7 indices but describes 6" in result.stderr
    assert "2024 plan, 6 indices, 40 tasks" in result.stderr


def test_the_2024_plan_has_its_tasks_per_index() -> None:
    plan, problems = read_plan(PLAN_2024)
    assert plan is not None, problems
    assert {index.number: len(index.tasks) for index in plan.indices} == COUNTS_2024
    assert len(plan.tasks) == sum(COUNTS_2024.values()) == 40
    assert [index.code for index in plan.indices] == CODES_2024
    assert plan.indices_declared == 7
    assert (plan.year, plan.start.isoformat(), plan.end.isoformat()) == (
        2024,
        "2024-01-01",
        "2024-12-31",
    )


def test_the_2024_task_ids_are_unique_and_numbered_in_order() -> None:
    plan, _problems = read_plan(PLAN_2024)
    assert plan is not None
    ids = [task.id for task in plan.tasks]
    assert len(set(ids)) == len(ids)
    for index in plan.indices:
        assert [task.id for task in index.tasks] == [
            f"{index.number}.{position}" for position in range(1, len(index.tasks) + 1)
        ]
        assert all(task.index == index.number for task in index.tasks)


def all_strings(value: Any) -> list[str]:
    """Every string inside a plan: dataclass fields, tuples, lists and dicts, recursively."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in all_strings(getattr(value, f.name))]
    if isinstance(value, list | tuple):
        return [s for item in value for s in all_strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in all_strings(item)]
    return []


TONE_MARKED = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ")
PINYIN_AFTER_HANZI = re.compile(r"[\u4e00-\u9fff]\s*[(（]\s*[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+")


def text_flaws(text: str) -> list[str]:
    """What is wrong with a plan string: traditional characters, pinyin, mojibake marks."""
    flaws = []
    if to_simplified(text) != text:
        flaws.append("traditional characters")
    if TONE_MARKED & set(text):
        flaws.append("tone-marked pinyin letters")
    if "\ufffd" in text:
        flaws.append("U+FFFD replacement character")
    if "?" in text:
        flaws.append("'?'")
    if PINYIN_AFTER_HANZI.search(text):
        flaws.append("(pinyin) after a character")
    return flaws


@pytest.mark.parametrize(
    "damaged",
    [
        "政務(wù)公開",
        "产业(chan ye)",
        "产业(chǎn)",
        "未來發展",
        "景?园",
        "景\ufffd园",
        "莲塘（lian）",
    ],
)
def test_the_text_check_recognises_each_kind_of_damage(damaged: str) -> None:
    assert text_flaws(damaged)


def test_the_2024_plan_text_is_clean_simplified_chinese() -> None:
    plan, _problems = read_plan(PLAN_2024)
    assert isinstance(plan, Plan)
    strings = all_strings(plan)
    assert len(strings) > 3 * 40
    assert any("莲塘" in s for s in strings)
    flawed = {s: text_flaws(s) for s in strings if text_flaws(s)}
    assert flawed == {}


# ------------------------------------------------------------------ the corpus of broken plans


def test_the_corpus_is_complete() -> None:
    assert len(CORPUS) >= 30
    expected_files = {p.stem for p in PLANS_BAD.glob("*.expected")}
    assert expected_files == {p.stem for p in CORPUS}
    statuses = [expected(path)[0] for path in CORPUS]
    assert set(statuses) == {0, 2}
    assert statuses.count(2) >= 25


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_validate_reports_exactly_the_expected_lines(
    path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, lines = expected(path)
    monkeypatch.chdir(PLANS_BAD)
    result = run("validate", path.name)
    assert result.stderr.splitlines() == lines
    assert result.exit_code == status
    assert result.stdout == ""


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_parse_plan_returns_the_same_findings(path: Path) -> None:
    status, lines = expected(path)
    plan, problems = parse_plan(path.read_bytes(), path.name)
    assert [str(problem) for problem in problems] == findings(lines)
    assert (plan is not None) == (status == 0)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_findings_do_not_depend_on_libyaml(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pure-Python loader (an installation without libyaml) words every finding the same."""
    _status, lines = expected(path)
    monkeypatch.setattr(plan_module, "_PlanLoader", plan_module._MessageLoader)
    _plan, problems = parse_plan(path.read_bytes(), path.name)
    assert [str(problem) for problem in problems] == findings(lines)


def test_validate_json_pins_its_shape_for_a_broken_plan(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _status, lines = expected(PLANS_BAD / "several_errors.yaml")
    monkeypatch.chdir(PLANS_BAD)
    result = run("validate", "several_errors.yaml", "--format", "json")
    assert result.exit_code == 2
    assert result.stderr == ""
    assert result.json() == {
        "file": "several_errors.yaml",
        "valid": False,
        "errors": [line for line in findings(lines) if ": warning: " not in line],
        "warnings": [line for line in findings(lines) if ": warning: " in line],
        "indices": None,
    }
    assert len(result.json()["errors"]) == 4


def test_validate_json_pins_its_shape_for_the_2024_plan(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = run("validate", "--format", "json", "plans/2024.yaml")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.json() == {
        "file": "plans/2024.yaml",
        "valid": True,
        "errors": [],
        "warnings": [WARNING_2024],
        "indices": [
            {"index": number, "code": code, "tasks": count}
            for (number, count), code in zip(COUNTS_2024.items(), CODES_2024, strict=True)
        ],
    }


def test_load_refuses_a_broken_plan_with_every_finding_and_writes_nothing(
    run: Run, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(PLANS_BAD)
    assert run("load", "valid_base.yaml").exit_code == 0
    before = store_path.read_bytes()
    _status, lines = expected(PLANS_BAD / "several_errors.yaml")
    result = run("load", "several_errors.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert sorted(result.stderr.splitlines()) == sorted("lianta: " + f for f in findings(lines))
    assert result.stderr.splitlines()[0] == "lianta: " + findings(lines)[0]
    assert store_path.read_bytes() == before


def test_load_plan_raises_with_the_first_error_and_carries_all_findings() -> None:
    path = PLANS_BAD / "duplicate_index_number.yaml"
    _status, lines = expected(path)
    with pytest.raises(InputError) as raised:
        load_plan(path, display=path.name)
    assert str(raised.value) == lines[0]
    assert raised.value.details == findings(lines)
    assert raised.value.exit_code == 2


def test_a_python_tag_builds_nothing(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "made-by-the-plan"
    text = (PLANS_BAD / "valid_base.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "title: 做好发展规划", f'title: !!python/object/apply:os.mkdir ["{target}"]', 1
    )
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(text, encoding="utf-8")
    result = run("validate", str(plan_file))
    assert result.exit_code == 2
    assert "tag '!!python/object/apply:os.mkdir' is not allowed" in result.stderr
    assert not target.exists()


def test_validate_names_a_missing_file_and_a_folder(run: Run, tmp_path: Path) -> None:
    missing = run("validate", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2
    assert missing.stderr.splitlines()[0] == f"{tmp_path / 'nope.yaml'}: no such file"
    folder = run("validate", str(tmp_path))
    assert folder.exit_code == 2
    assert folder.stderr.splitlines()[0] == f"{tmp_path}: is a folder, not a plan file"


def test_validate_refuses_an_unknown_format(run: Run) -> None:
    result = run("validate", "--format", "xml")
    assert result.exit_code == 2
    assert "--format xml" in result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ how a plan may be written

BASE = (PLANS_BAD / "valid_base.yaml").read_text(encoding="utf-8")


def quoted_and_commented(text: str) -> str:
    """Every text value double-quoted, as bench/gen.py writes it, and followed by a comment that
    holds quotes of its own (once misread on Debian 12's Python 3.11.2)."""
    lines = []
    for line in text.splitlines():
        key, sep, value = line.partition(": ")
        if sep and value[:1] not in ('"', "[") and not value.isdigit():
            line = f'{key}: {json.dumps(value, ensure_ascii=False)}  # "{value}" as written'
        lines.append(line)
    return "\n".join(lines) + "\n"


def as_json(text: str) -> str:
    """The plan of `text` written as JSON, which is YAML in flow style."""
    plan, _problems = parse_plan(text.encode(), "plan.yaml")
    assert plan is not None
    meta = {key: value for key, value in plan.meta().items() if value not in ("", None, [])}
    indices = meta.pop("indices")
    for index, planned in zip(indices, plan.indices, strict=True):
        index["tasks"] = [
            {
                **{key: getattr(task, key) for key in ("id", "title", "title_en", "source")},
                **{key: list(getattr(task, key)) for key in ("places", "partners")},
                **({"due": task.due.isoformat()} if task.due else {}),
            }
            for task in planned.tasks
        ]
    return json.dumps({"plan": meta, "indices": indices}, ensure_ascii=False, indent=1)


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda text: text.replace("\n", "\r\n"),
        quoted_and_commented,
        as_json,
    ],
    ids=["crlf-line-ends", "quoted-and-commented", "json"],
)
def test_a_plan_reads_the_same_in_other_yaml_styles(rewrite: Callable[[str], str]) -> None:
    expected_plan, _problems = parse_plan(BASE.encode(), "plan.yaml")
    assert expected_plan is not None
    assert parse_plan(rewrite(BASE).encode(), "plan.yaml") == (expected_plan, [])


def test_anchors_and_aliases_repeat_plain_data() -> None:
    text = BASE.replace("places: [第七工业区]", "places: &parks [第七工业区]").replace(
        "        source: 加大招商力度\n", "        source: 加大招商力度\n        places: *parks\n"
    )
    plan, problems = parse_plan(text.encode(), "plan.yaml")
    assert plan is not None, problems
    assert [task.places for task in plan.tasks] == [("第七工业区",), ("第七工业区",), ()]


LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{before}'] * 9)}]\n"
    for before, name in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize("aliases", [LAUGHS, "loop: &loop [*loop]\n"], ids=["laughs", "loop"])
def test_aliases_that_would_outgrow_the_file_are_refused(aliases: str) -> None:
    """Nine levels of nine aliases would make 387 million values; one that holds itself, no end."""
    plan, problems = parse_plan((BASE + aliases).encode(), "plan.yaml")
    assert plan is None
    assert [str(problem) for problem in problems] == [
        f"plan.yaml:{BASE.count(chr(10)) + 1}: cannot be read as a plan: "
        "aliases (*name) repeat this value too often; write the values out"
    ]


def test_an_index_without_a_usable_number_still_claims_its_task_ids() -> None:
    text = (
        BASE.replace("  - number: 1\n", '  - number: "one"\n')
        .replace("  - number: 2\n", "  - number: 1\n")
        .replace('id: "2.1"', 'id: "1.1"')
    )
    plan, problems = parse_plan(text.encode(), "plan.yaml")
    assert plan is None
    assert [str(problem) for problem in problems] == [
        "plan.yaml:10: index #1: 'number' must be a whole number, not the text \"one\"",
        "plan.yaml:35: task 1.1: duplicate task id 1.1 (first at line 17)",
    ]


# ------------------------------------------------------------------ the documentation


def doc_section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    assert f"\n## {title}\n" in text
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def fenced(section: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.S)


def test_the_documented_example_is_a_valid_plan(run: Run, tmp_path: Path) -> None:
    (example,) = fenced(doc_section("A minimal complete example"), "yaml")
    plan_file = tmp_path / "2025.yaml"
    plan_file.write_text(example, encoding="utf-8")
    result = run("validate", str(plan_file))
    assert result.exit_code == 0, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{plan_file}: valid — 2025 plan, 1 index, 2 tasks")


@pytest.mark.parametrize(
    ("fields", "section"),
    [
        (PLAN_FIELDS, "`plan`: the plan itself"),
        (FRAMING_FIELDS, "`plan`: the plan itself"),
        (INDEX_FIELDS, "`indices`: the indices and their tasks"),
        (TASK_FIELDS, "`tasks`: one undertaking each"),
    ],
)
def test_the_documentation_describes_every_field(fields: dict[str, bool], section: str) -> None:
    text = doc_section(section)
    rows = {
        match.group(1): match.group(2).strip()
        for match in re.finditer(r"^\| `(\w+)` \| (yes|no) \|", text, flags=re.M)
    }
    for name, required in fields.items():
        if fields is FRAMING_FIELDS:
            assert f"`{name}`" in text
        else:
            assert rows.get(name) == ("yes" if required else "no"), name


def test_the_documented_messages_are_what_validate_prints(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = fenced(doc_section("What `lianta validate` reports"), "text")
    several, syntax = blocks[0].splitlines(), blocks[1].splitlines()
    (tmp_path / "plans").mkdir()
    monkeypatch.chdir(tmp_path)
    shutil.copy(PLANS_BAD / "several_errors.yaml", tmp_path / "plans" / "2025.yaml")
    result = run("validate", "plans/2025.yaml")
    assert [line for line in result.stderr.splitlines() if ": warning: " not in line] == several
    for name, shown in zip(("tab_indent", "unclosed_quote"), syntax, strict=True):
        _status, lines = expected(PLANS_BAD / f"{name}.yaml")
        assert lines[0].replace(f"{name}.yaml", "plans/2025.yaml") == shown


def test_the_documented_warning_is_the_real_one() -> None:
    (block,) = fenced(doc_section("`plan`: the plan itself"), "text")
    assert block.strip() == WARNING_2024
