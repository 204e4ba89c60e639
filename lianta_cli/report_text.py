"""Reports as text: the summary as CSV, the weekly report as Markdown or CSV, and writing a
report to a file without ever leaving it half-written."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from .errors import InputError, StoreError
from .export import md_cell, one_line, to_csv, to_markdown
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
    describe,
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


def aim_lines(indices: list[dict[str, Any]], *, markdown: bool = True) -> list[str]:
    """What the indices set out to achieve, for those whose plan gives an aim: a heading line and
    an item per index (empty if none has one); as Markdown, or as plain lines."""
    cell = md_cell if markdown else one_line
    items = [
        "- "
        + _("{number} {name}: {aim}").format(
            number=row["index"],
            name=cell(pick(row.get("name"), row.get("name_en"))),
            aim=cell(pick(row["aim"], row.get("aim_en"))),
        )
        for row in indices
        if row.get("aim")
    ]
    return [_("What the indices set out to achieve:"), "", *items] if items else []


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
            if "since" in entry:
                row["at"] = entry["since"]
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
    if report.plans > 1:
        heading += _(" · {year} plan").format(year=report.plan)
    subtitle = _("{plan} · {start} to {end}").format(
        plan=md_cell(pick(report.title, report.title_en) or str(report.plan)),
        start=window.start.isoformat(),
        end=window.end.isoformat(),
    )
    if report.as_of < window.end:
        subtitle += _(" · as of {date}").format(date=report.as_of.isoformat())
    blocks = ["# " + heading, subtitle]
    period = report.period_note()
    if period:
        blocks.append(period)
    total_row = {"index": "", "name": _("Total"), "name_en": _("Total"), **report.total}
    blocks.append(
        "## "
        + _("Progress by index")
        + "\n\n"
        + to_markdown([*report.indices, total_row], weekly_index_columns()).rstrip("\n")
    )
    aims = aim_lines(report.indices)
    if aims:
        blocks.append("\n".join(aims))
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
        _("Still blocked ({count})").format(count=len(sections["still_blocked"])),
        [
            _item(
                e,
                _names(e["assignee"]) or _("nobody assigned"),
                _("since {date}").format(date=_day(e["since"]) or "?"),
            )
            + (": " + md_cell(e["note"]) if e["note"] else "")
            for e in sections["still_blocked"]
        ],
    )
    section(
        _("Overdue on {date} ({count})").format(
            date=report.as_of.isoformat(), count=len(sections["overdue"])
        ),
        [
            _item(
                e,
                _late(e["due"], e["days_overdue"]),
                _names(e["assignee"]) or _("nobody assigned"),
                _status_text(e["status"], e["progress"]),
            )
            for e in sections["overdue"]
        ],
    )
    section(
        _("Due {start} to {end} ({count})").format(
            start=report.as_of.isoformat(),
            end=(report.as_of + timedelta(days=DUE_SOON_DAYS)).isoformat(),
            count=len(sections["due_soon"]),
        ),
        [
            _item(
                e,
                _("due {date}").format(date=e["due"]),
                _names(e["assignee"]) or _("nobody assigned"),
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


def write_atomically(path: Path, text: str | bytes, keep: Sequence[Path] = ()) -> Path:
    """Write `text` (as UTF-8) or bytes to the file `path` names, never to one of `keep` (the
    store, its backups and its lock), and as the shell's `>` would, but never half-written.

    A regular file (or a new one) is replaced atomically: a temporary file in the same folder,
    fsync, rename; a failure at any moment leaves the previous file or the new one, and no
    temporary file (one a killed writer left is removed by the next). A symlink is followed:
    its target is the file written and the link stays. A device, a FIFO, or a link to an open
    file (`/dev/stdout`) is written through. A folder is an error. A new file gets the usual
    permissions (0666 less the umask); a replaced one keeps its own, without set-id bits.
    """
    given = path.expanduser()
    try:
        found = os.stat(given)  # follows symlinks: what the path names in the end
    except FileNotFoundError:
        found = None
    except OSError as error:
        raise _cannot_write(path, error) from None
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise InputError(_("--output {path}: is a folder; give a file name").format(path=path))
    target = Path(os.path.realpath(given))
    for kept in keep:
        same = target == Path(os.path.realpath(kept))
        if same or (found is not None and kept.exists() and os.path.samefile(given, kept)):
            raise InputError(
                _("--output {path}: that is the store {store} (or its backup or lock)").format(
                    path=path, store=keep[0]
                )
            )
    if found is not None and (not stat.S_ISREG(found.st_mode) or _open_file_link(given)):
        _write_through(given, text, path)
        return given
    folder = target.parent
    if not folder.is_dir():
        raise InputError(
            _("--output {path}: the folder {folder} does not exist").format(
                path=path, folder=folder
            )
        )
    mode = found.st_mode & 0o777 if found is not None else 0o666 & ~_umask()
    for stale in stale_temporaries(target, 0):  # left by a writer that was killed
        pid = int(stale.name.rsplit(".", 2)[-2])
        if pid == os.getpid() or not process_running(pid):
            with contextlib.suppress(OSError):
                stale.unlink()
    tmp = temporary_path(target)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | BINARY, 0o600)
        try:
            _write_all(fd, text)
            if hasattr(os, "fchmod"):  # not on Windows before Python 3.13
                os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _cannot_write(path, error) from None
    fsync_folder(folder)
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_all(fd: int, text: str | bytes) -> None:
    payload = memoryview(text.encode("utf-8") if isinstance(text, str) else text)
    while payload:
        payload = payload[os.write(fd, payload) :]


def _open_file_link(path: Path) -> bool:
    """Whether `path` leads, link by link, to one of /proc's links to a file a process has open
    (/dev/stdout -> /proc/self/fd/1): that open file is the one to write, as `>` does."""
    current = os.path.abspath(path)
    for _hop in range(40):
        folder, name = os.path.split(current)
        current = os.path.join(os.path.realpath(folder), name)
        if current.startswith("/proc/"):
            return True
        try:
            link = os.readlink(current)
        except OSError:
            return False
        current = os.path.join(os.path.dirname(current), link)
    return False


def _write_through(target: Path, text: str | bytes, shown: Path) -> None:
    """Write into a device, a FIFO or an open file as it is (appending, as after `>`, to what
    this process has not written yet), without replacing it."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_APPEND)
        try:
            _write_all(fd, text)
        finally:
            os.close(fd)
    except OSError as error:
        raise _cannot_write(shown, error) from None


def _cannot_write(path: Path, error: OSError) -> InputError | StoreError:
    return path_error(
        error,
        _("cannot write {path}: {reason}; the file was not changed").format(
            path=path, reason=describe(error)
        ),
    )
