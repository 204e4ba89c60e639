"""What a command does once its options are known: the environment (store, plan year, clock,
user, display), one call into the domain, and its result formatted: data on stdout, messages on
stderr. `cli` turns the command line into these calls."""

import contextlib
import errno
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from . import doctor, integrity, plan_load, tracker, undo
from .clock import Clock, parse_day
from .errors import InputError, LiantaError
from .export import Column, dumps_json, to_csv, to_markdown
from .i18n import _, detect_language, plural, set_language
from .lock import retried
from .models import PlanKey
from .store import (
    Store,
    describe,
    is_database,
    open_store,
    refuse_if_lost,
    shown_location,
    store_file,
    store_location,
)
from .stored_plans import covers_all
from .terminal import (
    check_bom,
    info,
    out,
    out_csv,
    rich_width,
    show_lines,
    show_table,
)
from .views import LIST_JSON_KEYS, LIST_KEYS, field_name, headers, list_columns


def fail(message: str, details: Sequence[str] = (), prefix: str = "lianta: ") -> None:
    from .export import one_line  # a value echoed in a message must not drive the terminal

    extra = [d for d in details if d != message]
    print(prefix + one_line(message), file=sys.stderr)
    for line in extra:
        print(prefix + one_line(line), file=sys.stderr)


T = TypeVar("T")


class Env(NamedTuple):
    """What every command needs: the store (a file path or a database URL), the plan, the
    clock, the user, the display."""

    db: Path | str
    plan: str | None
    """What --plan says: a year, an area, area/year or all (None: the plan running today)."""
    clock: Clock
    user: str
    ascii_only: bool
    explicit: bool = False
    """The store was named (--db, LIANTA_DB), not found at the default location."""

    def check_exists(self) -> None:
        """A store named by --db or LIANTA_DB must exist: a mistyped path is not a new, empty
        store. Only the default location is made on first use; `load` makes a store anywhere.
        (A database without lianta's schema is refused by its engine: 'lianta db init' makes
        one.)"""
        if not self.explicit or is_database(self.db):
            return
        path = store_file(Path(self.db))
        if os.path.lexists(path):
            return
        refuse_if_lost(path)
        raise InputError(
            _(
                "store {path} does not exist; check --db or LIANTA_DB, or make a new store "
                "there with 'lianta load --db {path}'"
            ).format(path=self.db)
        )

    def acting(self, store: Store) -> str:
        """Who makes the command's changes: the store's user (a database's login), else
        `user` (LIANTA_USER or the system's)."""
        return store.user or self.user

    @contextlib.contextmanager
    def writing(self, *, loading: bool = False) -> Iterator[Store]:
        """The store locked for a change; the bundled plan is loaded first into an empty store
        (not when `loading` a plan file, which may also make a new store anywhere)."""
        if not loading:
            self.check_exists()
        loaded = None
        with saving(self.db) as store:
            integrity.check_store(store)
            if not store.as_saved:  # changed since lianta saved it: check it all
                doctor.check_history(store)
            if not loading:
                loaded = plan_load.ensure_plan(store, self.clock, self.acting(store))
            yield store
        if loaded is not None:  # said only once it is saved: a failed command saves nothing
            note_autoload(self.db, loaded)

    def change(self, work: Callable[[Store, str], T], *, loading: bool = False) -> T:
        """`work(store, acting user)` as one change of the store (see `writing`), run again
        when a database says another command got to the same tasks first (`lock.retried`)."""

        def attempt() -> T:
            with self.writing(loading=loading) as store:
                return work(store, self.acting(store))

        return retried(attempt)

    def reading(self) -> Store:
        """A snapshot to read. On an empty store the bundled plan is loaded into the snapshot,
        and saved only once the command has succeeded: bad input leaves no store behind."""
        self.check_exists()
        with open_store(self.db, write=False) as store:
            integrity.check_store(store)
            if plan_load.ensure_plan(store, self.clock, self.acting(store)) is not None:
                PENDING_LOADS.append(self)
            return store


@contextlib.contextmanager
def saving(db: Path | str, *, write: bool = True) -> Iterator[Store]:
    """`open_store`, noting a save in SAVED: an error after it must say the change was saved."""
    opened: Store | None = None
    last_change = 0
    try:
        with open_store(db, write=write) as store:
            opened = store
            yield store
            last_change = int(store.read("meta").get(1, {}).get("last_change", 0))
    finally:
        if opened is not None and opened.saved:
            SAVED.append(last_change)


PENDING_LOADS: list[Env] = []
"""Read commands that ran on the bundled plan loaded in memory; saved when they succeed."""
SAVED: list[int] = []
"""The change saved by the running command, for any failure after it (which must not claim
that nothing was saved)."""


def save_pending_loads() -> None:
    while PENDING_LOADS:
        env = PENDING_LOADS.pop()
        env.change(lambda _store, _user: None)  # loads the bundled plan for good (unless
        # another command just did)


def note_autoload(db: Path | str, loaded: plan_load.LoadResult) -> None:
    message = _("loaded the bundled {year} plan ({count} tasks) into {db}").format(
        year=loaded.plan, count=len(loaded.added), db=shown_location(db)
    )
    print("lianta: " + message, file=sys.stderr)


def make_env(
    db: str | None, plan: str | None, lang: str | None = None, ascii_only: bool = False
) -> Env:
    if lang is not None:
        set_language(detect_language(lang))
    return Env(
        db=store_location(db),
        plan=plan,
        clock=Clock.from_env(),
        user=tracker.current_user(),
        ascii_only=ascii_only or os.environ.get("LIANTA_ASCII", "") not in ("", "0"),
        explicit=db is not None or bool(os.environ.get("LIANTA_DB", "").strip()),
    )


FORMATS_ALL = ("table", "json", "csv", "md")
REPORT_FORMATS = ("md", "json", "csv", "html", "pdf")


def check_format(value: str, allowed: Sequence[str]) -> str:
    fmt = value.strip().lower()
    if fmt == "markdown":
        fmt = "md"
    if fmt not in allowed:
        raise InputError(
            _("--format {value}: use one of {formats}").format(
                value=value, formats=", ".join(allowed)
            )
        )
    return fmt


def run_list(
    env: Env, query: tracker.TaskQuery, *, fmt: str, limit: int | None, bom: bool | None = None
) -> None:
    """`lianta list`: the tasks `query` selects, in format `fmt`, at most `limit` rows."""
    fmt = check_format(fmt, FORMATS_ALL)
    check_bom(fmt, bom)
    if limit is not None and limit < 0:
        raise InputError(_("--limit {limit}: must be 0 (all) or more").format(limit=limit))
    store = env.reading()
    year = tracker.select_plan(store, env.plan, env.clock.today())
    query.sort = query.sort.strip().lower()
    cap = limit if limit is not None else (100 if fmt == "table" else 0)
    rows, total = tracker.list_tasks(store, year, query, env.clock.today(), cap)
    if fmt == "json":
        out(dumps_json([{key: row[key] for key in LIST_JSON_KEYS} for row in rows]))
    elif fmt == "csv":
        out_csv(to_csv(rows, LIST_KEYS, headers(LIST_KEYS)), bom)
    elif fmt == "md":
        out(to_markdown(rows, list_columns(bars=False)))
    else:
        caption = _("{tasks} · {year} plan · as of {today}").format(
            tasks=_tasks_shown(len(rows), total), year=year, today=env.clock.today()
        )
        period = plan_period_note(store, year, env.clock.today())
        if period:
            caption += "\n" + period
        columns = list_columns(bars=True, ascii_only=env.ascii_only, width=rich_width())
        show_table(rows, columns, env, caption=caption)
    if len(rows) < total:
        info(
            _("showing {shown} of {total} tasks; --limit 0 shows all").format(
                shown=len(rows), total=total
            )
        )


def _tasks_shown(shown: int, total: int) -> str:
    if total == 0:
        return _("no tasks")
    if shown < total:
        return _("{shown} of {total} tasks").format(shown=shown, total=total)
    return plural(total, _("1 task"), _("{count} tasks"))


def plan_period_note(store: Store, year: PlanKey, today: date) -> str | None:
    """'The 2024 plan ended on 2024-12-31.' (or begins on ...) when today is outside its period."""
    from .report import period_note

    plan = tracker.plan_docs(store)[year]
    day = today.isoformat()
    return period_note(year, str(plan.get("start") or ""), str(plan["end"]), day, day, day)


def run_summary(env: Env, *, fmt: str, by: str = "index", bom: bool | None = None) -> None:
    """`lianta summary`: one row per index of the plan (or per unit), and the total."""
    from . import report
    from .report_text import aim_lines, summary_csv
    from .views import summary_columns

    fmt = check_format(fmt, FORMATS_ALL)
    check_bom(fmt, bom)
    if by.strip().lower() not in ("index", "unit"):
        raise InputError(_("--by {value}: use index or unit").format(value=by))
    if covers_all(env.plan):
        from . import district_commands

        return district_commands.run_summary(env, fmt=fmt, by=by, bom=bom)
    store = env.reading()
    today = env.clock.today()
    year = tracker.select_plan(store, env.plan, today)
    if by.strip().lower() == "unit":
        by_unit = report.summary_by_unit(store, year, today)
        if fmt == "json":
            out(dumps_json(by_unit.as_dict()))
        elif fmt == "csv":
            out_csv(summary_csv(by_unit), bom)
        else:
            _show_unit_summary(env, by_unit, fmt)
        return
    result = report.summary(store, year, today)
    if fmt == "json":
        out(dumps_json(result.as_dict()))
        return
    if fmt == "csv":
        out_csv(summary_csv(result), bom)
        return
    total = {"index": None, "name": _("Total"), "name_en": _("Total"), **result.total}
    lines = [_("{year} plan · as of {today}").format(year=year, today=result.as_of)]
    lines += result.notes()
    aims = aim_lines(result.indices, markdown=fmt == "md")
    if fmt == "md":
        out(to_markdown([*result.indices, total], summary_columns(bars=False)))
        out("".join("\n" + line + "\n" for line in lines))
        out("".join(["\n", *(line + "\n" for line in aims)]) if aims else "")
        return
    columns = summary_columns(bars=True, ascii_only=env.ascii_only, width=rich_width())
    show_table(result.indices, columns, env, caption="\n".join(lines), footer=total)
    if aims:
        show_lines(["", *aims])


def _show_unit_summary(env: Env, result: Any, fmt: str) -> None:
    from .views import unit_summary_columns

    total = {"unit": _("Total"), "leads": None, "supports": None, **result.total}
    caption = _("{year} plan · as of {today}").format(year=result.plan, today=result.as_of)
    if fmt == "md":
        out(to_markdown([*result.units, total], unit_summary_columns()))
        out("\n" + caption + "\n")
        return
    show_table(result.units, unit_summary_columns(), env, caption=caption, footer=total)


def failure_code(error: BaseException) -> int:
    """Report a command's failure as one line on stderr, never a traceback; its exit status.

    A failure after the command saved its change (a full disk under the JSON on stdout, a
    Ctrl-C once the file was in place) says the change was saved, so that a script does not
    make it twice."""
    if interrupted(error):
        error = KeyboardInterrupt()
    if isinstance(error, BrokenPipeError | OSError):
        _drop_stdout()  # whatever is left in its buffer would fail again at exit
    if isinstance(error, BrokenPipeError):
        return 0
    if isinstance(error, LiantaError):
        fail(str(error), error.details)
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        fail(_("interrupted; {outcome}").format(outcome=_outcome()))
        return 130
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else _("cannot write the output: ")
        fail(
            _("{where}{reason}; {outcome}").format(
                where=where, reason=describe(error), outcome=_outcome()
            )
        )
        return 2 if error.errno == errno.ENAMETOOLONG else 1  # a name given is too long
    if os.environ.get("LIANTA_DEBUG"):
        raise error
    fail(
        _("internal error ({kind}: {error}); {outcome}; LIANTA_DEBUG=1 shows details").format(
            kind=type(error).__name__, error=error, outcome=_outcome()
        )
    )
    return 1


def interrupted(error: BaseException) -> bool:
    """Whether `error` is a Ctrl-C, or came of one: Python 3.11 turns a KeyboardInterrupt that
    lands while a class is being made (an import) into a RuntimeError caused by it."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _outcome() -> str:
    """What a failed command leaves behind: nothing, or the change it saved before it failed."""
    if not SAVED:
        return _("nothing was changed")
    return _("the change was saved (change {change}; 'lianta history' shows it)").format(
        change=SAVED[-1]
    )


def _drop_stdout() -> None:
    with contextlib.suppress(OSError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115


def report_change(
    result: tracker.ChangeResult, fmt: str, what: str, year: PlanKey | None = None
) -> None:
    """The confirmation of a change; it names the plan's `year` when given (a store of several
    plans)."""
    for warning in result.warnings:
        info(_("lianta: warning: {warning}").format(warning=warning))
    if fmt == "json":
        out(dumps_json(result.as_dict()))
        return
    if not result.events:
        info(_("nothing changed"))
        return
    message = (
        _("{what} {ids} (change {change}; 'lianta undo' reverts it)")
        if year is None
        else _("{what} {ids} in the {year} plan (change {change}; 'lianta undo' reverts it)")
    )
    info(message.format(what=what, ids=", ".join(result.tasks), change=result.change, year=year))


def run_update(
    env: Env,
    ids: Sequence[str],
    *,
    status: str | None,
    progress: int | None,
    due: str | None,
    note: str | None,
    fmt: str,
) -> None:
    """`lianta update`: status, progress, due date and/or a note, on every id or on none."""
    fmt = check_format(fmt, ("text", "json"))
    clear_due = due is not None and due.strip().lower() in ("none", "")
    due_date = parse_day(due, "--due") if due is not None and not clear_due else None
    _change(
        env,
        fmt,
        _("updated"),
        lambda store, year, user: tracker.update(
            store,
            year,
            ids,
            env.clock,
            user,
            status=status,
            progress=progress,
            due=due_date,
            clear_due=clear_due,
            note=note,
        ),
    )


def run_done(env: Env, ids: Sequence[str], *, note: str | None, fmt: str) -> None:
    """`lianta done`: mark tasks done (progress 100)."""
    fmt = check_format(fmt, ("text", "json"))
    _change(
        env,
        fmt,
        _("done:"),
        lambda store, year, user: tracker.update(
            store, year, ids, env.clock, user, status="done", note=note, action="done"
        ),
    )


def _change(
    env: Env,
    fmt: str,
    what: str,
    make: Callable[[Store, PlanKey, str], tracker.ChangeResult],
) -> None:
    """A change made by `make(store, year, acting user)` (see `Env.change`), reported as `what`
    (a change command's `fmt` is checked before anything is read)."""

    def work(store: Store, user: str) -> tuple[tracker.ChangeResult, PlanKey | None]:
        year = tracker.select_plan(store, env.plan, env.clock.today())
        several = len(tracker.plan_docs(store)) > 1
        return make(store, year, user), year if several else None

    result, year = env.change(work)
    report_change(result, fmt, what, year)


def run_show(env: Env, task_id: str, *, fmt: str) -> None:
    """`lianta show`: every field of one task, its notes and its history."""
    from .i18n import pick
    from .views import bar, history_columns, light_name, status_name

    fmt = check_format(fmt, ("table", "json"))
    store = env.reading()
    year = tracker.select_plan(store, env.plan, env.clock.today())
    task = tracker.show_task(store, year, task_id, env.clock.today())
    if fmt == "json":
        out(dumps_json(task))
        return
    behind = _("expected {expected}%, {lag} points behind: {light}")
    ahead = _("expected {expected}%, {ahead} points ahead: {light}")
    schedule = (ahead if task["lag"] < 0 else behind).format(
        expected=task["expected_progress"],
        lag=task["lag"],
        ahead=-task["lag"],
        light=light_name(task["light"]),
    )
    fields = [
        (_("Task"), f"{task['id']}  {pick(task['title'], task['title_en'])}"),
        (
            _("Index"),
            f"{task['index']} {task['index_code']}  "
            + pick(task["index_name"], task["index_name_en"]),
        ),
        *(
            [(_("Aim of the index"), pick(task["index_aim"], task["index_aim_en"]))]
            if task["index_aim"]
            else []
        ),
        (
            _("Status"),
            status_name(task["status"]) + ("  " + _("(archived)") if task["archived"] else ""),
        ),
        (_("Progress"), bar(task["progress"], ascii_only=env.ascii_only)),
        (_("Schedule"), schedule),
        (_("Assignee"), task["assignee"] or "-"),
        (_("Lead unit"), _own_or_plan(task["unit"], task["own_unit"], task["plan_unit"])),
        (
            _("Cooperating units"),
            _own_or_plan(
                ", ".join(task["cooperating"]),
                task["own_cooperating"],
                ", ".join(task["partners"]),
            ),
        ),
        (_("Due"), task["due"] + ("  " + _("overdue") if task["overdue"] else "")),
        (_("Updated"), task["updated"]),
        (_("Places"), ", ".join(task["places"]) or "-"),
        (_("Source"), task["source"]),
        (_("Title (other language)"), pick(task["title_en"], task["title"])),
    ]
    rows = [{"field": k, "value": v} for k, v in fields]
    columns = [Column("field", _("Field")), Column("value", _("Value"), wrap=True)]
    show_table(rows, columns, env, title=f"{task['id']} · {year}")
    if task["notes"]:
        notes = [{"at": n["at"], "by": n["by"], "text": n["text"]} for n in task["notes"]]
        show_table(
            notes,
            [Column("at", _("When")), Column("by", _("Who")), Column("text", _("Note"), wrap=True)],
            env,
            title=_("Notes"),
        )
    if task["history"]:
        show_table(
            task["history"],
            history_columns(ascii_only=env.ascii_only, width=rich_width()),
            env,
            title=_("History"),
        )


def _own_or_plan(shown: str, own: Any, plan: str | None) -> str:
    """A value and, when the coordinator's choice stands instead of the plan's, the plan's."""
    if own is not None and plan and plan != shown:
        return _("{value} (the plan says {plan})").format(value=shown or "-", plan=plan)
    return shown or "-"


def run_history(
    env: Env,
    task_id: str | None,
    *,
    since: str | None,
    until: str | None,
    limit: int | None,
    fmt: str,
    bom: bool | None = None,
) -> None:
    """`lianta history`: what changed, when and by whom (oldest first)."""
    from .views import HISTORY_KEYS, history_columns

    fmt = check_format(fmt, FORMATS_ALL)
    check_bom(fmt, bom)
    start = parse_day(since, "--since") if since else None
    end = parse_day(until, "--until") if until else None
    if limit is not None and limit < 0:
        raise InputError(_("--limit {limit}: must be 0 (all) or more").format(limit=limit))
    store = env.reading()
    year = tracker.select_plan(store, env.plan, env.clock.today())
    rows = tracker.history(store, year, task_id, start, end)
    if limit:
        rows = rows[-limit:]
    if fmt == "json":
        out(dumps_json(rows))
    elif fmt == "csv":
        out_csv(to_csv(rows, HISTORY_KEYS, headers(HISTORY_KEYS)), bom)
    elif fmt == "md":
        out(to_markdown(rows, history_columns()))
    else:
        events = plural(len(rows), _("1 event"), _("{count} events"))
        caption = _("{events} · {year} plan").format(events=events, year=year)
        columns = history_columns(ascii_only=env.ascii_only, width=rich_width())
        show_table(rows, columns, env, caption=caption)


def run_undo(env: Env, *, anyone: bool, before_load: bool, dry_run: bool, fmt: str) -> None:
    """`lianta undo`: revert the user's most recent change (with `anyone`, anybody's; with
    `dry_run`, say which it would be)."""
    fmt = check_format(fmt, ("text", "json"))

    def work(store: Store, user: str) -> tuple[tracker.ChangeResult, bool]:
        result = undo.undo(
            store, env.clock, user, anyone=anyone, before_load=before_load, dry_run=dry_run
        )
        return result, len(tracker.plan_docs(store)) > 1

    if dry_run:
        store = env.reading()
        result, several = work(store, env.acting(store))
    else:
        result, several = env.change(work)
    undone = result.undone
    assert undone is not None
    if fmt == "json":
        out(
            dumps_json(
                {
                    **result.as_dict(),
                    "undid": result.undid,
                    "undone": undone.as_dict(),
                    "dry_run": dry_run,
                }
            )
        )
        return
    from .views import action_name

    ids = ", ".join(undone.tasks)
    if several:
        ids = _("{ids} of the {year} plan").format(ids=ids, year=undone.plan)
    shown = {
        "n": undone.change,
        "what": f"{action_name(undone.action)} {ids} "
        f"({', '.join(field_name(f) for f in undone.fields)})",
        "who": undone.by,
        "when": undone.at[:16].replace("T", " "),
        "change": result.change,
    }
    if dry_run:
        info(_("would undo change {n} — {what} by {who} at {when}").format(**shown))
    else:
        info(
            _("undid change {n} — {what} by {who} at {when}; recorded as change {change}").format(
                **shown
            )
        )


def run_doctor(env: Env, *, restore: bool, accept: bool = False, fmt: str) -> bool:
    """`lianta doctor`: the checkup of the store and its backups (after bringing back the newest
    good one, with `restore`, or recording hand edits as a change, with `accept`); whether the
    store is healthy."""
    from .doctor_text import checkup_lines

    fmt = check_format(fmt, ("text", "json"))
    if restore and accept:
        raise InputError(_("--restore and --accept: give one or the other"))
    if restore and is_database(env.db):
        raise InputError(
            _(
                "--restore brings back a store file's backups; a database keeps none (copy "
                "one out with 'lianta db pull FILE', or use the database's own backups)"
            )
        )
    if restore:
        result = doctor.restore(Path(env.db), env.clock.now())
    elif accept:
        result = doctor.accept(env.db, env.clock, env.user)
    else:
        result = doctor.examine(env.db)
    out(
        dumps_json(result.as_dict())
        if fmt == "json"
        else "".join(f"{line}\n" for line in checkup_lines(result))
    )
    return result.healthy


def run_assign(
    env: Env,
    ids: Sequence[str],
    *,
    to: str | None,
    unit: str | None,
    fmt: str,
    cooperating: Sequence[str] | None = None,
) -> None:
    """`lianta assign`: give tasks to a person, a lead unit, cooperating units."""
    fmt = check_format(fmt, ("text", "json"))
    _change(
        env,
        fmt,
        _("assigned"),
        lambda store, year, user: tracker.assign(
            store, year, ids, to, unit, env.clock, user, cooperating
        ),
    )


def run_unassign(env: Env, ids: Sequence[str], *, fmt: str) -> None:
    """`lianta unassign`: take tasks back from whoever has them."""
    fmt = check_format(fmt, ("text", "json"))
    _change(
        env,
        fmt,
        _("unassigned"),
        lambda store, year, user: tracker.unassign(store, year, ids, env.clock, user),
    )


def run_note(env: Env, task_id: str, text: str, *, fmt: str) -> None:
    """`lianta note`: add a note to a task."""
    fmt = check_format(fmt, ("text", "json"))
    _change(
        env,
        fmt,
        _("noted on"),
        lambda store, year, user: tracker.add_note(store, year, task_id, text, env.clock, user),
    )


def run_weekly(
    env: Env,
    *,
    week: str | None,
    since: str | None,
    until: str | None,
    fmt: str,
    output: Path | None,
    bom: bool | None = None,
) -> None:
    """`lianta report weekly`: the week's report, on stdout or written whole to `output`."""
    from .periods import resolve_window

    fmt = check_format(fmt, ("md", "json", "csv"))
    check_bom(fmt, bom)
    start = parse_day(since, "--since") if since is not None else None
    end = parse_day(until, "--until") if until is not None else None
    today = env.clock.today()
    window = resolve_window(week, start, end, today)
    store = env.reading()
    if covers_all(env.plan):
        from . import district_commands

        text = district_commands.weekly_text(store, env, window, today, fmt)
    else:
        text = _weekly_text(store, env, window, today, fmt)
    from .report_commands import emit

    emit(env, text, fmt, output, bom)


def _weekly_text(store: Store, env: Env, window: Any, today: date, fmt: str) -> str:
    """The weekly report of the plan `env` chooses, in `fmt`."""
    from . import report, report_text  # the weekly report's, imported when it is asked for

    plan_key = tracker.select_plan(store, env.plan, min(today, window.end))
    result = report.weekly(store, plan_key, window, today)
    if fmt == "json":
        return dumps_json(result.as_dict())
    if fmt == "csv":
        return report_text.weekly_csv(result)
    return report_text.weekly_markdown(result)
