"""Read a plan file (YAML) into a validated `Plan`, or report every problem with its line.

Only this module imports yaml. The file is composed into a node tree (by libyaml where it is
installed) and nothing is read from it until every node is known to carry a plain-data tag
(text, number, true/false, empty, list, mapping), so no tag can build an object, and aliases
(*name) are known not to repeat more than the file holds. One walk over the tree then validates
the plan, each finding located by its node. Dates are left as text by YAML and parsed here, so
that an impossible date such as 2024-13-01 is a finding with a line number, not a crash inside
the parser.
"""

from __future__ import annotations

import codecs
import collections
import difflib
import gc
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .files import NotRegularFile, TooLarge, read_regular
from .freetext import HIDDEN_CLASS, character_name
from .i18n import _
from .models import Plan, PlanIndex, PlanTask, Problem


class _MessageLoader(yaml.SafeLoader):
    """The pure-Python loader: reads where libyaml is missing, and words every syntax error."""


_PlanLoader: Any = _MessageLoader
if hasattr(yaml, "CSafeLoader"):
    _PlanLoader = type("_PlanLoader", (yaml.CSafeLoader,), {})
for _loader in (_MessageLoader, _PlanLoader):  # dates left as text, for our own checks
    _loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"
_BUILDER = yaml.constructor.SafeConstructor()
_SCALAR_BUILDERS: dict[str, Callable[..., Any]] = {
    _INT: _BUILDER.construct_yaml_int,
    _FLOAT: _BUILDER.construct_yaml_float,
    _BOOL: _BUILDER.construct_yaml_bool,
    _NULL: _BUILDER.construct_yaml_null,
}
_KINDS: dict[str, type[yaml.Node]] = {
    **dict.fromkeys((_STR, *_SCALAR_BUILDERS), yaml.ScalarNode),
    _SEQ: yaml.SequenceNode,
    _MAP: yaml.MappingNode,
}
"""The plain-data tags, each with the only kind of node it fits."""

PLAN_FIELDS = {
    **dict.fromkeys(("year", "title", "title_en", "source", "start", "end"), True),
    **dict.fromkeys(("indices_declared", "preamble", "preamble_en", "framing"), False),
    **dict.fromkeys(("yellow_lag", "red_lag"), False),
}
INDEX_FIELDS = {
    **dict.fromkeys(("number", "code", "name", "name_en", "theme", "theme_en", "tasks"), True),
    **dict.fromkeys(("aim", "aim_en"), False),
}
TASK_FIELDS = {
    **dict.fromkeys(("id", "title", "title_en", "source"), True),
    **dict.fromkeys(("places", "partners", "due", "lead_unit", "start"), False),
}
"""The fields of each part of a plan, each True if it is required."""
FRAMING_FIELDS = {"name": True, "name_en": True}
TOP_FIELDS = {"plan": True, "indices": True}
MULTILINE_FIELDS = frozenset({"source", "preamble", "preamble_en"})
"""Text fields that may hold line breaks; every other text field is one line."""

_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_TASK_ID = re.compile(r"^([1-9][0-9]*)\.([1-9][0-9]*)$")
_UNQUOTED_ID = re.compile(r"^[0-9]+\.[0-9]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BLANK = re.compile(r"[ \t\r\n]*")
_LINE_BREAK = re.compile("[\r\n\x85\u2028\u2029]")
_UNPRINTABLE = re.compile(f"[\x00-\x1f{HIDDEN_CLASS}\ud800-\udfff]")
_CONTROL = re.compile(f"[\t{HIDDEN_CLASS}\ud800-\udfff]")
"""Characters no text of a plan holds: the hidden ones of `freetext`, tabs, lone surrogates."""
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)

_Fields = dict[Any, tuple[yaml.Node, yaml.Node]]
"""A mapping node's pairs by key as data: the last pair written for each key."""


MAX_PLAN_BYTES = 64 * 2**20
"""The largest plan file read (a plan of 100,000 tasks is about 39 MB)."""


def bundled_plan_path() -> Path:
    """The 2024 plan shipped with lianta, wherever it is installed."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "plans" / "2024.yaml", here.parent / "plans" / "2024.yaml"):
        if candidate.is_file():
            return candidate
    raise InputError(_("the bundled plan plans/2024.yaml is missing from this installation"))


def read_plan(path: str | Path, *, display: str | None = None) -> tuple[Plan | None, list[Problem]]:
    """Read and validate a plan file. Returns the plan (None if any error) and all findings."""
    shown = display or str(path)
    try:
        raw = read_regular(Path(path), most=MAX_PLAN_BYTES)
    except FileNotFoundError:
        return None, [Problem(shown, None, "", _("no such file"))]
    except IsADirectoryError:
        return None, [Problem(shown, None, "", _("is a folder, not a plan file"))]
    except NotRegularFile as error:
        message = _("is {kind}, not a plan file").format(kind=error.kind)
        return None, [Problem(shown, None, "", message)]
    except TooLarge:
        message = _("is larger than {size} MB; a plan file is smaller").format(
            size=MAX_PLAN_BYTES // 2**20
        )
        return None, [Problem(shown, None, "", message)]
    except OSError as error:
        message = _("cannot read: {reason}").format(reason=error.strerror or error)
        return None, [Problem(shown, None, "", message)]
    plan, problems = parse_plan(raw, shown)
    if plan is not None:
        plan = replace(plan, location=str(Path(path).resolve()))
    return plan, problems


def load_plan(path: str | Path, *, display: str | None = None) -> tuple[Plan, list[Problem]]:
    """Read a plan or raise `InputError` carrying every problem; returns the plan and warnings."""
    plan, problems = read_plan(path, display=display)
    if plan is None:
        errors = [str(p) for p in problems if not p.warning]
        raise InputError(errors[0], details=[str(p) for p in problems])
    return plan, problems


def parse_plan(raw: bytes, shown: str) -> tuple[Plan | None, list[Problem]]:
    """Validate the bytes of a plan file named `shown` in messages."""
    text, problems = _plan_text(raw, shown)
    if text is None:
        return None, problems
    # A node tree is many objects and no cycles: the collections it would set off find nothing
    collecting = gc.isenabled()
    gc.disable()
    try:
        plan, found = _parse_text(text, shown)
    finally:
        if collecting:
            gc.enable()
    if plan is not None:
        plan = replace(plan, digest=hashlib.sha256(raw).hexdigest())
    return plan, found


def _parse_text(text: str, shown: str) -> tuple[Plan | None, list[Problem]]:
    root, problems = _compose(text, shown)
    if problems:
        return None, problems
    if root is None:
        message = (
            _("the file holds only comments; a plan needs 'plan' and 'indices'")
            if "#" in text
            else _("the file is empty; a plan needs 'plan' and 'indices'")
        )
        return None, [Problem(shown, None, "", message)]
    problems, duplicates = _check_nodes(shown, root, repeats=len(text))
    if problems:
        return None, problems
    if root.tag != _MAP:
        message = _("the plan must be a mapping with 'plan' and 'indices', not {value}")
        return None, [Problem(shown, _line(root), "", message.format(value=_describe(root)))]
    checker = _Checker(shown, duplicates)
    plan = checker.plan(root)
    if plan is not None and "*" in text and _text_size(plan) > 4 * len(text) + 2**16:
        detail = "aliases (*name) repeat its text too often; write the values out"
        message = _("cannot be read as a plan: {problem}").format(problem=detail)
        return None, [Problem(shown, None, "", message)]
    return plan, sorted(checker.problems, key=lambda p: p.line or 0)


def _text_size(plan: Plan) -> int:
    """Characters of text in the plan as built, each alias (*name) counted where it repeats:
    what a store of it would hold. Without aliases it cannot exceed the file's."""
    return (
        sum(
            len(task.title)
            + len(task.title_en)
            + len(task.source)
            + sum(map(len, task.places))
            + sum(map(len, task.partners))
            for task in plan.tasks
        )
        + len(plan.preamble)
        + len(plan.preamble_en)
        + len(plan.source)
    )


# ------------------------------------------------------------------ the text and its syntax


def _at(shown: str, line: int, column: int, message: str) -> Problem:
    """A problem located to the column, shown FILE:LINE:COL."""
    return Problem(f"{shown}:{line}:{column}", None, "", message)


def _plan_text(raw: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """The file's text, or None and the one problem that stops it being read as YAML."""
    for bom, name in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if raw.startswith(bom):
            message = _("the file is {encoding} text; save it as UTF-8").format(encoding=name)
            return None, [Problem(shown, None, "", message)]
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line = raw.count(b"\n", 0, error.start) + 1
        column = len(raw[line_start : error.start].decode("utf-8")) + 1
        try:
            raw.decode("gb18030")
            hint = _("it looks like GBK (GB18030); save it as UTF-8")
        except UnicodeDecodeError:
            hint = _("save it as UTF-8")
        message = _("not UTF-8 text (byte {byte}); {hint}")
        return None, [
            _at(shown, line, column, message.format(byte=f"0x{raw[error.start]:02x}", hint=hint))
        ]
    if _BLANK.fullmatch(text):  # nothing but blanks (`strip` would copy the whole text)
        message = _("the file is empty; a plan needs 'plan' and 'indices'")
        return None, [Problem(shown, None, "", message)]
    bad = _NON_PRINTABLE.search(text)
    if bad is None:
        return text, []
    line = text.count("\n", 0, bad.start()) + 1
    column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
    char = bad.group()
    if char == "\x00":
        message = _("the file contains a NUL byte; it is not a text file")
    elif unicodedata.category(char) == "Cc":
        message = _("the control character {code} is not allowed in a plan file")
    else:
        message = _("the character {code} is not allowed in a plan file")
    return None, [_at(shown, line, column, message.format(code=f"U+{ord(char):04X}"))]


def _compose(text: str, shown: str) -> tuple[yaml.Node | None, list[Problem]]:
    loader = _PlanLoader(text)
    try:
        return loader.get_single_node(), []
    except yaml.MarkedYAMLError as error:
        return None, [_syntax_problem(text, shown, error)]
    except RecursionError:
        message = _("YAML syntax error: {problem}").format(problem=_("nested too deeply"))
        return None, [Problem(shown, None, "", message)]
    except yaml.YAMLError as error:
        message = " ".join(str(error).split())
        return None, [Problem(shown, None, "", _("YAML error: {problem}").format(problem=message))]
    finally:
        loader.dispose()


def _syntax_problem(text: str, shown: str, error: yaml.MarkedYAMLError) -> Problem:
    """One line, FILE:LINE:COL: YAML syntax error: ..., worded the same with or without libyaml."""
    if _PlanLoader is not _MessageLoader:
        again = _MessageLoader(text)
        try:
            again.get_single_node()
        except yaml.MarkedYAMLError as python_error:
            error = python_error
        except (yaml.YAMLError, RecursionError):
            pass
        finally:
            again.dispose()
    mark = error.problem_mark or error.context_mark
    context_mark = error.context_mark
    problem = " ".join(str(error.problem or error.context or "cannot be read").split())
    context = " ".join(str(error.context or "").split())
    if "'\\t'" in problem:
        message = _("a tab character where YAML allows only spaces; indent with spaces")
    elif problem.startswith("but found another document"):
        message = _("a second YAML document starts here; a plan file holds exactly one")
    elif "end of stream" in problem and "quoted scalar" in context and context_mark:
        mark, message = context_mark, _("this quote is never closed")
    elif problem.startswith("could not find expected ':'") and context_mark:
        mark, message = context_mark, _("this line has no ':' (a field is written 'name: value')")
    elif problem.startswith("mapping values are not allowed"):
        message = _(
            "a ':' that does not fit here; check this line's indentation, "
            "or put quotes around a value that contains ': '"
        )
    elif problem.startswith("expected <block end>"):
        message = _(
            "this line does not line up with the lines above it; check its indentation "
            "and look for an unclosed quote above"
        )
    else:
        message = problem
        at = (mark.line, mark.column) if mark else None
        if context and context_mark and at and (context_mark.line, context_mark.column) != at:
            message += _(" ({context} at line {line}, column {column})").format(
                context=context, line=context_mark.line + 1, column=context_mark.column + 1
            )
    message = _("YAML syntax error: {problem}").format(problem=message)
    if mark is None:
        return Problem(shown, None, "", message)
    return _at(shown, mark.line + 1, mark.column + 1, message)


# ------------------------------------------------------------------ the nodes, before any is read


def _check_nodes(shown: str, root: yaml.Node, repeats: int) -> tuple[list[Problem], list[Problem]]:
    """Walk every node, breadth first as PyYAML's constructor would, before any is read.

    Returns what stops the reading (tags that are not plain data, else the first key that is a
    list or a mapping), and the keys repeated within one mapping. A node that aliases (*name)
    repeat is walked again each time, its nodes counted against `repeats`, so that a plan of
    aliases cannot grow past the size of its file into one too large to validate.
    """
    tags: list[tuple[int, Problem]] = []
    duplicates: list[tuple[int, Problem]] = []
    complex_key: Problem | None = None
    seen: set[int] = set()
    queue = collections.deque([root])
    while queue:
        node = queue.popleft()
        kind = type(node)
        if kind is yaml.MappingNode:
            children = [child for pair in node.value for child in pair]
        else:
            children = node.value if kind is yaml.SequenceNode else []
        if id(node) in seen:
            repeats -= 1 + len(children)
            if repeats < 0:
                detail = "aliases (*name) repeat this value too often; write the values out"
                message = _("cannot be read as a plan: {problem}").format(problem=detail)
                return [Problem(shown, _line(node), "", message)], []
        else:
            seen.add(id(node))
            wrong = _tag_problem(node)
            if wrong is not None:
                tags.append((node.start_mark.index, Problem(shown, _line(node), "", wrong)))
            if kind is yaml.MappingNode and complex_key is None:
                complex_key = _duplicate_keys(shown, node, duplicates)
        for child in children:  # a text has nothing to check: the commonest node, left here
            if child.tag != _STR or type(child) is not yaml.ScalarNode:
                queue.append(child)
    if tags:
        return _in_order(tags), []
    return ([complex_key] if complex_key else []), _in_order(duplicates)


def _in_order(found: list[tuple[int, Problem]]) -> list[Problem]:
    """Problems found at nodes, by the position of each node in the file."""
    return [problem for _index, problem in sorted(found, key=lambda item: item[0])]


def _tag_problem(node: yaml.Node) -> str | None:
    """What is wrong with the tag of `node`, if anything."""
    tag = node.tag
    kind = _KINDS.get(tag)
    if tag == _MERGE:
        return _("merge keys ('<<') are not supported in a plan; write the fields out")
    if kind is None:
        return _("tag '{tag}' is not allowed: a plan holds plain data only").format(
            tag=_short_tag(tag)
        )
    if type(node) is not kind:
        return _("tag '{tag}' does not fit this value").format(tag=_short_tag(tag))
    builder = _SCALAR_BUILDERS.get(tag)
    try:
        if builder is not None:
            builder(node)
    except (ValueError, KeyError, AttributeError, TypeError, OverflowError):
        return _("the value {value} is not a valid {tag}").format(
            value=_quoted(node.value), tag=_short_tag(tag)
        )
    return None


def _duplicate_keys(
    shown: str, node: yaml.Node, found: list[tuple[int, Problem]]
) -> Problem | None:
    """Add the repeated keys of `node` to `found`, at its position; returns a problem for a
    key that is a list or a mapping (the first), which no plan can read."""
    first: dict[tuple[str, str], yaml.Node] = {}
    for key_node, _value in node.value:
        if type(key_node) is not yaml.ScalarNode:
            message = _("a key must be plain text, not a list or a mapping")
            return Problem(shown, _line(key_node), "", message)
        written = first.setdefault((key_node.tag, key_node.value), key_node)
        if written is not key_node:
            message = _("duplicate key '{key}' (first at line {line})").format(
                key=_one_line(key_node.value), line=_line(written)
            )
            found.append((node.start_mark.index, Problem(shown, _line(key_node), "", message)))
    return None


# ------------------------------------------------------------------ reading the nodes


def _line(node: yaml.Node) -> int:
    line: int = node.start_mark.line + 1
    return line


def _one_line(text: str, most: int = 60) -> str:
    """Text from the file made safe for a one-line message: breaks and controls escaped."""
    shown = text if len(text) <= most else text[: most - 1] + "…"
    return _UNPRINTABLE.sub(lambda found: repr(found.group())[1:-1], shown)


def _short_tag(tag: str) -> str:
    return _one_line(tag.replace("tag:yaml.org,2002:", "!!"))


def _quoted(text: str, most: int = 40) -> str:
    shown = text if len(text) <= most else text[: most - 1] + "…"
    return '"' + _one_line(shown.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def _scalar(node: yaml.Node) -> Any:
    """What a scalar node is as data (its tag checked already): text, number, bool or None."""
    if node.tag == _STR:
        return node.value
    return _SCALAR_BUILDERS[node.tag](node)


def _describe(node: yaml.Node) -> str:
    """A value as a message names it: `the number 2025`, `the text "x"`, `a list`."""
    if node.tag == _SEQ:
        return _("a list")
    if node.tag == _MAP:
        return _("a mapping")
    if node.tag == _STR:
        return _("the text {text}").format(text=_quoted(node.value))
    if node.tag == _NULL:
        return _("empty")
    if node.tag == _BOOL:
        return _("{value} (which YAML reads as true/false)").format(value=_one_line(node.value))
    return _("the number {value}").format(value=_one_line(node.value))


def _fields(node: yaml.Node) -> _Fields:
    fields: _Fields = {}
    for pair in node.value:
        key_node = pair[0]
        fields[key_node.value if key_node.tag == _STR else _scalar(key_node)] = pair
    return fields


def _key_line(fields: _Fields, key: str) -> int:
    return _line(fields[key][0])


class _Checker:
    """Validates the node tree of a plan (its tags checked), collecting located problems."""

    def __init__(self, shown: str, problems: list[Problem]) -> None:
        self.shown = shown
        self.problems = problems
        self.period: tuple[date, date] | None = None
        self.task_ids: dict[str, int] = {}
        """The line of each task id read so far, to find a duplicate."""

    def add(self, line: int, label: str, message: str, *, warning: bool = False) -> None:
        self.problems.append(Problem(self.shown, line, label, message, warning))

    def mapping(
        self, node: yaml.Node, line: int, label: str, allowed: dict[str, bool]
    ) -> _Fields | None:
        """The fields of the mapping at `line` (see `known`); None, reported, if it is none."""
        if type(node) is not yaml.MappingNode:
            message = _("must be a mapping of fields, not {value}")
            self.add(line, label, message.format(value=_describe(node)))
            return None
        return self.known(_fields(node), line, label, allowed)

    def known(self, fields: _Fields, line: int, label: str, allowed: dict[str, bool]) -> _Fields:
        """`fields`, after reporting those not `allowed` and those missing."""
        suggested: set[str] = set()
        for key in [name for name in fields if name not in allowed]:
            key_node = fields[key][0]
            written = _one_line(str(key_node.value))
            near = difflib.get_close_matches(written, list(allowed), n=1, cutoff=0.6)
            hint = _(" (did you mean '{name}'?)").format(name=near[0]) if near else ""
            suggested.update(near)
            message = _("unknown field '{name}'").format(name=written)
            self.add(_line(key_node), label, message + hint)
        for key, required in allowed.items():
            if required and key not in fields and key not in suggested:
                self.add(line, label, _("'{field}' is required").format(field=key))
        return fields

    def once(
        self, seen: dict[Any, int], value: Any, line: int, label: str, message: str, **names: Any
    ) -> bool:
        """Whether `value` is new to `seen`, which then keeps its line; else `message` (with
        `names` and the line of the first) is reported."""
        if value in seen:
            self.add(line, label, message.format(**names, line=seen[value]))
            return False
        seen[value] = line
        return True

    def text(self, fields: _Fields, key: str, label: str) -> str | None:
        if key not in fields:
            return None
        key_node, node = fields[key]
        text = node.value.strip() if node.tag == _STR else None
        if text and not _UNPRINTABLE.search(text):  # nothing for `clean` to report
            return text
        line = _line(key_node)
        if node.tag == _NULL or text == "":
            self.add(line, label, _("'{field}' must not be empty").format(field=key))
        elif text is None:
            hint = _("; put it in quotes") if node.tag in (_INT, _FLOAT, _BOOL) else ""
            message = _("'{field}' must be text, not {value}")
            self.add(line, label, message.format(field=key, value=_describe(node)) + hint)
        else:
            return self.clean(text, line, label, f"'{key}'", multiline=key in MULTILINE_FIELDS)
        return None

    def clean(self, text: str, line: int, label: str, name: str, *, multiline: bool) -> str | None:
        """`text`, or None after reporting a character free text may not hold (see `freetext`),
        a stray line break among them."""
        if not multiline and _LINE_BREAK.search(text):
            message = _("{field} must be one line of text (it holds a line break)")
            self.add(line, label, message.format(field=name))
            return None
        control = _CONTROL.search(text)
        if control:
            message = _("{field} holds {character}")
            self.add(
                line, label, message.format(field=name, character=character_name(control.group()))
            )
            return None
        return text

    def integer(self, fields: _Fields, key: str, label: str) -> int | None:
        if key not in fields:
            return None
        key_node, node = fields[key]
        if node.tag == _INT:
            number: int = _scalar(node)
            return number
        message = _("'{field}' must be a whole number, not {value}")
        self.add(_line(key_node), label, message.format(field=key, value=_describe(node)))
        return None

    def day(self, fields: _Fields, key: str, label: str) -> date | None:
        if key not in fields:
            return None
        key_node, node = fields[key]
        written = node.value.strip() if node.tag == _STR else ""
        if not _DATE.fullmatch(written):
            message = _("'{field}' must be a date written YYYY-MM-DD, not {value}")
            self.add(_line(key_node), label, message.format(field=key, value=_describe(node)))
            return None
        try:
            return date.fromisoformat(written)
        except ValueError:
            message = _("'{field}' {value} is not a real date")
            self.add(_line(key_node), label, message.format(field=key, value=written))
            return None

    def texts(self, fields: _Fields, key: str, label: str) -> tuple[str, ...]:
        if key not in fields or fields[key][1].tag == _NULL:
            return ()
        key_node, node = fields[key]
        if node.tag != _SEQ:
            message = _("'{field}' must be a list of text, not {value}")
            message = message.format(field=key, value=_describe(node))
            if node.tag == _STR and node.value.strip():
                message += _("; write [{value}]").format(value=_one_line(node.value.strip()))
            self.add(_line(key_node), label, message)
            return ()
        items: list[str] = []
        for position, item in enumerate(node.value):
            text = item.value.strip() if item.tag == _STR else ""
            if text and not _UNPRINTABLE.search(text):  # nothing for `clean` to report
                items.append(text)
                continue
            name = _("'{field}' item {n}").format(field=key, n=position + 1)
            if not text:
                message = _("{field} must be non-empty text, not {value}")
                self.add(_line(item), label, message.format(field=name, value=_describe(item)))
            elif cleaned := self.clean(text, _line(item), label, name, multiline=False):
                items.append(cleaned)
        return tuple(items)

    def plan(self, root: yaml.Node) -> Plan | None:
        """The plan, or None if any error is found."""
        top = self.known(_fields(root), _line(root), "", TOP_FIELDS)
        meta = None
        if "plan" in top:
            meta = self.mapping(top["plan"][1], _key_line(top, "plan"), _("plan"), PLAN_FIELDS)
        head = self.meta(meta) if meta is not None else {}
        indices = self.indices(top)
        declared = head.get("indices_declared")
        if meta is not None and declared is not None and indices is not None:
            described = len(top["indices"][1].value)  # a list of indices, not empty
            if declared != described:
                message = _("the plan declares {declared} indices but describes {described}")
                message = message.format(declared=declared, described=described)
                self.add(_key_line(meta, "indices_declared"), _("plan"), message, warning=True)
        if meta is None or indices is None or any(not p.warning for p in self.problems):
            return None
        return Plan(**head, indices=tuple(indices), path=self.shown)

    def meta(self, meta: _Fields) -> dict[str, Any]:
        """The fields of `Plan` that the plan's own mapping gives (None where in error)."""
        label = _("plan")
        year = self.integer(meta, "year", label)
        if year is not None and not 1900 <= year <= 2999:
            message = _("'year' {year} is not a plausible year").format(year=year)
            self.add(_key_line(meta, "year"), label, message)
            year = None
        texts = {key: self.text(meta, key, label) for key in ("title", "title_en", "source")}
        preambles = {key: self.text(meta, key, label) or "" for key in ("preamble", "preamble_en")}
        start = self.day(meta, "start", label)
        end = self.day(meta, "end", label)
        if start and end and end < start:
            message = _("'end' {end} is before 'start' {start}").format(end=end, start=start)
            self.add(_key_line(meta, "end"), label, message)
            start = end = None
        for key, day in (("start", start), ("end", end)):
            if day and year and day.year != year:
                message = _("'{field}' {day} is not in the plan's year {year}")
                message = message.format(field=key, day=day, year=year)
                self.add(_key_line(meta, key), label, message, warning=True)
        if start and end:
            self.period = (start, end)
        declared = self.integer(meta, "indices_declared", label)
        if declared is not None and declared < 1:
            message = _("'indices_declared' must be 1 or more")
            self.add(_key_line(meta, "indices_declared"), label, message)
            declared = None
        framing = tuple(self.framing(meta))
        lags = {key: self.integer(meta, key, label) for key in ("yellow_lag", "red_lag")}
        for key, lag in lags.items():
            if lag is not None and not 0 <= lag <= 100:
                message = _("'{field}' must be a number of points from 0 to 100, not {value}")
                self.add(_key_line(meta, key), label, message.format(field=key, value=lag))
                lags[key] = None
        yellow, red = lags["yellow_lag"], lags["red_lag"]
        if yellow is not None and red is not None and yellow > red:
            message = _("'yellow_lag' {yellow} is more than 'red_lag' {red}")
            self.add(_key_line(meta, "yellow_lag"), label, message.format(yellow=yellow, red=red))
        return dict(
            **lags,
            year=year,
            **texts,
            **preambles,
            start=start,
            end=end,
            framing=framing,
            indices_declared=declared,
        )

    def framing(self, meta: _Fields) -> list[dict[str, str]]:
        if "framing" not in meta or meta["framing"][1].tag == _NULL:
            return []
        key_node, node = meta["framing"]
        if node.tag != _SEQ:
            message = _("'framing' must be a list, not {value}").format(value=_describe(node))
            self.add(_line(key_node), _("plan"), message)
            return []
        items = []
        for position, item in enumerate(node.value):
            label = _("plan, framing {n}").format(n=position + 1)
            entry = self.mapping(item, _line(item), label, FRAMING_FIELDS)
            if entry is None:
                continue
            name = self.text(entry, "name", label)
            name_en = self.text(entry, "name_en", label)
            if name and name_en:
                items.append({"name": name, "name_en": name_en})
        return items

    def indices(self, top: _Fields) -> list[PlanIndex] | None:
        if "indices" not in top:
            return None
        key_node, node = top["indices"]
        if node.tag != _SEQ or not node.value:
            shown = _("an empty list") if node.tag == _SEQ else _describe(node)
            message = _("must be a non-empty list of indices, not {value}").format(value=shown)
            self.add(_line(key_node), "indices", message)
            return None
        numbers: dict[Any, int] = {}
        codes: dict[Any, int] = {}
        indices = [
            self.index(item, position, numbers, codes) for position, item in enumerate(node.value)
        ]
        return [index for index in indices if index is not None]

    def index(
        self, item: yaml.Node, position: int, numbers: dict[Any, int], codes: dict[Any, int]
    ) -> PlanIndex | None:
        entry = _fields(item) if type(item) is yaml.MappingNode else None
        written = entry["number"][1] if entry and "number" in entry else None
        if written and written.tag == _INT:
            label = _("index {number}").format(number=_scalar(written))
        else:
            label = _("index #{n}").format(n=position + 1)
        if entry is None:
            self.mapping(item, _line(item), label, INDEX_FIELDS)  # to report it
            return None
        self.known(entry, _line(item), label, INDEX_FIELDS)
        number = self.integer(entry, "number", label)
        if number is not None and number < 1:
            self.add(_key_line(entry, "number"), label, _("'number' must be 1 or more"))
            number = None
        if number is not None:
            message = _("duplicate index number {number} (first at line {line})")
            self.once(numbers, number, _key_line(entry, "number"), label, message, number=number)
        code = self.text(entry, "code", label)
        if code is not None and not _CODE.fullmatch(code):
            message = _("'code' {code} must be a short lowercase ASCII word like 'industry'")
            self.add(_key_line(entry, "code"), label, message.format(code=_quoted(code)))
            code = None
        elif code is not None:
            message = _("duplicate code '{code}' (first at line {line})")
            self.once(codes, code, _key_line(entry, "code"), label, message, code=code)
        name, name_en, theme, theme_en, aim, aim_en = (
            self.text(entry, key, label)
            for key in ("name", "name_en", "theme", "theme_en", "aim", "aim_en")
        )
        if ("aim" in entry) != ("aim_en" in entry):
            given = "aim" if "aim" in entry else "aim_en"
            message = _("'aim' and 'aim_en' go together: give both or neither")
            self.add(_key_line(entry, given), label, message)
        tasks = self.tasks(entry, label, number)
        if number is None or code is None or tasks is None:
            return None
        if not (name and name_en and theme and theme_en):
            return None
        return PlanIndex(
            number, code, name, name_en, theme, theme_en, tuple(tasks), aim or "", aim_en or ""
        )

    def tasks(self, entry: _Fields, label: str, number: int | None) -> list[PlanTask] | None:
        """The tasks of an index, or None if any is in error."""
        if "tasks" not in entry:
            return None
        key_node, node = entry["tasks"]
        if node.tag == _NULL or (node.tag == _SEQ and not node.value):
            self.add(_line(key_node), label, _("has no tasks"), warning=True)
            return []
        if node.tag != _SEQ:
            message = _("'tasks' must be a list, not {value}").format(value=_describe(node))
            self.add(_line(key_node), label, message)
            return None
        tasks = []
        named, numbered = _("task {id}"), _("{index}, task #{n}")  # once, not per task
        for position, item in enumerate(node.value):
            fields = _fields(item) if type(item) is yaml.MappingNode else None
            written = fields["id"][1] if fields and "id" in fields else None
            task_id = written.value.strip() if written and written.tag == _STR else ""
            if _TASK_ID.fullmatch(task_id):
                task_label = named.format(id=task_id)
            else:
                task_label = numbered.format(index=label, n=position + 1)
            if fields is None:
                self.mapping(item, _line(item), task_label, TASK_FIELDS)  # to report it
                continue
            self.known(fields, _line(item), task_label, TASK_FIELDS)
            task = self.task(fields, task_label, number)
            if task is not None:
                tasks.append(task)
        return tasks if len(tasks) == len(node.value) else None

    def task(self, fields: _Fields, label: str, number: int | None) -> PlanTask | None:
        task_id = self.task_id(fields, label, number)
        title, title_en, source = (
            self.text(fields, key, label) for key in ("title", "title_en", "source")
        )
        places = self.texts(fields, "places", label)
        partners = self.texts(fields, "partners", label)
        lead_unit = self.text(fields, "lead_unit", label)
        due, start = self.day(fields, "due", label), self.day(fields, "start", label)
        for key, day in (("due", due), ("start", start)):
            if day and self.period and not self.period[0] <= day <= self.period[1]:
                message = _("'{field}' {day} is outside the plan period {start} to {end}")
                first, last = self.period
                message = message.format(field=key, day=day, start=first, end=last)
                self.add(_key_line(fields, key), label, message)
        if start and due and start > due:
            message = _("'start' {start} is after 'due' {due}").format(start=start, due=due)
            self.add(_key_line(fields, "start"), label, message)
        if task_id and number is not None and title and title_en and source:
            return PlanTask(
                task_id, number, title, title_en, source, places, partners, due, lead_unit, start
            )
        return None

    def task_id(self, fields: _Fields, label: str, number: int | None) -> str | None:
        if "id" not in fields:
            return None
        key_node, node = fields["id"]
        line = _line(key_node)
        if node.tag == _FLOAT and _UNQUOTED_ID.fullmatch(node.value):
            message = _(
                "'id' {id} must be in quotes, like \"{id}\" "
                "(unquoted, YAML reads it as the number {number})"
            )
            self.add(line, label, message.format(id=node.value, number=_scalar(node)))
            return None
        task_id = node.value.strip() if node.tag == _STR else ""
        if not _TASK_ID.fullmatch(task_id):
            message = _(
                "'id' must be quoted text like \"3.4\" (index number, then position), not {value}"
            )
            self.add(line, label, message.format(value=_describe(node)))
            return None
        if number is not None and int(task_id.split(".")[0]) != number:
            message = _(
                "id {id} does not belong to index {number} (its ids are {number}.1, {number}.2 …)"
            )
            self.add(line, label, message.format(id=task_id, number=number))
            return None
        message = _("duplicate task id {id} (first at line {line})")
        if not self.once(self.task_ids, task_id, line, label, message, id=task_id):
            return None
        return task_id
