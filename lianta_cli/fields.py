"""The names stored data is made of: task statuses, which task fields come from the plan file,
the keys of an event. No imports: every layer can use them at no cost."""

STATUSES = ("todo", "in_progress", "blocked", "done")

TASK_PLAN_FIELDS = (
    "index",
    "title",
    "title_en",
    "source",
    "places",
    "partners",
    "plan_due",
    "plan_unit",
    "plan_start",
)
"""Fields of a stored task that come from the plan file (the rest is tracking state)."""

EVENT_KEYS = (
    "seq",
    "change",
    "at",
    "by",
    "plan",
    "task",
    "action",
    "field",
    "old",
    "new",
    "undo_of",
)
"""The keys of every event as output (history rows and the events of a change result)."""

TRACKING_FIELDS = ("status", "progress", "assignee", "unit", "cooperating", "due")
"""Fields a coordinator changes; every change to one of them is an event in the history."""
