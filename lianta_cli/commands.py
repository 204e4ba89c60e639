"""What a command does once its options are known: the environment (store, plan year, clock,
user, display), one call into the domain, and its result formatted: data on stdout, messages on
stderr. `cli` turns the command line into these calls."""

import contextlib
import errno
import io
import itertools
import os
import random
import re
import stat
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from . import doctor, tracker
from .clock import Clock, parse_day
from .errors import InputError, LiantaError, StoreError
from .export import Column, display_width, dumps_json, plain_table, to_csv, to_markdown
from .i18n import _, detect_language, set_language
from .store import (
    Conflict,
    Store,
    describe,
    lock_timeout,
    open_store,
    shown_location,
    store_location,
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
    year: int | None
    clock: Clock
    user: str
    ascii_only: bool

    def acting(self, store: Store) -> str:
        """Who makes the command's changes: the store's user (a database's login), else
        `user` (LIANTA_USER or the system's)."""
        return store.user or self.user

    @contextlib.contextmanager
    def writing(self) -> Iterator[Store]:
        """The store locked for a change; the bundled plan is loaded first into an empty store."""
        opened: Store | None = None
        last_change = 0
        try:
            with open_store(self.db, write=True) as store:
                opened = store
                doctor.check_store(store)
                loaded = tracker.ensure_plan(store, self.clock, self.acting(store))
                yield store
                last_change = int(store.read("meta").get(1, {}).get("last_change", 0))
        finally:
            if opened is not None and opened.saved:  # an error from here on must say so
                SAVED.append(last_change)
        if loaded is not None:  # said only once it is saved: a failed command saves nothing
            note_autoload(self.db, loaded)

    def change(self, work: Callable[[Store, str], T], *, bundled: bool = True) -> T:
        """`work(store, acting user)` as one change of the store (into an empty store the
        bundled plan is loaded first, unless not `bundled`). On a database, a command that
        another one's change to the same tasks got in before is run again from the start, for
        up to LIANTA_LOCK_TIMEOUT seconds (a file's lock lets only one in at a time)."""
        deadline = time.monotonic() + lock_timeout()
        for attempt in itertools.count():
            try:
                if bundled:
                    with self.writing() as store:
                        return work(store, self.acting(store))
                with open_store(self.db, write=True) as store:
                    doctor.check_store(store)
                    return work(store, self.acting(store))
            except Conflict:
                if time.monotonic() >= deadline:
                    raise StoreError(
                        _(
                            "store is busy: other commands kept changing the same tasks for "
                            "{seconds} s (LIANTA_LOCK_TIMEOUT sets the wait); nothing was changed"
                        ).format(seconds=f"{lock_timeout():g}")
                    ) from None
                time.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))
        raise AssertionError("unreachable")

    def reading(self) -> Store:
        """A snapshot to read. On an empty store the bundled plan is loaded into the snapshot,
        and saved only once the command has succeeded: bad input leaves no store behind."""
        with open_store(self.db, write=False) as store:
            doctor.check_store(store)
            if tracker.ensure_plan(store, self.clock, self.acting(store)) is not None:
                PENDING_LOADS.append(self)
            return store


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


def note_autoload(db: Path | str, loaded: tracker.LoadResult) -> None:
    message = _("loaded the bundled {year} plan ({count} tasks) into {db}").format(
        year=loaded.year, count=len(loaded.added), db=shown_location(db)
    )
    print("lianta: " + message, file=sys.stderr)


def make_env(
    db: str | None, year: int | None, lang: str | None = None, ascii_only: bool = False
) -> Env:
    if lang is not None:
        set_language(detect_language(lang))
    return Env(
        db=store_location(db),
        year=year,
        clock=Clock.from_env(),
        user=tracker.current_user(),
        ascii_only=ascii_only or os.environ.get("LIANTA_ASCII", "") not in ("", "0"),
    )


FORMATS_ALL = ("table", "json", "csv", "md")


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


def out(text: str) -> None:
    """Data on stdout (held for the pager while `paged` holds it)."""
    if _held is not None:
        _held.append(text)
        return
    sys.stdout.write(text)
    sys.stdout.flush()


BOM = "\ufeff"


def check_bom(fmt: str, bom: bool | None) -> None:
    if bom is not None and fmt != "csv":
        raise InputError(_("--bom and --no-bom are for --format csv"))


def wants_bom(bom: bool | None) -> bool:
    """Whether CSV gets the UTF-8 byte-order mark that Excel and WPS need to read it as UTF-8:
    as asked, else when stdout is a file (`> tasks.csv`) and not a pipe or a terminal."""
    if bom is not None:
        return bom
    try:
        return stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False


def out_csv(text: str, bom: bool | None) -> None:
    out(BOM + text if wants_bom(bom) else text)


# ---------------------------------------------------------------- the pager

_held: list[str] | None = None
"""A command's output on a terminal, held until it is known whether it fits the screen."""
_pager_wanted = True
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def pager_command() -> str | None:
    """`LIANTA_PAGER`, else `PAGER`: '' when the one set is empty or `cat` (no pager), None when
    neither is set (the default pager: `less -R`, else `more`)."""
    for name in ("LIANTA_PAGER", "PAGER"):
        if name in os.environ:
            command = os.environ[name].strip()
            return "" if command in ("", "cat") else command
    return None


def no_pager() -> None:
    """`--no-pager`: this command's output is printed, however long."""
    global _pager_wanted
    _pager_wanted = False


@contextlib.contextmanager
def paged() -> Iterator[None]:
    """On a terminal, hold the command's output, and when the command has succeeded show output
    longer than the screen through the pager, anything else as it is. Piped output, a failed
    command's output and `--no-pager` are printed as they are."""
    global _held, _pager_wanted
    if not sys.stdout.isatty() or pager_command() == "":
        yield
        return
    _held, _pager_wanted = [], True
    succeeded = False
    try:
        yield
        succeeded = True
    finally:
        text, _held = "".join(_held), None
        if succeeded and _pager_wanted and _screen_rows(text) >= _screen_height():
            _page(text)
        elif text:
            out(text)


def _page(text: str) -> None:
    """Show `text` through the system's pager (Rich's, which is Python's pydoc pager: `PAGER`,
    else `less`, else `more`), with `LIANTA_PAGER` in place of `PAGER` and colours kept."""
    from .render import page

    command = pager_command()
    os.environ.pop("MANPAGER", None)  # the pager for manual pages, which pydoc would prefer
    if command is not None:
        os.environ["PAGER"] = command
    os.environ.setdefault("LESS", "-R")  # less passes the colours through, as git asks of it
    page(text)


def _screen_height() -> int:
    import shutil

    return shutil.get_terminal_size().lines


def _screen_rows(text: str) -> int:
    """The terminal lines `text` takes, counting long lines as the terminal wraps them."""
    import math

    width = max(1, _terminal_columns())
    lines = _SGR.sub("", text).splitlines()
    return sum(max(1, math.ceil(display_width(line) / width)) for line in lines)


def info(message: str) -> None:
    print(message, file=sys.stderr)


def wants_rich() -> bool:
    if os.environ.get("LIANTA_RICH", "") not in ("", "0"):
        return True
    return sys.stdout.isatty()


def terminal_width() -> int | None:
    value = os.environ.get("COLUMNS", "")
    return int(value) if value.isdigit() and int(value) > 0 else None


def _terminal_columns() -> int:
    import shutil  # only for a terminal

    return shutil.get_terminal_size().columns


def rich_width() -> int | None:
    """The width Rich tables get (for choosing a compact column set), or None when piped."""
    return (terminal_width() or _terminal_columns()) if wants_rich() else None


def show_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    env: Env,
    *,
    title: str | None = None,
    caption: str | None = None,
    footer: dict[str, Any] | None = None,
) -> None:
    if wants_rich():
        from .render import STATUS_STYLE, make_console, print_table

        drawn = io.StringIO()
        console = make_console(drawn, width=terminal_width())
        print_table(
            console,
            rows,
            columns,
            title=title,
            caption=caption,
            ascii_only=env.ascii_only,
            footer=footer,
            styles=STATUS_STYLE,
        )
        out(drawn.getvalue())
        return
    if title:
        out(title + "\n")
    out(plain_table([*rows, footer] if footer else rows, columns))
    if caption:
        out(caption + "\n")


def run_list(
    env: Env, query: tracker.TaskQuery, *, fmt: str, limit: int | None, bom: bool | None = None
) -> None:
    """`lianta list`: the tasks `query` selects, in format `fmt`, at most `limit` rows."""
    fmt = check_format(fmt, FORMATS_ALL)
    check_bom(fmt, bom)
    if limit is not None and limit < 0:
        raise InputError(_("--limit {limit}: must be 0 (all) or more").format(limit=limit))
    store = env.reading()
    year = tracker.select_year(store, env.year)
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
        caption = _("{shown} of {total} tasks · {year} plan · as of {today}").format(
            shown=len(rows), total=total, year=year, today=env.clock.today()
        )
        columns = list_columns(bars=True, ascii_only=env.ascii_only, width=rich_width())
        show_table(rows, columns, env, caption=caption)
    if len(rows) < total:
        info(
            _("showing {shown} of {total} tasks; --limit 0 shows all").format(
                shown=len(rows), total=total
            )
        )


def run_summary(env: Env, *, fmt: str, by: str = "index", bom: bool | None = None) -> None:
    """`lianta summary`: one row per index of the plan (or per unit), and the total."""
    from . import report
    from .report_text import summary_csv
    from .views import summary_columns

    fmt = check_format(fmt, FORMATS_ALL)
    check_bom(fmt, bom)
    if by.strip().lower() not in ("index", "unit"):
        raise InputError(_("--by {value}: use index or unit").format(value=by))
    store = env.reading()
    year = tracker.select_year(store, env.year)
    today = env.clock.today()
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
    if result.note():
        lines.append(str(result.note()))
    if fmt == "md":
        out(to_markdown([*result.indices, total], summary_columns(bars=False)))
        out("".join("\n" + line + "\n" for line in lines))
        return
    columns = summary_columns(bars=True, ascii_only=env.ascii_only, width=rich_width())
    show_table(result.indices, columns, env, caption="\n".join(lines), footer=total)


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


def report_change(result: tracker.ChangeResult, fmt: str, what: str) -> None:
    if fmt == "json":
        out(dumps_json(result.as_dict()))
        return
    if not result.events:
        info(_("nothing changed"))
        return
    info(
        _("{what} {ids} (change {change}; 'lianta undo' reverts it)").format(
            what=what, ids=", ".join(result.tasks), change=result.change
        )
    )


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
    make: Callable[[Store, int, str], tracker.ChangeResult],
) -> None:
    """A change made by `make(store, year, acting user)` (see `Env.change`), reported as `what`
    (a change command's `fmt` is checked before anything is read)."""
    result = env.change(lambda store, user: make(store, tracker.select_year(store, env.year), user))
    report_change(result, fmt, what)


def run_show(env: Env, task_id: str, *, fmt: str) -> None:
    """`lianta show`: every field of one task, its notes and its history."""
    from .i18n import pick
    from .views import bar, history_columns, light_name, status_name

    fmt = check_format(fmt, ("table", "json"))
    store = env.reading()
    year = tracker.select_year(store, env.year)
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
    year = tracker.select_year(store, env.year)
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
        caption = _("{count} events · {year} plan").format(count=len(rows), year=year)
        columns = history_columns(ascii_only=env.ascii_only, width=rich_width())
        show_table(rows, columns, env, caption=caption)


def run_undo(env: Env, *, anyone: bool, fmt: str) -> None:
    """`lianta undo`: revert the user's most recent change (with `anyone`, anybody's)."""
    fmt = check_format(fmt, ("text", "json"))
    result = env.change(lambda store, user: tracker.undo(store, env.clock, user, anyone=anyone))
    if fmt == "json":
        out(dumps_json({**result.as_dict(), "undid": result.undid}))
        return
    info(
        _("undid change {undone} on {ids} (recorded as change {change})").format(
            undone=result.undid, ids=", ".join(result.tasks), change=result.change
        )
    )


def run_validate(plan_file: Path | None, *, fmt: str) -> int:
    """`lianta validate`: every problem of a plan file (by default the bundled one) with its line;
    the exit status (2 if the plan is not valid)."""
    from .plan import bundled_plan_path, read_plan

    fmt = check_format(fmt, ("text", "json"))
    shown = str(plan_file) if plan_file else _("plans/2024.yaml (bundled)")
    plan, problems = read_plan(plan_file or bundled_plan_path(), display=shown)
    errors = [p for p in problems if not p.warning]
    if fmt == "json":
        indices = None if plan is None else plan.indices
        result = {
            "file": shown,
            "valid": plan is not None,
            "errors": [str(p) for p in errors],
            "warnings": [str(p) for p in problems if p.warning],
            "indices": None
            if indices is None
            else [{"index": i.number, "code": i.code, "tasks": len(i.tasks)} for i in indices],
        }
        out(dumps_json(result))
        return 2 if plan is None else 0
    for problem in problems:
        info(str(problem))
    if plan is None:
        info(_("{count} error(s); the plan was not accepted").format(count=len(errors)))
        return 2
    counts = ", ".join(f"{i.number} {i.code}: {len(i.tasks)}" for i in plan.indices)
    info(
        _("{file}: valid — {year} plan, {indices} indices, {tasks} tasks ({counts})").format(
            file=shown,
            year=plan.year,
            indices=len(plan.indices),
            tasks=len(plan.tasks),
            counts=counts,
        )
    )
    return 0


def run_doctor(env: Env, *, restore: bool, fmt: str) -> bool:
    """`lianta doctor`: the checkup of the store and its backups (after bringing back the newest
    good one, with `restore`); whether the store is healthy."""
    fmt = check_format(fmt, ("text", "json"))
    if isinstance(env.db, str):  # a database
        if restore:
            raise InputError(
                _(
                    "--restore brings back a store file's backups; a database keeps none (copy "
                    "one out with 'lianta db pull FILE', or use the database's own backups)"
                )
            )
        result = doctor.examine_database(env.db)
    elif restore:
        result = doctor.restore(env.db, env.clock.now())
    else:
        result = doctor.examine(env.db)
    out(
        dumps_json(result.as_dict())
        if fmt == "json"
        else "".join(f"{line}\n" for line in checkup_lines(result))
    )
    return result.healthy


def run_load(env: Env, plan_file: Path | None, *, dry_run: bool, fmt: str) -> None:
    """`lianta load`: sync a plan file (by default the bundled one) into the store."""
    from .plan import bundled_plan_path

    fmt = check_format(fmt, ("text", "json"))
    path = plan_file or bundled_plan_path()
    shown = str(plan_file) if plan_file else _("plans/2024.yaml (bundled)")
    year, result = _read_and_sync(env, path, shown, dry_run=dry_run)
    if fmt == "json":
        out(dumps_json(result.as_dict()))
        return
    lines = []
    if result.added:
        lines.append(_("added {n}: {ids}").format(n=len(result.added), ids=_ids(result.added)))
    if result.changed:
        shown_changes = "; ".join(
            f"{tid} ({', '.join(field_name(f) for f in fields)})"
            for tid, fields in result.changed[:20]
        )
        more = f" … +{len(result.changed) - 20}" if len(result.changed) > 20 else ""
        lines.append(
            _("changed {n}: {ids}").format(n=len(result.changed), ids=shown_changes + more)
        )
    if result.archived:
        lines.append(
            _("archived {n}: {ids}").format(n=len(result.archived), ids=_ids(result.archived))
        )
    if result.restored:
        lines.append(
            _("restored {n}: {ids}").format(n=len(result.restored), ids=_ids(result.restored))
        )
    lines.append(_("unchanged {n}").format(n=result.unchanged))
    verdict = (
        _("dry run: nothing was written")
        if dry_run
        else (_("store updated: {db}") if result.wrote else _("nothing to write: {db}")).format(
            db=shown_location(env.db)
        )
    )
    out(_("{year} plan from {file}").format(year=year, file=shown) + "\n")
    out("".join(f"  {line}\n" for line in lines))
    info(verdict)


def _read_and_sync(
    env: Env, path: Path, shown: str, *, dry_run: bool
) -> tuple[int, tracker.LoadResult]:
    """`load` but its output: the plan read (warnings shown) and synced; its year and what the
    sync did."""
    from .plan import load_plan

    plan, warnings = load_plan(path, display=shown)
    for warning in warnings:
        info(str(warning))
    if not dry_run:
        result = env.change(
            lambda store, user: tracker.sync_plan(store, plan, env.clock, user), bundled=False
        )
        return plan.year, result
    with open_store(env.db, write=False) as store:
        doctor.check_store(store)
        result = tracker.sync_plan(store, plan, env.clock, env.acting(store), dry_run=True)
    return plan.year, result


def _ids(ids: Sequence[str], most: int = 30) -> str:
    shown = ", ".join(ids[:most])
    return shown + (f" … +{len(ids) - most}" if len(ids) > most else "")


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
    from . import report, report_text

    fmt = check_format(fmt, ("md", "json", "csv"))
    check_bom(fmt, bom)
    start = parse_day(since, "--since") if since is not None else None
    end = parse_day(until, "--until") if until is not None else None
    window = report.resolve_window(week, start, end, env.clock.today())
    store = env.reading()
    year = tracker.select_year(store, env.year)
    result = report.weekly(store, year, window, env.clock.today())
    if fmt == "json":
        text = dumps_json(result.as_dict())
    elif fmt == "csv":
        text = report_text.weekly_csv(result)
    else:
        text = report_text.weekly_markdown(result)
    if output is None and fmt == "csv":
        out_csv(text, bom)
        return
    if output is None:
        out(text)
        return
    if fmt == "csv" and bom is not False:  # a CSV file is for a spreadsheet
        text = BOM + text
    report_text.write_atomically(output, text)
    info(_("wrote {path}").format(path=output))


# ---------------------------------------------------------------- the doctor's checkup in words


def checkup_lines(checkup: doctor.Checkup, *, most: int = 100) -> list[str]:
    """The checkup as lines for a person: the verdict, one line per problem, the backups."""
    lines: list[str] = []
    store = checkup.store
    if checkup.restored is not None:
        before = checkup.before
        count = len(before.problems) if before and before.exists else 0
        lines.append(
            _("store {path}: was damaged ({count} problem(s))").format(path=store.path, count=count)
            if before and before.exists
            else _("store {path}: was missing").format(path=store.path)
        )
        if before is not None:
            lines += [_("  problem: {text}").format(text=p) for p in before.problems[:most]]
        lines.append(
            _("restored {path} from {source} (change {change})").format(
                path=store.path, source=checkup.restored.source, change=store.last_change or 0
            )
        )
        if checkup.restored.damaged is not None:
            lines.append(
                _("the damaged file is kept as {damaged}").format(damaged=checkup.restored.damaged)
            )
    problems = checkup.problems
    if not store.exists and not problems:
        lines.append(
            _("store {path}: none yet (the first command creates it)").format(path=store.path)
        )
    elif not problems:
        lines.append(
            _("store {path}: healthy (change {change}, {tasks} tasks, {events} events)").format(
                path=store.path,
                change=store.last_change or 0,
                tasks=store.tasks,
                events=store.events,
            )
        )
    else:
        lines.append(
            _("store {path}: damaged ({count} problem(s))").format(
                path=store.path, count=len(problems)
            )
        )
        lines += [_("  problem: {text}").format(text=p) for p in problems[:most]]
        if len(problems) > most:
            lines.append(
                _("  … {n} more (--format json lists them all)").format(n=len(problems) - most)
            )
    if checkup.link is not None:
        lines.append(
            _(
                "store {link} is a symbolic link to {path}: its lock and backups are beside {path}"
            ).format(link=checkup.link, path=store.path)
        )
    for backup in checkup.backups:
        lines.append(_generation_line(backup))
    for leftover in checkup.leftovers:
        lines.append(
            _(
                "leftover {path} from an interrupted save (harmless; the next save removes it)"
            ).format(path=leftover)
        )
    if checkup.restore_error is not None:
        lines.append(_("cannot restore: {reason}").format(reason=checkup.restore_error))
    elif problems and checkup.restored is None:
        good = checkup.newest_good
        if good is not None:
            lines.append(
                _("run 'lianta doctor --db {path} --restore' to bring back {source}").format(
                    path=store.path, source=good.path
                )
            )
        else:
            lines.append(_("no backup is good, so --restore cannot help"))
    return lines


def _generation_line(backup: doctor.Generation) -> str:
    if not backup.exists:
        return _("backup {path}: none").format(path=backup.path)
    if backup.good:
        return _("backup {path}: good (change {change}, {tasks} tasks, saved {saved})").format(
            path=backup.path,
            change=backup.last_change or 0,
            tasks=backup.tasks,
            saved=backup.saved,
        )
    extra = len(backup.problems) - 1
    return _("backup {path}: damaged ({first}{more})").format(
        path=backup.path,
        first=backup.problems[0],
        more=_("; +{n} more").format(n=extra) if extra else "",
    )
