"""Property-based tests: no file, however damaged, makes plan reading do anything but report.

Arbitrary bytes, YAML-shaped noise and randomly mutated copies of the 2024 plan (and of one in
the quoted style of bench/gen.py) go through `parse_plan` and through `lianta validate`: the
result is a plan or findings, never an exception; the exit status is 0 or 2; each finding is
one line that starts with FILE[:LINE[:COL]].
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import PLAN_2024, Run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianta_cli.models import Problem
from lianta_cli.plan import parse_plan

SHOWN = "plan.yaml"
FINDING = re.compile(r"^plan\.yaml(:\d+)?(:\d+)?: \S")
LINES_2024 = PLAN_2024.read_text(encoding="utf-8").splitlines(keepends=True)

FAST = settings(max_examples=150, deadline=None)
SLOW = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check_outcome(raw: bytes) -> list[Problem]:
    """Parse `raw` and check what every outcome must satisfy; returns the findings."""
    plan, problems = parse_plan(raw, SHOWN)
    errors = [p for p in problems if not p.warning]
    assert (plan is None) == bool(errors)
    for problem in problems:
        text = str(problem)
        assert "\n" not in text and "\r" not in text, text
        assert FINDING.match(text), text
    lines = [p.line for p in problems if p.line is not None]
    assert lines == sorted(lines)
    if plan is not None:
        ids = [task.id for task in plan.tasks]
        assert len(ids) == len(set(ids))
    return problems


# ------------------------------------------------------------------ noise


@FAST
@given(st.binary(max_size=400))
def test_arbitrary_bytes_are_reported_not_raised(raw: bytes) -> None:
    check_outcome(raw)


YAML_ALPHABET = st.sampled_from(
    [
        *"abcxyz019.-_:, \n\n\n  \t#'\"[]{}!&*|>%@`?~<=\\",
        *[
            "plan",
            "indices",
            "tasks",
            "id",
            "title",
            "- ",
            ": ",
            "  ",
            "!!python/",
            "\ufeff",
            "莲塘",
        ],
    ]
)


@FAST
@given(st.lists(YAML_ALPHABET, max_size=120).map("".join))
def test_yaml_shaped_noise_is_reported_not_raised(text: str) -> None:
    check_outcome(text.encode("utf-8"))


@FAST
@given(st.text(max_size=200))
def test_any_unicode_text_is_reported_not_raised(text: str) -> None:
    check_outcome(text.encode("utf-8", "surrogatepass"))


# ------------------------------------------------------------------ mutated copies of the 2024 plan

VALUES = st.sampled_from(
    [
        "",
        "[]",
        "{}",
        "~",
        "yes",
        "3.10",
        "2024-02-30",
        "2025-06-30",
        '"3.4"',
        "-1",
        "1e400",
        '"',
        "'",
        "[a, b",
        "*anchor",
        "&anchor x",
        "!!python/object/apply:os.system [echo]",
        "!!binary aGk=",
        "<<: {}",
        "\t",
        "|",
        ">-",
        "- x",
        "a: b: c",
        '"\\ud800"',
        '"a\\nb"',
        '"\\x85\\u2028\\t"',
        '"\\x07"',
    ]
) | st.text(max_size=12)


@st.composite
def mutated_plan(draw: st.DrawFn, base: list[str] = LINES_2024) -> bytes:
    lines = list(base)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(
            st.sampled_from(
                ["delete", "duplicate", "copy", "swap", "value", "key", "indent", "insert"]
            )
        )
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "copy":
            lines[i] = lines[draw(st.integers(0, len(lines) - 1))]
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "value":
            key, sep, _value = lines[i].partition(": ")
            lines[i] = (key + sep if sep else lines[i].rstrip("\n") + " ") + draw(VALUES) + "\n"
        elif action == "key":
            key, sep, value = lines[i].partition(": ")
            indent = key[: len(key) - len(key.lstrip(" -"))]
            lines[i] = indent + draw(VALUES) + ": " + (value if sep else "x\n")
        elif action == "indent":
            shift = draw(st.integers(-3, 3))
            lines[i] = " " * shift + lines[i] if shift > 0 else lines[i][-shift:]
        else:
            lines.insert(i, draw(st.text(max_size=20)) + "\n")
    return "".join(lines).encode("utf-8", "surrogatepass")


SOURCE = '围绕区“7+1”战新产业集群目标,"12345"\\ '


def q(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def generated_plan(indices: int, per_index: int) -> str:
    """A plan in the style of bench/gen.py: quoted scalars, flow lists, every fourth task due."""
    out = [
        "# generated",
        "plan:",
        "  year: 2024",
        f"  title: {q('莲塘街道2024年工作计划')}",
        f"  title_en: {q('Liantang Subdistrict Work Plan 2024')}",
        f"  source: {q('首页 > 政务公开')}",
        '  start: "2024-01-01"',
        '  end: "2024-12-31"',
        f"  indices_declared: {indices}",
        "  framing:",
        f"    - name: {q('百千万工程')}",
        f"      name_en: {q('Hundred-Thousand-Ten-Thousand Project')}",
        "indices:",
    ]
    position = 0
    for number in range(1, indices + 1):
        out += [
            f"  - number: {number}",
            f"    code: {q(f'code-{number}')}",
            f"    name: {q(f'指数{number}')}",
            f"    name_en: {q(f'Index {number}')}",
            f"    theme: {q('突出招商引资')}",
            f"    theme_en: {q('Focus on investment')}",
            "    tasks:",
        ]
        for j in range(1, per_index + 1):
            position += 1
            out += [
                f"      - id: {q(f'{number}.{j}')}",
                f"        title: {q(f'推动打造行业产业园区(第{position}批)')}",
                f"        title_en: {q(f'Build parks (batch {position})')}",
                f"        source: {q(SOURCE)}",
                f"        places: {q(['第七工业区', '莲塘口岸'][: position % 3])}",
                "        partners: []",
            ]
            if position % 4 == 3:
                out.append(f"        due: {q(f'2024-{position % 12 + 1:02d}-28')}")
    return "\n".join(out) + "\n"


LINES_GENERATED = generated_plan(3, 4).splitlines(keepends=True)


def test_the_generated_plan_is_valid() -> None:
    plan, problems = parse_plan(generated_plan(3, 4).encode(), SHOWN)
    assert plan is not None and problems == []
    assert len(plan.tasks) == 12


@settings(max_examples=100, deadline=None)
@given(st.one_of(mutated_plan(), mutated_plan(LINES_GENERATED)))
def test_mutated_plans_are_reported_not_raised(raw: bytes) -> None:
    check_outcome(raw)


@st.composite
def swapped_values(draw: st.DrawFn) -> bytes:
    """Two values of the plan exchanged: a title where a date was, a list where a number was."""
    lines = list(LINES_2024)
    keyed = [
        i for i, line in enumerate(lines) if ": " in line and not line.lstrip().startswith("#")
    ]
    i, j = draw(st.lists(st.sampled_from(keyed), min_size=2, max_size=2, unique=True))
    key_i, _, value_i = lines[i].partition(": ")
    key_j, _, value_j = lines[j].partition(": ")
    lines[i], lines[j] = f"{key_i}: {value_j}", f"{key_j}: {value_i}"
    return "".join(lines).encode("utf-8")


@settings(max_examples=100, deadline=None)
@given(swapped_values())
def test_swapped_values_are_reported_not_raised(raw: bytes) -> None:
    check_outcome(raw)


ONE_LINE_TEXT = st.text(
    alphabet=st.characters(
        categories=["L", "M", "N", "P", "S", "Zs"], exclude_characters="\x85\u2028\u2029\ufeff"
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip())


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 39), ONE_LINE_TEXT)
def test_any_quoted_one_line_title_is_read_back(position: int, title: str) -> None:
    lines = list(LINES_2024)
    title_lines = [i for i, line in enumerate(lines) if line.startswith("        title: ")]
    assert len(title_lines) == 40
    lines[title_lines[position]] = f"        title: {json.dumps(title, ensure_ascii=False)}\n"
    plan, problems = parse_plan("".join(lines).encode("utf-8"), SHOWN)
    assert plan is not None, [str(p) for p in problems]
    assert plan.tasks[position].title == title.strip()


# ------------------------------------------------------------------ through the command line

STDERR_LINE = re.compile(
    r"^(plan\.yaml(:\d+)?(:\d+)?: \S.*"
    r"|(1 error|\d+ errors); the plan was not accepted"
    r"|plan\.yaml: valid — .*)$"
)


@SLOW
@given(raw=st.one_of(mutated_plan(), swapped_values(), st.binary(max_size=200)))
def test_validate_exits_0_or_2_and_prints_only_findings(
    raw: bytes, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path(SHOWN).write_bytes(raw)
    result = run("validate", SHOWN)
    assert result.exit_code in (0, 2)
    assert result.stdout == ""
    for line in result.stderr.splitlines():
        assert STDERR_LINE.match(line), line
    _plan, problems = parse_plan(raw, SHOWN)
    assert result.stderr.splitlines()[: len(problems)] == [str(p) for p in problems]
    as_json = run("validate", SHOWN, "--format", "json")
    assert as_json.exit_code == result.exit_code
    document = as_json.json()
    assert document["valid"] == (result.exit_code == 0)
    assert document["errors"] + document["warnings"] == [
        str(p) for p in sorted(problems, key=lambda p: p.warning)
    ]
