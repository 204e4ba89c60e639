"""The command line: options in, one library call, output out. With `cli_base` (the machinery),
`cli_options` (the shared options) and `cli_db` (`lianta db`), the only modules that import
Typer.

Errors never reach the user as a traceback: `LiantaGroup.main` turns every `LiantaError` and every
usage error into one line on stderr and an exit status (2 for bad input or usage).
"""

import sys
from pathlib import Path
from typing import Annotated

import typer

from . import __version__, tracker
from .cli_base import command_group, refuse_options_before_command
from .cli_db import db_app
from .cli_options import (
    AsciiOption,
    BomOption,
    ChangeFormat,
    DbOption,
    IdsArgument,
    LangOption,
    NoPagerOption,
    PlanOption,
    PlansOption,
    ShownId,
    TableFormat,
    TextFormat,
    format_option,
    offer,
    value_option,
)
from .commands import (
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

app = command_group(
    "lianta",
    _("Track an annual work plan: tasks per index, who has which, what moved, what is stuck."),
    top=True,
    no_args_is_help=True,
)


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
        autocompletion=offer("files"),
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
        value_option(
            "--index",
            "-i",
            help=_("Only this index: its number or code."),
            offer=offer("indices"),
        ),
    ] = None,
    status: Annotated[
        list[str] | None,
        value_option(
            "--status",
            "-s",
            help=_("Only these statuses (repeat): todo, in_progress, blocked, done."),
            offer=offer("statuses"),
        ),
    ] = None,
    assignee: Annotated[
        str | None,
        value_option(
            "--assignee",
            "-a",
            help=_("Only tasks assigned to this person."),
            offer=offer("assignees"),
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
        value_option(
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
            autocompletion=offer("fixed", *tracker.SORTS),
        ),
    ] = "id",
    limit: Annotated[
        int | None,
        value_option(
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
        value_option(
            "--unit",
            "-u",
            help=_("Only tasks this unit leads or cooperates on."),
            offer=offer("units"),
        ),
    ] = None,
    light: Annotated[
        list[str] | None,
        value_option(
            "--light",
            help=_("Only these lights (repeat): red, yellow, green."),
            offer=offer("fixed", "red", "yellow", "green"),
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
    fmt: Annotated[str, format_option(_("table or json."), "table", "json")] = "table",
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
        value_option("--to", help=_("Who takes the task(s)."), offer=offer("assignees")),
    ] = None,
    unit: Annotated[
        str | None,
        value_option(
            "--unit",
            help=_("Lead unit, e.g. 经济服务办; 'none' for the plan's."),
            offer=offer("units"),
        ),
    ] = None,
    cooperating: Annotated[
        list[str] | None,
        value_option(
            "--cooperating",
            help=_("Cooperating units (repeat, or separate with commas); 'none' for the plan's."),
            offer=offer("units"),
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
        value_option(
            "--status",
            "-s",
            help=_("todo, in_progress, blocked or done."),
            offer=offer("statuses"),
        ),
    ] = None,
    progress: Annotated[
        int | None,
        value_option("--progress", "-p", help=_("Percent done, 0-100.")),
    ] = None,
    due: Annotated[
        str | None,
        value_option("--due", help=_("Due date YYYY-MM-DD, or 'none' to fall back to the plan's.")),
    ] = None,
    note: Annotated[
        str | None,
        value_option("--note", help=_("A note (required when blocking: say why).")),
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
    note: Annotated[str | None, value_option("--note", help=_("A closing note."))] = None,
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
            autocompletion=offer("task_ids", groups=False, archived=False),
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
            autocompletion=offer("task_ids", groups=False, archived=True),
        ),
    ] = None,
    since: Annotated[
        str | None,
        value_option("--since", help=_("From this date (YYYY-MM-DD).")),
    ] = None,
    until: Annotated[
        str | None,
        value_option("--until", help=_("Up to and including this date.")),
    ] = None,
    limit: Annotated[
        int | None,
        value_option("--limit", "-n", help=_("Only the last N events; 0 for all.")),
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
            autocompletion=offer("fixed", "index", "unit"),
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


export_app = command_group(
    "export",
    _("The ledger for a spreadsheet program (Excel, WPS, LibreOffice)."),
    no_args_is_help=True,
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


report_app = command_group(
    "report",
    _("The leadership's report on a week, month or quarter: a headline, charts, the detail."),
    invoke_without_command=True,
)
app.add_typer(report_app, name="report")
app.add_typer(db_app, name="db")

OutputOption = Annotated[
    Path | None,
    value_option(
        "--output",
        "-o",
        help=_("Write to this file (replaced whole, never half-written) instead of stdout."),
        offer=offer("files"),
    ),
]
WeekOption = Annotated[
    str | None,
    value_option(
        "--week", "-w", help=_("ISO week YYYY-Www, like 2024-W10. Default: the week holding today.")
    ),
]
SinceOption = Annotated[
    str | None,
    value_option("--since", help=_("Instead of a week: the first day (YYYY-MM-DD).")),
]
UntilOption = Annotated[
    str | None,
    value_option("--until", help=_("The last day, included (default: today).")),
]


@report_app.callback()
def report(
    ctx: typer.Context,
    week: WeekOption = None,
    month: Annotated[
        str | None, value_option("--month", "-m", help=_("A month YYYY-MM, like 2024-03."))
    ] = None,
    quarter: Annotated[
        str | None, value_option("--quarter", "-q", help=_("A quarter YYYY-Qn, like 2024-Q1."))
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: Annotated[
        str,
        format_option(
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
    fmt: Annotated[str, format_option(_("md, json or csv."), "md", "json", "csv")] = "md",
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
