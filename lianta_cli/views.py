"""The columns of each report, shared by the terminal table, the piped table, CSV and Markdown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from typing import Any

from .export import Column
from .fields import EVENT_KEYS
from .i18n import _, language, pick

LIST_KEYS = (
    "id",
    "index",
    "index_code",
    "title",
    "title_en",
    "status",
    "progress",
    "assignee",
    "unit",
    "cooperating",
    "due",
    "overdue",
    "expected_progress",
    "lag",
    "light",
    "updated",
)
LIST_JSON_KEYS = (*LIST_KEYS, "archived")
"""The keys of each task in `lianta list --format json`."""
HISTORY_KEYS = EVENT_KEYS
COMPACT_BELOW = 120
"""Terminals narrower than this get the compact `list` and `summary` tables (no index or unit,
no bar)."""
BARS_FROM = 140
"""Terminals this wide or wider get the whole `list` table and the summary's progress bars."""
NARROW_BELOW = 90
"""Narrower than this, `list` folds status, progress and assignee under the title and `summary`
shows done as 'done/tasks', so the title keeps at least 24 cells at 60 columns and no word of an
index name is broken."""
SMALL_BELOW = 60
"""Narrower than this (40 columns, a phone), `list` also folds the due date under the title,
`summary` folds blocked and overdue under the index name and `history` the task and who under
the change: one column holds the text, and dates are never cut."""
HISTORY_COMPACT_BELOW = 100
"""Terminals narrower than this get the compact history table (time under the date, no action
column), so the change itself keeps room at 60 columns."""


def status_name(status: str) -> str:
    names = _status_names(language())
    return names.get(status, status)


@cache
def _status_names(lang: str) -> dict[str, str]:
    del lang  # the cache key: the names follow the interface language
    return {
        "todo": _("todo"),
        "in_progress": _("in progress"),
        "blocked": _("blocked"),
        "done": _("done"),
    }


def light_name(light: str) -> str:
    """A traffic light as a person reads it: green, yellow, red (绿灯, 黄灯, 红灯)."""
    return _light_names(language()).get(light, light)


@cache
def _light_names(lang: str) -> dict[str, str]:
    del lang  # the cache key
    return {"green": _("green"), "yellow": _("yellow"), "red": _("red")}


def light_column() -> Column:
    return Column("light", _("Light"), show=lambda r: light_name(r["light"]))


@cache
def _headers(lang: str) -> dict[str, str]:
    del lang  # the cache key: the headers follow the interface language
    return {
        "id": _("ID"),
        "index": _("Index no."),
        "index_code": _("Index code"),
        "code": _("Index code"),
        "index_name": _("Index"),
        "name": _("Index"),
        "name_en": _("Index (English)"),
        "title": _("Task"),
        "title_en": _("Task (English)"),
        "status": _("Status"),
        "progress": _("Progress"),
        "assignee": _("Assignee"),
        "unit": _("Lead unit"),
        "cooperating": _("Cooperating units"),
        "due": _("Due"),
        "overdue": _("Overdue"),
        "expected_progress": _("Expected progress"),
        "lag": _("Lag (points)"),
        "light": _("Light"),
        "note": _("Latest note"),
        "updated": _("Updated"),
        "archived": _("Archived"),
        "plan": _("Plan"),
        "total": _("Tasks"),
        "tasks": _("Tasks"),
        "todo": _("To do"),
        "in_progress": _("In progress"),
        "blocked": _("Blocked"),
        "done": _("Done"),
        "percent_done": _("% done"),
        "unassigned": _("Unassigned"),
        "green": _("Green"),
        "yellow": _("Yellow"),
        "red": _("Red"),
        "leads": _("Leads"),
        "supports": _("Cooperates on"),
        "seq": _("Event"),
        "change": _("Change"),
        "at": _("When"),
        "by": _("Who"),
        "task": _("Task ID"),
        "action": _("Action"),
        "field": _("Field"),
        "old": _("Old value"),
        "new": _("New value"),
        "undo_of": _("Undoes change"),
        "section": _("Section"),
        "from": _("From"),
        "to": _("To"),
        "text": _("Note"),
        "done_start": _("Done at start"),
        "done_end": _("Done at end"),
        "done_change": _("Done: change"),
        "progress_start": _("Progress at start"),
        "progress_end": _("Progress at end"),
        "progress_change": _("Progress: change"),
    }


def header(key: str) -> str:
    """The heading of a data key in CSV files and workbooks, in the interface language (JSON
    keeps the keys themselves)."""
    return _headers(language()).get(key, key)


def headers(keys: Sequence[str]) -> list[str]:
    return [header(key) for key in keys]


@lru_cache(maxsize=1024)
def bar(progress: float, *, ascii_only: bool = False, width: int = 10) -> str:
    """A progress bar of `width` cells and the percentage, e.g. '██████░░░░  60%'."""
    filled = round(max(0.0, min(100.0, progress)) * width / 100)
    full, empty = ("#", "-") if ascii_only else ("█", "░")
    return f"{full * filled}{empty * (width - filled)} {progress:3.0f}%"


def _due(row: dict[str, Any]) -> str:
    """The due date, with 'overdue' under it (one line in piped tables, CSV and Markdown)."""
    due = str(row.get("due") or "")
    return f"{due}\n{_('overdue')}" if row.get("overdue") else due


def _due_column() -> Column:
    return Column("due", _("Due"), show=_due)


def _percent(row: dict[str, Any]) -> str:
    return f"{row['progress']}%"


def _value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def list_columns(*, bars: bool, ascii_only: bool = False, width: int | None = None) -> list[Column]:
    """The `list` table; on a terminal narrower than BARS_FROM, NARROW_BELOW or SMALL_BELOW,
    the compact, narrow or small form."""
    if width is not None and width < SMALL_BELOW:
        return [Column("id", _("ID")), _task_column(details=_task_details_with_due)]
    if width is not None and width < NARROW_BELOW:
        return [Column("id", _("ID")), _task_column(details=_task_details), _due_column()]
    if width is not None and width < BARS_FROM:
        return _compact_list_columns()
    progress = (lambda r: bar(r["progress"], ascii_only=ascii_only)) if bars else _percent
    return [
        Column("id", _("ID")),
        Column("index_code", _("Index")),
        _task_column(),
        _status_column(),
        Column("progress", _("Progress"), align="right", show=progress),
        light_column(),
        Column("assignee", _("Assignee"), wrap=True),
        Column("unit", _("Lead unit"), wrap=True),
        _due_column(),
    ]


def _task_column(details: Callable[[dict[str, Any]], str] | None = None) -> Column:
    """The task's title; with `details`, a line of them under it."""
    if details is None:
        return Column("title", _("Task"), wrap=True, show=lambda r: pick(r["title"], r["title_en"]))
    return Column(
        "title",
        _("Task"),
        wrap=True,
        show=lambda r: pick(r["title"], r["title_en"]) + "\n" + details(r),
    )


def _task_details(row: dict[str, Any]) -> str:
    """Status (with progress while under way) and assignee: 'in progress 40%, 王芳'."""
    status = status_name(row["status"])
    if row["status"] in ("in_progress", "blocked"):
        status += f" {row['progress']}%"
    return _(", ").join([status, *([row["assignee"]] if row.get("assignee") else [])])


def _task_details_with_due(row: dict[str, Any]) -> str:
    """`_task_details` with the due date: 'in progress 40%, due 2024-12-31, 王芳'."""
    due = (_("overdue since {date}") if row.get("overdue") else _("due {date}")).format(
        date=row.get("due") or "-"
    )
    status, *assignee = _task_details(row).split(_(", "), 1)
    return _(", ").join([status, due, *assignee])


def _status_column() -> Column:
    return Column("status", _("Status"), show=lambda r: status_name(r["status"]))


def _compact_list_columns() -> list[Column]:
    """ID, task, status, percentage, light, assignee, due: what fits 90 to 140 columns with room
    for titles."""
    return [
        Column("id", _("ID")),
        _task_column(),
        _status_column(),
        Column("progress", _("Progress"), align="right", show=_percent),
        light_column(),
        Column("assignee", _("Assignee"), wrap=True),
        _due_column(),
    ]


def shown_value(field: str, value: Any) -> str:
    """An event's old or new value as a person reads it: status names, percentages, counts."""
    if field == "status" and isinstance(value, str):
        return status_name(value)
    if field == "progress" and isinstance(value, int):
        return f"{value}%"
    if field == "tasks" and isinstance(value, str) and value.startswith("added "):
        return _("{count} added").format(count=value.removeprefix("added "))
    return _value(value)


def history_columns(*, ascii_only: bool = False, width: int | None = None) -> list[Column]:
    """The history table; `ascii_only` draws the arrow as '->' (the arrow is double-width in
    terminals that draw box lines double-width); narrower than HISTORY_COMPACT_BELOW, compact."""
    arrow = "->" if ascii_only else "→"
    if width is not None and width < SMALL_BELOW:
        return _small_history_columns(arrow)
    if width is not None and width < HISTORY_COMPACT_BELOW:
        return _compact_history_columns(arrow)
    return [
        Column("at", _("When")),
        Column("by", _("Who")),
        Column("task", _("Task"), show=lambda r: r.get("task") or "-"),
        Column("action", _("Action"), show=lambda r: action_name(r["action"])),
        Column("field", _("Field"), show=lambda r: field_name(r["field"])),
        Column(
            "values",
            _("Change"),
            show=lambda r: (
                f"{shown_value(r['field'], r['old'])} {arrow} {shown_value(r['field'], r['new'])}"
            ),
            wrap=True,
        ),
    ]


def _what_changed(row: dict[str, Any]) -> str:
    """The field, and the action only where the field does not tell it."""
    name = field_name(row["field"])
    if row["action"] in ("undo", "load", "unassign"):
        return f"{action_name(row['action'])} {name}"
    return name


def _compact_history_columns(arrow: str) -> list[Column]:
    """When (the time under the date), who, task, what (the action only where the field does not
    tell it), change."""

    return [
        Column("at", _("When"), show=lambda r: str(r["at"])[:16].replace("T", "\n")),
        Column("by", _("Who"), wrap=True),
        Column("task", _("Task"), show=lambda r: r.get("task") or "-"),
        Column("field", _("Field"), show=_what_changed, wrap=True),
        Column(
            "values",
            _("Change"),
            show=lambda r: (
                f"{shown_value(r['field'], r['old'])} {arrow} {shown_value(r['field'], r['new'])}"
            ),
            wrap=True,
        ),
    ]


def _small_history_columns(arrow: str) -> list[Column]:
    """When, and the change with the task, the field and who above it."""

    def change(row: dict[str, Any]) -> str:
        what = _(", ").join([row.get("task") or "-", _what_changed(row), str(row["by"])])
        values = f"{shown_value(row['field'], row['old'])} {arrow} "
        return f"{what}\n{values}{shown_value(row['field'], row['new'])}"

    return [
        Column("at", _("When"), show=lambda r: str(r["at"])[:16].replace("T", "\n")),
        Column("values", _("Change"), show=change, wrap=True),
    ]


def action_name(action: str) -> str:
    return {
        "assign": _("assign"),
        "unassign": _("unassign"),
        "update": _("update"),
        "done": _("done"),
        "note": _("note"),
        "undo": _("undo"),
        "load": _("load"),
        "import": _("import"),
        "edit": _("hand edit"),
    }.get(action, action)


def field_name(name: str) -> str:
    return {
        "status": _("status"),
        "progress": _("progress"),
        "assignee": _("assignee"),
        "unit": _("lead unit"),
        "cooperating": _("cooperating units"),
        "due": _("due"),
        "note": _("note"),
        "archived": _("archived"),
        "title": _("title"),
        "title_en": _("English title"),
        "source": _("source text"),
        "places": _("places"),
        "partners": _("partners"),
        "plan_due": _("plan due date"),
        "plan_unit": _("plan lead unit"),
        "plan_start": _("plan start date"),
        "index": _("index"),
        "plan": _("plan"),
        "tasks": _("tasks"),
    }.get(name, name)


def _index_name(row: dict[str, Any]) -> str:
    return pick(row.get("name"), row.get("name_en"))


def summary_columns(
    *, bars: bool, ascii_only: bool = False, width: int | None = None
) -> list[Column]:
    """`lianta summary`: one row per index, counts by status, % done and average progress; on a
    terminal narrower than COMPACT_BELOW, the compact form."""
    if width is not None and width < SMALL_BELOW:
        return _small_summary_columns()
    if width is not None and width < NARROW_BELOW:
        return _narrow_summary_columns()
    if width is not None and width < COMPACT_BELOW:
        return _compact_summary_columns()
    bars = bars and (width is None or width >= BARS_FROM)
    progress = (
        (lambda r: bar(r["progress"], ascii_only=ascii_only))
        if bars
        else (lambda r: f"{r['progress']:.1f}%")
    )
    return [
        Column("index", "#", align="right"),
        Column("name", _("Index"), show=_index_name, wrap=True),
        Column("total", _("Tasks"), align="right"),
        Column("todo", _("To do"), align="right"),
        Column("in_progress", _("In progress"), align="right"),
        Column("blocked", _("Blocked"), align="right"),
        Column("done", _("Done"), align="right"),
        Column(
            "percent_done", _("% done"), align="right", show=lambda r: f"{r['percent_done']:.1f}"
        ),
        Column("progress", _("Progress"), align="right", show=progress),
        Column("overdue", _("Overdue"), align="right"),
        Column("unassigned", _("Unassigned"), align="right"),
        light_counts_column(),
    ]


def light_counts_column() -> Column:
    """How many tasks show each light, red first as a supervisor reads them: '2/5/33'."""
    return Column(
        "lights", _("R/Y/G"), align="right", show=lambda r: f"{r['red']}/{r['yellow']}/{r['green']}"
    )


def unit_summary_columns() -> list[Column]:
    """`lianta summary --by unit`: what each unit leads and cooperates on, and how it stands."""
    return [
        Column("unit", _("Unit"), show=lambda r: r["unit"] or _("(no lead unit)"), wrap=True),
        Column("total", _("Tasks"), align="right"),
        Column("leads", _("Leads"), align="right"),
        Column("supports", _("Cooperates on"), align="right"),
        Column("blocked", _("Blocked"), align="right"),
        Column("done", _("Done"), align="right"),
        Column("progress", _("Progress"), align="right", show=lambda r: f"{r['progress']:.1f}%"),
        Column("overdue", _("Overdue"), align="right"),
        light_counts_column(),
    ]


def _compact_summary_columns() -> list[Column]:
    """Index, tasks, done, blocked, overdue, average progress: what fits 60 columns."""
    return [
        Column("name", _("Index"), show=_index_name, wrap=True),
        Column("total", _("Tasks"), align="right"),
        Column("done", _("Done"), align="right"),
        Column("blocked", _("Blocked"), align="right"),
        Column("overdue", _("Overdue"), align="right"),
        light_counts_column(),
        Column("progress", _("Progress"), align="right", show=_average),
    ]


def _done_of_total(row: dict[str, Any]) -> str:
    return f"{row['done']}/{row['total']}"


def _average(row: dict[str, Any]) -> str:
    return f"{row['progress']:.0f}%"


def _narrow_summary_columns() -> list[Column]:
    """Index, done of the tasks, blocked, overdue, average progress: fits 60 columns with the
    longest word of an index name whole."""
    return [
        Column("name", _("Index"), show=_index_name, wrap=True),
        Column("done", _("Done"), align="right", show=_done_of_total),
        Column("blocked", _("Blocked"), align="right"),
        Column("overdue", _("Overdue"), align="right"),
        Column("progress", _("Progress"), align="right", show=_average),
    ]


def _small_summary_columns() -> list[Column]:
    """Index (blocked and overdue under its name, when there are any), done of the tasks,
    average progress: fits 40 columns."""

    def name(row: dict[str, Any]) -> str:
        counts = [
            text.format(n=row[key])
            for key, text in (("blocked", _("{n} blocked")), ("overdue", _("{n} overdue")))
            if row.get(key)
        ]
        return _index_name(row) + ("\n" + _(", ").join(counts) if counts else "")

    return [
        Column("name", _("Index"), show=name, wrap=True),
        Column("done", _("Done"), align="right", show=_done_of_total),
        Column("progress", _("Progress"), align="right", show=_average),
    ]


def signed(value: float, decimals: int) -> str:
    """A change with its sign: '+3', '-1.5', and '0' (or '0.0') for none."""
    return f"{0:.{decimals}f}" if value == 0 else f"{value:+.{decimals}f}"


def weekly_index_columns() -> list[Column]:
    """The per-index table of `lianta report weekly`: tasks blocked at the end, done and average
    progress, start to end."""
    return [
        Column("index", "#", align="right"),
        Column("name", _("Index"), show=_index_name),
        Column("tasks", _("Tasks"), align="right"),
        Column("blocked_end", _("Blocked at end"), align="right"),
        Column("done_start", _("Done at start"), align="right"),
        Column("done_end", _("Done at end"), align="right"),
        Column(
            "done_change",
            _("Change in tasks done"),
            align="right",
            show=lambda r: signed(r["done_change"], 0),
        ),
        Column(
            "progress_start",
            _("Progress at start"),
            align="right",
            show=lambda r: f"{r['progress_start']:.1f}%",
        ),
        Column(
            "progress_end",
            _("Progress at end"),
            align="right",
            show=lambda r: f"{r['progress_end']:.1f}%",
        ),
        Column(
            "progress_change",
            _("Change in progress (points)"),
            align="right",
            show=lambda r: signed(r["progress_change"], 1),
        ),
        light_counts_column(),
    ]
