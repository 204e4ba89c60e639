"""The command line: options in, one library call, output out. With `cli_base`, the only
modules that import Typer.

Errors never reach the user as a traceback: `LiantaGroup.main` turns every `LiantaError` and every
usage error into one line on stderr and an exit status (2 for bad input or usage).
"""

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from . import __version__, terminal, tracker
from .cli_base import LiantaGroup, refuse_options_before_command
from .commands import (
    FORMATS_ALL,
    REPORT_FORMATS,
    make_env,
    out,
    run_assign,
    run_doctor,
    run_done,
    run_history,
    run_list,
    run_note,
    run_show,
    run_summary,
    run_unassign,
    run_undo,
    run_update,
    run_weekly,
)
from .i18n import _
from .plan_commands import run_load, run_validate

app = typer.Typer(
    cls=LiantaGroup,
    name="lianta",
    help=_("Track an annual work plan: tasks per index, who has which, what moved, what is stuck."),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# ------------------------------------------------------------------ shared options


_COMPLETING = "_LIANTA_COMPLETE" in os.environ
"""Whether this run answers the shell's completion script (Typer's variable for `lianta`)."""


def _offer(name: str, *args: Any, **kwargs: Any) -> Callable[..., Any] | None:
    """The completion callback `completion.<name>` (made with `args` when given), only when the
    shell asks: Typer inspects every callback each time it builds the command line (2 ms)."""
    if not _COMPLETING:
        return None
    from . import completion

    found: Callable[..., Any] = getattr(completion, name)
    return found(*args, **kwargs) if args or kwargs else found


def _value(*names: str, help: str, offer: Callable[..., Any] | None = None) -> Any:
    """An option that takes a value, with no default worth showing; `offer` completes it."""
    return typer.Option(*names, help=help, show_default=False, autocompletion=offer)


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=_(
            "Store file, or a postgresql:// URL of a shared database. "
            "Default: $LIANTA_DB, else the user data folder."
        ),
        show_default=False,
        autocompletion=_offer("files"),
    ),
]
PlanOption = Annotated[
    str | None,
    _value(
        "--plan",
        help=_(
            "Plan: its year (2024), area (liantang) or both (liantang/2024). Default: the plan "
            "running today, else the latest that has begun."
        ),
        offer=_offer("plans"),
    ),
]
PlansOption = Annotated[
    str | None,
    _value(
        "--plan",
        help=_(
            "Plan: its year (2024), area (liantang) or both (liantang/2024); all: every area's "
            "plan of the year, side by side with their total (all/2024 names the year). Default: "
            "the plan running today, else the latest that has begun."
        ),
        offer=_offer("plans"),
    ),
]
LangOption = Annotated[
    str | None,
    _value(
        "--lang",
        help=_("Interface language: en or zh. Default: $LIANTA_LANG, else the locale."),
        offer=_offer("fixed", "en", "zh"),
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
BomOption = Annotated[
    bool | None,
    typer.Option(
        "--bom/--no-bom",
        help=_("CSV: start with the byte-order mark Excel needs. Default: only into a file."),
        show_default=False,
    ),
]


def _no_pager(value: bool) -> None:
    if value:
        terminal.no_pager()


NoPagerOption = Annotated[
    bool,
    typer.Option(
        "--no-pager",
        help=_("Print everything, even when it is longer than the screen (no pager)."),
        callback=_no_pager,
    ),
]
IdsArgument = Annotated[
    list[str],
    typer.Argument(
        help=_(
            "Task ids, like 3.4; a range 1.1-1.3, 1.* or an index code names several "
            "(they succeed or fail together)."
        ),
        show_default=False,
        autocompletion=_offer("task_ids", groups=True, archived=False),
    ),
]
ShownId = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help=_("Task id, like 3.4."),
        autocompletion=_offer("task_ids", groups=False, archived=True),
    ),
]


def _format_option(help_text: str, *choices: str) -> Any:
    """`--format`/`-f`, completed with `choices` (the first is the default)."""
    return typer.Option("--format", "-f", help=help_text, autocompletion=_offer("fixed", *choices))


TableFormat = Annotated[str, _format_option(_("table, json, csv or md."), *FORMATS_ALL)]
TextFormat = Annotated[str, _format_option(_("text or json."), "text", "json")]
ChangeFormat = Annotated[
    str, _format_option(_("text or json (the change and its events)."), "text", "json")
]


def _show_version(value: bool) -> None:
    if value:
        out(f"lianta {__version__}\n")
        raise typer.Exit()


@app.callback()
def lianta(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help=_("Print lianta's version and exit."),
            is_eager=True,
            callback=_show_version,
        ),
    ] = False,
    no_pager: NoPagerOption = False,
    lang: LangOption = None,
) -> None:
    """Options that come before the command (`lianta --no-pager list`)."""
    del version, no_pager, lang  # acted on by their callbacks, and --lang before parsing


# ------------------------------------------------------------------ commands


PlanFile = Annotated[
    Path | None,
    typer.Argument(
        metavar="[PLAN]",
        help=_("Plan file (default: the bundled 2024 plan)."),
        show_default=False,
        autocompletion=_offer("files"),
    ),
]


@app.command(
    help=_("Check a plan file and report every problem with its line (exit 2 on errors)."),
)
def validate(
    plan_file: PlanFile = None,
    fmt: TextFormat = "text",
    lang: LangOption = None,
) -> None:
    """Check a plan file and report every problem with its line (exit 2 on errors)."""
    make_env(None, None, lang)
    code = run_validate(plan_file, fmt=fmt)
    if code:
        raise typer.Exit(code)


@app.command(
    help=_(
        "Sync a plan file into the store: add new tasks, update changed text, archive removed ones."
    ),
)
def load(
    plan_file: PlanFile = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Show what would change; write nothing."))
    ] = False,
    fmt: TextFormat = "text",
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Sync a plan file into the store: add new tasks, update changed text, archive removed ones."""
    run_load(make_env(db, None, lang), plan_file, dry_run=dry_run, fmt=fmt)


@app.command(
    "list",
    help=_("List tasks, filtered and sorted."),
)
def list_(
    index: Annotated[
        str | None,
        _value(
            "--index",
            "-i",
            help=_("Only this index: its number or code."),
            offer=_offer("indices"),
        ),
    ] = None,
    status: Annotated[
        list[str] | None,
        _value(
            "--status",
            "-s",
            help=_("Only these statuses (repeat): todo, in_progress, blocked, done."),
            offer=_offer("statuses"),
        ),
    ] = None,
    assignee: Annotated[
        str | None,
        _value(
            "--assignee",
            "-a",
            help=_("Only tasks assigned to this person."),
            offer=_offer("assignees"),
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
        _value(
            "--search",
            "-q",
            help=_("Text in titles, source, places, partners, notes (case and script ignored)."),
        ),
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            help=_("id, due, progress, status or updated."),
            autocompletion=_offer("fixed", *tracker.SORTS),
        ),
    ] = "id",
    limit: Annotated[
        int | None,
        _value(
            "--limit",
            "-n",
            help=_("At most N rows; 0 for all. Default: 100 in a table, all in json/csv/md."),
        ),
    ] = None,
    archived: Annotated[
        bool, typer.Option("--archived", help=_("Include tasks that left the plan."))
    ] = False,
    unit: Annotated[
        str | None,
        _value(
            "--unit",
            "-u",
            help=_("Only tasks this unit leads or cooperates on."),
            offer=_offer("units"),
        ),
    ] = None,
    light: Annotated[
        list[str] | None,
        _value(
            "--light",
            help=_("Only these lights (repeat): red, yellow, green."),
            offer=_offer("fixed", "red", "yellow", "green"),
        ),
    ] = None,
    fmt: TableFormat = "table",
    bom: BomOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
    ascii_only: AsciiOption = False,
    no_pager: NoPagerOption = False,
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
            unit=unit,
            lights=light or (),
        ),
        fmt=fmt,
        limit=limit,
        bom=bom,
    )


@app.command(
    help=_("Every field of one task, its notes and its history."),
)
def show(
    task_id: ShownId,
    fmt: Annotated[str, _format_option(_("table or json."), "table", "json")] = "table",
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
    ascii_only: AsciiOption = False,
    no_pager: NoPagerOption = False,
) -> None:
    """Every field of one task, its notes and its history."""
    run_show(make_env(db, plan, lang, ascii_only), task_id, fmt=fmt)


@app.command(help=_("Give tasks to a person, a lead unit and cooperating units."))
def assign(
    ids: IdsArgument,
    to: Annotated[
        str | None,
        _value("--to", help=_("Who takes the task(s)."), offer=_offer("assignees")),
    ] = None,
    unit: Annotated[
        str | None,
        _value(
            "--unit",
            help=_("Lead unit, e.g. 经济服务办; 'none' for the plan's."),
            offer=_offer("units"),
        ),
    ] = None,
    cooperating: Annotated[
        list[str] | None,
        _value(
            "--cooperating",
            help=_("Cooperating units (repeat, or separate with commas); 'none' for the plan's."),
            offer=_offer("units"),
        ),
    ] = None,
    fmt: ChangeFormat = "text",
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
) -> None:
    """Give tasks to a person, a lead unit and cooperating units."""
    run_assign(make_env(db, plan, lang), ids, to=to, unit=unit, cooperating=cooperating, fmt=fmt)


@app.command(help=_("Take tasks back from whoever has them (clears assignee and lead unit)."))
def unassign(
    ids: IdsArgument,
    fmt: ChangeFormat = "text",
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
) -> None:
    """Take tasks back from whoever has them (clears assignee and lead unit)."""
    run_unassign(make_env(db, plan, lang), ids, fmt=fmt)


@app.command(
    help=_("Change status, progress, due date, or add a note."),
)
def update(
    ids: IdsArgument,
    status: Annotated[
        str | None,
        _value(
            "--status",
            "-s",
            help=_("todo, in_progress, blocked or done."),
            offer=_offer("statuses"),
        ),
    ] = None,
    progress: Annotated[
        int | None,
        _value("--progress", "-p", help=_("Percent done, 0-100.")),
    ] = None,
    due: Annotated[
        str | None,
        _value("--due", help=_("Due date YYYY-MM-DD, or 'none' to fall back to the plan's.")),
    ] = None,
    note: Annotated[
        str | None,
        _value("--note", help=_("A note (required when blocking: say why).")),
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


@app.command(
    help=_("Mark tasks done (progress 100)."),
)
def done(
    ids: IdsArgument,
    note: Annotated[str | None, _value("--note", help=_("A closing note."))] = None,
    fmt: ChangeFormat = "text",
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
) -> None:
    """Mark tasks done (progress 100)."""
    run_done(make_env(db, plan, lang), ids, note=note, fmt=fmt)


@app.command(
    help=_("Add a note to a task."),
)
def note(
    task_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help=_("Task id, like 3.4."),
            autocompletion=_offer("task_ids", groups=False, archived=False),
        ),
    ],
    text: Annotated[str, typer.Argument(metavar="TEXT", help=_("The note."))],
    fmt: ChangeFormat = "text",
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
) -> None:
    """Add a note to a task."""
    run_note(make_env(db, plan, lang), task_id, text, fmt=fmt)


@app.command(
    help=_("What changed, when, and by whom (oldest first)."),
)
def history(
    task_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID]",
            help=_("Only this task."),
            show_default=False,
            autocompletion=_offer("task_ids", groups=False, archived=True),
        ),
    ] = None,
    since: Annotated[
        str | None,
        _value("--since", help=_("From this date (YYYY-MM-DD).")),
    ] = None,
    until: Annotated[
        str | None,
        _value("--until", help=_("Up to and including this date.")),
    ] = None,
    limit: Annotated[
        int | None,
        _value("--limit", "-n", help=_("Only the last N events; 0 for all.")),
    ] = None,
    fmt: TableFormat = "table",
    bom: BomOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
    ascii_only: AsciiOption = False,
    no_pager: NoPagerOption = False,
) -> None:
    """What changed, when, and by whom (oldest first)."""
    run_history(
        make_env(db, plan, lang, ascii_only),
        task_id,
        since=since,
        until=until,
        limit=limit,
        fmt=fmt,
        bom=bom,
    )


@app.command(
    help=_("Revert your most recent change (one command on several ids is one change)."),
)
def undo(
    anyone: Annotated[
        bool,
        typer.Option("--anyone", help=_("Revert the most recent change, whoever made it.")),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help=_("Say which change would be undone; change nothing.")),
    ] = False,
    before_load: Annotated[
        bool,
        typer.Option(
            "--before-load",
            help=_("Undo it even if it was recorded before the last plan load."),
        ),
    ] = False,
    fmt: ChangeFormat = "text",
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Revert your most recent change (one command on several ids is one change)."""
    run_undo(
        make_env(db, None, lang),
        anyone=anyone,
        before_load=before_load,
        dry_run=dry_run,
        fmt=fmt,
    )


@app.command(
    help=_("Check the store, its history and its backups (exit 1 if anything is wrong)."),
)
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
    accept: Annotated[
        bool,
        typer.Option(
            "--accept",
            help=_(
                "Record tasks edited by hand in the store file as a change of yours, so its "
                "history agrees with it again."
            ),
        ),
    ] = False,
    fmt: TextFormat = "text",
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Check the store, its history and its backups (exit 1 if anything is wrong)."""
    if not run_doctor(make_env(db, None, lang), restore=restore, accept=accept, fmt=fmt):
        raise typer.Exit(1)


@app.command(
    help=_("Print lianta's version."),
)
def version() -> None:
    """Print lianta's version."""
    out(f"lianta {__version__}\n")


# ------------------------------------------------------------------ summary and reports


@app.command(
    help=_("Tasks per index (or unit): counts by status, progress, overdue, lights."),
)
def summary(
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help=_("index, or unit: a row per lead or cooperating unit."),
            autocompletion=_offer("fixed", "index", "unit"),
        ),
    ] = "index",
    fmt: TableFormat = "table",
    bom: BomOption = None,
    db: DbOption = None,
    plan: PlansOption = None,
    lang: LangOption = None,
    ascii_only: AsciiOption = False,
    no_pager: NoPagerOption = False,
) -> None:
    """Tasks per index (or unit): counts by status, progress, overdue, lights."""
    run_summary(make_env(db, plan, lang, ascii_only), fmt=fmt, by=by, bom=bom)


export_app = typer.Typer(
    cls=LiantaGroup,
    name="export",
    help=_("The ledger for a spreadsheet program (Excel, WPS, LibreOffice)."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(export_app, name="export")


@export_app.command(
    "xlsx", help=_("Every task and a summary per index, with lights, as an Excel workbook.")
)
def export_xlsx(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help=_("The workbook to write (replaced whole)."), show_default=False
        ),
    ] = None,
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
) -> None:
    """Every task and a summary per index, with lights, as an Excel workbook."""
    from .ledger_commands import run_export

    run_export(make_env(db, plan, lang), output=output)


@app.command(
    "import",
    help=_("Take in a units' ledger (xlsx or CSV): progress, status, note, people, units, due."),
)
def import_(
    file: Annotated[Path, typer.Argument(metavar="FILE", help=_("An .xlsx or .csv file."))],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Show what would change; write nothing."))
    ] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help=_("table or json."))] = "table",
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
    ascii_only: AsciiOption = False,
) -> None:
    """Take in a units' ledger (xlsx or CSV): progress, status, note, people, units, due."""
    from .ledger_commands import run_import

    run_import(make_env(db, plan, lang, ascii_only), file, dry_run=dry_run, fmt=fmt)


report_app = typer.Typer(
    cls=LiantaGroup,
    name="report",
    help=_("The leadership's report on a week, month or quarter: a headline, charts, the detail."),
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(report_app, name="report")

OutputOption = Annotated[
    Path | None,
    _value(
        "--output",
        "-o",
        help=_("Write to this file (replaced whole, never half-written) instead of stdout."),
        offer=_offer("files"),
    ),
]
WeekOption = Annotated[
    str | None,
    _value(
        "--week", "-w", help=_("ISO week YYYY-Www, like 2024-W10. Default: the week holding today.")
    ),
]
SinceOption = Annotated[
    str | None,
    _value("--since", help=_("Instead of a week: the first day (YYYY-MM-DD).")),
]
UntilOption = Annotated[
    str | None,
    _value("--until", help=_("The last day, included (default: today).")),
]


@report_app.callback()
def report(
    ctx: typer.Context,
    week: WeekOption = None,
    month: Annotated[
        str | None, _value("--month", "-m", help=_("A month YYYY-MM, like 2024-03."))
    ] = None,
    quarter: Annotated[
        str | None, _value("--quarter", "-q", help=_("A quarter YYYY-Qn, like 2024-Q1."))
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: Annotated[
        str,
        _format_option(
            _("md, json, csv, html (one page with charts) or pdf (printed by Chromium)."),
            *REPORT_FORMATS,
        ),
    ] = "md",
    output: OutputOption = None,
    bom: BomOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    lang: LangOption = None,
    no_pager: NoPagerOption = False,
) -> None:
    """The leadership's report on a period, opening with its headline."""
    if ctx.invoked_subcommand is not None:
        refuse_options_before_command(ctx)
        return
    from .report_commands import run_report

    run_report(
        make_env(db, plan, lang),
        week=week,
        month=month,
        quarter=quarter,
        since=since,
        until=until,
        fmt=fmt,
        output=output,
        bom=bom,
    )


@report_app.command(
    help=_(
        "What was completed, started, blocked, assigned and moved in a week, per index and task."
    ),
)
def weekly(
    week: WeekOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: Annotated[str, _format_option(_("md, json or csv."), "md", "json", "csv")] = "md",
    output: OutputOption = None,
    bom: BomOption = None,
    db: DbOption = None,
    plan: PlansOption = None,
    lang: LangOption = None,
    no_pager: NoPagerOption = False,
) -> None:
    """What was completed, started, blocked, assigned and moved in a week, per index and task."""
    run_weekly(
        make_env(db, plan, lang),
        week=week,
        since=since,
        until=until,
        fmt=fmt,
        output=output,
        bom=bom,
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
    _utf8_stdout()
    app()


def _utf8_stdout() -> None:
    """Data in UTF-8 whatever the system's code page: on Windows, output sent to a file or a
    pipe would otherwise be in the ANSI code page (GBK on a Chinese system)."""
    stream = sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    if stream is not None and encoding != "utf8" and not stream.isatty():
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")
