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

import bisect
import functools
import itertools
import json
import mmap
import operator
import re
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from json.encoder import encode_basestring
from typing import Any

from . import aside
from .collector import collector_paused
from .i18n import _

Check = Callable[[str, Any], "str | None"]

ORDER = ("meta", "plans", "tasks", "history", "counts")
CHECKS = "checks"


class LayoutError(ValueError):
    """A table of the file is not valid JSON or not a mapping of documents."""


def loads(raw: bytes | str) -> Any:
    """json.loads with the garbage collector paused: parsing builds no cycles."""
    with collector_paused():
        return json.loads(raw)


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_CHUNK = 2048
"""Documents `table_pieces` encodes at a time: enough that the work per column and per shape
is small beside the work per document, few enough that a chunk's text is still in the
processor's cache as it is made UTF-8 (and small beside the table's bytes: the whole table as
one str would be twice their size, Chinese being UCS-2)."""

_CONSTANTS = {None: "null", True: "true", False: "false"}
_SCALARS: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    int: int.__repr__,
    bool: _CONSTANTS.__getitem__,
    type(None): _CONSTANTS.__getitem__,
}
"""How json encodes a value of each of these exact types (a subclass may encode otherwise)."""


def table_pieces(table: dict[str, Any]) -> list[bytes | memoryview]:
    """`dumps(table)` in pieces: joined, the very same bytes, and it raises what `dumps` raises.

    json's C encoder spends most of its time on each document's dict and keys, not on the
    texts. Here the documents of one shape (the same keys in the same order) are encoded a
    column at a time instead, each value as json encodes its type, and laid out between the
    keys' text, which is written once per shape; whatever is not plainly of those types is
    left to json.
    """
    if type(table) is not dict:  # a subclass may give json other items than it iterates
        return [dumps(table)]
    try:
        return _table_pieces(table)
    except (TypeError, ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        pass
    # dumps raises too, and raises what it meets first in the table's order, which a table
    # encoded in chunks and columns does not (a lone surrogate in one chunk before a value
    # json cannot encode in the next, say)
    return [dumps(table)]


def _table_pieces(table: dict[str, Any]) -> list[bytes | memoryview]:
    if not table:
        return [b"{}"]
    if len(table) < _PIECES_ASIDE or not aside.can_fork():
        return list(_chunk_pieces(table, 0))
    half = len(table) // 2 // _CHUNK * _CHUNK  # the second half made by a child meanwhile
    with aside.aside(lambda: _chunk_pieces(table, half)) as made:
        pieces: list[bytes | memoryview] = list(_chunk_pieces(table, 0, half))
        rest = made()
    return pieces + ([rest] if rest is not None else list(_chunk_pieces(table, half)))


_PIECES_ASIDE = 20_000
"""Documents of a table from which the second half of its text is made by a child process (see
`aside`), on a second processor: 100,000 tasks take about 0.7 s."""


def _chunk_pieces(table: dict[str, Any], first: int, stop: int | None = None) -> Iterator[bytes]:
    """The text of the documents of `table` from `first` to `stop` (at the start of a chunk),
    a chunk at a time, with the table's opening and closing brace where they fall."""
    value = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    end = len(table) if stop is None else stop
    keys = itertools.islice(iter(table), first, end)
    docs = itertools.islice(iter(table.values()), first, end)
    for start in range(first, end, _CHUNK):
        names = list(map(encode_basestring, itertools.islice(keys, _CHUNK)))
        texts = _documents(names, list(itertools.islice(docs, _CHUNK)), value)
        if start == 0:
            texts[0] = "{" + texts[0]
        if start + _CHUNK >= len(table):
            texts[-1] = texts[-1][:-1] + "}"
        yield "".join(texts).encode("utf-8")


def _documents(names: list[str], docs: list[Any], value: Callable[[Any], str]) -> list[str]:
    """The text of documents, each `"name":{...},`, in pieces."""
    if not _exactly(dict, docs):
        return _whole(names, docs, value)
    keys = list(itertools.chain.from_iterable(docs))
    if not _exactly(str, keys):  # json turns an int key (say) into a string
        return _whole(names, docs, value)
    first = tuple(docs[0])
    # no document is longer than the first (a document's keys are unique), so all are alike
    if keys == list(first) * len(docs):
        return _shaped(first, names, docs, value)
    shapes: dict[tuple[str, ...], list[int]] = {}
    for at, shape in enumerate(map(tuple, docs)):
        shapes.setdefault(shape, []).append(at)
    texts = [""] * len(docs)
    for shape, ats in shapes.items():
        pieces = _shaped(shape, [names[at] for at in ats], [docs[at] for at in ats], value)
        each = [iter(pieces)] * (len(pieces) // len(ats))  # the pieces of one document
        for at, text in zip(ats, map("".join, zip(*each, strict=True)), strict=True):
            texts[at] = text
    return texts


def _whole(names: list[str], docs: list[Any], value: Callable[[Any], str]) -> list[str]:
    """The text of documents, each `"name":{...},`, encoded by json whole."""
    return list(map("%s:%s,".__mod__, zip(names, map(value, docs), strict=True)))


def _shaped(
    keys: tuple[str, ...], names: list[str], docs: list[dict[str, Any]], value: Callable[[Any], str]
) -> list[str]:
    """The text of documents whose keys are `keys`, each `"name":{...},` in the same number of
    pieces."""
    values = list(itertools.chain.from_iterable(map(dict.values, docs)))  # in the keys' order
    layout: list[list[str]] = [names]
    between = ":{"
    for at, key in enumerate(keys):
        opening, encoded, closing = _column(values[at :: len(keys)], value)
        between += ("," if at else "") + encode_basestring(key) + ":" + opening
        if isinstance(encoded, str):  # the same in every document
            between += encoded
        else:
            layout += [[between] * len(docs), encoded]
            between = ""
        between += closing
    layout.append([between + "},"] * len(docs))
    pieces = [""] * (len(layout) * len(docs))
    for at, column in enumerate(layout):
        pieces[at :: len(layout)] = column
    return pieces


def _column(column: list[Any], value: Callable[[Any], str]) -> tuple[str, str | list[str], str]:
    """The values of one key of documents encoded, or their one text if they are all alike;
    and what comes before and after each."""
    sample = column[::16]
    if _exactly(str, sample) and not _repeat(sample):
        try:  # texts (a title, say): any str is encoded so, and anything else refused
            return "", list(map(encode_basestring, column)), ""
        except TypeError:
            pass
    types = list(map(type, column))
    kinds = {types[0]} if types.count(types[0]) == len(types) else set(types)
    if kinds <= _SCALARS.keys() and not {int, bool} <= kinds:  # 1 == True: one would stand for both
        return "", _each(column, _SCALARS[kinds.pop()] if len(kinds) == 1 else _scalar), ""
    if kinds == {list}:
        if _exactly(str, list(itertools.chain.from_iterable(column))):
            return "[", _each(list(map(tuple, column)), _texts), "]"
        return "", [value(items) if items else "[]" for items in column], ""
    return "", list(map(value, column)), ""


def _each(column: list[Any], encode: Callable[[Any], str]) -> str | list[str]:
    """`encode` of each value, or their one text if they are all alike; values that repeat (a
    status, a date, a progress) are each encoded once."""
    if not _repeat(column[::16]):
        return list(map(encode, column))
    if column.count(column[0]) == len(column):
        return encode(column[0])
    codes = {item: encode(item) for item in set(column)}
    return list(map(codes.__getitem__, column))


def _repeat(sample: list[Any]) -> bool:
    """Whether values repeat, as a sample of them says (of hashable values)."""
    return 2 * len(set(sample)) <= len(sample)


def _exactly(kind: type, values: Iterable[Any]) -> bool:
    """Whether every value is of type `kind`, not of a subclass (a set of the types would take
    three times as long)."""
    types = list(map(type, values))
    return types.count(kind) == len(types)


def _scalar(item: Any) -> str:
    return _SCALARS[type(item)](item)


def _texts(items: tuple[str, ...]) -> str:
    return ",".join(map(encode_basestring, items))


_SPACE = b" \t\r\n"
_DIGITS = b"0123456789"
_DOC_START = re.compile(rb'[{,]"(\d+)":\{')
"""Where a document of a table starts: only documents have all-digit keys, and a quote inside
a JSON string is always escaped, so this never matches inside a document."""

Span = tuple[int, int]
Buffer = bytes | mmap.mmap
"""A store file's bytes: read into memory, or mapped (a large file, see `store`)."""
Derived = dict[str, Callable[[dict[str, int]], dict[str, Any]]]


def _in_order(names: Iterable[str]) -> list[str]:
    return sorted(names, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))


def table_spans(raw: Buffer) -> dict[str, Span] | None:
    """Where each table's bytes are in the file, if it is in lianta's layout, else None."""
    start, stop = 0, len(raw)
    while start < stop and raw[start] in _SPACE:
        start += 1
    while stop > start and raw[stop - 1] in _SPACE:
        stop -= 1
    if stop - start < 2 or raw[start] != ord("{") or raw[stop - 1] != ord("}"):
        return None
    spans: dict[str, Span] = {}
    position, stop = start + 1, stop - 1
    while True:
        boundary = _line_break(raw, position, stop)
        line_end = stop if boundary < 0 else boundary
        colon = raw.find(b'":', position + 1, line_end)
        if raw[position : position + 1] != b'"' or colon < 0:
            return None
        name = raw[position + 1 : colon].decode("ascii", "replace")
        value_start = colon + 2
        if (
            name in spans
            or raw[value_start : value_start + 1] != b"{"
            or raw[line_end - 1 : line_end] != b"}"
        ):
            return None
        spans[name] = (value_start, line_end)
        if boundary < 0:
            return spans
        position = boundary + 2


def _line_break(raw: Buffer, position: int, stop: int) -> int:
    """`raw.find(b",\n", position, stop)`, ten times quicker: the line break is found alone
    (memchr), and lianta writes none but after a table's comma."""
    found = raw.find(b"\n", position + 1, stop)
    while found >= 0 and raw[found - 1] != ord(","):
        found = raw.find(b"\n", found + 1, stop)
    return found - 1 if found >= 0 else -1


def split_tables(raw: bytes) -> dict[str, bytes] | None:
    """The bytes of each table if the file is in lianta's layout, else None."""
    spans = table_spans(raw)
    if spans is None:
        return None
    return {name: raw[start:end] for name, (start, end) in spans.items()}


def _value_end(raw: Buffer, value_start: int, end: int) -> int:
    """Where the document whose value starts at `value_start` ends, in a table ending at `end`:
    at the next document, or at the table's closing brace."""
    following = _DOC_START.search(raw, value_start + 1, end)
    return following.start() if following else end - 1


def _doc_spans(raw: Buffer, span: Span, keys: Iterable[str]) -> list[tuple[int, int, str]] | None:
    """(start, end, key) of the value of each document `key` of the table at `span`."""
    keys = list(keys)
    if len(keys) > _FEW:
        return _swept_spans(raw, span, keys)
    return _spans_one_by_one(raw, span, keys)


def _spans_one_by_one(
    raw: Buffer, span: Span, keys: list[str]
) -> list[tuple[int, int, str]] | None:
    """`_doc_spans`, each document found by a search from the table's start."""
    found = []
    start, end = span
    for key in keys:
        marker = b'"' + key.encode("ascii") + b'":{'
        at = raw.find(b"," + marker, start, end)
        if at < 0:
            if raw[start : start + len(marker) + 1] != b"{" + marker:
                return None
            at = start
        value_start = at + len(marker)
        found.append((value_start, _value_end(raw, value_start, end), key))
    return sorted(found)


_FEW = 16
"""Documents `_doc_spans` finds one by one, each by a search from the table's start; for more,
one sweep through the table finds them all (a search each would read the table as often)."""


def _swept_spans(raw: Buffer, span: Span, keys: list[str]) -> list[tuple[int, int, str]] | None:
    """`_doc_spans` in one sweep: each document where a search for it from the table's start
    finds it (its first `,"KEY":{`, or `{"KEY":{` at the start), ending where the next
    `_DOC_START` begins."""
    start, end = span
    wanted = set(keys)
    found: dict[str, tuple[int, int, str]] = {}
    first = None  # the table's first document, if wanted and found nowhere else
    heads = list(_DOC_START.finditer(raw, start, end))
    for this, following in itertools.zip_longest(heads, heads[1:]):
        at_start = this.start() == start
        if raw[this.start()] != ord(",") and not at_start:
            continue  # `{"KEY":{` inside a document: only as the end of the one before
        key = this[1].decode("ascii")
        if key in wanted and key not in found:
            value_end = following.start() if following is not None else end - 1
            if at_start:
                first = (this.end() - 1, value_end, key)
            else:
                found[key] = (this.end() - 1, value_end, key)
    if first is not None and first[2] not in found:
        found[first[2]] = first
    if len(found) < len(wanted):
        return None
    return sorted(found.values())


def splice(segment: bytes, docs: dict[str, Any]) -> bytes | None:
    """A table's bytes with some documents written anew, or None if one cannot be found."""
    pieces = _spliced(segment, (0, len(segment)), docs)
    return None if pieces is None else b"".join(pieces)


def _spliced(
    raw: Buffer, span: Span, docs: dict[str, Any], rewrites: Rewrites = ()
) -> list[bytes | memoryview] | None:
    """The pieces of the table at `span` of `raw` with some documents written anew, and some
    values of others rewritten (see `Tables.rewrite`)."""
    spans = _doc_spans(raw, span, docs) if docs else []
    if spans is None:
        return None
    changes = [(start, end, dumps(docs[key])) for start, end, key in spans]
    if rewrites:
        changes = sorted(itertools.chain(changes, rewrites), key=_START)
    view = memoryview(raw)
    lefts = [span[0], *map(_END, changes)]  # the bytes kept: from each change's end
    rights = [*map(_START, changes), span[1]]  # to the next one's start
    if not all(map(operator.le, lefts, rights)):  # a value rewritten in a document written anew
        raise LayoutError("internal: a rewritten value is inside a patched document")
    pieces: list[bytes | memoryview] = [b""] * (2 * len(changes) + 1)
    pieces[0::2] = list(map(view.__getitem__, map(slice, lefts, rights)))
    pieces[1::2] = list(map(_WRITTEN, changes))
    return pieces


Rewrites = Sequence[tuple[int, int, bytes]]
"""Values of documents rewritten in a table's bytes: where each starts and ends in the file's
bytes, and its new bytes; in order (see `Tables.rewrite`)."""
_START, _END, _WRITTEN = map(operator.itemgetter, range(3))
_KEY_AFTER_DOC = re.compile(rb'\},"([0-9]+)":\{')
"""A document's key after the document before it: in a compact table whose documents hold no
objects keyed by digits (a task holds none), every document's but the first."""


class Heads:
    """The documents of a table, found in its bytes by their first two fields, a whole number
    and a text (`"KEY":{"<number>":N,"<text>":"T",...`, as `lookup` finds one), and by the
    value of their last field: for a caller that would otherwise parse the whole table to
    compare most of its documents with what it expects.

    Made by `Tables.heads`, only for a table proved intact (lianta wrote it, compact), and
    only if every document starts so and ends with that field, a plain value. `":{` begins
    every document, and whatever else holds it is a string's text (a quote in one is escaped)
    or an object held in a field (a task holds none; its notes are in a list, `[{`), which
    would have to start with those same two fields to be taken for a document. A document
    ends where the next one's key begins. Most of the work is done a column at a time, in C:
    this is every task of a store on every reload of its plan.
    """

    def __init__(
        self,
        raw: Buffer,
        span: Span,
        numbers: list[bytes],
        texts: list[bytes],
        starts: list[int],
        lasts: list[bytes],
        loose: dict[str, dict[str, Any]],
    ) -> None:
        self._raw, self._span = raw, span
        self._numbers, self._texts, self._starts, self._lasts = numbers, texts, starts, lasts
        self._loose = loose
        self._of: dict[int, dict[bytes, int]] = {}

    def of(self, number: int) -> dict[bytes, int]:
        """The text (UTF-8) of each document whose number is `number`, and where it is (the
        last one, for a text that several have, as a mapping built from the table would)."""
        if number not in self._of:
            wanted = b"%d" % number
            self._of[number] = (
                dict(zip(self._texts, range(len(self._texts)), strict=True))
                if self.count(number) == len(self._numbers)
                else {
                    text: place
                    for place, (found, text) in enumerate(
                        zip(self._numbers, self._texts, strict=True)
                    )
                    if found == wanted
                }
            )
        return self._of[number]

    def pack(self, check: int, first: tuple[str, str], last: str) -> list[bytes]:
        """What another process needs to make these heads again from the same file's bytes
        without sweeping it (`unpack`): where each document starts and the values found, with
        the table's span and checksum (`check`) and the fields swept for, to tell the bytes
        are the same."""
        lists = (self._numbers, self._texts, self._lasts)
        alike = [found[0].decode("latin-1") if len(set(found)) == 1 else None for found in lists]
        header = {"span": self._span, "check": check, "first": first, "last": last}
        header |= {"count": len(self._starts), "alike": alike}  # a value every document has
        header["sizes"] = [
            0 if same is not None else sum(map(len, found))
            for found, same in zip(lists, alike, strict=True)
        ]
        pieces = [json.dumps(header).encode() + b"\n", array("q", self._starts).tobytes()]
        for found, same in zip(lists, alike, strict=True):
            if same is None:
                pieces += [array("q", map(len, found)).tobytes(), b"".join(found)]
        return pieces

    @classmethod
    def unpack(
        cls,
        raw: Buffer,
        span: Span,
        check: int | None,
        first: tuple[str, str],
        last: str,
        packed: bytes,
        loose: dict[str, dict[str, Any]],
    ) -> Heads | None:
        """The heads `pack` gave, if they are of a table at this span with this checksum,
        swept for these fields; else None."""
        try:
            line_end = packed.index(b"\n")
            header = json.loads(packed[:line_end])
            if (header["span"], header["check"], header["first"], header["last"]) != (
                list(span),
                check,
                list(first),
                last,
            ):
                return None
            count = header["count"]
            starts = array("q")
            at = line_end + 1 + 8 * count
            starts.frombytes(packed[line_end + 1 : at])
            found = []  # each list of values: one every document has, or cut one after another
            for same, size in zip(header["alike"], header["sizes"], strict=True):
                if same is not None:
                    found.append([same.encode("latin-1")] * count)
                    continue
                lengths = array("q")
                lengths.frombytes(packed[at : at + 8 * count])
                at += 8 * count
                blob = packed[at : at + size]
                at += size
                ends = list(itertools.accumulate(lengths))
                found.append(list(map(blob.__getitem__, map(slice, [0, *ends[:-1]], ends))))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        if at != len(packed) or len(starts) != count or any(len(f) != count for f in found):
            return None
        return cls(raw, span, found[0], found[1], starts.tolist(), found[2], loose)

    def text(self, place: int) -> bytes:
        """The text (UTF-8) of the document at `place`."""
        return self._texts[place]

    def count(self, number: int) -> int:
        """How many documents have the number `number`."""
        return self._numbers.count(b"%d" % number)

    def places(self, number: int, texts: list[bytes]) -> list[int | None]:
        """Where the document with the number `number` and each of these texts is (as `of`
        finds it), or None; told at once if the table holds just these, in this order."""
        if self._texts == texts and self.count(number) == len(texts):
            return list(range(len(texts)))
        return list(map(self.of(number).get, texts))

    def alike(
        self, places: list[int], leads: list[bytes], last: bytes, cuts: list[int] | None = None
    ) -> list[bool]:
        """For each place, whether the document there starts with the bytes of the lead
        beside it (with `cuts`, with its first `cut` bytes) and its last field's value is
        `last` (so, parsed, it has the fields the lead holds, with their values)."""
        raw, starts = self._raw, list(map(self._starts.__getitem__, places))
        if cuts is None:
            ends = map(operator.add, starts, map(len, leads))
            same = map(operator.eq, map(raw.__getitem__, map(slice, starts, ends)), leads)
        else:  # the leads are not cut (a copy each): the bytes read are to start them
            stops = list(map(operator.add, starts, cuts))
            if stops and max(stops) > len(raw):  # a document cut short by the file's end
                cut_leads = [lead[:cut] for lead, cut in zip(leads, cuts, strict=True)]
                return self.alike(places, cut_leads, last)
            written = map(raw.__getitem__, map(slice, starts, stops))
            same = map(bytes.startswith, leads, written)
        return list(
            map(operator.and_, same, map(last.__eq__, map(self._lasts.__getitem__, places)))
        )

    def numbers_after(
        self, places: list[int], offsets: list[int]
    ) -> tuple[list[int], list[int], list[bool]]:
        """Where the value at each offset from the start of the document at each place starts
        and ends (at the comma after it) in the file's bytes, for `Tables.rewrite`; and
        whether it is a whole number (digits), as the rewrite takes it to be."""
        starts = list(map(operator.add, map(self._starts.__getitem__, places), offsets))
        ends = list(map(self._raw.find, itertools.repeat(b","), starts))
        digits = map(bytes.isdigit, map(self._raw.__getitem__, map(slice, starts, ends)))
        return starts, ends, list(digits)

    def document(self, place: int) -> tuple[str, dict[str, Any]]:
        """The document at `place`, parsed: its key and fields. A `patch` of it changes it
        without parsing the table. LayoutError if its bytes are not one document."""
        raw, start = self._raw, self._starts[place]
        key = _key_before(raw, self._span[0], start)
        if place + 1 < len(self._starts):
            following = self._starts[place + 1] - 2  # the next key's closing quote
            end = raw.rfind(b',"', start, following)
            bounded = end > 0 and raw[end + 2 : following].isdigit()
        else:
            end = self._span[1] - 1  # the table's closing brace
            bounded = raw[end : end + 1] == b"}"
        doc = _kept(self._loose, key, raw, start, end) if bounded and key is not None else None
        if key is None or doc is None:  # caught by the caller, which reads the table instead
            raise LayoutError("a document is not where its key says, or not one document")
        return key, doc


def _key_before(raw: Buffer, table_start: int, value_start: int) -> str | None:
    """The key of the document whose value starts at `value_start` (`[{,]"KEY":` before it),
    or None if what is there is not a document's key."""
    key_start = raw.rfind(b'"', table_start, value_start - 2) + 1
    key = raw[key_start : value_start - 2].decode("ascii", "replace")
    if not key.isdigit() or raw[key_start - 2 : key_start - 1] not in (b"{", b","):
        return None
    return key


def _kept(
    loose: dict[str, dict[str, Any]], key: str, raw: Buffer, start: int, end: int
) -> dict[str, Any] | None:
    """Document `key`, parsed from `raw[start:end]` the first time and kept in `loose` (where
    `Tables.patch` changes it without parsing its table); None if those bytes are not one."""
    if key not in loose:
        try:
            doc = loads(raw[start:end])
        except (ValueError, RecursionError):
            return None
        if not isinstance(doc, dict):
            return None
        loose[key] = doc
    return loose[key]


@functools.lru_cache(maxsize=4)
def _head(number: str, text: str) -> re.Pattern[bytes]:
    """`":{` and, if they follow, the document's first two fields: `number` (a whole number)
    and `text` (a text without escapes)."""
    names = re.escape(number.encode()), re.escape(text.encode())
    fields = rb'"%s":(-?[0-9]+),"%s":"([^"\\]*)",' % names
    return re.compile(rb'":\{(?:' + fields + rb")?")


@functools.lru_cache(maxsize=4)
def _last(name: str) -> re.Pattern[bytes]:
    """A document's last field `name` with a plain value, where the next document or the
    table's end follows."""
    return re.compile(
        rb',"%s":(true|false|null|-?[0-9]+)\}(?=,"[0-9]+":\{|\}\Z)' % re.escape(name.encode())
    )


def _escaped(raw: Buffer, quote: int, start: int) -> bool:
    """Whether the quote at `quote` is escaped (inside a string): an odd run of backslashes
    before it."""
    before = quote
    while before > start and raw[before - 1] == ord("\\"):
        before -= 1
    return (quote - before) % 2 == 1


def scan_heads(
    raw: Buffer,
    span: Span,
    first: tuple[str, str],
    last: str,
    loose: dict[str, dict[str, Any]],
) -> Heads | None:
    """The documents of the table at `span` by their first two fields and their last (see
    `Heads`); None if one does not start or end so."""
    matches = list(_head(*first).finditer(raw, *span))
    numbers: list[Any] = list(map(_GROUP_1, matches))
    if None in numbers:  # a `":{` in a string, or a document that starts otherwise
        matches = [m for m in matches if m[1] is not None or not _escaped(raw, m.start(), span[0])]
        numbers = list(map(_GROUP_1, matches))
        if None in numbers:
            return None
    lasts = _last(last).findall(raw, *span)
    if len(lasts) != len(matches):  # each document's end is before the next one's start
        return None
    texts = list(map(_GROUP_2, matches))
    starts = list(map(operator.add, map(re.Match.start, matches), itertools.repeat(2)))
    return Heads(raw, span, numbers, texts, starts, lasts, loose)


_GROUP_1 = operator.methodcaller("group", 1)
_GROUP_2 = operator.methodcaller("group", 2)


def check_table(name: str, table: Any) -> str | None:
    """The least a table must be: a mapping of numbered documents."""
    if not isinstance(table, dict):
        return _("table {name!r} is not a mapping").format(name=name)
    try:  # the common case in two passes in C; the loop below names the first bad document
        if all(map(str.isdigit, table)) and set(map(type, table.values())) <= {dict}:
            return None
    except TypeError:
        pass
    for key, doc in table.items():
        if not key.isdigit() or not isinstance(doc, dict):
            return _("table {name!r} has a malformed document {key!r}").format(name=name, key=key)
    return None


class Tables(MutableMapping[str, dict[str, Any]]):
    """The tables of one store snapshot, parsed lazily; what TinyDB's storage reads and writes.

    The file's bytes are kept once; an unparsed table is a span of them, never a copy.
    """

    def __init__(self, raw: Buffer | None = None, *, check: Check = check_table) -> None:
        """Tables of a file's bytes; `check(name, table)` says what is wrong with a parsed
        table (LayoutError) or None."""
        self._file: Buffer = b""
        self._spans: dict[str, Span] = {}
        self._parsed: dict[str, dict[str, Any]] = {}
        self._tails: dict[str, dict[str, Any]] = {}
        self._checks: dict[str, int] = {}
        self._bodies: dict[str, int] = {}
        self._verified: set[str] = set()
        self._patched: dict[str, set[str]] = {}
        self._loose: dict[str, dict[str, dict[str, Any]]] = {}
        self._rewrites: dict[str, Rewrites] = {}
        self._check = check
        if not raw or (isinstance(raw, bytes) and raw.isspace()):
            return
        spans = table_spans(raw)
        if spans is not None and CHECKS not in spans:
            spans = None  # not saved in this layout (e.g. one line of JSON): parse it whole
        if spans is None:
            data = loads(raw if isinstance(raw, bytes) else raw[:])
            if not isinstance(data, dict):
                raise LayoutError(_("the top level is not a mapping of tables"))
            data.pop(CHECKS, None)
            for name, table in data.items():
                problem = check(name, table)
                if problem:
                    raise LayoutError(problem)
            self._parsed = data
            return
        checks_start, checks_end = spans.pop(CHECKS)
        try:
            stored = loads(raw[checks_start:checks_end]).get("1", {})
            self._checks = {k: int(v) for k, v in stored.items()}
        except (ValueError, AttributeError, TypeError):
            self._checks = {}
        self._file = raw
        self._spans = spans

    # -- the mapping TinyDB sees

    def __getitem__(self, name: str) -> dict[str, Any]:
        if name not in self._parsed:
            if name in self._spans:
                self._parsed[name] = self._parse(name)
                self._parsed[name].update(self._loose.pop(name, {}))
                if self._rewrites.pop(name, None):  # parsed as rewritten: written anew
                    self._spans.pop(name)
            elif name in self._tails:
                self._parsed[name] = {}
            else:
                raise KeyError(name)
        table = self._parsed[name]
        tail = self._tails.pop(name, None)
        if tail:
            table.update(tail)
            self._spans.pop(name, None)  # the file's bytes no longer hold the whole table
        return table

    def __setitem__(self, name: str, table: dict[str, Any]) -> None:
        self._forget(name)
        self._parsed[name] = table

    def __delitem__(self, name: str) -> None:
        found = name in self
        self._forget(name)
        self._parsed.pop(name, None)
        if not found:
            raise KeyError(name)

    def _forget(self, name: str) -> None:
        for state in (self._spans, self._tails, self._patched, self._loose, self._rewrites):
            state.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        yield from _in_order(set(self._spans) | set(self._parsed) | set(self._tails))

    def __len__(self) -> int:
        return len(set(self._spans) | set(self._parsed) | set(self._tails))

    def __contains__(self, name: object) -> bool:
        return name in self._spans or name in self._parsed or name in self._tails

    # -- lianta's own operations

    def append(self, name: str, docs: dict[str, dict[str, Any]]) -> None:
        """Add documents to a table without parsing it (the history grows this way, and the
        tasks a reload adds: see `next_key`)."""
        if name in self._parsed:
            self._parsed[name].update(docs)
            self._spans.pop(name, None)
        else:
            self._tails.setdefault(name, {}).update(docs)

    def next_key(self, name: str) -> int | None:
        """The key TinyDB gives a document added to a table (one more than the highest), found
        without parsing it; None if the table is parsed already or not proved intact (TinyDB
        then adds it). In lianta's compact layout each document but the first follows a `}`
        and a task holds no object keyed by digits, so no key is missed (none is taken from
        a text: a quote in one is escaped)."""
        if not self._as_read(name):
            return None
        start, end = self._spans[name]
        first = _DOC_START.match(self._file, start)
        keys = _KEY_AFTER_DOC.findall(self._file, start, end)
        highest = max(map(int, keys), default=0)
        if first is not None:
            highest = max(highest, int(first[1]))
        return max(map(int, self._tails.get(name, {})), default=highest) + 1

    def rewrite(self, name: str, rewrites: Rewrites) -> None:
        """Rewrite values inside documents of a table in its bytes, without parsing it: each
        a plain value, where `Heads` found it, in order. The documents stay as they were read
        for `changes` and `originals`: only a value that no table made from this one reads
        may be rewritten (a task's order), and not in a document that is also patched (its
        patch is written whole; saving then fails, writing nothing). LayoutError if the table
        is parsed already or not proved intact."""
        if not self._as_read(name):
            raise LayoutError(f"internal: table {name!r} cannot be rewritten in its bytes")
        self._rewrites[name] = sorted([*self._rewrites.get(name, ()), *rewrites], key=_START)

    def rewritten(self, name: str) -> bool:
        """Whether values of a table were rewritten in its bytes (see `rewrite`)."""
        return bool(self._rewrites.get(name))

    def lookup(self, name: str, first: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        """The one document whose first fields are `first` (in that order), found in the table's
        bytes without parsing the table; None if the table is parsed already, or if there is
        not exactly one such document (the caller then searches the parsed table).

        Only a table proved intact by its checksum is searched: in lianta's compact layout a
        document's bytes start with its first fields, and a quote inside a string is escaped,
        so the marker cannot match inside a value.
        """
        found = self.unparsed(name)
        if found is None:
            return None
        raw, (start, end) = found
        try:
            marker = b":" + dumps(first)[:-1] + b","
        except UnicodeEncodeError:  # a lone surrogate (an argument in another encoding)
            return None
        at = raw.find(marker, start, end)
        if at < 0 or raw.find(marker, at + 1, end) >= 0:
            return None
        key = _key_before(raw, start, at + 1)
        if key is None:
            return None
        doc = _kept(
            self._loose.setdefault(name, {}), key, raw, at + 1, _value_end(raw, at + 1, end)
        )
        return None if doc is None else (key, doc)

    def heads(
        self, name: str, first: tuple[str, str], last: str, packed: bytes | None = None
    ) -> Heads | None:
        """The documents of a table by their first two fields and their last, found in its
        bytes without parsing the table (see `Heads`); None if the table is parsed already or
        not proved intact, or a document does not start or end with those fields. With
        `packed`, only as another process found them in the same bytes (`packed_heads`), if
        it did, else None."""
        found = self.unparsed(name)
        if found is None:
            return None
        loose = self._loose.setdefault(name, {})
        if packed is not None:
            return Heads.unpack(*found, self._checks.get(name), first, last, packed, loose)
        return scan_heads(*found, first, last, loose)

    def packed_heads(self, name: str, first: tuple[str, str], last: str) -> list[bytes] | None:
        """`heads` for another process (see `Heads.pack`), or None."""
        heads = self.heads(name, first, last)
        check = self._checks.get(name)
        return None if heads is None or check is None else heads.pack(check, first, last)

    def patch(self, name: str, patches: dict[str, dict[str, Any]]) -> None:
        """Change fields of existing documents; on saving, only these are written anew.

        Documents found by `lookup` are changed without parsing the table."""
        loose = self._loose.get(name, {})
        if name not in self._parsed and all(key in loose for key in patches):
            for key, fields in patches.items():
                loose[key].update(fields)
            self._patched.setdefault(name, set()).update(patches)
            return
        table = self[name]
        changed = self._patched.setdefault(name, set())
        for key, fields in patches.items():
            if key in table:
                table[key].update(fields)
                changed.add(key)

    def original_crc(self, name: str) -> int | None:
        """The checksum of a table as read, if it proved the bytes read; else None."""
        return self._checks.get(name) if name in self._verified else None

    def changes(self, name: str) -> set[str] | None:
        """The documents patched or added since the table was read (empty if none), or None if
        it was replaced, or not read from the file in the first place."""
        if name not in self._spans:
            return None
        return set(self._patched.get(name, ())) | set(self._tails.get(name, ()))

    def added(self, name: str) -> dict[str, dict[str, Any]]:
        """The documents added to a table kept as read (see `append`)."""
        return self._tails.get(name, {}) if name in self._spans else {}

    def originals(self, name: str, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Documents as they were read from the file (before any patch), by key."""
        spans = _doc_spans(self._file, self._spans[name], keys)
        if spans is None:
            raise KeyError(name)
        docs = {}
        for start, end, key in spans:
            doc = loads(self._file[start:end])
            if not isinstance(doc, dict):
                raise LayoutError(
                    _("table {name!r} has a malformed document {key!r}").format(name=name, key=key)
                )
            docs[key] = doc
        return docs

    def current(self, name: str, key: str) -> dict[str, Any]:
        """A document as it is now, without parsing its table if `lookup` found it."""
        if name not in self._parsed and key in self._loose.get(name, {}):
            return self._loose[name][key]
        if key in self._tails.get(name, {}):
            return self._tails[name][key]
        return self[name][key]

    def unparsed(self, name: str) -> tuple[Buffer, Span] | None:
        """The file's bytes and the span of a table proved intact, while it is not parsed (and
        nothing is added to it), else None."""
        if not self._as_read(name) or self._tails.get(name) or self._rewrites.get(name):
            return None
        return self._file, self._spans[name]

    def _as_read(self, name: str) -> bool:
        """Whether a table is kept as the file's bytes (not parsed) and proved intact."""
        return name not in self._parsed and name in self._verified and name in self._spans

    def is_parsed(self, name: str) -> bool:
        return name in self._parsed

    def is_empty(self, name: str) -> bool:
        """Whether a table is missing or has no documents, without parsing it."""
        if name in self._parsed:
            return not self._parsed[name] and not self._tails.get(name)
        if self._tails.get(name):
            return False
        if name not in self._spans:
            return True
        start, end = self._spans[name]
        return end - start == 2 and self._file[start:end] == b"{}"

    def verify(self) -> None:
        """Prove every unparsed table intact (CRC), parsing any that cannot be proved."""
        for name, (start, end) in list(self._spans.items()):
            if name in self._verified:
                continue
            with memoryview(self._file) as view:
                body = zlib.crc32(view[start : end - 1])  # kept: appending continues from it
                proved = self._checks.get(name) == zlib.crc32(view[end - 1 : end], body)
            self.release()
            if not proved:
                self._parsed[name] = self._parse(name)
                del self._spans[name]
            else:
                self._verified.add(name)
                self._bodies[name] = body

    def release(self) -> None:
        """Let the kernel drop a mapped file's pages read so far (they are read again if
        needed): a large store is not held in memory as well as parsed."""
        if isinstance(self._file, mmap.mmap):
            self._file.madvise(mmap.MADV_DONTNEED)

    def serialize(self) -> bytes:
        """The whole file in lianta's layout."""
        return b"".join(self.pieces())

    def pieces(self, derived: Derived | None = None) -> list[bytes | memoryview]:
        """The whole file in lianta's layout, as pieces to write one after another: a table
        kept from the file is a view of its bytes, not a copy.

        `derived` maps a table's name to what makes it anew from the checksums of the tables
        before it in ORDER (so a table can name the checksum of the one it was made from).
        """
        self.verify()
        derived = derived or {}
        pieces: list[bytes | memoryview] = [b"{"]
        checks: dict[str, int] = {}
        for name in _in_order(set(self) | set(derived)):
            pieces.append(b'"' + name.encode("ascii") + b'":')
            if name in derived:
                self[name] = derived[name](checks)
            segment, crc = self._current(name)
            tail = self._tails.get(name)
            if tail:
                empty = sum(map(len, segment)) == 2
                extra = (b"" if empty else b",") + dumps(tail)[1:-1] + b"}"
                segment = [*segment[:-1], segment[-1][:-1]]
                crc = zlib.crc32(extra, self._body_crc(name, segment))
                segment.append(extra)
            checks[name] = crc if crc is not None else _crc(segment)
            pieces += segment
            pieces.append(b",\n")
        pieces.append(b'"' + CHECKS.encode() + b'":' + dumps({"1": checks}) + b"}\n")
        return pieces

    def _body_crc(self, name: str, body: list[bytes | memoryview]) -> int:
        """CRC of a table's bytes without the closing brace."""
        kept = name not in self._patched and not self._rewrites.get(name)
        if kept and name in self._bodies and name in self._spans:
            return self._bodies[name]
        return _crc(body)

    def _current(self, name: str) -> tuple[list[bytes | memoryview], int | None]:
        """A table's bytes now (as read, as read with patched documents spliced in, or anew)
        as pieces, and their CRC if it is known without reading them."""
        span = self._spans.get(name)
        if span is None:  # never read from the file, or replaced as a whole since
            return table_pieces(self._parsed.get(name, {})), None
        patched = self._patched.get(name, set())
        rewrites = self._rewrites.get(name, ())
        if not patched and not rewrites:
            return [memoryview(self._file)[span[0] : span[1]]], self._checks.get(name)
        if name in self._parsed and len(patched) > len(self._parsed[name]) // 4:
            return table_pieces(self._parsed[name]), None  # most of it is written anew
        docs = self._parsed[name] if name in self._parsed else self._loose.get(name, {})
        spliced = _spliced(self._file, span, {key: docs[key] for key in patched}, rewrites)
        if spliced is None:
            return table_pieces(self[name]), None
        return spliced, None

    def _parse(self, name: str) -> dict[str, Any]:
        start, end = self._spans[name]
        try:
            if self._rewrites.get(name):
                rewritten = _spliced(self._file, (start, end), {}, self._rewrites[name])
                text = str(b"".join(rewritten or ()), "utf-8", "surrogatepass")
            else:
                with memoryview(self._file) as view:  # decoded straight from the file's bytes
                    text = str(view[start:end], "utf-8", "surrogatepass")
            self.release()
            table = loads(text)
            del text
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


def _crc(pieces: Sequence[bytes | memoryview]) -> int:
    """The CRC of the pieces one after another."""
    batches: Iterable[bytes | memoryview] = pieces
    if len(pieces) > _CRC_AT_ONCE:  # many small ones (a table with values rewritten)
        batches = (
            b"".join(pieces[first : first + _CRC_AT_ONCE])
            for first in range(0, len(pieces), _CRC_AT_ONCE)
        )
    crc = 0
    for batch in batches:
        crc = zlib.crc32(batch, crc)
    return crc


_CRC_AT_ONCE = 4096
"""Pieces joined for one CRC call: at 200,000 pieces, a call each takes three times as long."""


_STAMP = re.compile(rb'"at":(?:"([^"\\]*)"|)')
"""An `"at"` key and its value if that is a string without escapes (else b"")."""
_SLICE = 1 << 22


def tail_cuts(raw: Buffer, marks: Sequence[str], span: Span | None = None) -> list[int] | None:
    """For each of `marks` (in increasing order), where the documents of the table at `span` of
    `raw` stamped `"at"` at or after it begin: the offset of the `{` or `,` before the key of
    the first such document, or of the table's closing brace if there is none. None unless
    every `"at"` in the table is a plain string and they are in order, or if a document's start
    is not found before a stamp.

    A cut is a document's start only if the bytes between two cuts parse (`docs_between`): a
    mapping nested in a value and keyed like a document would leave them unbalanced.
    """
    start, end = span if span is not None else (0, len(raw))
    wanted = [mark.encode("utf-8") for mark in marks]
    found = [-1] * len(wanted)
    last = b""
    position = start
    while position < end:  # in slices, so that the stamps of a long table are never all held
        stop = raw.find(b'"at":', min(position + _SLICE, end), end)
        stop = end if stop < 0 else stop
        stamps = _STAMP.findall(raw, position, stop)
        if stamps:
            if not stamps[0] or stamps[0] < last or any(map(operator.gt, stamps, stamps[1:])):
                return None
            last = stamps[-1]
            for number, mark in enumerate(wanted):
                if found[number] < 0 and mark <= last:
                    first = stamps[bisect.bisect_left(stamps, mark)]
                    found[number] = raw.find(b'"at":"' + first + b'"', position, stop)
        position = stop
    cuts = []
    for at in found:
        cut = end - 1 if at < 0 else _document_start(raw, start, at)
        if cut is None:
            return None
        cuts.append(cut)
    return cuts


def _document_start(raw: Buffer, start: int, at: int) -> int | None:
    """The offset of the `{` or `,` before the key of the document holding offset `at`, as far
    as the bytes tell (`[{,]"digits":{` before it)."""
    cut = at
    while True:
        cut = raw.rfind(b'":{', start, cut)
        if cut < 0:
            return None
        key = cut
        while key > start and raw[key - 1] in _DIGITS:
            key -= 1
        if key < cut and key - 2 >= start and raw[key - 1] == ord('"') and raw[key - 2] in b"{,":
            return key - 2


def tail_slices(raw: Buffer, cut: int, stop: int, size: int) -> list[Span]:
    """The documents between two cuts (see `tail_cuts`) in spans of about `size` bytes, each
    from one cut to the next, in order."""
    cuts = [cut]
    position = cut + size
    while position < stop:
        at = raw.find(b'"at":', position, stop)
        if at < 0:
            break
        found = _document_start(raw, cuts[-1] + 1, at)
        if found is not None and found > cuts[-1]:
            cuts.append(found)
        position = max(at + 1, cuts[-1] + size)
    cuts.append(stop)
    return list(itertools.pairwise(cuts))


def docs_between(raw: Buffer, cut: int, stop: int) -> dict[str, Any] | None:
    """The documents between two cuts (see `tail_cuts`), parsed; None if they do not parse as a
    table (a cut was not a document's start)."""
    try:
        table = loads(b"{" + raw[cut + 1 : stop] + b"}")
    except (ValueError, RecursionError):
        return None
    return table if check_table("", table) is None else None
