"""What the shell offers when a user presses Tab: the completion callbacks of the command
line's options and arguments. Commands and option names Typer completes itself; the values
come from here: statuses, formats and sorts, and from the store (read as every command reads
it) task ids with their titles, index codes, plans (year, area), assignees and units.

A callback gets the context of the command being typed (`ctx`, with its --db, --plan and
--lang so far) and returns the choices; Typer keeps those starting with what is typed. It never
fails aloud: a message would land in the middle of the command line being typed.

`cli` hands these callbacks to Typer only when the shell asks for completions. Annotations
here are objects, not strings (no `from __future__ import annotations`): Typer reads the
signature of every callback before it completes anything, and strings would be evaluated first.
"""

from collections.abc import Callable
from typing import Any

from . import stored_plans, tracker
from .commands import Env, make_env
from .fields import STATUSES
from .i18n import pick
from .store import Store

Choices = list[str] | list[tuple[str, str]]
"""Values, or values with a description (which zsh, fish and PowerShell show beside them)."""


def _quietly(choices: Callable[[], Choices]) -> Choices:
    try:
        return choices()
    except Exception:  # a damaged, locked or missing store, a bad --db or --lang: offer nothing
        return []


def _env(ctx: Any) -> Env:
    """The environment the command being typed would have (its --db, --plan and --lang as the
    parser left them, before Typer's conversion)."""
    db, plan, lang = (ctx.params.get(name) for name in ("db", "plan", "lang"))
    return make_env(str(db) if db else None, str(plan) if plan else None, lang)


def fixed(*values: str) -> Callable[[], list[str]]:
    """The same values every time (formats, sorts, languages)."""
    return lambda: list(values)


def files() -> list[str]:
    """No values of ours: every shell then offers file names."""
    return []


def statuses() -> list[tuple[str, str]]:
    from .views import status_name

    return [(status, status_name(status)) for status in STATUSES]


def task_ids(*, groups: bool, archived: bool) -> Callable[[Any], Choices]:
    """The plan's task ids with their titles; with `groups` the index codes too (they name
    every task of an index); with `archived` the tasks that left the plan too."""

    def complete(ctx: Any) -> Choices:
        def choices() -> list[tuple[str, str]]:
            env = _env(ctx)
            store = env.reading()
            year = tracker.select_plan(store, env.plan, env.clock.today())
            tasks = tracker.plan_tasks(store, year, archived=archived)
            ids = [(doc["id"], pick(doc["title"], doc["title_en"])) for doc in tasks]
            return ids + _index_codes(env) if groups else ids

        return _quietly(choices)

    return complete


def _index_codes(env: Env) -> list[tuple[str, str]]:
    store = env.reading()
    plan = tracker.plan_docs(store)[tracker.select_plan(store, env.plan, env.clock.today())]
    return [(index["code"], pick(index["name"], index["name_en"])) for index in plan["indices"]]


def indices(ctx: Any) -> Choices:
    """The plan's index codes with their names."""
    return _quietly(lambda: _index_codes(_env(ctx)))


def plans(ctx: Any) -> Choices:
    """The plans in the store (2024, liantang/2024) with their names, their areas, and 'all'
    when there are several."""
    return _quietly(lambda: _plans(_env(ctx).reading()))


def _plans(store: Store) -> list[tuple[str, str]]:
    docs = stored_plans.plan_docs(store)
    keys = sorted(docs)
    areas = sorted({key.area for key in keys if key.area})
    shown = [(str(key), stored_plans.plan_name(docs[key])) for key in keys]
    every = [(stored_plans.ALL, "")] if len(keys) > 1 else []
    return shown + [(area, "") for area in areas] + every


def assignees(ctx: Any) -> Choices:
    """The people the plan's tasks are assigned to."""
    return _quietly(lambda: _names(_env(ctx), "assignee"))


def units(ctx: Any) -> Choices:
    """The units of the plan's tasks."""
    return _quietly(lambda: _names(_env(ctx), "unit"))


def _names(env: Env, field: str) -> list[str]:
    store = env.reading()
    tasks = tracker.plan_tasks(store, tracker.select_plan(store, env.plan, env.clock.today()))
    return sorted({doc[field] for doc in tasks if doc.get(field)})
