"""What a command does once its options are known: the environment (store, plan year, clock,
user, display), one call into the domain, and its result formatted: data on stdout, messages on
stderr. `cli` turns the command line into these calls."""

import contextlib
import itertools
import os
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from . import doctor, tracker
from .clock import Clock, parse_day
from .errors import InputError, LiantaError, StoreError
from .export import Column, dumps_json, plain_table, to_csv, to_markdown
from .i18n import _, detect_language, set_language
from .store import Conflict, Store, lock_timeout, open_store, shown_location, store_location
from .views import LIST_JSON_KEYS, LIST_KEYS, field_name, list_columns


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
        with open_store(self.db, write=True) as store:
            doctor.check_store(store)
            loaded = tracker.ensure_plan(store, self.clock, self.acting(store))
            yield store
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
    sys.stdout.write(text)
    sys.stdout.flush()


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

        console = make_console(sys.stdout, width=terminal_width())
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
        return
    if title:
        out(title + "\n")
    out(plain_table([*rows, footer] if footer else rows, columns))
    if caption:
        out(caption + "\n")


def run_list(env: Env, query: tracker.TaskQuery, *, fmt: str, limit: int | None) -> None:
    """`lianta list`: the tasks `query` selects, in format `fmt`, at most `limit` rows."""
    fmt = check_format(fmt, FORMATS_ALL)
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
        out(to_csv(rows, LIST_KEYS))
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


def run_summary(env: Env, *, fmt: str) -> None:
    """`lianta summary`: one row per index of the plan, and the total."""
    from . import report
    from .report_text import summary_csv
    from .views import summary_columns

    fmt = check_format(fmt, FORMATS_ALL)
    store = env.reading()
    year = tracker.select_year(store, env.year)
    result = report.summary(store, year, env.clock.today())
    if fmt == "json":
        out(dumps_json(result.as_dict()))
        return
    if fmt == "csv":
        out(summary_csv(result))
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


def failure_code(error: BaseException) -> int:
    """Report a command's failure as one line on stderr, never a traceback; its exit status."""
    if isinstance(error, LiantaError):
        fail(str(error), error.details)
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        fail(_("interrupted; nothing was changed"))
        return 130
    if isinstance(error, BrokenPipeError):
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    if os.environ.get("LIANTA_DEBUG"):
        raise error
    fail(
        _(
            "internal error ({kind}: {error}); nothing was saved; LIANTA_DEBUG=1 shows details"
        ).format(kind=type(error).__name__, error=error)
    )
    return 1


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
    from .views import bar, history_columns, status_name

    fmt = check_format(fmt, ("table", "json"))
    store = env.reading()
    year = tracker.select_year(store, env.year)
    task = tracker.show_task(store, year, task_id, env.clock.today())
    if fmt == "json":
        out(dumps_json(task))
        return
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
        (_("Assignee"), task["assignee"] or "-"),
        (_("Unit"), task["unit"] or "-"),
        (_("Due"), task["due"] + ("  " + _("overdue") if task["overdue"] else "")),
        (_("Updated"), task["updated"]),
        (_("Places"), ", ".join(task["places"]) or "-"),
        (_("Partners"), ", ".join(task["partners"]) or "-"),
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


def run_history(
    env: Env,
    task_id: str | None,
    *,
    since: str | None,
    until: str | None,
    limit: int | None,
    fmt: str,
) -> None:
    """`lianta history`: what changed, when and by whom (oldest first)."""
    from .views import HISTORY_KEYS, history_columns

    fmt = check_format(fmt, FORMATS_ALL)
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
        out(to_csv(rows, HISTORY_KEYS))
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


def run_assign(env: Env, ids: Sequence[str], *, to: str, unit: str | None, fmt: str) -> None:
    """`lianta assign`: give tasks to a person (and their unit)."""
    fmt = check_format(fmt, ("text", "json"))
    _change(
        env,
        fmt,
        _("assigned"),
        lambda store, year, user: tracker.assign(store, year, ids, to, unit, env.clock, user),
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
) -> None:
    """`lianta report weekly`: the week's report, on stdout or written whole to `output`."""
    from . import report, report_text

    fmt = check_format(fmt, ("md", "json", "csv"))
    start = parse_day(since, "--since") if since is not None else None
    end = parse_day(until, "--until") if until is not None else None
    window = report.resolve_window(week, start, end, env.clock.today())
    store = env.reading()
    year = tracker.select_year(store, env.year)
    result = report.weekly(store, year, window)
    if fmt == "json":
        text = dumps_json(result.as_dict())
    elif fmt == "csv":
        text = report_text.weekly_csv(result)
    else:
        text = report_text.weekly_markdown(result)
    if output is None:
        out(text)
        return
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
