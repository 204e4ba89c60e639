"""What the commands do: load a plan, find tasks, change tracking state, read the history, undo.

Every function takes the open `Store`, the `Clock` and the acting user, and returns plain values;
nothing here prints. A command on several ids checks all of them before changing any, so the
change happens to all or to none.
"""

from __future__ import annotations

import contextlib
import itertools
import operator
import os
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from datetime import date
from itertools import compress, repeat
from json.encoder import encode_basestring
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from . import aside
from .clock import Clock
from .collector import collector_paused
from .errors import InputError
from .fields import EVENT_KEYS, STATUSES, TASK_PLAN_FIELDS
from .i18n import _
from .segments import Heads, LayoutError, Rewrites
from .store import SCHEMA, Store, read_store_file, store_file
from .textfold import fold
from .views import LIST_JSON_KEYS, LIST_KEYS

if TYPE_CHECKING:  # only plan loading builds these; importing them costs start-up
    from pathlib import Path

    from .models import Plan, PlanTask

MAX_NAME = 80
_LOOKUPS = 16
"""Tasks a command looks up one by one in the store file's bytes (see `find_tasks`)."""
MAX_NOTE = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def current_user(environ: dict[str, str] | None = None) -> str:
    """`LIANTA_USER`, else the operating system's user name."""
    env = environ if environ is not None else dict(os.environ)
    name = env.get("LIANTA_USER", "").strip()
    if name:
        return name
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # pragma: no cover
        return env.get("USER") or env.get("USERNAME") or "unknown"


# ---------------------------------------------------------------- plans in the store


def plan_docs(store: Store) -> dict[int, dict[str, Any]]:
    """Stored plans by year."""
    return {doc["year"]: doc for doc in store.raw("plans").values()}


def select_year(store: Store, year: int | None) -> int:
    """The plan a command acts on: `year` if given and stored, else the latest."""
    years = sorted(plan_docs(store))
    if not years:
        raise InputError(_("the store holds no plan yet; run 'lianta load PLAN'"))
    if year is None:
        return years[-1]
    if year not in years:
        shown = ", ".join(str(y) for y in years)
        raise InputError(
            _("--plan {year}: no such plan in the store (it holds {years})").format(
                year=year, years=shown
            )
        )
    return year


class LoadResult:
    """What syncing a plan into the store did (or would do, on a dry run)."""

    def __init__(self, year: int, *, dry_run: bool = False) -> None:
        self.year = year
        self.added: list[str] = []
        self.changed: list[tuple[str, list[str]]] = []
        self.archived: list[str] = []
        self.restored: list[str] = []
        self.unchanged = 0
        self.plan_changed = False
        self.dry_run = dry_run
        self.reordered = False

    @property
    def wrote(self) -> bool:
        touched = self.added or self.changed or self.archived or self.restored
        return bool(touched or self.plan_changed or self.reordered) and not self.dry_run

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.year,
            "dry_run": self.dry_run,
            "added": self.added,
            "changed": [{"id": task_id, "fields": fields} for task_id, fields in self.changed],
            "archived": self.archived,
            "restored": self.restored,
            "unchanged": self.unchanged,
            "plan_changed": self.plan_changed,
        }


def _plan_task_fields(task: PlanTask, position: int) -> dict[str, Any]:
    """The fields of a stored task that the plan file gives (and its position in the plan),
    in the order a stored task has them."""
    return {
        "index": task.index,
        "title": task.title,
        "title_en": task.title_en,
        "source": task.source,
        "places": list(task.places),
        "partners": list(task.partners),
        "plan_due": task.due.isoformat() if task.due else None,
        "order": position,
    }


_PLAN_TASK_KEYS = (*TASK_PLAN_FIELDS, "order")
_PLAN_TASK_VALUES = itemgetter(*_PLAN_TASK_KEYS)


def _new_task(year: int, task: PlanTask, position: int, stamp: str) -> dict[str, Any]:
    """A task added by a load: its plan and id, the fields the plan gives, then the tracking
    state of a new task."""
    # plan and id first: `find_tasks` finds a task by them in the store file's bytes
    return {
        "plan": year,
        "id": task.id,
        **_plan_task_fields(task, position),
        "status": "todo",
        "progress": 0,
        "assignee": None,
        "unit": None,
        "due": None,
        "notes": [],
        "created": stamp,
        "updated": stamp,
        "archived": False,
    }


class _SyncWork:
    """The writes a plan sync needs, gathered before any is made."""

    def __init__(self) -> None:
        self.inserts: list[dict[str, Any]] = []
        self.updates: dict[int, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []


def _sync_existing(
    result: LoadResult, work: _SyncWork, stored: tuple[str, dict[str, Any]], fields: dict[str, Any]
) -> None:
    """Update a task's plan text and restore it if archived; its tracking state is not touched."""
    doc_id, doc = stored
    year, task_id = doc["plan"], doc["id"]
    differing = [k for k in TASK_PLAN_FIELDS if doc.get(k) != fields[k]]
    patch = {k: fields[k] for k in differing}
    if differing:
        result.changed.append((task_id, differing))
        work.events += [_event(year, task_id, "load", k, doc.get(k), fields[k]) for k in differing]
    if doc.get("order") != fields["order"]:
        patch["order"] = fields["order"]
        result.reordered = True
    if doc.get("archived"):
        result.restored.append(task_id)
        patch["archived"] = False
        work.events.append(_event(year, task_id, "load", "archived", True, False))
    elif not differing:
        result.unchanged += 1
    if patch:
        work.updates[int(doc_id)] = patch


def _unchanged(doc: dict[str, Any], fields: dict[str, Any]) -> bool:
    """Whether a stored task already has the plan's fields and is not archived: what a reload
    finds for almost every task, told with one comparison (`_sync_existing` would find nothing
    to do, field by field)."""
    try:
        return doc["archived"] is False and _PLAN_TASK_VALUES(doc) == tuple(fields.values())
    except KeyError:  # a field missing: `_sync_existing` adds it
        return False


_Stored = dict[str, tuple[str, dict[str, Any]]]
"""Stored tasks of a plan by id: their doc id and document."""


class _Moved(NamedTuple):
    """The stored tasks of a plan that differ from it only in their position (a task added or
    removed before them): their ids, and their order rewritten where it is in the store
    file's bytes (see `Store.rewrite`)."""

    ids: frozenset[str] = frozenset()
    rewrites: Rewrites = ()


def _marked(size: int, marked: list[int]) -> list[bool]:
    """`size` flags, those at the positions `marked` set."""
    flags = [False] * size
    for position in marked:
        flags[position] = True
    return flags


def _stored_tasks(
    store: Store, plan: Plan, swept: Swept | None = None
) -> tuple[_Stored, set[str], _Moved]:
    """The stored tasks of the plan's year; and, left out of them, the ids of those a look at
    the store file's bytes shows to hold the plan's fields already and not to be archived:
    on a reload, nearly all, which are then neither parsed nor compared field by field; and
    of those it shows to differ only in their position (a task added or removed before them),
    with where that is. `swept`: the look at the bytes taken by a child process meanwhile,
    if it was (see `swept_aside`)."""
    alike: set[str] = set()
    packed = swept() if swept is not None else None
    heads = store.heads(*_HEADS, packed) if packed is not None else None
    if heads is None:  # not swept meanwhile, or not the same bytes
        heads = store.heads(*_HEADS)
    if heads is not None:
        try:
            return _stored_in_bytes(heads, plan)
        except LayoutError:  # the bytes are not as lianta writes them: read the table
            pass
        except _ReadWhole as many:
            alike = many.alike
    existing = {
        doc["id"]: (doc_id, doc)
        for doc_id, doc in store.raw("tasks").items()
        if doc.get("plan") == plan.year and doc["id"] not in alike
    }
    return existing, alike, _Moved()


_HEADS = ("tasks", ("plan", "id"), "archived")
"""The table of tasks, swept for the first two fields of each task and its last."""
Swept = Callable[[], bytes | None]
"""Waits for the tasks a child process swept the store for (`swept_aside`); None if it did not."""
_SWEPT_ASIDE = 1 << 24
"""The size of a store file from which a child process sweeps its tasks while the plan is read:
about 15,000 tasks with their histories."""


@contextlib.contextmanager
def swept_aside(path: Path) -> Iterator[Swept]:
    """The tasks of the store at `path` swept (see `Store.heads`) by a child process, while
    this one reads the plan; for a large store. What it finds is taken only if the store
    holds the same bytes when it is opened (its tasks' span and checksum)."""
    try:
        size = store_file(path).stat().st_size
    except OSError:
        size = 0
    if size < _SWEPT_ASIDE or not aside.can_fork():
        yield lambda: None
        return

    def sweep() -> list[bytes]:
        packed = read_store_file(store_file(path)).packed_heads(*_HEADS)
        if packed is None:
            raise LookupError("the tasks cannot be swept")
        return packed

    with aside.aside(sweep) as collect:
        yield collect


_PARSED_ONE_BY_ONE = 2000
"""Stored tasks `_stored_in_bytes` parses one by one, at most; for more (a plan reordered,
say), the whole table is parsed, which takes about as long as 40,000 one by one."""


class _ReadWhole(Exception):
    """Too many stored tasks differ from the plan to parse them one by one; `alike`: those
    that do not."""

    def __init__(self, alike: set[str]) -> None:
        self.alike = alike


def _stored_in_bytes(heads: Heads, plan: Plan) -> tuple[_Stored, set[str], _Moved]:
    ids = list(map(attrgetter("id"), plan.tasks))
    try:
        written = list(map(str.encode, ids))
    except UnicodeEncodeError:  # a lone surrogate, which no stored text holds
        raise LayoutError("an id of the plan is not Unicode") from None
    same, moving, rewrites = _looked(heads, plan, heads.places(plan.year, written))
    alike = set(compress(ids, same))
    moved = _Moved(frozenset(compress(ids, moving)), rewrites)
    left = heads.count(plan.year) - len(alike) - len(moved.ids)  # stored tasks not read
    if not left:  # every stored task of the year (each id is one task's: a copy is left)
        return {}, alike, moved
    if left > _PARSED_ONE_BY_ONE:
        raise _ReadWhole(alike)
    stored = heads.of(plan.year)
    read = compress(written, map(operator.or_, same, moving))
    unread = sorted(map(stored.__getitem__, stored.keys() - read))
    existing = {
        heads.text(place).decode("utf-8", "surrogateescape"): heads.document(place)
        for place in unread
    }
    return existing, alike, moved


_Look = tuple[list[bool], list[bool], list[tuple[int, int, bytes]]]
"""What the store file's bytes show of some of the plan's tasks (see `_look`)."""


def _look(heads: Heads, leads: list[bytes], found: list[int | None], first: int) -> _Look:
    """Of the plan's tasks from position `first`, with these leads and these places in the
    store (None: a task new to it): whether each is stored with the plan's fields and not
    archived; whether it differs from that in its order alone (a task added or removed before
    it); and for each of those, where its order is in the file and the new one (see
    `Store.rewrite`)."""
    count = len(leads)
    stored = list(compress(range(count), map(operator.is_not, found, repeat(None))))
    places = cast(list[int], list(map(found.__getitem__, stored)))
    same = heads.alike(places, list(map(leads.__getitem__, stored)), b"false")
    alike = _marked(count, list(compress(stored, same)))
    if all(same):
        return alike, [False] * count, []
    others = list(compress(stored, map(operator.not_, same)))
    where = cast(list[int], list(map(found.__getitem__, others)))
    orders = list(map(b"%d,".__mod__, map(first.__add__, others)))  # its position is its order
    lead_of = list(map(leads.__getitem__, others))
    cuts = list(map(operator.sub, map(len, lead_of), map(len, orders)))  # where each order is
    near = heads.alike(where, lead_of, b"false", cuts)
    starts, stops, plain = heads.numbers_after(
        list(compress(where, near)), list(compress(cuts, near))
    )
    movers = list(compress(compress(others, near), plain))
    values = map(bytes.rstrip, compress(compress(orders, near), plain), repeat(b","))
    rewrites = list(zip(compress(starts, plain), compress(stops, plain), values, strict=True))
    return alike, _marked(count, movers), rewrites


_LEADS_ASIDE = 20_000
"""Tasks of a plan from which the second half is looked at (`_look`) by a child process
meanwhile (see `aside`): at 100,000 tasks, the leads take about 0.6 s and the comparisons
0.1 to 0.4 s."""


def _looked(heads: Heads, plan: Plan, found: list[int | None]) -> _Look:
    """`_look` at every task of the plan (at the places `found`): for a large plan, the second
    half by a child process, which hands over only what it saw."""
    if len(found) < _LEADS_ASIDE or not aside.can_fork():
        return _look(heads, _leads(plan), found, 0)
    cut = len(found) * 11 // 20  # the child starts later and pays for its copy of the memory

    def second() -> _Look:
        return _look(heads, _leads(plan, cut), found[cut:], cut)

    with aside.aside(lambda: _packed_look(second())) as made:
        first = _look(heads, _leads(plan, 0, cut), found[:cut], 0)
        packed = made()
    rest = second() if packed is None else _unpacked_look(packed)
    return first[0] + rest[0], first[1] + rest[1], first[2] + rest[2]


def _packed_look(look: _Look) -> list[bytes]:
    """A `_look` as bytes, for `_unpacked_look` in another process."""
    same, moving, rewrites = look
    values = b"\n".join(map(itemgetter(2), rewrites))  # whole numbers
    header = b"%d %d %d\n" % (len(same), len(rewrites), len(values))
    starts, stops = (array("q", map(itemgetter(n), rewrites)).tobytes() for n in (0, 1))
    return [header, bytes(same), bytes(moving), starts, stops, values]


def _unpacked_look(packed: bytes) -> _Look:
    """The `_look` that `_packed_look` gave."""
    header, _, rest = packed.partition(b"\n")
    count, rewritten, size = map(int, header.split())
    at = 2 * count + 16 * rewritten  # the flags, then where each rewrite starts and stops
    if len(rest) != at + size:
        raise ValueError("the look is not whole")
    starts, stops = array("q"), array("q")
    starts.frombytes(rest[2 * count : 2 * count + 8 * rewritten])
    stops.frombytes(rest[2 * count + 8 * rewritten : at])
    values = rest[at:].split(b"\n") if rewritten else []
    same, moving = list(map(bool, rest[:count])), list(map(bool, rest[count : 2 * count]))
    return same, moving, list(zip(starts.tolist(), stops.tolist(), values, strict=True))


def _lead_texts(plan: Plan, first: int = 0, stop: int | None = None) -> Iterator[bytes]:
    """How the document of each task of the plan starts when it holds the plan's fields, in
    the store's compact JSON: its plan and id, then `_plan_task_fields` to the comma after
    its position (its order, which a task added or removed before it changes). Any JSON of
    the same values would do as well (a document that differs is then parsed and compared);
    they are written as json writes them, but a field at a time: this is every task of the
    plan, on every reload. In UTF-8, each ended by a line break (no lead holds one), a few
    thousand in each text; of the tasks from `first` to `stop`."""
    tasks = plan.tasks[first:stop]
    fields = tasks[0]._fields if tasks else ()
    flat: list[Any] = list(itertools.chain.from_iterable(tasks))  # one walk, not one a field
    between = [f'{{"plan":{plan.year:d},"id":']
    columns: list[list[str]] = []
    for name, stored, kind in _LEAD_FIELDS:
        if stored != "id":
            between[-1] += f',"{stored}":'
        column = flat[fields.index(name) :: len(fields)] if fields else []
        if kind is not None:  # few values: each written once
            written = {value: kind(value) for value in set(column)}
            column = list(map(written.__getitem__, column))
            between.append("")
        elif _needs_escape("".join(column)):
            column = list(map(encode_basestring, column))
            between.append("")
        else:  # the texts as they are, between quotes
            between[-1] += '"'
            between.append('"')
        columns.append(column)
    between[-1] += ',"order":'
    columns.append(list(map(str, range(first, first + len(tasks)))))
    between.append(",\n")  # no lead holds a line break: texts with one are escaped
    for at in range(0, len(tasks), _LEADS_AT_ONCE):
        parts: list[Iterable[str]] = [repeat(between[0])]
        for column, after in zip(columns, between[1:], strict=True):
            parts += [column[at : at + _LEADS_AT_ONCE], repeat(after)]
        try:  # the leads as one text, one after another
            yield "".join(itertools.chain.from_iterable(zip(*parts, strict=False))).encode()
        except UnicodeEncodeError:  # a lone surrogate, which no stored text holds
            raise LayoutError("a text of the plan is not Unicode") from None


def _leads(plan: Plan, first: int = 0, stop: int | None = None) -> list[bytes]:
    """`_lead_texts`, a lead at a time."""
    leads: list[bytes] = []
    for text in _lead_texts(plan, first, stop):
        leads += text.split(b"\n")
        leads.pop()  # after the last line break
    return leads


_LEADS_AT_ONCE = 4096
"""Leads written as one text: few enough that the text is small beside them."""


def _json_list(items: tuple[str, ...]) -> str:
    return "[" + ",".join(map(encode_basestring, items)) + "]"


def _json_day(day: date | None) -> str:
    return f'"{day.isoformat()}"' if day else "null"


_LEAD_FIELDS: tuple[tuple[str, str, Callable[[Any], str] | None], ...] = (
    ("id", "id", None),
    ("index", "index", str),
    ("title", "title", None),
    ("title_en", "title_en", None),
    ("source", "source", None),
    ("places", "places", _json_list),
    ("partners", "partners", _json_list),
    ("due", "plan_due", _json_day),
)
"""A task's fields in the order of the stored ones (`_plan_task_fields`) and their stored
names; how to write those of few values (None: a text)."""
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')
"""What json writes otherwise than as it is, in a text."""


def _needs_escape(text: str) -> bool:
    """Whether json writes `text` otherwise than as it is: the regular expression is asked
    only when a quick look leaves it open (a control is never printable)."""
    if '"' in text or "\\" in text:
        return True
    return not text.isprintable() and _NEEDS_ESCAPE.search(text) is not None


def _archive_missing(
    result: LoadResult,
    work: _SyncWork,
    existing: dict[str, tuple[str, dict[str, Any]]],
    kept: set[str],
) -> None:
    for task_id, (doc_id, doc) in existing.items():
        if task_id not in kept and not doc.get("archived"):
            result.archived.append(task_id)
            work.updates[int(doc_id)] = {"archived": True}
            work.events.append(_event(doc["plan"], task_id, "load", "archived", False, True))


def _stored_plan(store: Store, year: int) -> tuple[int, dict[str, Any]] | None:
    found = [(int(k), doc) for k, doc in store.raw("plans").items() if doc.get("year") == year]
    return found[0] if found else None


@collector_paused()
def sync_plan(
    store: Store,
    plan: Plan,
    clock: Clock,
    user: str,
    *,
    dry_run: bool = False,
    swept: Swept | None = None,
) -> LoadResult:
    """Bring the store in line with `plan`, keeping all tracking state; archive, never delete.

    Loading the same plan again writes nothing at all: the store file keeps its bytes and mtime.
    `swept`: the store's tasks swept by a child process while the plan was read (`swept_aside`).
    """
    result = LoadResult(year=plan.year, dry_run=dry_run)
    stamp = clock.stamp()
    meta = plan.meta()
    stored_plan = _stored_plan(store, plan.year)
    result.plan_changed = stored_plan is None or any(
        stored_plan[1].get(k) != v for k, v in meta.items()
    )
    existing, alike, moved = _stored_tasks(store, plan, swept)
    work = _SyncWork()
    tasks = plan.tasks
    if not existing and not alike and not moved.ids:  # the first load: every task is new
        result.added = [task.id for task in tasks]
        work.inserts = [_new_task(plan.year, task, n, stamp) for n, task in enumerate(tasks)]
    else:
        kept = result.unchanged = len(alike) + len(moved.ids)  # stored tasks still in the plan
        result.reordered = bool(moved.ids)
        for position in _left(tasks, alike, moved.ids) if kept < len(tasks) else ():
            task = tasks[position]
            stored = existing.get(task.id)
            if stored is not None:
                kept += 1
                fields = _plan_task_fields(task, position)
                if _unchanged(stored[1], fields):
                    result.unchanged += 1
                else:
                    _sync_existing(result, work, stored, fields)
            else:
                result.added.append(task.id)
                work.inserts.append(_new_task(plan.year, task, position, stamp))
        if kept < len(existing) + len(alike) + len(moved.ids):
            _archive_missing(result, work, existing, {task.id for task in tasks})
    if dry_run or not (work.inserts or work.updates or moved.ids or result.plan_changed):
        return result
    if moved.ids:  # before anything else changes the table: it is rewritten where it was read
        store.rewrite("tasks", moved.rewrites)
    _write_sync(store, plan, result, work, stored_plan, stamp)
    record(store, work.events, clock, user)
    return result


def _left(tasks: Sequence[PlanTask], alike: AbstractSet[str], moved: AbstractSet[str]) -> list[int]:
    """The positions of the tasks whose ids are in neither set."""
    ids = list(map(attrgetter("id"), tasks))
    known = map(operator.or_, map(alike.__contains__, ids), map(moved.__contains__, ids))
    return list(compress(range(len(ids)), map(operator.not_, known)))


def _write_sync(
    store: Store,
    plan: Plan,
    result: LoadResult,
    work: _SyncWork,
    stored_plan: tuple[int, dict[str, Any]] | None,
    stamp: str,
) -> None:
    if result.added:
        added = f"added {len(result.added)}"
        work.events.insert(0, _event(plan.year, None, "load", "tasks", None, added))
    if result.plan_changed:
        stored = {**plan.meta(), "loaded": stamp, "file": plan.path}
        if stored_plan is None:
            store.table("plans").insert(stored)
            work.events.insert(0, _event(plan.year, None, "load", "plan", None, plan.year))
        else:
            store.table("plans").update(stored, doc_ids=[stored_plan[0]])
    if work.inserts:
        store.insert_new("tasks", work.inserts)
    store.patch("tasks", work.updates)


def ensure_plan(store: Store, clock: Clock, user: str) -> LoadResult | None:
    """On an empty store, load the bundled 2024 plan so every command works right after install."""
    if store.raw("plans"):
        return None
    from .plan import bundled_plan_path, load_plan

    plan, _warnings = load_plan(bundled_plan_path(), display="plans/2024.yaml (bundled)")
    return sync_plan(store, plan, clock, user)


# ---------------------------------------------------------------- events


def _event(
    year: int, task: str | None, action: str, name: str, old: Any, new: Any
) -> dict[str, Any]:
    return {"plan": year, "task": task, "action": action, "field": name, "old": old, "new": new}


def event_row(seq: int, event: dict[str, Any]) -> dict[str, Any]:
    """A stored event as output: every key of EVENT_KEYS, in that order."""
    row = {**event, "seq": seq}
    return {key: row.get(key) for key in EVENT_KEYS}


def record_events(
    store: Store, events: list[dict[str, Any]], clock: Clock, user: str
) -> tuple[int, list[dict[str, Any]]]:
    """Append events as one change: its number and the events as output rows (0, [] if none)."""
    if not events:
        return 0, []
    meta = store.meta()
    number = int(meta.get("last_change", 0)) + 1
    stamp = clock.stamp()
    for event in events:
        event.update({"change": number, "at": stamp, "by": user})
    seqs = store.append("history", events)
    meta = store.meta()
    meta.update({"schema": SCHEMA, "last_change": number})
    store.set_meta(meta)
    return number, [event_row(seq, event) for seq, event in zip(seqs, events, strict=True)]


def record(store: Store, events: list[dict[str, Any]], clock: Clock, user: str) -> int:
    """Append events as one change; returns its number (0 if there was nothing to record)."""
    return record_events(store, events, clock, user)[0]


# ---------------------------------------------------------------- reading tasks


def index_docs(store: Store, year: int) -> list[dict[str, Any]]:
    return list(plan_docs(store)[year]["indices"])


def effective_due(doc: dict[str, Any], plan_end: str) -> str:
    """The task's own due date, else the plan file's date for it, else the end of the plan."""
    return str(doc.get("due") or doc.get("plan_due") or plan_end)


def is_overdue(doc: dict[str, Any], plan_end: str, today: str) -> bool:
    """Past its effective due date and not done."""
    return effective_due(doc, plan_end) < today and doc["status"] != "done"


def current_tasks(store: Store, year: int) -> Iterator[dict[str, Any]]:
    """The stored tasks of plan `year` that are in the plan (not archived)."""
    for doc in store.raw("tasks").values():
        if doc["plan"] == year and not doc.get("archived"):
            yield doc


def task_view(
    doc: dict[str, Any], indices: dict[int, dict[str, Any]], plan_end: str, today: str
) -> dict[str, Any]:
    """A stored task as every output shows it (the `list` JSON shape)."""
    return _task_views([doc], indices, plan_end, today)[0]


def _task_views(
    docs: Iterable[dict[str, Any]], indices: dict[int, dict[str, Any]], plan_end: str, today: str
) -> list[dict[str, Any]]:
    """`task_view` of each task, with the index looked up once per index."""
    names = {
        number: (index.get("code"), index.get("name"), index.get("name_en"))
        for number, index in indices.items()
    }
    nothing = (None, None, None)
    return [
        {
            "id": doc["id"],
            "plan": doc["plan"],
            "index": doc["index"],
            "index_code": code,
            "index_name": name,
            "index_name_en": name_en,
            "title": doc["title"],
            "title_en": doc["title_en"],
            "status": doc["status"],
            "progress": doc["progress"],
            "assignee": doc["assignee"],
            "unit": doc["unit"],
            "due": due,
            "overdue": due < today and doc["status"] != "done",
            "updated": doc["updated"],
            "archived": bool(doc.get("archived")),
            "notes": len(doc.get("notes") or ()),
        }
        for doc in docs
        for code, name, name_en in (names.get(doc["index"], nothing),)
        for due in (str(doc.get("due") or doc.get("plan_due") or plan_end),)
    ]


def _id_key(task_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in task_id.split("."))


class TaskQuery:
    """The filters of `lianta list`."""

    def __init__(
        self,
        *,
        index: str | None = None,
        statuses: Sequence[str] = (),
        assignee: str | None = None,
        unassigned: bool = False,
        overdue: bool = False,
        search: str | None = None,
        sort: str = "id",
        archived: bool = False,
    ) -> None:
        self.index = index
        self.statuses = statuses
        self.assignee = assignee
        self.unassigned = unassigned
        self.overdue = overdue
        self.search = search
        self.sort = sort
        self.archived = archived


SORTS = ("id", "due", "progress", "status", "updated")


def _did_you_mean(value: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    import difflib  # only when a hint is needed: it is slow to import

    near = difflib.get_close_matches(value, list(choices), n=1, cutoff=cutoff)
    return _(" (did you mean {near}?)").format(near=near[0]) if near else ""


def resolve_index(store: Store, year: int, value: str) -> int:
    """An index given by number or code; InputError listing the valid ones."""
    indices = index_docs(store, year)
    text = value.strip().lower()
    for index in indices:
        if text == str(index["number"]) or text == index["code"]:
            return int(index["number"])
    valid = ", ".join(f"{i['number']}|{i['code']}" for i in indices)
    hint = _did_you_mean(text, (i["code"] for i in indices))
    raise InputError(
        _("--index {value}: no such index{hint}; valid: {valid}").format(
            value=value, hint=hint, valid=valid
        )
    )


def check_statuses(values: Iterable[str], option: str = "--status") -> list[str]:
    result = []
    for value in values:
        status = value.strip().lower().replace("-", "_").replace(" ", "_")
        if status not in STATUSES:
            raise InputError(
                _("{option} {value}: not a status{hint}; use one of {valid}").format(
                    option=option,
                    value=value,
                    hint=_did_you_mean(status, STATUSES),
                    valid=", ".join(STATUSES),
                )
            )
        result.append(status)
    return result


def check_sort(value: str) -> str:
    sort = value.strip().lower()
    if sort not in SORTS:
        raise InputError(
            _("--sort {value}: use one of {valid}{hint}").format(
                value=value, valid=", ".join(SORTS), hint=_did_you_mean(sort, SORTS)
            )
        )
    return sort


def _matches(
    docs: Iterable[dict[str, Any]], query: TaskQuery, index: int | None, statuses: set[str]
) -> list[dict[str, Any]]:
    """The tasks passing every filter of `query` but --overdue (which needs the plan's end)."""
    chosen = list(docs) if query.archived else [d for d in docs if not d.get("archived")]
    if index is not None:
        chosen = [doc for doc in chosen if doc["index"] == index]
    if statuses:
        chosen = [doc for doc in chosen if doc["status"] in statuses]
    if query.unassigned:
        chosen = [doc for doc in chosen if not doc["assignee"]]
    if query.assignee:
        name = fold(query.assignee.strip())
        chosen = [doc for doc in chosen if fold(doc["assignee"] or "") == name]
    needle = fold(query.search.strip()) if query.search else ""
    if needle:
        chosen = [doc for doc in chosen if needle in search_text(doc)]
    return chosen


def list_tasks(
    store: Store, year: int, query: TaskQuery, today: date, limit: int = 0
) -> tuple[TaskViews, int]:
    """The first `limit` (0: all) tasks of plan `year` matching `query`, sorted, as task views,
    and how many matched. Only the tasks returned are turned into views."""
    sort = check_sort(query.sort)
    statuses = set(check_statuses(query.statuses))
    index_number = resolve_index(store, year, query.index) if query.index else None
    plan = plan_docs(store)[year]
    indices = {i["number"]: i for i in plan["indices"]}
    end, today_text = plan["end"], today.isoformat()
    docs = [doc for doc in store.raw("tasks").values() if doc["plan"] == year]
    chosen = _matches(docs, query, index_number, statuses)
    del docs
    if query.overdue:
        chosen = [doc for doc in chosen if is_overdue(doc, end, today_text)]
    fields = _SORT_FIELDS.get(sort)
    try:  # the fields read in C when every task has them (every task lianta saves has)
        chosen.sort(key=fields or _sort_key(sort, end))
    except KeyError:
        if fields is None:
            raise
        chosen.sort(key=_sort_key(sort, end))  # which reads a missing "order" as 0
    total = len(chosen)
    if limit:
        del chosen[limit:]
    return TaskViews(chosen, indices, end, today_text), total


_STORED_VIEW_FIELDS = frozenset({*LIST_KEYS, "plan"} - {"index_code", "due", "overdue"})
"""Fields a task view takes from the stored task as it is."""
_INDEX_FIELDS = {"index_code": "code", "index_name": "name", "index_name_en": "name_en"}
"""Fields a task view takes from its index, and their names there."""
_VIEW_FIELDS = frozenset(
    (*_STORED_VIEW_FIELDS, *_INDEX_FIELDS, "due", "overdue", "archived", "notes")
)


class TaskViews(Sequence[dict[str, Any]]):
    """The `task_view` of each task, made as it is read: a list of 100,000 tasks is streamed
    to its output without ever holding every view at once."""

    BATCH = 1024

    def __init__(
        self,
        docs: list[dict[str, Any]],
        indices: dict[int, dict[str, Any]],
        plan_end: str,
        today: str,
    ) -> None:
        self._docs = docs
        self._context = (indices, plan_end, today)

    def __len__(self) -> int:
        return len(self._docs)

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, slice):
            return _task_views(self._docs[item], *self._context)
        return _task_views([self._docs[item]], *self._context)[0]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        docs, size = self._docs, self.BATCH
        for start in range(0, len(docs), size):
            yield from _task_views(docs[start : start + size], *self._context)

    def values_of(self, fields: Iterable[str]) -> dict[str, list[Any]]:
        """Each view's value of each of `fields` (None for a field views do not have), a list
        per field, read from the stored documents with no view made: what a table of many
        tasks is made from (see `export._column_cells`)."""
        docs = self._docs
        indices, end, today = self._context
        wanted = set(fields)
        stored = wanted & _STORED_VIEW_FIELDS
        if "overdue" in wanted:
            stored.add("status")
        if wanted & _INDEX_FIELDS.keys():
            stored.add("index")
        # one pass over the documents for every stored field: far quicker than one per field
        order = sorted(stored)
        values: dict[str, list[Any]] = {field: [] for field in order}
        if len(order) == 1:
            values[order[0]] = list(map(itemgetter(order[0]), docs))
        elif order and docs:
            columns = zip(*map(itemgetter(*order), docs), strict=True)
            values.update(zip(order, map(list, columns), strict=True))
        if wanted & {"due", "overdue"}:
            own, planned = (map(dict.get, docs, repeat(key)) for key in ("due", "plan_due"))
            values["due"] = [
                str(due or plan_due or end) for due, plan_due in zip(own, planned, strict=True)
            ]
        if "overdue" in wanted:
            values["overdue"] = [
                due < today and status != "done"
                for due, status in zip(values["due"], values["status"], strict=True)
            ]
        for field in wanted & _INDEX_FIELDS.keys():
            names = {number: index.get(_INDEX_FIELDS[field]) for number, index in indices.items()}
            values[field] = list(map(names.get, values["index"]))
        for field in wanted - values.keys():
            values[field] = (
                [view[field] for view in self] if field in _VIEW_FIELDS else [None] * len(docs)
            )
        return values

    def json_lines(self) -> Iterator[str]:
        """What `lianta list --format json` prints, in pieces: `export.json_lines` of each view
        cut to `LIST_JSON_KEYS`, written straight from the stored documents with no view made
        (a third of the time for 100,000 tasks). A document whose fields are not of the types
        the store's checks require is written through its view, so the text is always the same.
        """
        from json.encoder import encode_basestring as text

        from .export import object_encoder

        indices, end, today = self._context
        encode = object_encoder()  # what `json_lines` writes a value with
        codes = {n: encode(i.get("code")) for n, i in indices.items()}
        line = (  # the keys of LIST_JSON_KEYS, in order (the tests compare with the views)
            '{"id": %s, "index": %s, "index_code": %s, "title": %s, "title_en": %s, '
            '"status": %s, "progress": %s, "assignee": %s, "unit": %s, "due": %s, '
            '"overdue": %s, "updated": %s, "archived": %s}'
        )

        def one(doc: dict[str, Any]) -> str:
            index, progress, status = doc["index"], doc["progress"], doc["status"]
            assignee, unit = doc["assignee"], doc["unit"]
            due = effective_due(doc, end)
            try:
                if index.__class__ is not int or progress.__class__ is not int:
                    raise TypeError  # a bool or a float would be written differently
                return line % (
                    text(doc["id"]),
                    index,
                    codes.get(index, "null"),
                    text(doc["title"]),
                    text(doc["title_en"]),
                    text(status),
                    progress,
                    "null" if assignee is None else text(assignee),
                    "null" if unit is None else text(unit),
                    text(due),
                    "true" if due < today and status != "done" else "false",
                    text(doc["updated"]),
                    "true" if doc.get("archived") else "false",
                )
            except TypeError:
                view = _task_views([doc], *self._context)[0]
                return encode({key: view[key] for key in LIST_JSON_KEYS})

        docs, size = self._docs, self.BATCH * 4
        if not docs:
            yield "[]\n"
            return
        separator = "[\n  "
        for start in range(0, len(docs), size):
            yield separator + ",\n  ".join(map(one, docs[start : start + size]))
            separator = ",\n  "
        yield "\n]\n"


def search_text(doc: dict[str, Any]) -> str:
    """Everything `--search` looks in, folded (case and script)."""
    parts = [doc["title"], doc["title_en"], doc.get("source", ""), doc["id"]]
    parts += doc.get("places") or []
    parts += doc.get("partners") or []
    parts += [note["text"] for note in doc.get("notes") or ()]
    parts += [doc.get("assignee") or "", doc.get("unit") or ""]
    return fold("\n".join(parts))


_STATUS_RANK = {"blocked": 0, "in_progress": 1, "todo": 2, "done": 3}


_SORT_FIELDS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "id": itemgetter("index", "order", "id"),
    "progress": itemgetter("progress", "index", "order", "id"),
    "updated": itemgetter("updated", "index", "order", "id"),
}
"""`--sort` orders whose `_sort_key` is a plain tuple of fields when none is missing."""


def _sort_key(sort: str, plan_end: str) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """What `--sort` orders by; ties keep the plan's order (index, then position)."""
    if sort == "status":
        rank = _STATUS_RANK
        return lambda d: (rank[d["status"]], d["index"], d.get("order", 0), d["id"])
    if sort == "id":
        return lambda d: (d["index"], d.get("order", 0), d["id"])
    if sort == "due":
        return lambda d: (
            str(d.get("due") or d.get("plan_due") or plan_end),
            d["index"],
            d.get("order", 0),
            d["id"],
        )
    return lambda d: (d[sort], d["index"], d.get("order", 0), d["id"])


# ---------------------------------------------------------------- finding tasks by id


def find_tasks(
    store: Store, year: int, ids: Sequence[str], *, archived_ok: bool = False
) -> list[tuple[int, dict[str, Any]]]:
    """(doc id, task) for every id, in the order given; InputError on the first unknown id."""
    if not ids:
        raise InputError(_("give at least one task id, like 3.4"))
    wanted = {raw.strip() for raw in ids}
    by_id: dict[str, tuple[int, dict[str, Any]]] = {}
    # each task found in the file's bytes, the table not parsed; but each search reads the
    # table up to the task and from it to the end, so many tasks are found in the table parsed
    for task_id in wanted if len(wanted) <= _LOOKUPS else ():
        hit = store.lookup("tasks", {"plan": year, "id": task_id})
        if hit is None:
            break
        by_id[task_id] = hit
    if len(by_id) < len(wanted):
        by_id = {
            doc["id"]: (int(doc_id), doc)
            for doc_id, doc in store.raw("tasks").items()
            if doc["id"] in wanted and doc["plan"] == year
        }
    found = []
    seen: set[str] = set()
    for raw in ids:
        task_id = raw.strip()
        if task_id in seen:
            continue
        seen.add(task_id)
        if task_id not in by_id:
            known = [doc["id"] for doc in store.raw("tasks").values() if doc["plan"] == year]
            raise _unknown_id(raw, task_id, year, known)
        doc_id, doc = by_id[task_id]
        if doc.get("archived") and not archived_ok:
            raise InputError(
                _("task {id} is archived (it left the {year} plan)").format(id=task_id, year=year)
            )
        found.append((doc_id, doc))
    return found


def _unknown_id(raw: str, task_id: str, year: int, known: Iterable[str]) -> InputError:
    hint = _did_you_mean(task_id, known, cutoff=0.5)
    if not re.fullmatch(r"[1-9][0-9]*\.[1-9][0-9]*", task_id):
        return InputError(
            _("task id {id!r} is not of the form N.M, like 3.4{hint}").format(id=raw, hint=hint)
        )
    return InputError(
        _("no task {id} in the {year} plan{hint}").format(id=task_id, year=year, hint=hint)
    )


# ---------------------------------------------------------------- changing tasks


def clean_name(value: str, option: str) -> str:
    """A person's or unit's name: trimmed, non-empty, one line, not too long."""
    text = value.strip()
    if not text:
        raise InputError(_("{option}: the name is empty").format(option=option))
    if _CONTROL.search(text) or "\n" in text:
        raise InputError(
            _("{option}: the name contains control characters or line breaks").format(option=option)
        )
    if len(text) > MAX_NAME:
        raise InputError(
            _("{option}: the name is longer than {n} characters").format(option=option, n=MAX_NAME)
        )
    return text


def clean_note(value: str) -> str:
    text = value.strip()
    if not text:
        raise InputError(_("the note is empty; say what happened"))
    if len(text) > MAX_NOTE:
        raise InputError(_("the note is longer than {n} characters").format(n=MAX_NOTE))
    return text


class ChangeResult(NamedTuple):
    """The outcome of a command that changes tasks: the change number and its events.

    `change` is 0 and `events` empty when the command changed nothing (e.g. assigning a task to
    the person who already has it). `undid` is the change an undo reverted (None otherwise).
    """

    change: int
    events: list[dict[str, Any]]
    tasks: list[str]
    undid: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"change": self.change, "tasks": self.tasks, "events": self.events}


def _apply(
    store: Store,
    year: int,
    patches: list[tuple[int, dict[str, Any], dict[str, Any]]],
    notes: dict[int, dict[str, Any]],
    action: str,
    clock: Clock,
    user: str,
) -> ChangeResult:
    """Write field patches and notes to tasks and record them as one change."""
    events: list[dict[str, Any]] = []
    updates: dict[int, dict[str, Any]] = {}
    touched: list[str] = []
    for doc_id, doc, patch in patches:
        changed = {k: v for k, v in patch.items() if doc.get(k) != v}
        events += [_event(year, doc["id"], action, k, doc.get(k), v) for k, v in changed.items()]
        note = notes.get(doc_id)
        if note is not None:
            events.append(_event(year, doc["id"], action, "note", None, note["text"]))
            changed["notes"] = [*(doc.get("notes") or []), note]
        if changed:
            updates[doc_id] = {**changed, "updated": clock.stamp()}
            touched.append(doc["id"])
    store.patch("tasks", updates)
    number, rows = record_events(store, events, clock, user)
    return ChangeResult(number, rows, touched)


def assign(
    store: Store,
    year: int,
    ids: Sequence[str],
    to: str,
    unit: str | None,
    clock: Clock,
    user: str,
) -> ChangeResult:
    """Give tasks to `to` (and set their unit if given; an unchanged unit is kept)."""
    name = clean_name(to, "--to")
    unit_name = clean_name(unit, "--unit") if unit is not None else None
    found = find_tasks(store, year, ids)
    patch: dict[str, Any] = {"assignee": name}
    if unit_name is not None:
        patch["unit"] = unit_name
    patches = [(doc_id, doc, dict(patch)) for doc_id, doc in found]
    return _apply(store, year, patches, {}, "assign", clock, user)


def unassign(store: Store, year: int, ids: Sequence[str], clock: Clock, user: str) -> ChangeResult:
    found = find_tasks(store, year, ids)
    patches = [(doc_id, doc, {"assignee": None, "unit": None}) for doc_id, doc in found]
    return _apply(store, year, patches, {}, "unassign", clock, user)


# Status rules (the README states them the same way):
#   done <=> progress 100;  todo => progress 0;
#   --progress alone: 100 finishes the task; above 0 starts a todo task; below 100 reopens a
#     done task (as in_progress); otherwise the status stays;
#   --status alone: done sets 100, todo sets 0, any other keeps the progress, but a done task
#     cannot leave done that way (its progress would stay 100): give --progress below 100;
#   both: must agree with the two rules at the top;
#   entering blocked needs --note (the reason).


def _next_state(
    task_id: str, doc: dict[str, Any], status: str | None, progress: int | None
) -> dict[str, Any]:
    """Status and progress after an update, by the rules above."""
    if status is not None and progress is not None:
        _check_agree(task_id, status, progress)
        return {"status": status, "progress": progress}
    if status is not None:
        return _state_for_status(task_id, doc, status)
    if progress is not None:
        return _state_for_progress(doc, progress)
    return {}


def _check_agree(task_id: str, status: str, progress: int) -> None:
    if status == "done" and progress != 100:
        message = _("task {id}: status done means progress 100, not {progress}")
    elif status != "done" and progress == 100:
        message = _("task {id}: progress 100 means status done, not {status}")
    elif status == "todo" and progress != 0:
        message = _("task {id}: status todo means progress 0, not {progress}")
    else:
        return
    raise InputError(message.format(id=task_id, status=status, progress=progress))


def _state_for_status(task_id: str, doc: dict[str, Any], status: str) -> dict[str, Any]:
    if status == "done":
        return {"status": "done", "progress": 100}
    if status == "todo":
        return {"status": "todo", "progress": 0}
    if doc["status"] == "done":
        raise InputError(
            _(
                "task {id} is done (progress 100); to reopen it give --progress below 100 "
                "as well, e.g. --status {status} --progress 90"
            ).format(id=task_id, status=status)
        )
    return {"status": status, "progress": doc["progress"]}


def _state_for_progress(doc: dict[str, Any], progress: int) -> dict[str, Any]:
    current = doc["status"]
    if progress == 100:
        return {"status": "done", "progress": 100}
    if current == "done" or (current == "todo" and progress > 0):
        return {"status": "in_progress", "progress": progress}
    return {"status": current, "progress": progress}


def _check_update_options(
    status: str | None, progress: int | None, note: str | None, due_given: bool
) -> tuple[str | None, str | None]:
    """The status and note cleaned; InputError for a bad value or nothing to change."""
    checked = check_statuses([status])[0] if status is not None else None
    if progress is not None and not 0 <= progress <= 100:
        raise InputError(
            _("--progress {value}: must be a whole number from 0 to 100").format(value=progress)
        )
    text = clean_note(note) if note is not None else None
    if checked is None and progress is None and not due_given and text is None:
        raise InputError(_("nothing to change: give --status, --progress, --due or --note"))
    return checked, text


def update(
    store: Store,
    year: int,
    ids: Sequence[str],
    clock: Clock,
    user: str,
    *,
    status: str | None = None,
    progress: int | None = None,
    due: date | None = None,
    clear_due: bool = False,
    note: str | None = None,
    action: str = "update",
) -> ChangeResult:
    """Change status, progress, due date and/or add a note, on every id or on none."""
    status, text = _check_update_options(status, progress, note, due is not None or clear_due)
    patches = []
    notes: dict[int, dict[str, Any]] = {}
    for doc_id, doc in find_tasks(store, year, ids):
        patch = _next_state(doc["id"], doc, status, progress)
        if patch.get("status") == "blocked" and doc["status"] != "blocked" and text is None:
            raise InputError(
                _("task {id}: blocking needs a reason; add --note 'why it is stuck'").format(
                    id=doc["id"]
                )
            )
        if due is not None or clear_due:
            patch["due"] = due.isoformat() if due is not None else None
        patches.append((doc_id, doc, patch))
        if text is not None:
            notes[doc_id] = {"at": clock.stamp(), "by": user, "text": text}
    return _apply(store, year, patches, notes, action, clock, user)


def add_note(
    store: Store, year: int, task_id: str, text: str, clock: Clock, user: str
) -> ChangeResult:
    return update(store, year, [task_id], clock, user, note=text, action="note")


# ---------------------------------------------------------------- history and undo


def history(
    store: Store,
    year: int,
    task_id: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[dict[str, Any]]:
    """Events of plan `year` (optionally one task, a date window), oldest first."""
    if since and until and since > until:
        raise InputError(
            _("--since {since} is after --until {until}").format(since=since, until=until)
        )
    wanted = find_tasks(store, year, [task_id], archived_ok=True)[0][1]["id"] if task_id else None
    low = since.isoformat() if since else ""
    high = until.isoformat() + "T99" if until else "9999"
    rows = [
        event_row(int(seq), event)
        for seq, event in store.raw("history").items()
        if event.get("plan") == year
        and (wanted is None or event.get("task") == wanted)
        and low <= event["at"] <= high
    ]
    rows.sort(key=lambda row: row["seq"])
    return rows


def _last_undoable(store: Store) -> tuple[int, list[tuple[int, dict[str, Any]]]]:
    """The most recent change not yet undone (loads and undos are not undone) and its events."""
    events = store.raw("history")
    undone = {e.get("undo_of") for e in events.values() if e.get("action") == "undo"}
    changes: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    for seq, event in events.items():
        change = event.get("change", 0)
        if event.get("action") not in ("undo", "load") and change not in undone:
            changes.setdefault(change, []).append((int(seq), event))
    if not changes:
        raise InputError(_("nothing to undo"))
    number = max(changes)
    return number, sorted(changes[number], key=lambda item: item[0], reverse=True)


def _revert(patch: dict[str, Any], doc: dict[str, Any], event: dict[str, Any]) -> None:
    """Put the value before `event` into `patch` (for a note: take the note out again)."""
    if event["field"] != "note":
        patch[event["field"]] = event["old"]
        return
    notes = list(patch.get("notes", doc.get("notes") or []))
    for position in range(len(notes) - 1, -1, -1):
        if notes[position]["text"] == event["new"]:
            del notes[position]
            break
    patch["notes"] = notes


def undo(store: Store, clock: Clock, user: str) -> ChangeResult:
    """Revert the most recent change not yet undone, as a new change; plan loads are not undone.

    Each undo goes one change further back: undo, undo reverts the last two changes.
    """
    number, target = _last_undoable(store)
    tasks = {(d["plan"], d["id"]): (int(k), d) for k, d in store.raw("tasks").items()}
    patches: dict[int, dict[str, Any]] = {}
    reverts: list[dict[str, Any]] = []
    for _seq, event in target:
        key = (event["plan"], event["task"])
        if key not in tasks:
            continue
        doc_id, doc = tasks[key]
        _revert(patches.setdefault(doc_id, {}), doc, event)
        revert = _event(*key, "undo", event["field"], event["new"], event["old"])
        reverts.append({**revert, "undo_of": number})
    if not reverts:
        raise InputError(_("change {n} cannot be undone: its tasks are gone").format(n=number))
    stamp = clock.stamp()
    store.patch("tasks", {doc_id: {**patch, "updated": stamp} for doc_id, patch in patches.items()})
    change, rows = record_events(store, reverts, clock, user)
    touched = sorted({row["task"] for row in rows}, key=_id_key)
    return ChangeResult(change, rows, touched, undid=number)


def show_task(store: Store, year: int, task_id: str, today: date) -> dict[str, Any]:
    """Every field of one task, its notes and its history."""
    ((_doc_id, doc),) = find_tasks(store, year, [task_id], archived_ok=True)
    plan = plan_docs(store)[year]
    indices = {i["number"]: i for i in plan["indices"]}
    view = task_view(doc, indices, plan["end"], today.isoformat())
    view.update(
        {
            "source": doc.get("source", ""),
            "places": list(doc.get("places") or []),
            "partners": list(doc.get("partners") or []),
            "plan_due": doc.get("plan_due"),
            "own_due": doc.get("due"),
            "created": doc.get("created"),
            "notes": list(doc.get("notes") or []),
            "history": history(store, year, doc["id"]),
        }
    )
    return view
