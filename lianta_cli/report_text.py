"""Reports as text: the summary as CSV, the weekly report as Markdown or CSV, and writing a
report to a file without ever leaving it half-written."""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from .errors import InputError
from .export import md_cell, to_csv, to_markdown
from .files import BINARY, NOFOLLOW
from .i18n import _, pick
from .report import (
    CSV_KEYS,
    DUE_SOON_DAYS,
    SECTIONS,
    SUMMARY_KEYS,
    UNIT_SUMMARY_KEYS,
    WEEKLY_INDEX_KEYS,
    Summary,
    UnitSummary,
    WeeklyReport,
)
from .store import (
    fsync_folder,
    path_error,
    process_running,
    stale_temporaries,
    temporary_path,
)
from .views import headers, signed, status_name, weekly_index_columns


def summary_csv(result: Summary | UnitSummary) -> str:
    """The summary as CSV: a row per index (or unit) and a last row, the total, whose index
    code (or unit) is 'total'."""
    if isinstance(result, UnitSummary):
        rows = [*result.units, {**result.total, "unit": "total"}]
        return to_csv(rows, UNIT_SUMMARY_KEYS, headers(UNIT_SUMMARY_KEYS))
    total = {"index": None, "code": "total", "name": None, "name_en": None, **result.total}
    return to_csv([*result.indices, total], SUMMARY_KEYS, headers(SUMMARY_KEYS))


def weekly_csv(report: WeeklyReport) -> str:
    """Two tables, as the Markdown report has them: the figures per index and their total (code
    'total'), then, after an empty line, one row per (section, task) in the report's order."""
    total = {"index": None, "code": "total", "name": None, "name_en": None, **report.total}
    figures = to_csv([*report.indices, total], WEEKLY_INDEX_KEYS, headers(WEEKLY_INDEX_KEYS))
    rows = []
    for name in SECTIONS:
        for entry in report.sections[name]:
            row = {**entry, "section": name}
            if "note" in entry:
                row["text"] = entry["note"]
            if name == "progress":
                row["progress"] = entry["to"]
            rows.append(row)
    return figures + "\n" + to_csv(rows, CSV_KEYS, headers(CSV_KEYS))


def _title(entry: dict[str, Any]) -> str:
    return md_cell(f"{entry['id']} {pick(entry['title'], entry['title_en'])}")


def _day(stamp: str | None) -> str | None:
    return stamp[:10] if stamp else None


def _status_text(status: str, progress: Any) -> str:
    return _("{status}, {progress}%").format(status=status_name(status), progress=progress)


def _item(entry: dict[str, Any], *parts: str | None) -> str:
    shown = [p for p in parts if p]
    return "- " + _title(entry) + (" — " + " · ".join(shown) if shown else "")


def _late(due: str, days: int) -> str:
    if days == 1:
        return _("due {date}, 1 day late").format(date=due)
    return _("due {date}, {days} days late").format(date=due, days=days)


def _names(value: Any) -> str | None:
    return md_cell(value) if value else None


def weekly_markdown(report: WeeklyReport) -> str:
    """The report for pasting into an e-mail or a chat: headings, lists, one table, no ANSI."""
    window = report.window
    sections = report.sections
    if window.week:
        heading = _("Weekly report {week}").format(week=window.week)
    else:
        heading = _("Report {start} to {end}").format(
            start=window.start.isoformat(), end=window.end.isoformat()
        )
    blocks = [
        "# " + heading,
        _("{plan} · {start} to {end}").format(
            plan=md_cell(pick(report.title, report.title_en) or str(report.plan)),
            start=window.start.isoformat(),
            end=window.end.isoformat(),
        ),
    ]
    total_row = {"index": "", "name": _("Total"), "name_en": _("Total"), **report.total}
    blocks.append(
        "## "
        + _("Progress by index")
        + "\n\n"
        + to_markdown([*report.indices, total_row], weekly_index_columns()).rstrip("\n")
    )
    if report.quiet:
        blocks.append(_("No changes were recorded in this period."))

    def section(title: str, lines: list[str]) -> None:
        if lines:
            blocks.append("## " + title + "\n\n" + "\n".join(lines))

    section(
        _("Completed ({count})").format(count=len(sections["completed"])),
        [_item(e, _names(e["assignee"]), _day(e["at"])) for e in sections["completed"]],
    )
    section(
        _("Started ({count})").format(count=len(sections["started"])),
        [
            _item(
                e,
                _names(e["assignee"]),
                _day(e["at"]),
                _("now {state}").format(state=_status_text(e["status"], e["progress"])),
            )
            for e in sections["started"]
        ],
    )
    section(
        _("Blocked ({count})").format(count=len(sections["blocked"])),
        [
            _item(e, _names(e["assignee"]), _day(e["at"]))
            + (": " + md_cell(e["note"]) if e["note"] else "")
            for e in sections["blocked"]
        ],
    )
    section(
        _("Unblocked ({count})").format(count=len(sections["unblocked"])),
        [
            _item(
                e,
                _names(e["assignee"]),
                _day(e["at"]),
                _("now {state}").format(state=status_name(e["status"])),
            )
            for e in sections["unblocked"]
        ],
    )
    section(
        _("Newly assigned ({count})").format(count=len(sections["assigned"])),
        [
            _item(
                e,
                (md_cell(e["from"]) + " → " if e["from"] else "")
                + md_cell(e["to"])
                + (" (" + md_cell(e["unit"]) + ")" if e["unit"] else ""),
            )
            for e in sections["assigned"]
        ],
    )
    section(
        _("Progress moves ({count})").format(count=len(sections["progress"])),
        [
            _item(e, f"{e['from']}% → {e['to']}% ({signed(e['change'], 0)})")
            for e in sections["progress"]
        ],
    )
    section(
        _("Notes added ({count})").format(count=len(sections["notes"])),
        [
            _item(e, _names(e["by"]), _day(e["at"])) + ": " + md_cell(e["text"])
            for e in sections["notes"]
        ],
    )
    section(
        _("Overdue on {date} ({count})").format(
            date=window.end.isoformat(), count=len(sections["overdue"])
        ),
        [
            _item(
                e,
                _late(e["due"], e["days_overdue"]),
                _names(e["assignee"]) or _("unassigned"),
                _status_text(e["status"], e["progress"]),
            )
            for e in sections["overdue"]
        ],
    )
    section(
        _("Due {start} to {end} ({count})").format(
            start=window.end.isoformat(),
            end=(window.end + timedelta(days=DUE_SOON_DAYS)).isoformat(),
            count=len(sections["due_soon"]),
        ),
        [
            _item(
                e,
                _("due {date}").format(date=e["due"]),
                _names(e["assignee"]) or _("unassigned"),
                _status_text(e["status"], e["progress"]),
            )
            for e in sections["due_soon"]
        ],
    )
    section(
        _("Open tasks with nobody assigned ({count})").format(count=len(sections["unassigned"])),
        [_item(e) for e in sections["unassigned"]],
    )
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------- saving a report


def write_atomically(path: Path, text: str | bytes) -> Path:
    """Write `text` (as UTF-8) or bytes to `path` through a temporary file in the same folder,
    fsync and rename.

    A failure at any moment leaves either the previous file or the new one, and no temporary
    file (one a killed writer left is removed by the next). A new file gets the usual
    permissions (0666 less the umask); a replaced one keeps its own, without set-id bits.
    """
    target = path.expanduser()
    folder = target.parent
    if target.is_dir():
        raise InputError(_("--output {path}: is a folder; give a file name").format(path=path))
    if not folder.is_dir():
        raise InputError(
            _("--output {path}: the folder {folder} does not exist").format(
                path=path, folder=folder
            )
        )
    try:
        mode = target.stat().st_mode & 0o777  # a file's permissions, never set-id bits
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        mode = 0o666 & ~mask
    except OSError as error:
        raise path_error(
            error,
            _("cannot write {path}: {reason}; the file was not changed").format(
                path=path, reason=error.strerror or error
            ),
        ) from None
    for stale in stale_temporaries(target, 0):  # left by a writer that was killed
        pid = int(stale.name.rsplit(".", 2)[-2])
        if pid == os.getpid() or not process_running(pid):
            with contextlib.suppress(OSError):
                stale.unlink()
    tmp = temporary_path(target)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | BINARY, 0o600)
        try:
            payload = memoryview(text.encode("utf-8") if isinstance(text, str) else text)
            while payload:
                written = os.write(fd, payload)
                payload = payload[written:]
            if hasattr(os, "fchmod"):  # not on Windows before Python 3.13
                os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise path_error(
            error,
            _("cannot write {path}: {reason}; the file was not changed").format(
                path=path, reason=error.strerror or error
            ),
        ) from None
    fsync_folder(folder)
    return target
