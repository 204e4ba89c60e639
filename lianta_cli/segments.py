"""The store file's layout: one JSON object with one table per line, each parsed on first use.

lianta writes the store as

    {"meta":{...},
    "plans":{...},
    "tasks":{...},
    "history":{...},
    "checks":{"1":{"meta":CRC,...}}}

which is ordinary JSON (TinyDB reads it as it is), but because compact JSON never contains a raw
newline, each line is one table. A command that lists tasks then parses only `plans` and
`tasks`; a command that records events appends them to `history` without parsing it. A table
that was not parsed is written back byte for byte, after its CRC-32 (kept in `checks`) proves
that it is the table that was saved; a table whose CRC does not match is parsed, so damage is
found instead of being copied into every later generation.

A file in any other layout (pretty-printed by hand, say) is parsed whole, and saved in this one.
"""

from __future__ import annotations

import gc
import json
import re
import zlib
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

from .i18n import _

Check = Callable[[str, Any], "str | None"]

ORDER = ("meta", "plans", "tasks", "history")
CHECKS = "checks"


class LayoutError(ValueError):
    """A table of the file is not valid JSON or not a mapping of documents."""


def loads(raw: bytes | str) -> Any:
    """json.loads with the garbage collector paused: parsing builds no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return json.loads(raw)
    finally:
        if enabled:
            gc.enable()


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_SPACE = b" \t\r\n"
_DOC_START = re.compile(rb'[{,]"\d+":\{')
"""Where a document of a table starts: only documents have all-digit keys, and a quote inside
a JSON string is always escaped, so this never matches inside a document."""


def split_tables(raw: bytes) -> dict[str, bytes] | None:
    """The raw bytes of each table if the file is in lianta's layout, else None.

    Each table's bytes are sliced out once; the file is not copied whole (it may be large).
    """
    start, stop = 0, len(raw)
    while start < stop and raw[start] in _SPACE:
        start += 1
    while stop > start and raw[stop - 1] in _SPACE:
        stop -= 1
    if stop - start < 2 or raw[start] != ord("{") or raw[stop - 1] != ord("}"):
        return None
    tables: dict[str, bytes] = {}
    position, stop = start + 1, stop - 1
    while True:
        boundary = raw.find(b",\n", position, stop)
        line_end = stop if boundary < 0 else boundary
        colon = raw.find(b'":', position + 1, line_end)
        if raw[position : position + 1] != b'"' or colon < 0:
            return None
        name = raw[position + 1 : colon].decode("ascii", "replace")
        segment = raw[colon + 2 : line_end]
        if name in tables or segment[:1] != b"{" or segment[-1:] != b"}":
            return None
        tables[name] = segment
        if boundary < 0:
            return tables
        position = boundary + 2


def splice(segment: bytes, docs: dict[str, Any]) -> bytes | None:
    """A table's bytes with some documents written anew, or None if one cannot be found."""
    spans = []
    for key, doc in docs.items():
        marker = b'"' + key.encode("ascii") + b'":{'
        at = segment.find(b"," + marker)
        if at < 0:
            if not segment.startswith(b"{" + marker):
                return None
            at = 0
        value_start = at + len(marker)
        following = _DOC_START.search(segment, value_start + 1)
        value_end = following.start() if following else len(segment) - 1
        spans.append((value_start, value_end, dumps(doc)))
    pieces, position = [], 0
    for value_start, value_end, payload in sorted(spans, key=lambda span: span[0]):
        pieces += [segment[position:value_start], payload]
        position = value_end
    pieces.append(segment[position:])
    return b"".join(pieces)


def check_table(name: str, table: Any) -> str | None:
    """The least a table must be: a mapping of numbered documents."""
    if not isinstance(table, dict):
        return _("table {name!r} is not a mapping").format(name=name)
    for key, doc in table.items():
        if not key.isdigit() or not isinstance(doc, dict):
            return _("table {name!r} has a malformed document {key!r}").format(name=name, key=key)
    return None


class Tables(MutableMapping[str, dict[str, Any]]):
    """The tables of one store snapshot, parsed lazily; what TinyDB's storage reads and writes."""

    def __init__(self, raw: bytes | None = None, *, check: Check = check_table) -> None:
        """Tables of a file's bytes; `check(name, table)` says what is wrong with a parsed
        table (LayoutError) or None."""
        self._raw: dict[str, bytes] = {}
        self._parsed: dict[str, dict[str, Any]] = {}
        self._tails: dict[str, dict[str, Any]] = {}
        self._checks: dict[str, int] = {}
        self._verified: set[str] = set()
        self._patched: dict[str, set[str]] = {}
        self._check = check
        if not raw or not raw.strip():
            return
        segments = split_tables(raw)
        if segments is not None and CHECKS not in segments:
            segments = None  # not saved in this layout (e.g. one line of JSON): parse it whole
        if segments is None:
            data = loads(raw)
            if not isinstance(data, dict):
                raise LayoutError(_("the top level is not a mapping of tables"))
            data.pop(CHECKS, None)
            for name, table in data.items():
                problem = check(name, table)
                if problem:
                    raise LayoutError(problem)
            self._parsed = data
            return
        checks = segments.pop(CHECKS, None)
        if checks is not None:
            try:
                self._checks = {k: int(v) for k, v in loads(checks).get("1", {}).items()}
            except (ValueError, AttributeError, TypeError):
                self._checks = {}
        self._raw = segments

    # -- the mapping TinyDB sees

    def __getitem__(self, name: str) -> dict[str, Any]:
        if name not in self._parsed:
            if name in self._raw:
                self._parsed[name] = self._parse(name)
            elif name in self._tails:
                self._parsed[name] = {}
            else:
                raise KeyError(name)
        table = self._parsed[name]
        tail = self._tails.pop(name, None)
        if tail:
            table.update(tail)
            self._raw.pop(name, None)  # the file's bytes no longer hold the whole table
        return table

    def __setitem__(self, name: str, table: dict[str, Any]) -> None:
        self._raw.pop(name, None)
        self._tails.pop(name, None)
        self._patched.pop(name, None)
        self._parsed[name] = table

    def __delitem__(self, name: str) -> None:
        found = name in self._raw or name in self._parsed
        self._raw.pop(name, None)
        self._parsed.pop(name, None)
        self._tails.pop(name, None)
        if not found:
            raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        names = set(self._raw) | set(self._parsed) | set(self._tails)
        yield from sorted(names, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))

    def __len__(self) -> int:
        return len(set(self._raw) | set(self._parsed) | set(self._tails))

    def __contains__(self, name: object) -> bool:
        return name in self._raw or name in self._parsed or name in self._tails

    # -- lianta's own operations

    def append(self, name: str, docs: dict[str, dict[str, Any]]) -> None:
        """Add documents to a table without parsing it (the history grows this way)."""
        if name in self._parsed:
            self._parsed[name].update(docs)
            self._raw.pop(name, None)
        else:
            self._tails.setdefault(name, {}).update(docs)

    def patch(self, name: str, patches: dict[str, dict[str, Any]]) -> None:
        """Change fields of existing documents; on saving, only these are written anew."""
        table = self[name]
        changed = self._patched.setdefault(name, set())
        for key, fields in patches.items():
            if key in table:
                table[key].update(fields)
                changed.add(key)

    def is_parsed(self, name: str) -> bool:
        return name in self._parsed

    def is_empty(self, name: str) -> bool:
        """Whether a table is missing or has no documents, without parsing it."""
        if name in self._parsed:
            return not self._parsed[name] and not self._tails.get(name)
        return self._raw.get(name, b"{}") == b"{}" and not self._tails.get(name)

    def verify(self) -> None:
        """Prove every unparsed table intact (CRC), parsing any that cannot be proved."""
        for name in list(self._raw):
            if name in self._verified:
                continue
            if self._checks.get(name) != zlib.crc32(self._raw[name]):
                self._parsed[name] = self._parse(name)
                del self._raw[name]
            else:
                self._verified.add(name)

    def serialize(self) -> bytes:
        """The whole file in lianta's layout."""
        self.verify()
        lines: list[bytes] = []
        checks: dict[str, int] = {}
        for name in self:
            segment = self._current(name)
            tail = self._tails.get(name)
            if tail:
                extra = dumps(tail)[1:-1]
                segment = segment[:-1] + (b"," if segment != b"{}" else b"") + extra + b"}"
            checks[name] = zlib.crc32(segment)
            lines.append(b'"' + name.encode("ascii") + b'":' + segment)
        lines.append(b'"' + CHECKS.encode() + b'":' + dumps({"1": checks}))
        return b"{" + b",\n".join(lines) + b"}\n"

    def _current(self, name: str) -> bytes:
        """A table's bytes now: as read, as read with patched documents spliced in, or anew."""
        if name not in self._parsed:
            return self._raw.get(name, b"{}")
        raw = self._raw.get(name)
        if raw is None:  # never read from the file, or replaced as a whole since
            return dumps(self._parsed[name])
        patched = self._patched.get(name)
        if not patched:
            return raw
        table = self._parsed[name]
        spliced = splice(raw, {key: table[key] for key in patched})
        return spliced if spliced is not None else dumps(table)

    def _parse(self, name: str) -> dict[str, Any]:
        try:
            table = loads(self._raw[name])
        except (ValueError, RecursionError) as error:
            raise LayoutError(
                _("table {name!r} is not valid JSON ({error})").format(name=name, error=error)
            ) from None
        # A table whose checksum proves it is the one lianta saved needs only the cheap check;
        # the full one (every field of every document) is for tables that cannot be proved.
        check = check_table if name in self._verified else self._check
        problem = check(name, table)
        if problem:
            raise LayoutError(problem)
        return table
