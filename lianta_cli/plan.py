"""Read a plan file (YAML) into a validated `Plan`, or report every problem with its line.

Only this module imports yaml. A plan is first read without a node tree: line by line when it is
in the plainest block style, else from the parser's events, taking only untagged plain data with
each key once. Anything else, and any finding but a warning, sends the file to the full reading:
it is composed into a node tree, every node must carry a plain-data tag (text, number,
true/false, empty, list, mapping) before anything is built, so no tag can build an object, and
every finding is located through the tree. Both readings give equal plans and findings. Dates are
parsed here rather than by YAML, so that an impossible date such as 2024-13-01 is a finding with a
line number, not a crash inside the parser.
"""

from __future__ import annotations

import codecs
import dataclasses
import difflib
import functools
import itertools
import json
import operator
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, cast

import yaml

from .collector import collector_paused
from .errors import InputError
from .i18n import _
from .models import Plan, PlanIndex, PlanTask, Problem

_FastLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _without_timestamps(base: Any) -> dict[Any, Any]:
    return {
        first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }


class _PlanLoader(_FastLoader):
    """Safe loader (libyaml when available) that leaves dates as text for our own checks."""


class _MessageLoader(yaml.SafeLoader):
    """The pure-Python loader, used only to word syntax errors the same on every installation."""


_PlanLoader.yaml_implicit_resolvers = _without_timestamps(_FastLoader)
_MessageLoader.yaml_implicit_resolvers = _without_timestamps(yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"
_SCALAR_BUILDERS: dict[str, Callable[[yaml.ScalarNode], Any]] = {
    "tag:yaml.org,2002:int": yaml.constructor.SafeConstructor().construct_yaml_int,
    "tag:yaml.org,2002:float": yaml.constructor.SafeConstructor().construct_yaml_float,
    "tag:yaml.org,2002:bool": yaml.constructor.SafeConstructor().construct_yaml_bool,
    "tag:yaml.org,2002:null": yaml.constructor.SafeConstructor().construct_yaml_null,
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
MULTILINE_FIELDS = frozenset({"source", "preamble", "preamble_en"})
"""Text fields that may hold line breaks; every other text field is one line."""

_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_TASK_ID = re.compile(r"^([1-9][0-9]*)\.([1-9][0-9]*)$")
_UNQUOTED_ID = re.compile(r"^[0-9]+\.[0-9]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LINE_BREAK = re.compile("[\r\n\x85\u2028\u2029]")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)

Path_ = tuple[Any, ...]


def bundled_plan_path() -> Path:
    """The 2024 plan shipped with lianta, wherever it is installed."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "plans" / "2024.yaml", here.parent / "plans" / "2024.yaml"):
        if candidate.is_file():
            return candidate
    raise InputError(_("the bundled plan plans/2024.yaml is missing from this installation"))


def _one_line(text: str, most: int = 60) -> str:
    """Text from the file made safe for a one-line message: breaks and controls escaped."""
    shown = text if len(text) <= most else text[: most - 1] + "…"
    return _UNPRINTABLE.sub(lambda found: repr(found.group())[1:-1], shown)


def _short_tag(tag: str) -> str:
    return _one_line(tag.replace("tag:yaml.org,2002:", "!!"))


def _build_scalar(node: yaml.ScalarNode) -> tuple[bool, Any]:
    """(True, value) for a scalar that its tag can build, else (False, the text as written)."""
    builder = _SCALAR_BUILDERS.get(node.tag)
    if builder is None:
        return True, node.value
    try:
        return True, builder(node)
    except (ValueError, KeyError, AttributeError, TypeError, OverflowError):
        return False, node.value


def _key_value(node: yaml.Node) -> Any:
    """What a key node is as data, to find keys that are not text (like `1:`) in the tree."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    return _build_scalar(node)[1]


def _quoted(text: str, most: int = 40) -> str:
    shown = text if len(text) <= most else text[: most - 1] + "…"
    return '"' + _one_line(shown.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def _describe(value: Any, raw: str | None = None) -> str:
    """A value as a message names it: `the number 2025`, `the text "x"`, `a list`."""
    if value is None:
        return _("empty")
    if isinstance(value, bool):
        shown = _one_line(raw or str(value).lower())
        return _("{value} (which YAML reads as true/false)").format(value=shown)
    if isinstance(value, int | float):
        return _("the number {value}").format(value=_one_line(raw or str(value)))
    if isinstance(value, str):
        return _("the text {text}").format(text=_quoted(value))
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    return type(value).__name__


def _visit(root: yaml.Node | None) -> Iterator[yaml.Node]:
    """Every node once, aliases included only at their first appearance."""
    stack = [root] if root is not None else []
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in reversed(node.value):
                stack.extend((value_node, key_node))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))


class _Checker:
    """Collects problems while walking the loaded data; lines come from the YAML node tree."""

    def __init__(self, path: str, root: yaml.Node | None) -> None:
        self.path = path
        self.root = root
        self.problems: list[Problem] = []
        self.printable = False
        """Whether every text of the data is known to be free of characters `clean` reports
        (see `_parse_fast`), so that the glance at the tasks need not look for them."""
        self.runs: _Runs = {}
        """The runs of tasks that the line reader left unmade (see `_Runs`)."""

    def locate(self, where: Path_) -> tuple[yaml.Node | None, yaml.Node | None, int | None]:
        """The key node, value node and line of `where`; the nearest line found if it is absent."""
        key_node: yaml.Node | None = None
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for step in where:
            if isinstance(node, yaml.MappingNode):
                found = None
                for pair in node.value:
                    key = pair[0].value if pair[0].tag == _STR else _key_value(pair[0])
                    if key == step and type(key) is type(step):
                        found = pair
                if found is None:
                    return None, None, line
                key_node, node = found
                line = key_node.start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if step >= len(node.value):
                    return None, None, line
                key_node, node = None, node.value[step]
                line = node.start_mark.line + 1
            else:
                return None, None, line
        return key_node, node, line

    def line_of(self, where: Path_) -> int | None:
        return self.locate(where)[2]

    def raw(self, where: Path_) -> str | None:
        """The text of a scalar as written in the file (`1.10`, `yes`), or None."""
        node = self.locate(where)[1]
        return node.value if isinstance(node, yaml.ScalarNode) else None

    def describe(self, where: Path_, value: Any) -> str:
        return _describe(value, self.raw(where))

    def add(self, where: Path_, label: str, message: str, *, warning: bool = False) -> None:
        self.problems.append(Problem(self.path, self.line_of(where), label, message, warning))

    def mapping(
        self, value: Any, where: Path_, label: str, fields: dict[str, bool]
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(
                where,
                label,
                _("must be a mapping of fields, not {value}").format(
                    value=self.describe(where, value)
                ),
            )
            return None
        suggested: set[str] = set()
        for key in value if not value.keys() <= fields.keys() else ():
            if isinstance(key, str) and key in fields:
                continue
            written = _one_line(key if isinstance(key, str) else self.key_text(where, key))
            near = difflib.get_close_matches(written, list(fields), n=1, cutoff=0.6)
            hint = _(" (did you mean '{name}'?)").format(name=near[0]) if near else ""
            suggested.update(near)
            message = _("unknown field '{name}'").format(name=written)
            self.add((*where, key), label, message + hint)
        for key, required in fields.items():
            if required and key not in value and key not in suggested:
                self.add(where, label, _("'{field}' is required").format(field=key))
        return value

    def key_text(self, where: Path_, key: Any) -> str:
        key_node = self.locate((*where, key))[0]
        if isinstance(key_node, yaml.ScalarNode):
            return str(key_node.value)
        return str(key)

    def text(self, data: dict[str, Any], key: str, where: Path_, label: str) -> str | None:
        if key not in data:
            return None
        value = data[key]
        if type(value) is str:
            text = value.strip()
            if text and not _UNPRINTABLE.search(text):  # nothing for `clean` to report
                return text
        at = (*where, key)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(at, label, _("'{field}' must not be empty").format(field=key))
            return None
        if not isinstance(value, str):
            hint = _("; put it in quotes") if isinstance(value, int | float) else ""
            message = _("'{field}' must be text, not {value}").format(
                field=key, value=self.describe(at, value)
            )
            self.add(at, label, message + hint)
            return None
        return self.clean(value, at, label, f"'{key}'", multiline=key in MULTILINE_FIELDS)

    def clean(self, value: str, at: Path_, label: str, name: str, *, multiline: bool) -> str | None:
        """`value` stripped, or None after reporting a control character or a stray line break."""
        text = value.strip()
        if not multiline and _LINE_BREAK.search(text):
            message = _("{field} must be one line of text (it holds a line break)")
            self.add(at, label, message.format(field=name))
            return None
        control = _CONTROL.search(text)
        if control:
            message = _("{field} holds the control character {code}")
            code = f"U+{ord(control.group()):04X}"
            self.add(at, label, message.format(field=name, code=code))
            return None
        return text

    def integer(self, data: dict[str, Any], key: str, where: Path_, label: str) -> int | None:
        if key not in data:
            return None
        value = data[key]
        at = (*where, key)
        if isinstance(value, bool) or not isinstance(value, int):
            message = _("'{field}' must be a whole number, not {value}")
            self.add(at, label, message.format(field=key, value=self.describe(at, value)))
            return None
        return value

    def day(self, data: dict[str, Any], key: str, where: Path_, label: str) -> date | None:
        if key not in data:
            return None
        value = data[key]
        at = (*where, key)
        if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
            shown = self.describe(at, value)
            message = _("'{field}' must be a date written YYYY-MM-DD, not {value}")
            self.add(at, label, message.format(field=key, value=shown))
            return None
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            message = _("'{field}' {value} is not a real date")
            self.add(at, label, message.format(field=key, value=value.strip()))
            return None

    def texts(self, data: dict[str, Any], key: str, where: Path_, label: str) -> tuple[str, ...]:
        value = data.get(key)
        at = (*where, key)
        if value is None:
            return ()
        if not isinstance(value, list):
            hint = (
                _("; write [{value}]").format(value=_one_line(value.strip()))
                if isinstance(value, str) and value.strip()
                else ""
            )
            self.add(
                at,
                label,
                _("'{field}' must be a list of text, not {value}").format(
                    field=key, value=self.describe(at, value)
                )
                + hint,
            )
            return ()
        if not value:
            return ()
        items: list[str] = []
        item_name = _("'{field}' item {n}")
        for position, item in enumerate(value):
            if type(item) is str:
                text = item.strip()
                if text and not _UNPRINTABLE.search(text):  # nothing for `clean` to report
                    items.append(text)
                    continue
            name = item_name.format(field=key, n=position + 1)
            if not isinstance(item, str) or not item.strip():
                shown = self.describe((*at, position), item)
                message = _("{field} must be non-empty text, not {value}")
                self.add((*at, position), label, message.format(field=name, value=shown))
                continue
            cleaned = self.clean(item, (*at, position), label, name, multiline=False)
            if cleaned is not None:
                items.append(cleaned)
        return tuple(items)


def read_plan(path: str | Path, *, display: str | None = None) -> tuple[Plan | None, list[Problem]]:
    """Read and validate a plan file. Returns the plan (None if any error) and all findings."""
    shown = display or str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return None, [Problem(shown, None, "", _("no such file"))]
    except IsADirectoryError:
        return None, [Problem(shown, None, "", _("is a folder, not a plan file"))]
    except OSError as error:
        message = _("cannot read: {reason}").format(reason=error.strerror or error)
        return None, [Problem(shown, None, "", message)]
    return parse_plan(raw, shown)


def _at(shown: str, line: int, column: int, message: str) -> Problem:
    """A problem located to the column, shown FILE:LINE:COL."""
    return Problem(f"{shown}:{line}:{column}", None, "", message)


def _decode(raw: bytes, shown: str) -> tuple[str | None, Problem | None]:
    for bom, name in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if raw.startswith(bom):
            message = _("the file is {encoding} text; save it as UTF-8").format(encoding=name)
            return None, Problem(shown, None, "", message)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line = raw.count(b"\n", 0, error.start) + 1
        column = len(raw[line_start : error.start].decode("utf-8")) + 1
        try:
            raw.decode("gb18030")
            hint = _("it looks like GBK (GB18030); save it as UTF-8")
        except UnicodeDecodeError:
            hint = _("save it as UTF-8")
        byte = raw[error.start]
        message = _("not UTF-8 text (byte {byte}); {hint}").format(byte=f"0x{byte:02x}", hint=hint)
        return None, _at(shown, line, column, message)


def parse_plan(raw: bytes, shown: str) -> tuple[Plan | None, list[Problem]]:
    """Validate the bytes of a plan file named `shown` in messages."""
    text, problems = _plan_text(raw, shown)
    if text is None:
        return None, problems
    with collector_paused():  # the fast reading makes many containers and no cycles
        quick = _parse_fast(text, shown)
    if quick is not None:
        return quick
    return _parse_tree(text, shown)


def _parse_slow(raw: bytes, shown: str) -> tuple[Plan | None, list[Problem]]:
    """`parse_plan` without the fast path: what every fast result must equal."""
    text, problems = _plan_text(raw, shown)
    if text is None:
        return None, problems
    return _parse_tree(text, shown)


_BLANK = re.compile(r"[ \t\r\n]*")


def _plan_text(raw: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """The file's text, or None and the one problem that stops it being read as YAML."""
    text, problem = _decode(raw, shown)
    if text is None:
        assert problem is not None
        return None, [problem]
    text = text.removeprefix("\ufeff")
    if _BLANK.fullmatch(text):  # nothing but blanks (`strip` would copy the whole text)
        return None, [
            Problem(shown, None, "", _("the file is empty; a plan needs 'plan' and 'indices'"))
        ]
    bad = None if _printable_bytes(raw) else _NON_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        char = bad.group()
        if char == "\x00":
            message = _("the file contains a NUL byte; it is not a text file")
        elif unicodedata.category(char) == "Cc":
            message = _("the control character {code} is not allowed in a plan file")
        else:
            message = _("the character {code} is not allowed in a plan file")
        message = message.format(code=f"U+{ord(char):04X}")
        return None, [_at(shown, line, column, message)]
    return text, []


_BAD_ASCII = bytes(b for b in range(256) if b not in range(0x20) and b != 0x7F) + b"\t\n\r"
"""Every byte but the ASCII controls that `_NON_PRINTABLE` finds: deleted, what is left is those."""
_BAD_SEQUENCES = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")
"""Every other character `_NON_PRINTABLE` finds in UTF-8 but a BOM and U+0080 to U+009F (which
begin with the byte C2): U+FFFE and U+FFFF are these (surrogates are no valid UTF-8)."""


def _printable_bytes(raw: bytes) -> bool:
    """Whether the text of `raw` (valid UTF-8, a BOM at its start left out) is certain to hold
    nothing `_NON_PRINTABLE` finds, judged from its bytes with a few scans that run far faster
    than the search; False when it may (the search then says where)."""
    if raw.translate(None, _BAD_ASCII) or b"\xc2" in raw or raw.find(codecs.BOM_UTF8, 1) >= 0:
        return False
    # the two only if a character from U+FFC0 on is there at all: one search, not two
    return b"\xef\xbf" not in raw or not any(sequence in raw for sequence in _BAD_SEQUENCES)


def _parse_tree(text: str, shown: str) -> tuple[Plan | None, list[Problem]]:
    """The full reading: the node tree checked for tags and duplicate keys, then built and
    validated with every finding located through the tree."""
    node, problems = _compose(text, shown)
    if problems:
        return None, problems
    if node is None:
        message = (
            _("the file holds only comments; a plan needs 'plan' and 'indices'")
            if "#" in text
            else _("the file is empty; a plan needs 'plan' and 'indices'")
        )
        return None, [Problem(shown, None, "", message)]
    problems, duplicates = _check_nodes(shown, node)
    if problems:
        return None, problems
    data, problems = _construct(node, shown)
    if problems:
        return None, problems
    checker = _Checker(shown, node)
    checker.problems.extend(duplicates)
    if not isinstance(data, dict):
        return None, [
            Problem(
                shown,
                node.start_mark.line + 1,
                "",
                _("the plan must be a mapping with 'plan' and 'indices', not {value}").format(
                    value=_describe(data, node.value if isinstance(node, yaml.ScalarNode) else None)
                ),
            )
        ]
    plan = _check_plan(checker, data)
    problems = sorted(checker.problems, key=lambda p: p.line or 0)
    if any(not p.warning for p in problems):
        return None, problems
    return plan, problems


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
    if _FastLoader is not yaml.SafeLoader:
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
        if context and context_mark and mark and _position(context_mark) != _position(mark):
            message += _(" ({context} at line {line}, column {column})").format(
                context=context, line=context_mark.line + 1, column=context_mark.column + 1
            )
    message = _("YAML syntax error: {problem}").format(problem=message)
    if mark is None:
        return Problem(shown, None, "", message)
    return _at(shown, mark.line + 1, mark.column + 1, message)


def _position(mark: Any) -> tuple[int, int]:
    return (mark.line, mark.column)


class _Fallback(Exception):
    """The fast reading met something it leaves to the full one: a tag, an anchor, a repeated
    key, a syntax error, or any finding that is not a warning."""


_WILDCARD: list[tuple[str, Any]] = list(_PlanLoader.yaml_implicit_resolvers.get(None, []))
_RESOLVERS: dict[str, list[tuple[str, Any]]] = {
    first: [*resolvers, *_WILDCARD]
    for first, resolvers in _PlanLoader.yaml_implicit_resolvers.items()
    if first is not None
}
_MAPPING = object()
"""In the key stack of the fast reading: this open mapping waits for a key."""


def _plain(value: str) -> Any:
    """A plain (unquoted) scalar as the loader resolves and builds it, or `_Fallback`."""
    resolvers = _RESOLVERS.get(value[:1], _WILDCARD)
    tag = next((tag for tag, regexp in resolvers if regexp.match(value)), _STR)
    if tag == _STR:
        return value
    builder = _SCALAR_BUILDERS.get(tag)
    if builder is None:
        raise _Fallback
    try:
        return builder(yaml.ScalarNode(tag, value))
    except (ValueError, KeyError, AttributeError, TypeError, OverflowError):
        raise _Fallback from None


_QUOTED = r'"[^"\\]*(?:\\["\\][^"\\]*)*"'
_QUOTED_ITEM = re.compile(_QUOTED)
_BLOCK_LINE = re.compile(
    r"(?P<indent> *)(?P<dash>- +)?(?P<key>[a-z_]+):"
    rf"(?: +(?:(?P<text>{_QUOTED})|(?P<number>0|[1-9][0-9]{{0,8}})"
    rf"|(?P<list>\[ *(?:{_QUOTED}(?: *, *{_QUOTED})* *)?\])))?"
    r"(?: +#.*| *)"
)
"""A line the line reader takes (matched whole, without its line break)."""
_ONE_LINE_QUOTED = _QUOTED.replace(r'[^"\\]', r'[^"\\\n]')
_LINE = re.compile(
    r"(?P<indent> *)(?P<dash>- +)?(?P<key>[a-z_]+):"
    rf"(?: +(?:\"(?P<text>.*)\"|(?P<number>0|[1-9][0-9]{{0,8}})"
    rf"|(?P<list>\[ *(?:{_ONE_LINE_QUOTED}(?: *, *{_ONE_LINE_QUOTED})* *)?\])))? *$\n?"
    r"|(?P<other>.*)\n?",
    re.MULTILINE,
)
"""Any line, from its start to its line break, so that matching it at the end of each match
goes through the lines one after another. The commonest lines of `_BLOCK_LINE` (no comment,
a text with neither quote nor backslash inside) are read here at once; `text` is taken with
`.*`, which the regular expression engine runs much faster than a class of characters, and
holds a quote or a backslash only when the line needs `_BLOCK_LINE`. Every other line is
`other`, for `_BLOCK_LINE`."""
_FIELD_NAMES = {
    name: name for name in (*TOP_FIELDS, *PLAN_FIELDS, *INDEX_FIELDS, *TASK_FIELDS, *FRAMING_FIELDS)
}
"""Each field name to itself: a key read from a line becomes this one string, shared by every
mapping, instead of a string of its own per line."""
_NOT_PLAIN_LINES = ("\r", "\t", "\x85", "\u2028", "\u2029", "\ufeff")


def _unescape(text: str) -> str:
    """The text between the quotes of a double-quoted scalar with no escape but \\" and \\\\."""
    return text.replace("\\\\", "\x00").replace('\\"', '"').replace("\x00", "\\")


def _unquote(quoted: str) -> str:
    text = quoted[1:-1]
    return text if "\\" not in text else _unescape(text)


_FOLLOWING = ("title", "title_en", "source", "places", "partners", "due")
"""The fields that follow a task's `- id:` line, in the order plans write them."""


@functools.cache
def _following(column: int) -> re.Pattern[str]:
    """The lines that follow an item's first line, at `column`: fields of `_FOLLOWING` in that
    order (any of them left out), each written as `_LINE` takes it at once (a quoted text, to be
    checked for a quote or a backslash inside, or a one-line list; then only spaces). It may
    match no line at all. A line once taken is kept (`_KEPT`): every line after it is optional,
    so nothing could fail and need it given back, and the engine, keeping no way back for each,
    runs about a quarter faster."""
    indent = " " * column
    lines = []
    for key in _FOLLOWING:
        if key in ("places", "partners"):
            value = rf"(?P<{key}>\[ *(?:{_ONE_LINE_QUOTED}(?: *, *{_ONE_LINE_QUOTED})* *)?\])"
        else:
            value = rf'"(?P<{key}>.*)"'
        lines.append(rf"(?:{indent}{key}: +{value} *\n)?{_KEPT}")
    return re.compile("".join(lines))


_KEPT = "+" if sys.version_info >= (3, 11, 5) else ""
"""`?+` (possessive) where Python reads it right: before 3.11.5 a line that failed to match
part-way could still move the match on (python/cpython#106052, #100061), as Debian 12's
3.11.2 does. A plain `?` gives the same matches here, as the lines after are all optional."""


def _line_data(text: str, runs: _Runs | None = None) -> dict[str, Any]:
    """The plan read line by line, or `_Fallback` for anything but the plainest block style.

    Takes only lines `KEY: VALUE` and `- KEY: VALUE` (a known field name; a double-quoted text
    with no escape but \\" and \\\\, a whole number, a one-line list of such texts, or nothing
    before a nested block), comments and blank lines, and nests only by deeper indentation:
    the files `bench/gen.py` writes and plain exports. What it builds equals what YAML builds.

    Each line is matched by `_LINE`, so that the loop below does the least per line; and after
    an item's first line, the lines of a task that follow it are taken in one match (see
    `_following`), as they would be one by one: they only add their fields to the item.

    With `runs`, the tasks of a run may be left unmade, their fields kept there for the
    glance at them (see `_Runs`): the data is whole once they are made (`_make_unmade`).
    """
    if any(character in text for character in _NOT_PLAIN_LINES):
        raise _Fallback
    root: dict[str, Any] = {}
    stack: list[tuple[int, Any]] = [(0, root)]  # open collections and their columns
    column, top = 0, root
    pending: str | None = None  # a key with nothing after it: a nested block follows, or empty
    names, match, size, position = _FIELD_NAMES, _LINE.match, len(text), 0
    while position < size:
        found = match(text, position)
        assert found is not None  # `_LINE` matches every line
        position = found.end()
        indent, dash, key, quoted, number, items, other = found.groups()
        if other is not None or (quoted is not None and ('"' in quoted or "\\" in quoted)):
            line_end = text.find("\n", found.start())
            line = _BLOCK_LINE.fullmatch(text, found.start(), line_end if line_end >= 0 else size)
            if line is None:
                stripped = (other if other is not None else found.group()).lstrip(" ")
                if not stripped or stripped[0] == "#":
                    continue
                raise _Fallback
            indent, dash, key, quoted, number, items = line.groups()
            if quoted is not None:
                quoted = _unquote(quoted)
        at = len(indent)
        if pending is not None:
            if at > column:
                child: Any = [] if dash else {}
                top[pending] = child
                stack.append((at, child))
                column, top = at, child
            else:
                top[pending] = None
            pending = None
        while at < column:
            stack.pop()
            column, top = stack[-1]
        if at != column:
            raise _Fallback
        if dash:
            if type(top) is not list:
                raise _Fallback
            item: dict[str, Any] = {}
            top.append(item)
            column, top = at + len(dash), item
            stack.append((column, item))
        elif type(top) is not dict:
            raise _Fallback
        key = names.get(key)
        if key is None or key in top:
            raise _Fallback
        if quoted is not None:
            top[key] = quoted
        elif number is not None:
            top[key] = _plain(number)
        elif items is not None:
            top[key] = _quoted_items(items)
        else:
            pending = key
        if dash and key == "id" and pending is None:
            position, top = _add_tasks(text, position, indent + dash, stack[-2][1], top, runs)
            stack[-1] = (column, top)
    if pending is not None:
        top[pending] = None
    return root


_QUOTED_INSIDE = re.compile(_QUOTED[1:-1])


def _escaped(written: str | None) -> str | None:
    """The text between quotes that `_BLOCK_LINE` would read as a whole, with its escapes (\\"
    and \\\\) undone; `_ABSENT` if a quote inside is not escaped."""
    if written is None or ('"' not in written and "\\" not in written):
        return written
    if not _QUOTED_INSIDE.fullmatch(written):
        return _ABSENT
    return _unescape(written)


@functools.cache
def _task_lines(start: str) -> re.Pattern[str]:
    """The lines of a task: its first, `start` (its indentation and dash) then its id, and
    those `_following` takes."""
    return re.compile(rf'{start}id: +"(.*)" *\n' + _following(len(start)).pattern)


def _add_tasks(
    text: str,
    position: int,
    start: str,
    tasks: list[Any],
    item: dict[str, Any],
    runs: _Runs | None = None,
) -> tuple[int, dict[str, Any]]:
    """Read on from the id line of the task `item` of `tasks`: the lines of this task, then of
    the tasks that follow, each begun by an id line that starts as this one, `start`; each
    line as `_line_data` would read it one by one (the task before is closed, a new one made
    and its fields added). Returns where the lines left for one by one start, and the task
    they belong to.

    The tasks after the first are matched one after another, then read a field at a time
    down the whole run (see `_run_fields`) and made in one lean loop (see `_task_items`):
    this runs for every task of every plan read line by line. With `runs`, the tasks of
    the run but its last may be left unmade, their fields kept there (see `_Runs`)."""
    position = _add_following(text, position, len(start), item)
    match, found = _task_lines(start).match, []
    while (task := match(text, position)) is not None:
        found.append(task)
        position = task.end()
    if not found:
        return position, item
    fields, taken = _run_fields(list(map(re.Match.groups, found)))
    if taken < len(found):
        position = found[taken].start()  # the lines of this task are read one by one
    if not taken:
        return position, item
    if runs is not None:
        fields = _leave_unmade(runs, tasks, fields)
    tasks.extend(_task_items(fields))
    return position, tasks[-1]


_Runs = dict[int, tuple[list[Any], int, "_TaskColumns"]]
"""Lists of tasks that the line reader left short of a run of tasks (by `id`, with the list
itself, so that no other list can take its `id`): where in the list the run belongs, and the
fields of its tasks as the line reader gathered them (see `_run_fields`). The glance at an
index's tasks takes these fields as they are, instead of tasks made only to be read again
field by field; the tasks are made and put in their place (`_make_unmade`) only for the
checks one by one. Only `_parse_fast` asks for this: its data is seen only by `_check_plan`,
and only `_check_tasks` reads a list of tasks."""


def _leave_unmade(runs: _Runs, tasks: list[Any], fields: list[list[Any]]) -> list[list[Any]]:
    """The fields of the tasks of a run (from `_run_fields`) to be made now and added to
    `tasks`: only the last's, the others' kept in `runs` (see `_Runs`), unless the list has a
    run kept already, this one is a single task, or one of its tasks lacks a text. The last
    task must be made: the lines read one by one after the run may yet add a field to it."""
    ids, titles, titles_en, sources = fields[:4]
    if id(tasks) in runs or len(ids) < 2:
        return fields
    if None in titles or None in titles_en or None in sources:
        return fields
    last = [[column.pop()] for column in fields]
    runs[id(tasks)] = tasks, len(tasks), _TaskColumns(*fields)
    return last


def _unmade(runs: _Runs, tasks: list[Any]) -> tuple[int, _TaskColumns] | None:
    """Where the tasks missing from `tasks` belong, and their fields (see `_Runs`), if any."""
    kept = runs.get(id(tasks))
    return (kept[1], kept[2]) if kept is not None and kept[0] is tasks else None


def _make_unmade(tasks: list[Any], unmade: tuple[int, _TaskColumns]) -> None:
    """Make the tasks missing from `tasks` (see `_unmade`) and put them in their place."""
    position, fields = unmade
    tasks[position:position] = _task_items(list(fields))


_RUN_FIELDS = ("id", *_FOLLOWING)
"""The fields of a task as `_task_lines` finds them, in the order of its groups."""


def _run_fields(rows: list[tuple[str | None, ...]]) -> tuple[list[list[Any]], int]:
    """The fields of a run of tasks (the groups `_task_lines` found, a tuple per task) as
    `_line_data` reads them, a list per field of `_RUN_FIELDS` (None where a line is left
    out), and how many tasks of the run they hold: those before the first with a quote inside
    a text that is not escaped (the lines of that one are read one by one, since a comment
    may follow its text).

    A text holds a quote or a backslash seldom, so each field is searched for one as a whole
    before its texts are."""
    columns: list[list[Any]] = [list(column) for column in zip(*rows, strict=True)]
    taken = len(rows)
    for field, column in zip(_RUN_FIELDS, columns, strict=True):
        if field in ("places", "partners"):
            continue
        written = "".join(filter(None, column))
        if '"' not in written and "\\" not in written:
            continue
        for position in [
            position
            for position, text in enumerate(column[:taken])
            if text is not None and ('"' in text or "\\" in text)
        ]:
            column[position] = text = _escaped(column[position])
            if text is _ABSENT:
                taken = position
                break
    if taken < len(rows):
        columns = [column[:taken] for column in columns]
    columns[4] = _one_line_lists(columns[4])
    columns[5] = _one_line_lists(columns[5])
    return columns, taken


def _one_line_lists(column: list[Any]) -> list[Any]:
    """Each one-line list of `column` (as `_ONE_LINE_QUOTED` items in brackets, or None) as
    YAML reads it, all decoded in one go: such a list is also a JSON array of the same texts.
    Between its brackets, items and commas there are only spaces, which JSON skips too; its
    items are quoted with no escape but \\" and \\\\, which both read alike, and every other
    character (no quote, backslash or line break) stands for itself in both (`strict=False`
    lets JSON take controls, which `_plan_text` has refused anyway)."""
    if None in column:
        column = [written or "null" for written in column]
    lists: list[Any] = json.loads(f"[{','.join(column)}]", strict=False)
    return lists


def _task_items(fields: list[list[Any]]) -> list[dict[str, Any]]:
    """The tasks of a run from its fields (see `_run_fields`), each with the fields written,
    in the order of its lines, as `_line_data` would add them one by one."""
    _ids, titles, titles_en, sources, places, _partners, _dues = fields
    if None in titles or None in titles_en or None in sources or None in places:
        return [
            {
                field: value
                for field, value in zip(_RUN_FIELDS, row, strict=True)
                if value is not None
            }
            for row in zip(*fields, strict=True)
        ]
    items = []
    for task_id, title, title_en, source, in_places, with_partners, due in zip(
        *fields, strict=True
    ):
        item = {
            "id": task_id,
            "title": title,
            "title_en": title_en,
            "source": source,
            "places": in_places,
        }
        if with_partners is not None:
            item["partners"] = with_partners
        if due is not None:
            item["due"] = due
        items.append(item)
    return items


def _add_following(text: str, position: int, column: int, item: dict[str, Any]) -> int:
    """Add to `item` (a task with only its id so far) the fields of the lines from `position`
    that `_following` takes at once; where the lines left for one by one start."""
    found = _following(column).match(text, position)
    assert found is not None  # every line is optional: it matches, at worst, nothing
    if found.end() == position:
        return position
    title, title_en, source, places, partners, due = found.groups()
    written = f"{title}{title_en}{source}{due}"  # None shows as "None": no quote, no backslash
    if '"' in written or "\\" in written:
        # Taken only if every quote inside is escaped (else a comment may follow the text)
        texts = [_escaped(text) for text in (title, title_en, source, due)]
        if _ABSENT in texts:
            return position
        title, title_en, source, due = texts
    _add_fields(item, title, title_en, source, places, partners, due)
    return found.end()


def _add_fields(
    item: dict[str, Any],
    title: str | None,
    title_en: str | None,
    source: str | None,
    places: str | None,
    partners: str | None,
    due: str | None,
) -> None:
    """Add to a task the fields `_following` found (those not None), in the order of the lines."""
    if title is not None:
        item["title"] = title
    if title_en is not None:
        item["title_en"] = title_en
    if source is not None:
        item["source"] = source
    if places is not None:
        item["places"] = [] if places == "[]" else _quoted_items(places)
    if partners is not None:
        item["partners"] = [] if partners == "[]" else _quoted_items(partners)
    if due is not None:
        item["due"] = due


def _quoted_items(written: str) -> list[str]:
    """The texts of a one-line list as `_LINE` takes it."""
    return [_unquote(item) for item in _QUOTED_ITEM.findall(written)]


def _fast_data(text: str) -> Any:
    """The document built without a node tree (line by line, else from parser events), or
    `_Fallback`. Only untagged, unanchored plain data is built; every key is text, once."""
    try:
        return _line_data(text)
    except _Fallback:
        return _event_data(text)


def _event_data(text: str) -> Any:
    loader = _PlanLoader(text)
    try:
        return _build(loader.get_event)
    except (yaml.YAMLError, RecursionError):
        raise _Fallback from None
    finally:
        loader.dispose()


def _build(get_event: Callable[[], Any]) -> Any:
    scalar_event, mapping_start, sequence_start = (
        yaml.ScalarEvent,
        yaml.MappingStartEvent,
        yaml.SequenceStartEvent,
    )
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    resolvers, wildcard, mapping = _RESOLVERS, _WILDCARD, _MAPPING
    if type(get_event()) is not yaml.StreamStartEvent:
        raise _Fallback
    if type(get_event()) is not yaml.DocumentStartEvent:
        raise _Fallback
    stack: list[Any] = []
    keys: list[Any] = []
    value: Any
    while True:
        event = get_event()
        kind = type(event)
        if kind is scalar_event:
            if event.tag is not None or event.anchor is not None:
                raise _Fallback
            value = event.value
            if event.implicit[0] and (value[:1] in resolvers or wildcard):
                value = _plain(value)
        elif kind is mapping_start or kind is sequence_start:
            if event.tag is not None or event.anchor is not None:
                raise _Fallback
            if keys and keys[-1] is mapping:
                raise _Fallback
            if kind is mapping_start:
                stack.append({})
                keys.append(mapping)
            else:
                stack.append([])
                keys.append(None)
            continue
        elif kind is mapping_end or kind is sequence_end:
            value = stack.pop()
            keys.pop()
        else:
            break
        if not stack:
            if type(get_event()) is not yaml.DocumentEndEvent:
                raise _Fallback
            if type(get_event()) is not yaml.StreamEndEvent:
                raise _Fallback
            return value
        top = stack[-1]
        key = keys[-1]
        if key is None:
            top.append(value)
        elif key is mapping:
            if type(value) is not str or value in top:
                raise _Fallback
            keys[-1] = value
        else:
            top[key] = value
            keys[-1] = mapping
    raise _Fallback


class _FastChecker(_Checker):
    """Checks plain data without a node tree: an error falls back to the full reading; a
    warning is kept with its place, and its line is found afterwards."""

    def __init__(self, path: str) -> None:
        super().__init__(path, None)
        self.places: list[Path_] = []

    def locate(self, where: Path_) -> tuple[yaml.Node | None, yaml.Node | None, int | None]:
        raise _Fallback

    def add(self, where: Path_, label: str, message: str, *, warning: bool = False) -> None:
        if not warning:
            raise _Fallback
        self.problems.append(Problem(self.path, None, label, message, warning))
        self.places.append(where)


def _parse_fast(text: str, shown: str) -> tuple[Plan | None, list[Problem]] | None:
    """The plan and its warnings read without a node tree, or None when anything needs the
    full reading (which then words every finding)."""
    checker = _FastChecker(shown)
    try:
        try:
            runs: _Runs = {}
            data: Any = _line_data(text, runs)
            # Its texts are pieces of single lines of a text that `_plan_text` let through and
            # `_line_data` found free of \t, \r, \x85, \u2028 and \u2029: nothing unprintable.
            checker.printable = True
            checker.runs = runs
        except _Fallback:
            data = _event_data(text)
        if not isinstance(data, dict):
            return None
        plan = _check_plan(checker, data)
        if plan is None:
            return None
        if not checker.places:
            return plan, []
        lines = _key_lines(text, set(checker.places))
    except _Fallback:
        return None
    problems = [
        dataclasses.replace(problem, line=lines[where])
        for problem, where in zip(checker.problems, checker.places, strict=True)
    ]
    return plan, sorted(problems, key=lambda p: p.line or 0)


def _key_lines(text: str, wanted: set[Path_]) -> dict[Path_, int]:
    """The line of each place in `wanted` as `_Checker.locate` finds it, from parser events;
    for a plan that `_fast_data` reads (text keys, each once). Stops when all are found."""
    found: dict[Path_, int] = {}
    frames: list[list[Any]] = []  # per open container: [is mapping, step, next node is a key]
    loader = _PlanLoader(text)
    try:
        while len(found) < len(wanted):
            event = loader.get_event()
            kind = type(event)
            if kind is yaml.StreamEndEvent:
                raise _Fallback
            if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                frames.pop()
                continue
            if kind not in (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent):
                continue
            if frames:
                top = frames[-1]
                if top[0] and top[2]:
                    top[1] = _plain(event.value) if event.implicit[0] else event.value
                    top[2] = False
                elif top[0]:
                    top[2] = True
                else:
                    top[1] += 1
                if not top[0] or not top[2]:
                    where = tuple(frame[1] for frame in frames)
                    if where in wanted:
                        found[where] = event.start_mark.line + 1
            if kind is yaml.MappingStartEvent:
                frames.append([True, None, True])
            elif kind is yaml.SequenceStartEvent:
                frames.append([False, -1, False])
    except yaml.YAMLError:
        raise _Fallback from None
    finally:
        loader.dispose()
    return found


def _check_nodes(shown: str, root: yaml.Node) -> tuple[list[Problem], list[Problem]]:
    """Walk the node tree once, before anything is built.

    Returns the nodes whose tag is not plain data, and the keys repeated within one mapping.
    """
    tags: list[Problem] = []
    duplicates: list[Problem] = []
    for node in _visit(root):
        tag = node.tag
        if isinstance(node, yaml.MappingNode):
            _duplicate_keys(shown, node, duplicates)
        if tag == _STR and isinstance(node, yaml.ScalarNode):
            continue
        if tag == _MERGE:
            message = _("merge keys ('<<') are not supported in a plan; write the fields out")
        elif tag in (_SEQ, _MAP):
            kind = yaml.SequenceNode if tag == _SEQ else yaml.MappingNode
            if isinstance(node, kind):
                continue
            message = _("tag '{tag}' does not fit this value").format(tag=_short_tag(tag))
        elif tag == _STR or tag in _SCALAR_BUILDERS:
            if not isinstance(node, yaml.ScalarNode):
                message = _("tag '{tag}' does not fit this value").format(tag=_short_tag(tag))
            elif not _build_scalar(node)[0]:
                message = _("the value {value} is not a valid {tag}").format(
                    value=_quoted(node.value), tag=_short_tag(tag)
                )
            else:
                continue
        else:
            message = _("tag '{tag}' is not allowed: a plan holds plain data only").format(
                tag=_short_tag(tag)
            )
        tags.append(Problem(shown, node.start_mark.line + 1, "", message))
    return sorted(tags, key=lambda p: p.line or 0), duplicates


def _duplicate_keys(shown: str, node: yaml.MappingNode, found: list[Problem]) -> None:
    seen: dict[tuple[str, str], int] = {}
    for key_node, _value in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = (key_node.tag, key_node.value)
        line = key_node.start_mark.line + 1
        if key in seen:
            message = _("duplicate key '{key}' (first at line {line})").format(
                key=_one_line(key_node.value), line=seen[key]
            )
            found.append(Problem(shown, line, "", message))
        else:
            seen[key] = line


def _construct(node: yaml.Node, shown: str) -> tuple[Any, list[Problem]]:
    loader = _PlanLoader("")
    try:
        return loader.construct_document(node), []
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(str(error.problem or error.context or "").split())
        message = (
            _("a key must be plain text, not a list or a mapping")
            if "unhashable" in problem
            else _("cannot be read as a plan: {problem}").format(problem=problem)
        )
        return None, [Problem(shown, line, "", message)]
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        message = _("cannot be read as a plan: {problem}").format(problem=error)
        return None, [Problem(shown, None, "", message)]
    finally:
        loader.dispose()


def _check_plan(c: _Checker, data: dict[str, Any]) -> Plan | None:
    c.mapping(data, (), "", TOP_FIELDS)
    label = _("plan")
    meta = c.mapping(data["plan"], ("plan",), label, PLAN_FIELDS) if "plan" in data else None
    year = start = end = None
    fields: dict[str, Any] = {}
    if meta is not None:
        year = c.integer(meta, "year", ("plan",), label)
        if year is not None and not 1900 <= year <= 2999:
            message = _("'year' {year} is not a plausible year").format(year=year)
            c.add(("plan", "year"), label, message)
            year = None
        for key in ("title", "title_en", "source", "preamble", "preamble_en"):
            fields[key] = c.text(meta, key, ("plan",), label)
        start = c.day(meta, "start", ("plan",), label)
        end = c.day(meta, "end", ("plan",), label)
        if start and end and end < start:
            message = _("'end' {end} is before 'start' {start}").format(end=end, start=start)
            c.add(("plan", "end"), label, message)
            start = end = None
        for key, day in (("start", start), ("end", end)):
            if day and year and day.year != year:
                message = _("'{field}' {day} is not in the plan's year {year}").format(
                    field=key, day=day, year=year
                )
                c.add(("plan", key), label, message, warning=True)
        declared = c.integer(meta, "indices_declared", ("plan",), label)
        if declared is not None and declared < 1:
            c.add(("plan", "indices_declared"), label, _("'indices_declared' must be 1 or more"))
            declared = None
        fields["indices_declared"] = declared
        fields["framing"] = _check_framing(c, meta)
    indices = _check_indices(c, data, start, end)
    declared = fields.get("indices_declared")
    described = data.get("indices")
    if (
        declared is not None
        and isinstance(described, list)
        and described
        and declared != len(described)
    ):
        message = _("the plan declares {declared} indices but describes {described}").format(
            declared=declared, described=len(described)
        )
        c.add(("plan", "indices_declared"), _("plan"), message, warning=True)
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
        shown = c.describe(("plan", "framing"), value)
        message = _("'framing' must be a list, not {value}").format(value=shown)
        c.add(("plan", "framing"), _("plan"), message)
        return []
    items = []
    for position, item in enumerate(value):
        where = ("plan", "framing", position)
        label = _("plan, framing {n}").format(n=position + 1)
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
        shown = _("an empty list") if value == [] else c.describe(("indices",), value)
        message = _("must be a non-empty list of indices, not {value}").format(value=shown)
        c.add(("indices",), "indices", message)
        return None
    indices: list[PlanIndex] = []
    numbers: dict[int, Path_] = {}
    codes: dict[str, Path_] = {}
    task_ids = _TaskIds()
    for position, item in enumerate(value):
        where: Path_ = ("indices", position)
        number = item.get("number") if isinstance(item, dict) else None
        label = (
            _("index {number}").format(number=number)
            if isinstance(number, int) and not isinstance(number, bool)
            else _("index #{n}").format(n=position + 1)
        )
        entry = c.mapping(item, where, label, INDEX_FIELDS)
        if entry is None:
            continue
        number = c.integer(entry, "number", where, label)
        if number is not None and number < 1:
            c.add((*where, "number"), label, _("'number' must be 1 or more"))
            number = None
        if number is not None:
            if number in numbers:
                c.add(
                    (*where, "number"),
                    label,
                    _("duplicate index number {number} (first at line {line})").format(
                        number=number, line=c.line_of(numbers[number])
                    ),
                )
            else:
                numbers[number] = (*where, "number")
        code = c.text(entry, "code", where, label)
        if code is not None:
            if not _CODE.fullmatch(code):
                c.add(
                    (*where, "code"),
                    label,
                    _("'code' {code} must be a short lowercase ASCII word like 'industry'").format(
                        code=_quoted(code)
                    ),
                )
                code = None
            elif code in codes:
                c.add(
                    (*where, "code"),
                    label,
                    _("duplicate code '{code}' (first at line {line})").format(
                        code=code, line=c.line_of(codes[code])
                    ),
                )
            else:
                codes[code] = (*where, "code")
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
    task_ids: _TaskIds,
) -> list[PlanTask] | None:
    if "tasks" not in entry:
        return None
    value = entry["tasks"]
    if value is None or value == []:
        c.add((*where, "tasks"), label, _("has no tasks"), warning=True)
        return []
    if not isinstance(value, list):
        shown = c.describe((*where, "tasks"), value)
        c.add(
            (*where, "tasks"), label, _("'tasks' must be a list, not {value}").format(value=shown)
        )
        return None
    unmade = _unmade(c.runs, value)
    glanced = _clean_tasks(
        value, number, start, end, task_ids, where, printable=c.printable, unmade=unmade
    )
    if glanced is not None:
        return glanced
    if unmade is not None:
        _make_unmade(value, unmade)
    tasks: list[PlanTask] = []
    ok = True
    named, numbered = _("task {id}"), _("{index}, task #{n}")  # once, not per task
    for position, item in enumerate(value):
        clean = _clean_task(item, number, start, end, task_ids)
        if clean is not None:
            task_ids.add(clean.id, (*where, "tasks", position, "id"))
            tasks.append(clean)
            continue
        task_where: Path_ = (*where, "tasks", position)
        raw_id = item.get("id") if isinstance(item, dict) else None
        task_label = (
            named.format(id=raw_id.strip())
            if isinstance(raw_id, str) and _TASK_ID.fullmatch(raw_id.strip())
            else numbered.format(index=label, n=position + 1)
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
                _("'due' {due} is outside the plan period {start} to {end}").format(
                    due=due, start=start, end=end
                ),
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


_TASK_KEYS = TASK_FIELDS.keys()
_REQUIRED_TASK_KEYS = frozenset(key for key, required in TASK_FIELDS.items() if required)


def _clean_text(value: Any) -> str | None:
    """`value` stripped if it is text that no check has anything to say about, else None."""
    if type(value) is not str:
        return None
    text = value.strip()
    return text if text and not _UNPRINTABLE.search(text) else None


def _clean_tasks(
    value: list[Any],
    number: int | None,
    start: date | None,
    end: date | None,
    task_ids: _TaskIds,
    where: Path_,
    *,
    printable: bool,
    unmade: tuple[int, _TaskColumns] | None = None,
) -> list[PlanTask] | None:
    """The tasks of one index if every one is clean at a glance (as `_clean_task` judges), with
    their ids added to `task_ids`; else None, `task_ids` untouched, for the checks one by one.

    The glance goes field by field down the whole list (a column of ids, of titles, ...), with
    `map`, `all` and `set` doing per task what a loop would: this runs for every task of every
    plan read. With `printable`, texts are not searched for characters `clean` reports.
    `unmade`: tasks missing from `value`, where they belong and their fields (see `_Runs`).
    """
    if number is None:
        return None
    columns = _task_columns(value)
    if columns is None:
        return None
    if unmade is not None:
        position, missing = unmade
        fields = cast(tuple[list[Any], ...], columns)  # a named tuple of lists, of several kinds
        whole: list[list[Any]] = [
            [*column[:position], *more, *column[position:]]
            for column, more in zip(fields, cast(tuple[list[Any], ...], missing), strict=True)
        ]
        columns = _TaskColumns(*whole)
    ids = _text_column(columns.ids, printable=True)
    # The form `1.2` (`_TASK_ID`) with this index first: with no leading zero, the text
    # before the dot is the index number as written
    if ids is None or not all(map(re.compile(rf"{number}\.[1-9][0-9]*").fullmatch, ids)):
        return None
    texts: list[Any] = [
        _text_column(column, printable=printable)
        for column in (columns.titles, columns.titles_en, columns.sources)
    ]
    lists: list[Any] = [
        _list_column(column, printable=printable) for column in (columns.places, columns.partners)
    ]
    days = _clean_days(columns.dues, start, end)
    if None in texts or None in lists or days is None:
        return None
    if not task_ids.add_index(ids, number, (*where, "tasks")):  # last: it adds them
        return None
    return list(map(PlanTask, ids, itertools.repeat(number), *texts, *lists, days))


class _TaskColumns(NamedTuple):
    """The fields of the tasks of an index, a list per field, a task at each position: texts,
    but for lists of texts and due dates (texts), each None where none is written."""

    ids: list[str]
    titles: list[str]
    titles_en: list[str]
    sources: list[str]
    places: list[list[str] | None]
    partners: list[list[str] | None]
    dues: list[Any]


def _task_columns(items: list[Any]) -> _TaskColumns | None:
    """The fields of `items`, or None unless each is a mapping of task fields with every one
    that is required, each of the kind `_TaskColumns` holds."""
    if not set(map(type, items)) <= {dict}:
        return None
    if not all(map(_TASK_KEY_SET.issuperset, items)):
        return None
    if not all(map(_REQUIRED_TASK_KEYS.issubset, items)):
        return None
    ids, titles, titles_en, sources = texts = [
        list(map(operator.itemgetter(key), items)) for key in ("id", "title", "title_en", "source")
    ]
    if not all(set(map(type, column)) <= {str} for column in texts):
        return None
    places, partners = lists = [[item.get(key) for item in items] for key in ("places", "partners")]
    for column in lists:
        if not set(map(type, column)) <= {list, type(None)}:
            return None
        if not set(map(type, itertools.chain.from_iterable(filter(None, column)))) <= {str}:
            return None
    dues = [item.get("due", _ABSENT) for item in items]
    if not set(map(type, dues)) <= {str, type(_ABSENT)}:  # None here is a due written empty
        return None
    dues = [None if due is _ABSENT else due for due in dues]
    return _TaskColumns(ids, titles, titles_en, sources, places, partners, dues)


class _IndexIds:
    """Where the ids of an index glanced at as a whole are: its tasks, and their ids in order."""

    __slots__ = ("ids", "tasks")

    def __init__(self, tasks: Path_, ids: list[str]) -> None:
        self.tasks = tasks
        self.ids = ids


class _TaskIds:
    """Each task id read so far and where it is: to find a duplicate, and the line of the first.

    Ids are kept apart by the number before their dot, which a duplicate shares: the ids of
    an index glanced at as a whole all begin with its number, so they are checked only
    against those of an earlier index with the same number (seldom any) and kept as one
    mapping with one place for all (see `add_index`), instead of each being looked up in and
    added to a mapping of every id with a path of its own. The path of an id is made only
    for a message about its duplicate."""

    def __init__(self) -> None:
        self._by_index: dict[str, dict[str, Path_ | _IndexIds]] = {}

    def __contains__(self, task_id: str) -> bool:
        return task_id in self._by_index.get(task_id.partition(".")[0], ())

    def path(self, task_id: str) -> Path_:
        """Where `task_id` is (it must be here)."""
        where = self._by_index[task_id.partition(".")[0]][task_id]
        if isinstance(where, _IndexIds):
            return (*where.tasks, where.ids.index(task_id), "id")
        return where

    def paths(self) -> dict[str, Path_]:
        """Every id and where it is."""
        return {task_id: self.path(task_id) for ids in self._by_index.values() for task_id in ids}

    def add(self, task_id: str, where: Path_) -> None:
        self._by_index.setdefault(task_id.partition(".")[0], {})[task_id] = where

    def add_index(self, ids: list[str], number: int, tasks: Path_) -> bool:
        """Add `ids`, each `NUMBER.N`, of the tasks at `tasks` in their order; or, if one of
        them is there twice or is here already, add none and return False."""
        fresh: dict[str, Path_ | _IndexIds] = dict.fromkeys(ids, _IndexIds(tasks, ids))
        if len(fresh) != len(ids):
            return False
        known = self._by_index.setdefault(str(number), fresh)
        if known is not fresh:
            if not known.keys().isdisjoint(fresh):
                return False
            known.update(fresh)
        return True


_TASK_KEY_SET = frozenset(TASK_FIELDS)
_ABSENT: Any = object()
"""A field not written, told apart from one written empty."""


def _text_column(column: list[str], *, printable: bool) -> list[str] | None:
    """Every text of `column` stripped, or None unless each has nothing for `clean` to report
    (`printable`: known to hold no unprintable character)."""
    stripped = list(map(str.strip, column))
    if not all(stripped) or (not printable and any(map(_UNPRINTABLE.search, stripped))):
        return None
    return stripped


def _list_column(
    column: list[list[str] | None], *, printable: bool
) -> list[tuple[str, ...]] | None:
    """Each list of texts of `column` as a tuple of its items stripped (an empty value as
    none), or None unless each has nothing for `clean` to report."""
    items = list(itertools.chain.from_iterable(filter(None, column)))
    stripped = _text_column(items, printable=printable) if items else items
    if stripped is None:
        return None
    if stripped != items:  # some item to strip
        return [tuple(map(str.strip, entries)) if entries else () for entries in column]
    if None in column:
        return [tuple(entries) if entries else () for entries in column]
    return list(map(tuple, cast(list[list[str]], column)))


def _clean_days(column: list[Any], start: date | None, end: date | None) -> list[Any] | None:
    """Each due date of `column` (a text, or None where none is written) as `_clean_day` takes
    it (None where none is written), or None unless it takes each. Many tasks share a date:
    each is read once."""
    written = set(column)
    written.discard(None)
    days = {text: _clean_day(text, start, end) for text in written}
    if _ABSENT in days.values():
        return None
    return list(map(days.get, column))


def _clean_day(written: Any, start: date | None, end: date | None) -> date | None:
    """A due date as `_clean_task` takes it (within the plan period), else `_ABSENT`."""
    if type(written) is not str or not _DATE.fullmatch(written := written.strip()):
        return _ABSENT
    try:
        due = date.fromisoformat(written)
    except ValueError:
        return _ABSENT
    return due if start and end and start <= due <= end else _ABSENT


def _clean_task(
    item: Any, number: int | None, start: date | None, end: date | None, task_ids: _TaskIds
) -> PlanTask | None:
    """`item` as a task if every check of `_check_tasks` passes at a glance, else None (and the
    checks run one by one, to report): a few lookups instead of a dozen checker calls."""
    if type(item) is not dict or number is None:
        return None
    if not item.keys() <= _TASK_KEYS or not item.keys() >= _REQUIRED_TASK_KEYS:
        return None
    raw_id = item["id"]
    task_id = raw_id.strip() if type(raw_id) is str else ""
    if not _TASK_ID.fullmatch(task_id) or task_id in task_ids:
        return None
    if int(task_id.split(".")[0]) != number:
        return None
    title, title_en, source = (_clean_text(item[key]) for key in ("title", "title_en", "source"))
    if title is None or title_en is None or source is None:
        return None
    lists: list[tuple[str, ...]] = []
    for key in ("places", "partners"):
        value = item.get(key)
        if value is not None and type(value) is not list:
            return None
        cleaned: list[str] = []
        for entry in value or ():
            text = _clean_text(entry)
            if text is None:
                return None
            cleaned.append(text)
        lists.append(tuple(cleaned))
    due = None
    if "due" in item:
        written = item["due"]
        if type(written) is not str or not _DATE.fullmatch(written.strip()):
            return None
        try:
            due = date.fromisoformat(written.strip())
        except ValueError:
            return None
        if not (start and end and start <= due <= end):
            return None
    return PlanTask(
        id=task_id,
        index=number,
        title=title,
        title_en=title_en,
        source=source,
        places=lists[0],
        partners=lists[1],
        due=due,
    )


def _check_task_id(
    c: _Checker,
    task: dict[str, Any],
    where: Path_,
    label: str,
    number: int | None,
    task_ids: _TaskIds,
) -> str | None:
    if "id" not in task:
        return None
    raw = task["id"]
    at = (*where, "id")
    written = c.raw(at) if isinstance(raw, float) else None
    if isinstance(raw, float) and written and _UNQUOTED_ID.fullmatch(written):
        c.add(
            at,
            label,
            _(
                "'id' {id} must be in quotes, like \"{id}\" "
                "(unquoted, YAML reads it as the number {number})"
            ).format(id=written, number=raw),
        )
        return None
    if not isinstance(raw, str) or not _TASK_ID.fullmatch(raw.strip()):
        c.add(
            at,
            label,
            _(
                "'id' must be quoted text like \"3.4\" (index number, then position), not {value}"
            ).format(value=c.describe(at, raw)),
        )
        return None
    task_id = raw.strip()
    if number is not None and int(task_id.split(".")[0]) != number:
        c.add(
            at,
            label,
            _(
                "id {id} does not belong to index {number} (its ids are {number}.1, {number}.2 …)"
            ).format(id=task_id, number=number),
        )
        return None
    if task_id in task_ids:
        message = _("duplicate task id {id} (first at line {line})").format(
            id=task_id, line=c.line_of(task_ids.path(task_id))
        )
        c.add(at, label, message)
        return None
    task_ids.add(task_id, at)  # where it is; the line is looked up only for a duplicate
    return task_id


def load_plan(path: str | Path, *, display: str | None = None) -> tuple[Plan, list[Problem]]:
    """Read a plan or raise `InputError` carrying every problem; returns the plan and warnings."""
    plan, problems = read_plan(path, display=display)
    if plan is None:
        errors = [str(p) for p in problems if not p.warning]
        raise InputError(errors[0], details=[str(p) for p in problems])
    return plan, problems
