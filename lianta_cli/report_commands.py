"""`lianta report`: the leadership's report on a week, a month, a quarter or any days, as
commands.py does the other commands; and where every report goes (stdout or a file)."""

from __future__ import annotations

import sys
from pathlib import Path

from . import tracker
from .clock import parse_day
from .commands import REPORT_FORMATS, Env, check_format
from .errors import InputError
from .export import dumps_json
from .i18n import _
from .store import store_files
from .stored_plans import covers_all
from .terminal import BOM, check_bom, info, out, out_csv


def run_report(
    env: Env,
    *,
    week: str | None,
    month: str | None,
    quarter: str | None,
    since: str | None,
    until: str | None,
    fmt: str,
    output: Path | None,
    bom: bool | None = None,
) -> None:
    """The report opening with its headline, in `fmt`, on stdout or written whole to
    `output`."""
    from . import report_text
    from .period_report import period_report
    from .periods import resolve_window

    fmt = check_format(fmt, REPORT_FORMATS)
    check_bom(fmt, bom)
    if fmt == "pdf" and output is None and sys.stdout.isatty():
        raise InputError(_("--format pdf: give --output FILE.pdf (a PDF is not for the terminal)"))
    start = parse_day(since, "--since") if since is not None else None
    end = parse_day(until, "--until") if until is not None else None
    today = env.clock.today()
    window = resolve_window(week, start, end, today, month=month, quarter=quarter)
    store = env.reading()
    data: str | bytes
    if covers_all(env.plan):
        if fmt in ("html", "pdf"):
            message = _("--plan all: the {format} report shows one plan; choose one, or {other}")
            raise InputError(message.format(format=fmt, other="md, json, csv"))
        from . import district_commands

        emit(env, district_commands.weekly_text(store, env, window, today, fmt), fmt, output, bom)
        return
    plan_key = tracker.select_plan(store, env.plan, min(today, window.end))
    result = period_report(store, plan_key, window, today)
    if fmt == "json":
        data = dumps_json(result.as_dict())
    elif fmt == "csv":
        data = report_text.weekly_csv(result.report)
    elif fmt in ("html", "pdf"):
        from .report_html import report_html, report_pdf

        data = report_html(result)
        if fmt == "pdf":
            data = report_pdf(data)
    else:
        headline = report_text.headline_sentences(result.headline, result.report.as_of.isoformat())
        data = report_text.weekly_markdown(result.report, headline)
    emit(env, data, fmt, output, bom)


def emit(env: Env, data: str | bytes, fmt: str, output: Path | None, bom: bool | None) -> None:
    """A report on stdout (CSV with the byte-order mark as `--bom` says), or written whole to
    `output` (CSV with it unless `--no-bom`: a CSV file is for a spreadsheet)."""
    from .report_text import write_atomically

    if output is None:
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        elif fmt == "csv":
            out_csv(data, bom)
        else:
            out(data)
        return
    if fmt == "csv" and bom is not False:
        data = BOM + str(data)
    write_atomically(output, data, keep=store_files(env.db))
    info(_("wrote {path}").format(path=output))
