"""The command line: options in, one library call, output out. The only module that imports Typer.

Errors never reach the user as a traceback: `LiantaGroup.main` turns every `LiantaError` and every
usage error into one line on stderr and an exit status (2 for bad input or usage).
"""

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from . import __version__, tracker
from .commands import (
    PENDING_LOADS,
    check_format,
    fail,
    failure_code,
    info,
    make_env,
    out,
    run_assign,
    run_done,
    run_history,
    run_list,
    run_load,
    run_note,
    run_show,
    run_summary,
    run_unassign,
    run_undo,
    run_update,
    run_weekly,
    save_pending_loads,
)
from .errors import InputError, LiantaError
from .export import dumps_json
from .i18n import _, detect_language, help_chrome, localise_parser_message, set_language

_USAGE_ERROR: type[Exception] = typer.BadParameter.__mro__[1]
_CLICK_ERROR: type[Exception] = typer.BadParameter.__mro__[2]


def _language_from_argv(argv: Sequence[str]) -> str | None:
    for position, arg in enumerate(argv):
        if arg == "--lang" and position + 1 < len(argv):
            return argv[position + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _initial_language() -> str:
    try:
        return detect_language(_language_from_argv(sys.argv[1:]))
    except LiantaError:
        return "en"


set_language(_initial_language())


def _localised_help_option(option: Any) -> Any:
    if option is not None:
        option.help = _("Show this message and exit.")
    return option


def _write_usage(command: Any, ctx: Any, formatter: Any) -> None:
    words = {"[OPTIONS]": _("[OPTIONS]"), "COMMAND [ARGS]...": _("COMMAND [ARGS]...")}
    pieces = [words.get(piece, piece) for piece in command.collect_usage_pieces(ctx)]
    formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))


def _localise_help_screen() -> None:
    """Typer's own words on a help screen (panel titles, "[default: …]") in the language, and
    help text that folds where Typer would cut it with '…': Rich wraps only at spaces, and a
    Chinese sentence has none."""
    from typer import rich_utils

    for name, text in help_chrome().items():
        setattr(rich_utils, name, text)
    make_text = rich_utils._make_rich_text
    if getattr(make_text, "folds", False):
        return

    def folding(**kwargs: Any) -> Any:
        text = make_text(**kwargs)
        if hasattr(text, "overflow"):
            text.overflow = "fold"
        return text

    folding.folds = True  # type: ignore[attr-defined]
    setattr(rich_utils, "_make_rich_text", folding)  # noqa: B010


class LiantaCommand(TyperCommand):
    """A command whose help screen speaks the interface language."""

    def get_help_option(self, ctx: Any) -> Any:
        return _localised_help_option(super().get_help_option(ctx))

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _write_usage(self, ctx, formatter)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _localise_help_screen()
        super().format_help(ctx, formatter)


class LiantaGroup(TyperGroup):
    """Runs a command and reports any failure as one line on stderr, never a traceback."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Typer has no app-wide command class: give every plain command the localised help.
        for command in self.commands.values():
            if type(command) is TyperCommand:
                command.__class__ = LiantaCommand

    def get_help_option(self, ctx: Any) -> Any:
        return _localised_help_option(super().get_help_option(ctx))

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _write_usage(self, ctx, formatter)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _localise_help_screen()
        super().format_help(ctx, formatter)

    def main(self, args: Sequence[str] | None = None, *a: Any, **kw: Any) -> NoReturn:
        kw["standalone_mode"] = False
        argv = list(sys.argv[1:] if args is None else args)
        try:
            set_language(detect_language(_language_from_argv(argv)))
            if argv[:1] == ["--lang"] or (argv[:1] and argv[0].startswith("--lang=")):
                del argv[: 1 if "=" in argv[0] else 2]  # `lianta --lang zh list`: known already
            PENDING_LOADS.clear()
            result = super().main(argv, *a, **kw)
            code = result if isinstance(result, int) else 0
            if code == 0:
                save_pending_loads()
        except _USAGE_ERROR as error:
            ctx = getattr(error, "ctx", None)
            where = ctx.command_path if ctx is not None else "lianta"
            message = error.format_message().strip().replace("\n", " ")  # type: ignore[attr-defined]
            if message:  # empty after `lianta` alone, which has just shown the help
                fail(
                    _("{message} (see '{where} --help')").format(
                        message=localise_parser_message(message), where=where
                    ),
                    prefix=f"{where}: ",
                )
            code = 2
        except _CLICK_ERROR as error:
            fail(localise_parser_message(error.format_message()))  # type: ignore[attr-defined]
            code = getattr(error, "exit_code", 1)
        except typer.Abort:
            fail(_("interrupted; nothing was changed"))
            code = 130
        except (KeyboardInterrupt, Exception) as error:
            code = failure_code(error)
        sys.exit(code)


app = typer.Typer(
    cls=LiantaGroup,
    name="lianta",
    help=_("Track an annual work plan: tasks per index, who has which, what moved, what is stuck."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# ------------------------------------------------------------------ shared options

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=_(
            "Store file, or a postgresql:// URL of a shared database. "
            "Default: $LIANTA_DB, else the user data folder."
        ),
        show_default=False,
    ),
]
PlanOption = Annotated[
    int | None,
    typer.Option(
        "--plan", help=_("Plan year. Default: the latest plan in the store."), show_default=False
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help=_("Interface language: en or zh. Default: $LIANTA_LANG, else the locale."),
        show_default=False,
    ),
]
AsciiOption = Annotated[
    bool,
    typer.Option(
        "--ascii",
        envvar="LIANTA_ASCII",
        help=_(
            "Draw tables and bars with ASCII only (for terminals that draw box lines double-width)."
        ),
    ),
]
IdsArgument = Annotated[
    list[str],
    typer.Argument(
        help=_("Task ids, like 3.4 (several succeed or fail together)."), show_default=False
    ),
]


# ------------------------------------------------------------------ commands


@app.command(help=_("Check a plan file and report every problem with its line (exit 2 on errors)."))
def validate(
    plan_file: Annotated[
        Path | None,
        typer.Argument(
            metavar="[PLAN]",
            help=_("Plan file (default: the bundled 2024 plan)."),
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help=_("text or json."))] = "text",
    lang: LangOption = None,
) -> None:
    """Check a plan file and report every problem with its line (exit 2 on errors)."""
    from .plan import bundled_plan_path, read_plan

    make_env(None, None, lang)
    fmt = check_format(fmt, ("text", "json"))
    path = plan_file or bundled_plan_path()
    shown = str(plan_file) if plan_file else _("plans/2024.yaml (bundled)")
    plan, problems = read_plan(path, display=shown)
    errors = [p for p in problems if not p.warning]
    if fmt == "json":
        out(
            dumps_json(
                {
                    "file": shown,
                    "valid": plan is not None,
                    "errors": [str(p) for p in errors],
                    "warnings": [str(p) for p in problems if p.warning],
                    "indices": None
                    if plan is None
                    else [
                        {"index": i.number, "code": i.code, "tasks": len(i.tasks)}
                        for i in plan.indices
                    ],
                }
            )
        )
    else:
        for problem in problems:
            info(str(problem))
    if plan is None:
        if fmt != "json":
            info(_("{count} error(s); the plan was not accepted").format(count=len(errors)))
        raise typer.Exit(2)
    if fmt != "json":
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


@app.command(
    help=_(
        "Sync a plan file into the store: add new tasks, update changed text, archive removed ones."
    ),
)
def load(
    plan_file: Annotated[
        Path | None,
        typer.Argument(
            metavar="[PLAN]",
            help=_("Plan file (default: the bundled 2024 plan)."),
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Show what would change; write nothing."))
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help=_("text or json."))] = "text",
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Sync a plan file into the store: add new tasks, update changed text, archive removed ones."""
    run_load(make_env(db, None, lang), plan_file, dry_run=dry_run, fmt=fmt)


@app.command("list", help=_("List tasks, filtered and sorted."))
def list_(
    index: Annotated[
        str | None,
        typer.Option(
            "--index", "-i", help=_("Only this index: its number or code."), show_default=False
        ),
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            "-s",
            help=_("Only these statuses (repeat): todo, in_progress, blocked, done."),
            show_default=False,
        ),
    ] = None,
    assignee: Annotated[
        str | None,
        typer.Option(
            "--assignee", "-a", help=_("Only tasks assigned to this person."), show_default=False
        ),
    ] = None,
    unassigned: Annotated[
        bool, typer.Option("--unassigned", help=_("Only tasks nobody has."))
    ] = False,
    overdue: Annotated[
        bool, typer.Option("--overdue", help=_("Only tasks past their due date and not done."))
    ] = False,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            "-q",
            help=_("Text in titles, source, places, partners, notes (case and script ignored)."),
            show_default=False,
        ),
    ] = None,
    sort: Annotated[
        str, typer.Option("--sort", help=_("id, due, progress, status or updated."))
    ] = "id",
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            help=_("At most N rows; 0 for all. Default: 100 in a table, all in json/csv/md."),
            show_default=False,
        ),
    ] = None,
    archived: Annotated[
        bool, typer.Option("--archived", help=_("Include tasks that left the plan."))
    ] = False,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=_("table, json, csv or md."))
    ] = "table",
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
    ascii_only: AsciiOption = False,
) -> None:
    """List tasks, filtered and sorted."""
    run_list(
        make_env(db, plan, lang, ascii_only),
        tracker.TaskQuery(
            index=index,
            statuses=status or (),
            assignee=assignee,
            unassigned=unassigned,
            overdue=overdue,
            search=search,
            sort=sort,
            archived=archived,
        ),
        fmt=fmt,
        limit=limit,
    )


@app.command(help=_("Every field of one task, its notes and its history."))
def show(
    task_id: Annotated[str, typer.Argument(metavar="ID", help=_("Task id, like 3.4."))],
    fmt: Annotated[str, typer.Option("--format", "-f", help=_("table or json."))] = "table",
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
    ascii_only: AsciiOption = False,
) -> None:
    """Every field of one task, its notes and its history."""
    run_show(make_env(db, plan, lang, ascii_only), task_id, fmt=fmt)


ChangeFormat = Annotated[
    str, typer.Option("--format", "-f", help=_("text or json (the change and its events)."))
]


@app.command(help=_("Give tasks to a person (and their unit)."))
def assign(
    ids: IdsArgument,
    to: Annotated[str, typer.Option("--to", help=_("Who takes the task(s)."), show_default=False)],
    unit: Annotated[
        str | None,
        typer.Option("--unit", help=_("Their unit (e.g. 经济服务办)."), show_default=False),
    ] = None,
    fmt: ChangeFormat = "text",
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
) -> None:
    """Give tasks to a person (and their unit)."""
    run_assign(make_env(db, plan, lang), ids, to=to, unit=unit, fmt=fmt)


@app.command(help=_("Take tasks back from whoever has them (clears assignee and unit)."))
def unassign(
    ids: IdsArgument,
    fmt: ChangeFormat = "text",
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
) -> None:
    """Take tasks back from whoever has them (clears assignee and unit)."""
    run_unassign(make_env(db, plan, lang), ids, fmt=fmt)


@app.command(help=_("Change status, progress, due date, or add a note."))
def update(
    ids: IdsArgument,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", "-s", help=_("todo, in_progress, blocked or done."), show_default=False
        ),
    ] = None,
    progress: Annotated[
        int | None,
        typer.Option("--progress", "-p", help=_("Percent done, 0-100."), show_default=False),
    ] = None,
    due: Annotated[
        str | None,
        typer.Option(
            "--due",
            help=_("Due date YYYY-MM-DD, or 'none' to fall back to the plan's."),
            show_default=False,
        ),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(
            "--note", help=_("A note (required when blocking: say why)."), show_default=False
        ),
    ] = None,
    fmt: ChangeFormat = "text",
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
) -> None:
    """Change status, progress, due date, or add a note."""
    run_update(
        make_env(db, plan, lang),
        ids,
        status=status,
        progress=progress,
        due=due,
        note=note,
        fmt=fmt,
    )


@app.command(help=_("Mark tasks done (progress 100)."))
def done(
    ids: IdsArgument,
    note: Annotated[
        str | None, typer.Option("--note", help=_("A closing note."), show_default=False)
    ] = None,
    fmt: ChangeFormat = "text",
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
) -> None:
    """Mark tasks done (progress 100)."""
    run_done(make_env(db, plan, lang), ids, note=note, fmt=fmt)


@app.command(help=_("Add a note to a task."))
def note(
    task_id: Annotated[str, typer.Argument(metavar="ID", help=_("Task id, like 3.4."))],
    text: Annotated[str, typer.Argument(metavar="TEXT", help=_("The note."))],
    fmt: ChangeFormat = "text",
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
) -> None:
    """Add a note to a task."""
    run_note(make_env(db, plan, lang), task_id, text, fmt=fmt)


@app.command(help=_("What changed, when, and by whom (oldest first)."))
def history(
    task_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help=_("Only this task."), show_default=False)
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help=_("From this date (YYYY-MM-DD)."), show_default=False),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help=_("Up to and including this date."), show_default=False),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", "-n", help=_("Only the last N events; 0 for all."), show_default=False
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=_("table, json, csv or md."))
    ] = "table",
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
    ascii_only: AsciiOption = False,
) -> None:
    """What changed, when, and by whom (oldest first)."""
    run_history(
        make_env(db, plan, lang, ascii_only),
        task_id,
        since=since,
        until=until,
        limit=limit,
        fmt=fmt,
    )


@app.command(
    help=_("Revert your most recent change (one command on several ids is one change)."),
)
def undo(
    anyone: Annotated[
        bool,
        typer.Option("--anyone", help=_("Revert the most recent change, whoever made it.")),
    ] = False,
    fmt: ChangeFormat = "text",
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Revert your most recent change (one command on several ids is one change)."""
    run_undo(make_env(db, None, lang), anyone=anyone, fmt=fmt)


@app.command(help=_("Check the store, its history and its backups (exit 1 if anything is wrong)."))
def doctor(
    restore: Annotated[
        bool,
        typer.Option(
            "--restore",
            help=_(
                "If the store is damaged, bring back its newest good backup (keeping it aside)."
            ),
        ),
    ] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help=_("text or json."))] = "text",
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Check the store, its history and its backups (exit 1 if anything is wrong)."""
    from . import doctor as checks
    from .commands import checkup_lines

    env = make_env(db, None, lang)
    fmt = check_format(fmt, ("text", "json"))
    if isinstance(env.db, str):  # a database
        if restore:
            raise InputError(
                _(
                    "--restore brings back a store file's backups; a database keeps none (copy "
                    "one out with 'lianta db pull FILE', or use the database's own backups)"
                )
            )
        result = checks.examine_database(env.db)
    else:
        result = checks.restore(env.db, env.clock.now()) if restore else checks.examine(env.db)
    if fmt == "json":
        out(dumps_json(result.as_dict()))
    else:
        out("".join(line + "\n" for line in checkup_lines(result)))
    if not result.healthy:
        raise typer.Exit(1)


@app.command(help=_("Print lianta's version."))
def version() -> None:
    """Print lianta's version."""
    out(f"lianta {__version__}\n")


# ------------------------------------------------------------------ summary and reports


@app.command(
    help=_("Tasks per index: counts by status, % done, average progress, overdue, unassigned."),
)
def summary(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=_("table, json, csv or md."))
    ] = "table",
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
    ascii_only: AsciiOption = False,
) -> None:
    """Tasks per index: counts by status, % done, average progress, overdue, unassigned."""
    run_summary(make_env(db, plan, lang, ascii_only), fmt=fmt)


report_app = typer.Typer(
    cls=LiantaGroup,
    name="report",
    help=_("Reports on a period, made from the history."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(report_app, name="report")


@report_app.command(
    help=_(
        "What was completed, started, blocked, assigned and moved in a week, per index and task."
    ),
)
def weekly(
    week: Annotated[
        str | None,
        typer.Option(
            "--week",
            "-w",
            help=_("ISO week YYYY-Www, like 2024-W10. Default: the week holding today."),
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help=_("Instead of a week: the first day (YYYY-MM-DD)."), show_default=False
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help=_("The last day, included (default: today)."),
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help=_("md, json or csv."))] = "md",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=_("Write to this file (replaced whole, never half-written) instead of stdout."),
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
) -> None:
    """What was completed, started, blocked, assigned and moved in a week, per index and task."""
    run_weekly(
        make_env(db, plan, lang), week=week, since=since, until=until, fmt=fmt, output=output
    )


db_app = typer.Typer(
    cls=LiantaGroup,
    name="db",
    help=_("A shared PostgreSQL store: its schema, its roles, and moving a store file in and out."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(db_app, name="db")


@db_app.command("init", help=_("Create lianta's schema in an empty database (--db URL)."))
def db_init(db: DbOption = None, lang: LangOption = None) -> None:
    """Create lianta's schema in an empty database (--db URL)."""
    from .database import run_init

    run_init(make_env(db, None, lang))


@db_app.command("migrate", help=_("Bring the database's schema to this lianta's version."))
def db_migrate(db: DbOption = None, lang: LangOption = None) -> None:
    """Bring the database's schema to this lianta's version."""
    from .database import run_migrate

    run_migrate(make_env(db, None, lang))


@db_app.command(
    "grant",
    help=_(
        "Let a database role work as the office (everything), a unit (its own tasks) or a "
        "reader; 'none' takes its rights away."
    ),
)
def db_grant(
    role: Annotated[str, typer.Argument(metavar="ROLE", help=_("The database role (login)."))],
    kind: Annotated[str, typer.Argument(metavar="KIND", help=_("office, unit, reader or none."))],
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit", help=_("The unit of a unit role (e.g. 经济服务办)."), show_default=False
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help=_("The name its changes are recorded under (default: the role's)."),
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Let a database role work as the office, a unit or a reader."""
    from .database import run_grant

    run_grant(make_env(db, None, lang), role, kind, unit=unit, name=name)


@db_app.command(
    "push", help=_("Copy a store file, with its whole history, into an empty database.")
)
def db_push(
    file: Annotated[Path, typer.Argument(metavar="FILE", help=_("The store file to copy."))],
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Copy a store file, with its whole history, into an empty database."""
    from .database import run_push

    run_push(make_env(db, None, lang), file)


@db_app.command("pull", help=_("Write the database into a store file (a backup to carry)."))
def db_pull(
    file: Annotated[Path, typer.Argument(metavar="FILE", help=_("The store file to write."))],
    replace: Annotated[
        bool,
        typer.Option("--replace", help=_("Replace FILE if it exists (kept as FILE.1).")),
    ] = False,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Write the database into a store file (a backup to carry)."""
    from .database import run_pull

    run_pull(make_env(db, None, lang), file, replace=replace)


def main() -> None:
    """Console-script entry point."""
    app()
