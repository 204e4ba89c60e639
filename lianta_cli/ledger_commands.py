"""`lianta export xlsx` and `lianta import`: the ledger out to a workbook, and the units' edited
ledger (a workbook or a CSV file) back in. Options -> one domain call -> output, as in
`commands`: data on stdout, messages on stderr."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from . import ledger, report, tracker
from .commands import Env, check_format, info, out, show_table
from .errors import InputError
from .export import Column, dumps_json
from .i18n import _, pick
from .store import store_files
from .views import field_name, shown_value


def run_export(env: Env, *, output: Path | None) -> None:
    """`lianta export xlsx`: the ledger as a workbook, into `output` or to stdout if that is
    not a terminal."""
    from . import report_text, workbook

    if output is not None and output.suffix.lower() != ".xlsx":
        raise InputError(
            _("--output {path}: a workbook's file name ends in .xlsx").format(path=output)
        )
    if output is None and sys.stdout.isatty():
        raise InputError(_("a workbook is not for the terminal: give --output FILE.xlsx"))
    store = env.reading()
    year = tracker.select_plan(store, env.plan, env.clock.today())
    today = env.clock.today()
    plan = tracker.plan_docs(store)[year]
    title = _("{plan}: the ledger as of {today}").format(
        plan=pick(plan.get("title"), plan.get("title_en")) or year, today=today
    )
    rows = ledger.rows(store, year, today)
    payload = workbook.ledger_workbook(
        rows, report.summary(store, year, today), title, env.clock.now()
    )
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return
    report_text.write_atomically(output, payload, keep=store_files(env.db))
    info(
        _("wrote {path}: {count} tasks of the {year} plan").format(
            path=output, count=len(rows), year=year
        )
    )


def run_import(env: Env, file: Path, *, dry_run: bool, fmt: str) -> None:
    """`lianta import`: the changes a units' ledger makes, shown (`dry_run`) or recorded as
    one change; with any bad cell, every one is reported and nothing is changed."""
    from . import workbook

    fmt = check_format(fmt, ("table", "json"))
    reading = workbook.read_ledger(file, str(file))
    if not reading.rows and not reading.problems:
        message = _("{file}: no row has a task id; nothing to import").format(file=file)
        raise InputError(message)
    for notice in reading.notices:
        info("lianta: " + notice)
    if dry_run:
        store = env.reading()
        result = _take_in(env, store, reading, env.acting(store), dry_run=True)
    else:
        result = env.change(lambda store, user: _take_in(env, store, reading, user, dry_run=False))
    if fmt == "json":
        out(dumps_json({"file": str(file), "sheet": reading.sheet, **result.as_dict()}))
    elif result.changes:
        rows = [{**change, "shown_field": field_name(change["field"])} for change in result.changes]
        columns = [
            Column("id", _("Task")),
            Column("shown_field", _("Field")),
            Column("old", _("Was"), wrap=True, show=lambda r: _value(r, "old")),
            Column("new", _("Now"), wrap=True, show=lambda r: _value(r, "new")),
        ]
        show_table(rows, columns, env)
    tasks = len({change["id"] for change in result.changes})
    counts = _("{tasks} task(s) change, {rows} row(s) change nothing").format(
        tasks=tasks, rows=len(result.unchanged)
    )
    if dry_run:
        verdict = _("dry run: nothing was written")
    elif result.change:
        verdict = _("recorded as change {change} ('lianta undo' reverts it)").format(
            change=result.change
        )
    else:
        verdict = _("nothing changed")
    info(_("{counts}; {verdict}").format(counts=counts, verdict=verdict))


def _take_in(env: Env, store: Any, reading: Any, user: str, *, dry_run: bool) -> ledger.Intake:
    year = tracker.select_plan(store, env.plan, env.clock.today())
    result = ledger.take_in(
        store, year, reading.rows, env.clock, user, dry_run=dry_run or bool(reading.problems)
    )
    result.dry_run = dry_run
    problems = [*reading.problems, *result.problems]
    if problems:
        summary = _("{count} problem(s); nothing was imported").format(count=len(problems))
        raise InputError(problems[0], details=[*problems, summary])
    return result


def _value(row: dict[str, Any], which: str) -> str:
    value = row[which]
    if row["field"] == "cooperating":
        return "、".join(value) or "-"
    return shown_value(row["field"], value)
