"""The columns of each report, shared by the terminal table, the piped table, CSV and Markdown."""

from __future__ import annotations

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
    "due",
    "overdue",
    "updated",
)
LIST_JSON_KEYS = (*LIST_KEYS, "archived")
"""The keys of each task in `lianta list --format json`."""
HISTORY_KEYS = EVENT_KEYS
COMPACT_BELOW = 120
"""Terminals narrower than this get the compact `list` table (no index or unit, no bar)."""
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
    """The `list` table; on a terminal narrower than COMPACT_BELOW, the compact form."""
    if width is not None and width < COMPACT_BELOW:
        return _compact_list_columns()
    progress = (lambda r: bar(r["progress"], ascii_only=ascii_only)) if bars else _percent
    return [
        Column("id", _("ID")),
        Column("index_code", _("Index")),
        _task_column(),
        _status_column(),
        Column("progress", _("Progress"), align="right", show=progress),
        Column("assignee", _("Assignee"), wrap=True),
        Column("unit", _("Unit"), wrap=True),
        _due_column(),
    ]


def _task_column() -> Column:
    return Column("title", _("Task"), wrap=True, show=lambda r: pick(r["title"], r["title_en"]))


def _status_column() -> Column:
    return Column("status", _("Status"), show=lambda r: status_name(r["status"]))


def _compact_list_columns() -> list[Column]:
    """ID, task, status, percentage, assignee, due: what fits 80 columns with room for titles."""
    return [
        Column("id", _("ID")),
        _task_column(),
        _status_column(),
        Column("progress", _("Progress"), align="right", show=_percent),
        Column("assignee", _("Assignee"), wrap=True),
        _due_column(),
    ]


def _shown_value(field: str, value: Any) -> str:
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
                f"{_shown_value(r['field'], r['old'])} {arrow} {_shown_value(r['field'], r['new'])}"
            ),
            wrap=True,
        ),
    ]


def _compact_history_columns(arrow: str) -> list[Column]:
    """When (the time under the date), who, task, what (the action only where the field does not
    tell it), change."""

    def what(row: dict[str, Any]) -> str:
        name = field_name(row["field"])
        if row["action"] in ("undo", "load", "unassign"):
            return f"{action_name(row['action'])} {name}"
        return name

    return [
        Column("at", _("When"), show=lambda r: str(r["at"])[:16].replace("T", "\n")),
        Column("by", _("Who"), wrap=True),
        Column("task", _("Task"), show=lambda r: r.get("task") or "-"),
        Column("field", _("Field"), show=what, wrap=True),
        Column(
            "values",
            _("Change"),
            show=lambda r: (
                f"{_shown_value(r['field'], r['old'])} {arrow} {_shown_value(r['field'], r['new'])}"
            ),
            wrap=True,
        ),
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
        "edit": _("hand edit"),
    }.get(action, action)


def field_name(name: str) -> str:
    return {
        "status": _("status"),
        "progress": _("progress"),
        "assignee": _("assignee"),
        "unit": _("unit"),
        "due": _("due"),
        "note": _("note"),
        "archived": _("archived"),
        "title": _("title"),
        "title_en": _("English title"),
        "source": _("source text"),
        "places": _("places"),
        "partners": _("partners"),
        "plan_due": _("plan due date"),
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
    if width is not None and width < COMPACT_BELOW:
        return _compact_summary_columns()
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
    ]


def _compact_summary_columns() -> list[Column]:
    """Index, tasks, done, blocked, overdue, average progress: what fits 60 columns."""
    return [
        Column("name", _("Index"), show=_index_name, wrap=True),
        Column("total", _("Tasks"), align="right"),
        Column("done", _("Done"), align="right"),
        Column("blocked", _("Blocked"), align="right"),
        Column("overdue", _("Overdue"), align="right"),
        Column("progress", _("Progress"), align="right", show=lambda r: f"{r['progress']:.0f}%"),
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
    ]
