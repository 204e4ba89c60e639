"""Read a plan file (YAML) into a validated `Plan`, or report every problem with its line.

Only this module imports yaml. Files are read with a safe loader: no tag may build an object.
Dates are parsed here rather than by YAML, so that an impossible date such as 2024-13-01 is a
finding with a line number, not a crash inside the parser.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .models import Plan, PlanIndex, PlanTask, Problem

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _PlanLoader(_BaseLoader):
    """Safe loader that leaves timestamps as text for our own date checks."""


_PlanLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

PLAN_FIELDS = {
    "year": True,
    "title": True,
    "title_en": True,
    "source": True,
    "start": True,
    "end": True,
    "indices_declared": False,
    "preamble": False,
    "preamble_en": False,
    "framing": False,
}
INDEX_FIELDS = {
    "number": True,
    "code": True,
    "name": True,
    "name_en": True,
    "theme": True,
    "theme_en": True,
    "tasks": True,
}
TASK_FIELDS = {
    "id": True,
    "title": True,
    "title_en": True,
    "source": True,
    "places": False,
    "partners": False,
    "due": False,
}
FRAMING_FIELDS = {"name": True, "name_en": True}
TOP_FIELDS = {"plan": True, "indices": True}

_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_TASK_ID = re.compile(r"^([1-9][0-9]*)\.([1-9][0-9]*)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Path_ = tuple[Any, ...]


def bundled_plan_path() -> Path:
    """The 2024 plan shipped with lianta, wherever it is installed."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "plans" / "2024.yaml", here.parent / "plans" / "2024.yaml"):
        if candidate.is_file():
            return candidate
    raise InputError("the bundled plan plans/2024.yaml is missing from this installation")


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class _Checker:
    """Collects problems while walking the loaded data; lines come from the YAML node tree."""

    def __init__(self, path: str, root: yaml.Node | None) -> None:
        self.path = path
        self.root = root
        self.problems: list[Problem] = []

    def line_of(self, where: Path_) -> int | None:
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for step in where:
            if isinstance(node, yaml.MappingNode):
                found = None
                for key_node, value_node in node.value:
                    if getattr(key_node, "value", None) == str(step):
                        found = (key_node, value_node)
                if found is None:
                    return line
                key_node, node = found
                line = key_node.start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if step >= len(node.value):
                    return line
                node = node.value[step]
                line = node.start_mark.line + 1
            else:
                return line
        return line

    def add(self, where: Path_, label: str, message: str, *, warning: bool = False) -> None:
        self.problems.append(Problem(self.path, self.line_of(where), label, message, warning))

    def mapping(
        self, value: Any, where: Path_, label: str, fields: dict[str, bool]
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(where, label, f"must be a mapping of fields, not {_type_name(value)}")
            return None
        for key in value:
            if not isinstance(key, str) or key not in fields:
                near = difflib.get_close_matches(str(key), list(fields), n=1, cutoff=0.6)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                self.add((*where, key), label, f"unknown field '{key}'{hint}")
        for key, required in fields.items():
            if required and key not in value:
                self.add(where, label, f"'{key}' is required")
        return value

    def text(self, data: dict[str, Any], key: str, where: Path_, label: str) -> str | None:
        if key not in data:
            return None
        value = data[key]
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add((*where, key), label, f"'{key}' must not be empty")
            return None
        if not isinstance(value, str):
            self.add((*where, key), label, f"'{key}' must be text, not {_type_name(value)}")
            return None
        return value.strip()

    def integer(self, data: dict[str, Any], key: str, where: Path_, label: str) -> int | None:
        if key not in data:
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(
                (*where, key), label, f"'{key}' must be a whole number, not {_type_name(value)}"
            )
            return None
        return value

    def day(self, data: dict[str, Any], key: str, where: Path_, label: str) -> date | None:
        if key not in data:
            return None
        value = data[key]
        if not isinstance(value, str) or not _DATE.match(value.strip()):
            shown = value if isinstance(value, str) else _type_name(value)
            self.add((*where, key), label, f"'{key}' must be a date YYYY-MM-DD, not {shown}")
            return None
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            self.add((*where, key), label, f"'{key}' {value.strip()} is not a real date")
            return None

    def texts(self, data: dict[str, Any], key: str, where: Path_, label: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.add(
                (*where, key), label, f"'{key}' must be a list of text, not {_type_name(value)}"
            )
            return ()
        items: list[str] = []
        for position, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.add(
                    (*where, key, position),
                    label,
                    f"'{key}' item {position + 1} must be non-empty text, not {_type_name(item)}",
                )
            else:
                items.append(item.strip())
        return tuple(items)


def read_plan(path: str | Path, *, display: str | None = None) -> tuple[Plan | None, list[Problem]]:
    """Read and validate a plan file. Returns the plan (None if any error) and all findings."""
    shown = display or str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return None, [Problem(shown, None, "", "no such file")]
    except IsADirectoryError:
        return None, [Problem(shown, None, "", "is a folder, not a plan file")]
    except OSError as error:
        return None, [Problem(shown, None, "", f"cannot read: {error.strerror}")]
    return parse_plan(raw, shown)


def parse_plan(raw: bytes, shown: str) -> tuple[Plan | None, list[Problem]]:
    """Validate the bytes of a plan file named `shown` in messages."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [
            Problem(
                shown, line, "", f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save it as UTF-8"
            )
        ]
    text = text.removeprefix("\ufeff")
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        return None, [
            Problem(shown, None, "", "the file is empty; a plan needs 'plan' and 'indices'")
        ]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [
            Problem(shown, line, "", "the file contains a NUL byte; it is not a text file")
        ]
    loader = _PlanLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "cannot be read"
        if isinstance(error, yaml.constructor.ConstructorError):
            found = re.search(r"'([^']+)'", str(problem))
            tag = found.group(1).replace("tag:yaml.org,2002:", "!!") if found else "this tag"
            at = mark.line + 1 if mark else None
            return None, [
                Problem(shown, at, "", f"tag '{tag}' is not allowed: a plan is plain data")
            ]
        where = f"{shown}:{mark.line + 1}:{mark.column + 1}" if mark else shown
        return None, [Problem(where, None, "", f"YAML syntax error: {problem}")]
    except yaml.YAMLError as error:
        return None, [Problem(shown, None, "", f"YAML error: {error}")]
    except (ValueError, TypeError, RecursionError) as error:
        return None, [Problem(shown, None, "", f"cannot be read as a plan: {error}")]
    finally:
        loader.dispose()
    checker = _Checker(shown, node)
    _check_duplicate_keys(checker, node)
    if data is None:
        return None, [
            Problem(shown, None, "", "the file is empty; a plan needs 'plan' and 'indices'")
        ]
    if isinstance(data, list):
        return None, [
            Problem(
                shown, 1, "", "the plan must be a mapping with 'plan' and 'indices', not a list"
            )
        ]
    if not isinstance(data, dict):
        return None, [
            Problem(
                shown,
                1,
                "",
                f"the plan must be a mapping with 'plan' and 'indices', not {_type_name(data)}",
            )
        ]
    plan = _check_plan(checker, data)
    problems = sorted(checker.problems, key=lambda p: p.line or 0)
    if any(not p.warning for p in problems):
        return None, problems
    return plan, problems


def _check_duplicate_keys(checker: _Checker, root: yaml.Node | None) -> None:
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(getattr(key_node, "value", ""))
                line = key_node.start_mark.line + 1
                if key in seen:
                    checker.problems.append(
                        Problem(
                            checker.path,
                            line,
                            "",
                            f"duplicate key '{key}' (first at line {seen[key]})",
                        )
                    )
                else:
                    seen[key] = line
                stack.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _check_plan(c: _Checker, data: dict[str, Any]) -> Plan | None:
    c.mapping(data, (), "", TOP_FIELDS)
    meta = c.mapping(data.get("plan"), ("plan",), "plan", PLAN_FIELDS) if "plan" in data else None
    year = start = end = None
    fields: dict[str, Any] = {}
    if meta is not None:
        year = c.integer(meta, "year", ("plan",), "plan")
        if year is not None and not 1900 <= year <= 2999:
            c.add(("plan", "year"), "plan", f"'year' {year} is not a plausible year")
            year = None
        for key in ("title", "title_en", "source", "preamble", "preamble_en"):
            fields[key] = c.text(meta, key, ("plan",), "plan")
        start = c.day(meta, "start", ("plan",), "plan")
        end = c.day(meta, "end", ("plan",), "plan")
        if start and end and end < start:
            c.add(("plan", "end"), "plan", f"'end' {end} is before 'start' {start}")
            start = end = None
        declared = c.integer(meta, "indices_declared", ("plan",), "plan")
        if declared is not None and declared < 1:
            c.add(("plan", "indices_declared"), "plan", "'indices_declared' must be 1 or more")
            declared = None
        fields["indices_declared"] = declared
        fields["framing"] = _check_framing(c, meta)
    indices = _check_indices(c, data, start, end)
    declared = fields.get("indices_declared")
    if declared is not None and indices is not None and declared != len(indices):
        c.add(
            ("plan", "indices_declared"),
            "plan",
            f"the plan declares {declared} indices but describes {len(indices)}",
            warning=True,
        )
    if any(not p.warning for p in c.problems) or meta is None or indices is None:
        return None
    assert year is not None and start is not None and end is not None
    return Plan(
        year=year,
        title=fields["title"],
        title_en=fields["title_en"],
        source=fields["source"],
        start=start,
        end=end,
        indices=tuple(indices),
        indices_declared=declared,
        preamble=fields.get("preamble") or "",
        preamble_en=fields.get("preamble_en") or "",
        framing=tuple(fields.get("framing") or ()),
        path=c.path,
    )


def _check_framing(c: _Checker, meta: dict[str, Any]) -> list[dict[str, str]]:
    value = meta.get("framing")
    if value is None:
        return []
    if not isinstance(value, list):
        c.add(("plan", "framing"), "plan", f"'framing' must be a list, not {_type_name(value)}")
        return []
    items = []
    for position, item in enumerate(value):
        where = ("plan", "framing", position)
        label = f"plan: framing {position + 1}"
        entry = c.mapping(item, where, label, FRAMING_FIELDS)
        if entry is None:
            continue
        name = c.text(entry, "name", where, label)
        name_en = c.text(entry, "name_en", where, label)
        if name and name_en:
            items.append({"name": name, "name_en": name_en})
    return items


def _check_indices(
    c: _Checker, data: dict[str, Any], start: date | None, end: date | None
) -> list[PlanIndex] | None:
    if "indices" not in data:
        return None
    value = data["indices"]
    if not isinstance(value, list) or not value:
        shown = "an empty list" if value == [] else _type_name(value)
        c.add(("indices",), "indices", f"must be a non-empty list of indices, not {shown}")
        return None
    indices: list[PlanIndex] = []
    numbers: dict[int, int | None] = {}
    codes: dict[str, int | None] = {}
    task_ids: dict[str, int | None] = {}
    for position, item in enumerate(value):
        where: Path_ = ("indices", position)
        number = item.get("number") if isinstance(item, dict) else None
        label = (
            f"index {number}"
            if isinstance(number, int) and not isinstance(number, bool)
            else f"index #{position + 1}"
        )
        entry = c.mapping(item, where, label, INDEX_FIELDS)
        if entry is None:
            continue
        number = c.integer(entry, "number", where, label)
        if number is not None and number < 1:
            c.add((*where, "number"), label, "'number' must be 1 or more")
            number = None
        if number is not None:
            if number in numbers:
                c.add(
                    (*where, "number"),
                    label,
                    f"duplicate index number {number} (first at line {numbers[number]})",
                )
            else:
                numbers[number] = c.line_of((*where, "number"))
        code = c.text(entry, "code", where, label)
        if code is not None:
            if not _CODE.match(code):
                c.add(
                    (*where, "code"),
                    label,
                    f"'code' {code!r} must be a short lowercase ASCII word like 'industry'",
                )
                code = None
            elif code in codes:
                c.add(
                    (*where, "code"),
                    label,
                    f"duplicate code '{code}' (first at line {codes[code]})",
                )
            else:
                codes[code] = c.line_of((*where, "code"))
        texts = {
            key: c.text(entry, key, where, label)
            for key in ("name", "name_en", "theme", "theme_en")
        }
        tasks = _check_tasks(c, entry, where, label, number, start, end, task_ids)
        if number is None or code is None or None in texts.values() or tasks is None:
            continue
        indices.append(
            PlanIndex(
                number=number,
                code=code,
                name=texts["name"] or "",
                name_en=texts["name_en"] or "",
                theme=texts["theme"] or "",
                theme_en=texts["theme_en"] or "",
                tasks=tuple(tasks),
            )
        )
    return indices


def _check_tasks(
    c: _Checker,
    entry: dict[str, Any],
    where: Path_,
    label: str,
    number: int | None,
    start: date | None,
    end: date | None,
    task_ids: dict[str, int | None],
) -> list[PlanTask] | None:
    if "tasks" not in entry:
        return None
    value = entry["tasks"]
    if value is None:
        value = []
    if not isinstance(value, list):
        c.add((*where, "tasks"), label, f"'tasks' must be a list, not {_type_name(value)}")
        return None
    tasks: list[PlanTask] = []
    ok = True
    for position, item in enumerate(value):
        task_where: Path_ = (*where, "tasks", position)
        raw_id = item.get("id") if isinstance(item, dict) else None
        task_label = (
            f"task {raw_id}"
            if isinstance(raw_id, str) and raw_id.strip()
            else f"{label}, task #{position + 1}"
        )
        task = c.mapping(item, task_where, task_label, TASK_FIELDS)
        if task is None:
            ok = False
            continue
        task_id = _check_task_id(c, task, task_where, task_label, number, task_ids)
        texts = {
            key: c.text(task, key, task_where, task_label)
            for key in ("title", "title_en", "source")
        }
        places = c.texts(task, "places", task_where, task_label)
        partners = c.texts(task, "partners", task_where, task_label)
        due = c.day(task, "due", task_where, task_label)
        if due and start and end and not start <= due <= end:
            c.add(
                (*task_where, "due"),
                task_label,
                f"'due' {due} is outside the plan period {start} to {end}",
            )
        if task_id is None or number is None or None in texts.values():
            ok = False
            continue
        tasks.append(
            PlanTask(
                id=task_id,
                index=number,
                title=texts["title"] or "",
                title_en=texts["title_en"] or "",
                source=texts["source"] or "",
                places=places,
                partners=partners,
                due=due,
            )
        )
    return tasks if ok else None


def _check_task_id(
    c: _Checker,
    task: dict[str, Any],
    where: Path_,
    label: str,
    number: int | None,
    task_ids: dict[str, int | None],
) -> str | None:
    if "id" not in task:
        return None
    raw = task["id"]
    if isinstance(raw, float):
        c.add(
            (*where, "id"),
            label,
            f"'id' {raw} must be quoted, like \"{raw}\" (YAML reads 3.10 as the number 3.1)",
        )
        return None
    if not isinstance(raw, str) or not _TASK_ID.match(raw.strip()):
        shown = raw if isinstance(raw, str) else _type_name(raw)
        c.add(
            (*where, "id"), label, f"'id' {shown!s} must look like \"N.M\" (index number, position)"
        )
        return None
    task_id = raw.strip()
    if number is not None and int(task_id.split(".")[0]) != number:
        c.add(
            (*where, "id"),
            label,
            f"id {task_id} does not belong to index {number} (its ids look like {number}.M)",
        )
        return None
    if task_id in task_ids:
        c.add(
            (*where, "id"),
            label,
            f"duplicate task id {task_id} (first at line {task_ids[task_id]})",
        )
        return None
    task_ids[task_id] = c.line_of((*where, "id"))
    return task_id


def load_plan(path: str | Path, *, display: str | None = None) -> tuple[Plan, list[Problem]]:
    """Read a plan or raise `InputError` carrying every problem; returns the plan and warnings."""
    plan, problems = read_plan(path, display=display)
    if plan is None:
        errors = [str(p) for p in problems if not p.warning]
        raise InputError(errors[0], details=[str(p) for p in problems])
    return plan, problems
