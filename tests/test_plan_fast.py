"""The fast reading of a plan (parser events, no node tree) against the full one.

`parse_plan` first builds the plan straight from YAML events and leaves anything it does not
take (a tag, an anchor, a repeated key, a syntax error, an error finding) to the full reading,
which words every finding. Both must give equal plans and equal findings for every file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import PLAN_2024
from hypothesis import given, settings
from hypothesis import strategies as st
from test_plan import CORPUS, WARNING_2024

import lianta_cli.plan as plan_module
from lianta_cli.plan import (
    _event_data,
    _Fallback,
    _fast_data,
    _line_data,
    _parse_fast,
    _parse_slow,
    _plan_text,
    parse_plan,
)

SHOWN = "plan.yaml"
SOURCE = '围绕区“7+1”战新产业集群目标,"12345"\\ '


def q(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def generated_plan(indices: int, per_index: int, *, declared: int | None = None) -> str:
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
        f"  indices_declared: {indices if declared is None else declared}",
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


def both(raw: bytes) -> tuple[object, object]:
    """What `parse_plan` and the full reading alone make of `raw`."""
    return parse_plan(raw, SHOWN), _parse_slow(raw, SHOWN)


def fast(raw: bytes) -> object:
    text, _problems = _plan_text(raw, SHOWN)
    assert text is not None
    return _parse_fast(text, SHOWN)


def test_the_2024_plan_is_read_fast_with_its_warning_on_its_line() -> None:
    raw = PLAN_2024.read_bytes()
    result = fast(raw)
    assert result is not None
    assert result == _parse_slow(raw, SHOWN)
    plan, problems = parse_plan(raw, "plans/2024.yaml")
    assert plan is not None and len(plan.tasks) == 40
    assert [str(p) for p in problems] == [WARNING_2024]


@pytest.mark.parametrize(("indices", "per_index"), [(1, 1), (6, 7), (20, 50)])
def test_generated_plans_are_read_fast_and_equal_to_the_full_reading(
    indices: int, per_index: int
) -> None:
    raw = generated_plan(indices, per_index).encode()
    result = fast(raw)
    assert result is not None
    plan, problems = result
    assert plan is not None and len(plan.tasks) == indices * per_index and problems == []
    assert result == _parse_slow(raw, SHOWN)


def test_warnings_found_fast_carry_the_lines_of_the_full_reading() -> None:
    raw = (
        generated_plan(3, 2, declared=5)
        .replace('  start: "2024-01-01"', '  start: "2023-12-31"')
        .encode()
    )
    result = fast(raw)
    assert result is not None
    _plan, problems = result
    assert [p.warning for p in problems] == [True, True]
    assert result == _parse_slow(raw, SHOWN)


def test_an_index_without_tasks_is_warned_on_its_line_fast() -> None:
    lines = generated_plan(3, 2).splitlines()
    start = lines.index('      - id: "2.1"')
    end = lines.index("  - number: 3")
    lines[start - 1 : end] = ["    tasks: []"]
    raw = ("\n".join(lines) + "\n").encode()
    result = fast(raw)
    assert result is not None
    assert [str(p) for p in result[1]] == [f"{SHOWN}:{start}: warning: index 2: has no tasks"]
    assert result == _parse_slow(raw, SHOWN)


@pytest.mark.parametrize(
    "change",
    [
        ("  year: 2024", "  year: !!int 2024"),  # a tag, even a plain one
        ("  year: 2024", "  year: &y 2024\n  extra: *y"),  # anchor and alias
        ('  start: "2024-01-01"', '  start: "2024-01-01"\n  start: "2024-01-02"'),  # repeated key
        ("plan:\n", "plan:\n  <<: {}\n"),  # merge key
        ("  year: 2024", "  year: 1e3"),  # an error finding (not a whole number)
        ("  year: 2024", "  year: 2024\n  1: x"),  # a key that is not text
        ("  year: 2024", "  year: [2024"),  # a syntax error
        ("indices:", "---\nindices:"),  # a second document
    ],
)
def test_what_the_fast_reading_does_not_take_goes_to_the_full_reading(
    change: tuple[str, str],
) -> None:
    text = generated_plan(2, 2)
    assert change[0] in text
    raw = text.replace(change[0], change[1], 1).encode()
    assert fast(raw) is None
    parsed, slow = both(raw)
    assert parsed == slow


def test_the_fast_reading_refuses_tags_anchors_and_repeated_keys() -> None:
    for text in (
        "a: !x 1\n",
        "a: &x 1\nb: *x\n",
        "a: 1\na: 2\n",
        "? [a]\n: 1\n",
        "a: 1\n---\nb: 2\n",
    ):
        with pytest.raises(_Fallback):
            _fast_data(text)
    assert _fast_data("a: [1, 2.5, true, null, '', ~, x]\nb: {c: d}\n") == {
        "a": [1, 2.5, True, None, "", None, "x"],
        "b": {"c": "d"},
    }


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_broken_plan_gives_the_same_result_both_ways(path: Path) -> None:
    parsed, slow = both(path.read_bytes())
    assert parsed == slow


def test_without_libyaml_the_fast_reading_agrees_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_module, "_PlanLoader", plan_module._MessageLoader)
    raw = generated_plan(3, 4).encode()
    assert fast(raw) is not None
    assert both(raw)[0] == both(raw)[1]
    raw = PLAN_2024.read_bytes()
    assert fast(raw) == _parse_slow(raw, SHOWN)


def read_both_ways(text: str) -> tuple[object, object]:
    """What the line reader and the event reader make of `text` (`_Fallback` when they refuse).

    The line reader also reads it leaving runs of tasks unmade, as for `_parse_fast`: once
    they are made and put in their place, it must have read the same."""
    results: list[object] = []
    for reader in (_line_data, _event_data):
        try:
            results.append(reader(text))
        except _Fallback:
            results.append(_Fallback)
    if results[0] is not _Fallback:
        runs: plan_module._Runs = {}
        short = _line_data(text, runs)
        for tasks, position, fields in runs.values():
            plan_module._make_unmade(tasks, (position, fields))
        assert short == results[0]
    return results[0], results[1]


def test_generated_plans_are_read_line_by_line() -> None:
    text = generated_plan(4, 5)
    by_line, by_event = read_both_ways(text)
    assert by_line is not _Fallback
    assert by_line == by_event


def test_the_line_reader_asked_to_leaves_runs_of_tasks_unmade() -> None:
    """All but the first and the last task of each index (the run after the first, but its
    last) are left unmade, their fields kept for the glance."""
    runs: plan_module._Runs = {}
    data = _line_data(generated_plan(4, 5), runs)
    assert [len(index["tasks"]) for index in data["indices"]] == [2, 2, 2, 2]
    assert [(position, fields.ids) for _tasks, position, fields in runs.values()] == [
        (1, [f"{number}.2", f"{number}.3", f"{number}.4"]) for number in range(1, 5)
    ]
    # a run broken by a comment after one task: the next run of the list is left unmade
    text = changed_task(generated_plan(1, 7), "1.2", "title_en:", "# c\n        title_en:")
    runs = {}
    data = _line_data(text, runs)
    assert len(data["indices"][0]["tasks"]) == 4
    assert [(position, fields.ids) for _tasks, position, fields in runs.values()] == [
        (3, ["1.4", "1.5", "1.6"])
    ]
    raw = text.encode()
    assert parse_plan(raw, SHOWN) == _parse_slow(raw, SHOWN) == checked_one_by_one(raw)


TASK = (
    "indices:\n  - number: 1\n    tasks:\n"
    '      - id: "1.1"\n        title: "t"\n        title_en: "e"\n        source: "s"\n'
    '        places: ["p"]\n        partners: []\n        due: "2024-05-01"\n'
)
"""One task in the layout whose lines after the id the line reader takes in one match."""


@pytest.mark.parametrize(
    "text",
    [
        'plan:\n  title: "a \\" b \\\\ c"  # comment\n',
        'plan:\n  title: "a # not a comment"\n  year: 2024 # comment\n',
        'plan:\n  places: [ ]\n  partners: ["x" ,  "y"]\n',
        'plan:\n  framing:\n  title: "t"\n',
        'plan:\n\n  # a comment\n    # deeper\n  framing:\n    - name: "n"\n      name_en: "e"\n',
        'plan:\n  framing:\n    -   name: "n"\n        name_en: "e"\n    - name: "m"\nindices:\n',
        "plan:\n  year: 0\n  number: 123456789\n",
        'plan:\n  title: "a" # "b"\n  title_en: "c\\\\" # d\\\n',  # quotes in a comment
        'plan:\n  title:    "spaced"   \n  year:   7  \n  places:  [ "x\\"y" ]  # c\n',
        'plan:\n  title: ""\n  framing:   \n  source: "a \\"quoted\\" \\\\ word"\n',
        'plan:\n  title: "no line break at the end"',
        'plan:\n  places: ["a", "b \\" c",  "d"]\n  partners: []\n# the end\n\n',
        # the lines after a task's id, taken at once when they can be
        f"{TASK}",
        f"{TASK}".replace('title: "t"', 'title: "a \\"b\\" \\\\ c"'),
        f"{TASK}".replace('title: "t"', 'title: "a" # "b"'),
        f"{TASK}".replace('title: "t"', 'title: "a \\"b" # c"'),
        f"{TASK}".replace('title: "t"', 'title:   "t"   '),
        f"{TASK}".replace('places: ["p"]', 'places: [ "p" ,"q\\"" ]'),
        f"{TASK}".replace('title_en: "e"\n', '# a comment\n        title_en: "e"\n'),
        f"{TASK}".replace('        title_en: "e"\n', ""),
        f"{TASK}".replace('        title_en: "e"\n', "") + '        title_en: "e"\n',
        f"{TASK}".replace('        source: "s"\n', "") + '        source: "s"\n',
        f"{TASK}" + '        theme: "x"\n',
        f"{TASK}".rstrip("\n"),
        TASK + TASK[TASK.index("      - id") :].replace('id: "1.1"', 'id: "1.2"'),
        TASK + TASK[TASK.index("      - id") :].replace('id: "1.1"', 'id: "1.2" # c'),
        TASK + TASK[TASK.index("      - id") :].replace('        places: ["p"]\n', ""),
        TASK + TASK[TASK.index("      - id") :].replace("        partners: []\n", ""),
        TASK + TASK[TASK.index("      - id") :].replace('title: "t"', 'title: "a \\"b\\""'),
        TASK + TASK[TASK.index("      - id") :].replace('title: "t"', 'title: "a" # "b"'),
        TASK + TASK[TASK.index("      - id") :].replace('id: "1.1"', 'id: "1\\"2"'),
        TASK + TASK[TASK.index("      - id") :].replace('id: "1.1"', 'id: "1.2"  # "c"'),
        TASK + "  # c\n" + TASK[TASK.index("      - id") :].replace('"1.1"', '"1.2"'),
        TASK
        + TASK[TASK.index("      - id") :]
        .replace("- id", "-  id")
        .replace("\n        ", "\n         "),
        TASK
        + TASK[TASK.index("      - id") :]
        .replace('"1.1"', '"1.2"')
        .replace('        due: "2024-05-01"\n', ""),
        f"{TASK}".replace("      - id:", "      -   id:").replace("\n        ", "\n          "),
        'tasks:\n  - title: "t"\n    title_en: "e"\n',
        'tasks:\n  - id:\n    title: "t"\n',
    ],
)
def test_the_line_reader_builds_what_yaml_builds(text: str) -> None:
    by_line, by_event = read_both_ways(text)
    assert by_line is not _Fallback
    assert by_line == by_event


@pytest.mark.parametrize(
    "text",
    [
        'plan:\n  title: "a\\nb"\n',  # an escape other than \" and \\
        "plan:\n  title: plain text\n",  # a plain scalar
        "plan:\n  title: 'single'\n",
        'plan:\n  title: "two\n    lines"\n',
        'plan:\n  framing:\n  - name: "n"\n',  # a sequence at its key's indentation
        'plan:\r\n  title: "t"\r\n',
        'plan:\n\ttitle: "t"\n',
        'plan:\n  yes: "t"\n',  # a key that YAML reads as true
        'plan:\n  title:"t"\n',
        "plan:\n  year: 2024\n    5\n",  # a continuation line
        "plan:\n  year: 0x10\n",
        'plan:\n  places: ["a",]\n',
        '  plan:\n    title: "t"\n',
        '---\nplan:\n  title: "t"\n',
        'plan:\n  title: "t"\n  title: "u"\n',
        'plan:\n  title: "t"\n   year: 1\n',
        'plan:\n  title: "a"b"\n',  # a quote inside the text
        'plan:\n  title: "a" "b"\n',
        'plan:\n  title: "a\\q"\n',  # a backslash that is no escape the reader takes
        'plan:\n  places: ["a"\n  , "b"]\n',  # a list over two lines
        'plan:\n  title: "a\n  b"\n',  # a text over two lines
        "plan:\n  title: - x\n",
        f"{TASK}" + '        title: "again"\n',
        f"{TASK}".replace('title_en: "e"', 'title_en: "e"x"'),
        f"{TASK}".replace('        title_en: "e"\n', '         title_en: "e"\n'),
        f"{TASK}".replace("      - id:", "      -   id:"),
    ],
)
def test_the_line_reader_leaves_the_rest_to_the_event_reader(text: str) -> None:
    by_line, _by_event = read_both_ways(text)
    assert by_line is _Fallback


def checked_one_by_one(raw: bytes) -> object:
    """`parse_plan` with every task going through the checks one by one (no glance at a task
    or at a whole index's tasks)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plan_module, "_clean_task", lambda *_args: None)
        patch.setattr(plan_module, "_clean_tasks", lambda *_args, **_kwargs: None)
        return parse_plan(raw, SHOWN)


@pytest.mark.parametrize(
    "raw",
    [
        PLAN_2024.read_bytes(),
        generated_plan(6, 7).encode(),
        generated_plan(2, 3, declared=4).encode(),
        generated_plan(2, 3).replace('due: "2024-04-28"', 'due: "2025-04-28"').encode(),
        generated_plan(2, 3).replace('due: "2024-04-28"', 'due: "2024-02-30"').encode(),
        generated_plan(2, 3).replace('due: "2024-04-28"', "due:").encode(),
        generated_plan(2, 3).replace('id: "2.2"', 'id: "2.1"').encode(),
        generated_plan(2, 3).replace('id: "2.2"', 'id: "1.9"').encode(),
        generated_plan(2, 3).replace("partners: []", 'partners: ["a", " "]').encode(),
        generated_plan(2, 3).replace("partners: []", 'partners: "a"').encode(),
        generated_plan(2, 3).replace("partners: []", 'partners: ["\\u0007"]').encode(),
        generated_plan(2, 3).replace('title_en: "Build', 'title_en: "\\nBuild').encode(),
        generated_plan(2, 3).replace('title_en: "Build', 'title_en: "  Build').encode(),
        generated_plan(2, 3).replace('["第七工业区"]', '[" 第七工业区  "]').encode(),
        generated_plan(2, 3).replace('["第七工业区"]', '["第七工业区", ""]').encode(),
        generated_plan(2, 3).replace("partners: []", "partners:", 2).encode(),
        generated_plan(2, 3).replace('id: "2.2"', 'id: " 2.2 "').encode(),
        generated_plan(2, 3).replace('id: "2.2"', 'id: "2.02"').encode(),
        generated_plan(2, 3).replace('id: "2.2"', 'id: "22.2"').encode(),
        generated_plan(2, 3).replace("partners: []", "partners: [1]", 1).encode(),
        generated_plan(2, 3).replace("partners: []", 'partners: "x"', 1).encode(),
        generated_plan(2, 3).replace('due: "2024-04-28"', 'due: " 2024-04-28 "').encode(),
        generated_plan(2, 3).replace('source: "', 'source: "\\u0085', 1).encode(),
    ],
)
def test_a_task_clean_at_a_glance_is_the_task_the_full_checks_build(raw: bytes) -> None:
    assert parse_plan(raw, SHOWN) == checked_one_by_one(raw)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_broken_plan_gives_the_same_findings_without_the_glance(path: Path) -> None:
    raw = path.read_bytes()
    assert parse_plan(raw, SHOWN) == checked_one_by_one(raw)


GLANCED = [
    {"id": "4.1", "title": "t", "title_en": "e", "source": "s"},
    {
        "id": " 4.2",
        "title": " t ",
        "title_en": "e",
        "source": "s",
        "places": None,
        "due": "2024-03-01",
    },
    {"id": "4.3", "title": "t", "title_en": "e", "source": "s", "places": [" a ", "b"]},
    {"id": "4.4", "title": "t", "title_en": "e", "source": "s", "partners": []},
]


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"title": "a\u2028b"},
        {"title": "a\x07"},
        {"places": ["a", "\x85"]},
        {"places": ["a", "b\x1b"]},
        {"places": ("a",)},
        {"places": [" "]},
        {"due": None},
        {"due": "2025-01-01"},
        {"due": "2024-02-30"},
        {"id": "4.1"},
        {"id": "3.9"},
        {"id": 4.4},
        {"note": "x"},
        {"title": None},
    ],
)
@pytest.mark.parametrize("printable", [False, True])
def test_the_glance_at_an_index_is_the_glance_at_each_task(
    change: dict[str, object], printable: bool
) -> None:
    """`_clean_tasks` (a column at a time) judges and builds as `_clean_task` (a task at a
    time); with `printable`, only unprintable characters go unseen."""
    items = [*GLANCED[:3], {**GLANCED[3], **change}]
    start, end = date(2024, 1, 1), date(2024, 12, 31)
    ids = plan_module._TaskIds()
    ids.add("9.9", ("elsewhere",))
    column = plan_module._clean_tasks(
        items, 4, start, end, ids, ("indices", 3), printable=printable
    )
    one_by_one: list[object] = []
    seen = plan_module._TaskIds()
    seen.add("9.9", ("elsewhere",))
    for position, item in enumerate(items):
        task = plan_module._clean_task(item, 4, start, end, seen)
        if task is None:
            one_by_one = []
            break
        seen.add(task.id, ("indices", 3, "tasks", position, "id"))
        one_by_one.append(task)
    texts = [t for v in change.values() for t in (v if isinstance(v, list | tuple) else [v])]
    unseen = printable and any(
        isinstance(text, str) and plan_module._UNPRINTABLE.search(text.strip()) for text in texts
    )
    if one_by_one or unseen:
        assert column is not None
        assert unseen or column == one_by_one
        assert ids.paths() == seen.paths() or unseen
    else:
        assert column is None
        assert ids.paths() == {"9.9": ("elsewhere",)}


def test_a_duplicate_of_an_id_glanced_at_is_found_with_the_line_of_the_first() -> None:
    """Two indices numbered 1 (each glanced at as a whole, the second in vain): the second's
    ids are duplicates, each found with the line of the first, as without the glance."""
    text = generated_plan(3, 3).replace("  - number: 2", "  - number: 1")
    text = text.replace('id: "2.', 'id: "1.')
    raw = text.encode()
    lines = text.splitlines()
    first = lines.index('      - id: "1.2"') + 1
    again = lines.index('      - id: "1.2"', first) + 1
    plan, problems = parse_plan(raw, SHOWN)
    assert plan is None
    message = f"{SHOWN}:{again}: task 1.2: duplicate task id 1.2 (first at line {first})"
    assert message in [str(p) for p in problems]
    assert (plan, problems) == checked_one_by_one(raw) == _parse_slow(raw, SHOWN)


@pytest.mark.parametrize("number", ['"two"', "0", "-1", "[2]"])
def test_ids_read_one_by_one_in_an_index_without_a_number_are_duplicates_later_too(
    number: str,
) -> None:
    """An index without a usable number keeps the ids of its tasks whatever they begin with;
    the next index, glanced at as a whole, finds its ids among them."""
    text = generated_plan(3, 3).replace("  - number: 2", f"  - number: {number}")
    raw = text.replace('id: "2.', 'id: "3.').encode()
    plan, problems = parse_plan(raw, SHOWN)
    assert plan is None
    assert any("duplicate task id 3.2 (first at line" in str(p) for p in problems)
    assert (plan, problems) == checked_one_by_one(raw) == _parse_slow(raw, SHOWN)


def test_the_lines_after_a_task_id_are_taken_in_one_match() -> None:
    after_id = TASK.index('"1.1"\n') + len('"1.1"\n')
    item: dict[str, object] = {"id": "1.1"}
    assert plan_module._add_following(TASK, after_id, 8, item) == len(TASK)
    assert item == _event_data(TASK)["indices"][0]["tasks"][0]
    commented = TASK.replace('title: "t"', 'title: "t" # c')
    assert plan_module._add_following(commented, after_id, 8, {"id": "1.1"}) == after_id


def task_run(count: int, changes: dict[int, tuple[str, str]]) -> str:
    """`count` tasks in the layout of `TASK`, each line as in `TASK` but with its own id; the
    task at position k (from 0) has `changes[k]` (old, new) replaced in its lines."""
    head, task = TASK[: TASK.index("      - id")], TASK[TASK.index("      - id") :]
    lines = [head]
    for position in range(count):
        lines.append(task.replace('id: "1.1"', f'id: "1.{position + 1}"'))
        if position in changes:
            old, new = changes[position]
            assert old in lines[-1]
            lines[-1] = lines[-1].replace(old, new)
    return "".join(lines)


RUN_CHANGES = [
    ('title: "t"', 'title: "a \\"b\\" \\\\ c"'),  # escapes the reader undoes
    ('title: "t"', 'title: "a" # "b"'),  # a quote that is not escaped: read line by line
    ('title: "t"', 'title: "a \\"b" # c"'),
    ('title: "t"', 'title: "a\\q"'),  # no escape the reader takes: left to YAML
    ('id: "1.', 'id: "1\\".'),
    ('id: "1.', 'id: "\\\\1.'),
    ('due: "2024-05-01"', 'due: "2024-05-01\\""'),
    ('due: "2024-05-01"', 'due: "2024\\\\-05-01" # x'),
    ('source: "s"', 'source: "\\"" '),
    ('places: ["p"]', "places: []"),
    ('places: ["p"]', "places: [ ]"),
    ('places: ["p"]', 'places: [ "p" ,"q\\"" ,  "\\\\r\\\\" ]'),
    ('places: ["p"]', 'places: ["a, b", "[c]", "# d", " "]'),
    ("partners: []", 'partners: ["x\\\\", "\\"y"]'),
    ('places: ["p"]', 'places: ["p",]'),  # not JSON, not the reader's either
    ("        partners: []\n", ""),  # optional lines left out
    ('        due: "2024-05-01"\n', ""),
    ('        places: ["p"]\n', ""),
    ('        title: "t"\n', ""),  # a required line left out
    ('        title_en: "e"\n        source: "s"\n', ""),
    ('        title_en: "e"\n', "        # a comment\n"),  # a line the run does not take
    ('        title_en: "e"\n', '        title_en: "e"  # a comment\n'),
    ('        due: "2024-05-01"\n', "\n"),
    ('        due: "2024-05-01"\n', '        due: "2024-05-01"\n        note: "n"\n'),
    ('        due: "2024-05-01"\n', '        theme: "x"\n'),
    ('      - id: "1.', '      -  id: "1.'),
    ('title: "t"', 'title:   "t"   '),
    ("partners: []", "partners:"),
    ('title: "t"', "title: 7"),
]


@pytest.mark.parametrize("position", [0, 1, 4])
@pytest.mark.parametrize("change", RUN_CHANGES)
def test_a_run_of_tasks_is_read_as_yaml_reads_it(change: tuple[str, str], position: int) -> None:
    """Runs of tasks read a field at a time, broken or changed at their start, inside and at
    their end; and two changes, one after the other."""
    for text in (
        task_run(5, {position: change}),
        task_run(5, {position: change, min(position + 1, 4): RUN_CHANGES[0]}),
        task_run(5, {position: change, min(position + 1, 4): change}),
    ):
        by_line, by_event = read_both_ways(text)
        assert by_line == by_event or by_line is _Fallback


@pytest.fixture
def plain_quantifiers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The line reader as Python before 3.11.5 gets it: `?`, not the possessive `?+`."""
    monkeypatch.setattr(plan_module, "_KEPT", "")
    plan_module._following.cache_clear()
    plan_module._task_lines.cache_clear()
    yield
    plan_module._following.cache_clear()
    plan_module._task_lines.cache_clear()


@pytest.mark.usefixtures("plain_quantifiers")
@pytest.mark.parametrize("change", RUN_CHANGES)
def test_without_possessive_quantifiers_the_lines_are_read_the_same(
    change: tuple[str, str],
) -> None:
    assert "?+" not in plan_module._following(8).pattern
    test_the_lines_after_a_task_id_are_taken_in_one_match()
    for position in (0, 4):
        by_line, by_event = read_both_ways(task_run(5, {position: change}))
        assert by_line == by_event or by_line is _Fallback


def changed_task(text: str, task_id: str, old: str, new: str) -> str:
    """`text` with the first `old` among the lines of the task `task_id` made `new`."""
    begin = text.index(f'- id: "{task_id}"')
    end = text.find("- id:", begin + 1)
    end = len(text) if end < 0 else end
    assert old in text[begin:end]
    return text[:begin] + text[begin:end].replace(old, new, 1) + text[end:]


@pytest.mark.parametrize("task_id", ["1.1", "1.2", "1.3", "1.6", "2.1"])
@pytest.mark.parametrize(
    "change",
    [
        ("        partners: []\n", '        # a comment\n        partners: ["x"]\n'),
        (
            "        partners: []\n",
            '        partners: []\n        # c\n        due: "2024-03-03"\n',
        ),
        ("        partners: []\n", '        partners: []\n        due: "2025-03-03"\n'),
        ("        partners: []\n", '        partners: [" a ", "b"]\n'),
        ("        partners: []\n", '        partners: [""]\n'),
        ("        partners: []\n", "        partners:\n"),
        ("        partners: []\n", ""),
        ('title: "', 'title: "  '),
        ('title: "', 'title: " \\"'),
        ('title: "', 'title: "\\u0007'),
        ("        title_en:", "        # c\n        title_en:"),
        ("        title_en:", '        theme: "x"\n        title_en:'),
        ('id: "', 'id: " '),
        ('id: "', 'id: "1'),
        ('id: "', 'id: "2'),
    ],
)
def test_the_glance_at_tasks_gathered_by_the_line_reader_is_the_full_check(
    change: tuple[str, str], task_id: str
) -> None:
    """Whatever breaks or follows a run of tasks, its fields gathered by the line reader
    give the plan and findings of the full reading, and of the checks one task at a time."""
    raw = changed_task(generated_plan(2, 6), task_id, *change).encode()
    parsed = parse_plan(raw, SHOWN)
    assert parsed == _parse_slow(raw, SHOWN)
    assert parsed == checked_one_by_one(raw)


def quoted_item(text: str) -> str:
    """`text` as a double-quoted scalar with no escape but \\" and \\\\."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


LIST_ITEMS = st.lists(
    st.text(alphabet=st.sampled_from([*"ab莲 ,[]#:\"\\'{}", "\x01", "\u00a0", "😀"]), max_size=6),
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(LIST_ITEMS, min_size=1, max_size=4), st.sampled_from(["", " ", "  "]))
def test_one_line_lists_decoded_at_once_are_the_lists_yaml_reads(
    lists: list[list[str]], space: str
) -> None:
    written = [
        f"[{space}{f'{space},{space}'.join(map(quoted_item, items))}{space}]" for items in lists
    ]
    decoded = plan_module._one_line_lists([*written, None])
    assert decoded == [*(plan_module._quoted_items(one) for one in written), None]
    assert decoded[:-1] == lists
    changes = {k: ('places: ["p"]', f"places: {one}") for k, one in enumerate(written, 1)}
    text, _problems = _plan_text(task_run(len(written) + 1, changes).encode(), SHOWN)
    if text is not None:  # YAML refuses the controls, and so does `_plan_text`
        by_line, by_event = read_both_ways(text)
        assert by_line is not _Fallback
        assert by_line == by_event


EDGE_CHARACTERS = st.sampled_from(
    [
        *"a莲\n\t\r\x00\x08\x0b\x1f\x7f\x80\x85\x9f\xa0·\ufeff\ufffe\uffff\ufffd，\u2028",
        "\U0001f600",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(EDGE_CHARACTERS, max_size=12), st.booleans())
def test_bytes_found_printable_hold_nothing_the_search_finds(
    characters: list[str], bom: bool
) -> None:
    raw = ("\ufeff" if bom else "").encode() + "".join(characters).encode()
    if plan_module._printable_bytes(raw):
        assert plan_module._NON_PRINTABLE.search(raw.decode().removeprefix("\ufeff")) is None


def test_bytes_are_found_printable_when_they_are() -> None:
    assert plan_module._printable_bytes(generated_plan(2, 3).encode())
    assert plan_module._printable_bytes("\ufeffplan:\r\n\t莲，😀\n".encode())
    for doubtful in ("\x07", "\x7f", "\x85", "\xa0", "\ufeff", "\uffff"):  # \xa0: byte C2
        assert not plan_module._printable_bytes(f"plan:{doubtful}\n".encode())


@pytest.mark.parametrize("text", ["", " ", " \t\r\n\n", " \n x", "\u3000", "\x0b", "\n#"])
def test_a_blank_file_is_one_of_spaces_tabs_and_line_breaks(text: str) -> None:
    found_blank = bool(plan_module._BLANK.fullmatch(text))
    assert found_blank == (not text.strip(" \t\r\n"))
