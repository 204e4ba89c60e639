"""Reports as text: the summary as CSV, the weekly report as Markdown or CSV, and writing a
report to a file without ever leaving it half-written."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from .errors import InputError, StoreError
from .export import md_cell, one_line, to_csv, to_markdown
from .files import BINARY, NOFOLLOW
from .i18n import _, language, pick, plural
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
    return figures + "\n" + to_csv(section_rows(report), CSV_KEYS, headers(CSV_KEYS))


def section_rows(report: WeeklyReport) -> list[dict[str, Any]]:
    """The report's sections as rows of the CSV: one per (section, task), in the report's order."""
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
    return rows


Cell = Callable[[Any], str]
"""How text from the store is made safe for the output: `md_cell`, or `one_line` for HTML
(whose template escapes it)."""


def _title(entry: dict[str, Any], cell: Cell = md_cell) -> str:
    return cell(f"{entry['id']} {pick(entry['title'], entry['title_en'])}")


def _day(stamp: str | None) -> str | None:
    return stamp[:10] if stamp else None


def _status_text(status: str, progress: Any) -> str:
    return _("{status}, {progress}%").format(status=status_name(status), progress=progress)


def _late(due: str, days: int) -> str:
    if days == 1:
        return _("due {date}, 1 day late").format(date=due)
    return _("due {date}, {days} days late").format(date=due, days=days)


def report_heading(report: WeeklyReport, *, named: bool = False) -> str:
    """The report's title: its week (with `named`, its month or quarter too) or its days."""
    window = report.window
    if named and window.month:
        heading = _("Monthly report {month}").format(month=window.month)
    elif named and window.quarter:
        heading = _("Quarterly report {quarter}").format(quarter=window.quarter)
    elif window.week:
        heading = _("Weekly report {week}").format(week=window.week)
    else:
        heading = _("Report {start} to {end}").format(
            start=window.start.isoformat(), end=window.end.isoformat()
        )
    if report.plans > 1:
        heading += _(" · {year} plan").format(year=report.plan)
    return heading


def report_subtitle(report: WeeklyReport, cell: Cell = md_cell) -> str:
    window = report.window
    subtitle = _("{plan} · {start} to {end}").format(
        plan=cell(pick(report.title, report.title_en) or str(report.plan)),
        start=window.start.isoformat(),
        end=window.end.isoformat(),
    )
    if report.as_of < window.end:
        subtitle += _(" · as of {date}").format(date=report.as_of.isoformat())
    return subtitle


def report_sections(
    report: WeeklyReport, cell: Cell = md_cell, *, condensed: bool = False
) -> list[tuple[str, list[str]]]:
    """The report's lists, each a title and its items (the sections with none left out).
    `condensed` gives the assignment bookkeeping a line per person and one line of ids for
    the open tasks nobody has."""
    sections = report.sections

    def item(entry: dict[str, Any], *parts: str | None) -> str:
        shown = [p for p in parts if p]
        return _title(entry, cell) + (" — " + " · ".join(shown) if shown else "")

    def names(value: Any) -> str | None:
        return cell(value) if value else None

    found: list[tuple[str, list[str]]] = []

    def section(title: str, lines: list[str]) -> None:
        if lines:
            found.append((title, lines))

    section(
        _("Completed ({count})").format(count=len(sections["completed"])),
        [item(e, names(e["assignee"]), _day(e["at"])) for e in sections["completed"]],
    )
    section(
        _("Started ({count})").format(count=len(sections["started"])),
        [
            item(
                e,
                names(e["assignee"]),
                _day(e["at"]),
                _("now {state}").format(state=_status_text(e["status"], e["progress"])),
            )
            for e in sections["started"]
        ],
    )
    section(
        _("Blocked ({count})").format(count=len(sections["blocked"])),
        [
            item(e, names(e["assignee"]), _day(e["at"]))
            + (": " + cell(e["note"]) if e["note"] else "")
            for e in sections["blocked"]
        ],
    )
    section(
        _("Unblocked ({count})").format(count=len(sections["unblocked"])),
        [
            item(
                e,
                names(e["assignee"]),
                _day(e["at"]),
                _("now {state}").format(state=status_name(e["status"])),
            )
            for e in sections["unblocked"]
        ],
    )
    section(
        _("Newly assigned ({count})").format(count=len(sections["assigned"])),
        _assigned_by_person(sections["assigned"], cell)
        if condensed
        else [
            item(
                e,
                (cell(e["from"]) + " → " if e["from"] else "")
                + cell(e["to"])
                + (" (" + cell(e["unit"]) + ")" if e["unit"] else ""),
            )
            for e in sections["assigned"]
        ],
    )
    section(
        _("Progress moves ({count})").format(count=len(sections["progress"])),
        [
            item(e, f"{e['from']}% → {e['to']}% ({signed(e['change'], 0)})")
            for e in sections["progress"]
        ],
    )
    section(
        _("Notes added ({count})").format(count=len(sections["notes"])),
        [
            item(e, names(e["by"]), _day(e["at"])) + ": " + cell(e["text"])
            for e in sections["notes"]
        ],
    )
    section(
        _("Still blocked ({count})").format(count=len(sections["still_blocked"])),
        [
            item(
                e,
                names(e["assignee"]) or _("nobody assigned"),
                _("since {date}").format(date=_day(e["since"]) or "?"),
            )
            + (": " + cell(e["note"]) if e["note"] else "")
            for e in sections["still_blocked"]
        ],
    )
    section(
        _("Overdue on {date} ({count})").format(
            date=report.as_of.isoformat(), count=len(sections["overdue"])
        ),
        [
            item(
                e,
                _late(e["due"], e["days_overdue"]),
                names(e["assignee"]) or _("nobody assigned"),
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
            item(
                e,
                _("due {date}").format(date=e["due"]),
                names(e["assignee"]) or _("nobody assigned"),
                _status_text(e["status"], e["progress"]),
            )
            for e in sections["due_soon"]
        ],
    )
    unassigned = sections["unassigned"]
    section(
        _("Open tasks with nobody assigned ({count})").format(count=len(unassigned)),
        ([", ".join(cell(e["id"]) for e in unassigned)] if unassigned else [])
        if condensed
        else [item(e) for e in unassigned],
    )
    return found


def _assigned_by_person(entries: list[dict[str, Any]], cell: Cell) -> list[str]:
    """A line per person (and unit) given tasks: the ids, each with who had it before."""
    people: dict[tuple[str, str], list[str]] = {}
    for e in entries:
        task = cell(e["id"])
        if e["from"]:
            task = _("{id} (was {name})").format(id=task, name=cell(e["from"]))
        people.setdefault((e["to"], e["unit"] or ""), []).append(task)
    return [
        cell(person) + (" (" + cell(unit) + ")" if unit else "") + ": " + ", ".join(tasks)
        for (person, unit), tasks in people.items()
    ]


HEADLINE_ITEMS = 3
"""The tasks or indices a headline sentence names before it says how many more there are."""


def _some(items: list[str]) -> str:
    shown = _("; ").join(items[:HEADLINE_ITEMS])
    more = len(items) - HEADLINE_ITEMS
    return _("{items} and {count} more").format(items=shown, count=more) if more > 0 else shown


def sentence_gap() -> str:
    """What goes between two sentences: a space in English, nothing in Chinese."""
    return "" if language() == "zh" else " "


def _blocked_for(days: int | None, since: str | None) -> str:
    if days is None:
        return ""
    if days == 0:
        return _(" (since {date})").format(date=since)
    return plural(days, _(" (for 1 day)"), _(" (for {count} days)"))


def headline_sentences(facts: dict[str, Any], as_of: str) -> list[str]:
    """The three to five sentences a report opens with, from its headline facts: done against
    the time elapsed, the indices behind by their lights, what is newly blocked and for how
    long, what was finished, and what is overdue. Plain text: the caller escapes it."""
    sentences = [
        plural(
            facts["done"],
            _(
                "By {date}, 1 of {tasks} tasks is done ({percent}%) and average progress is "
                "{progress}%, against {elapsed}% of the plan's time elapsed."
            ),
            _(
                "By {date}, {count} of {tasks} tasks are done ({percent}%) and average progress "
                "is {progress}%, against {elapsed}% of the plan's time elapsed."
            ),
        ).format(
            date=as_of,
            tasks=facts["tasks"],
            percent=facts["percent_done"],
            progress=facts["progress"],
            elapsed=facts["elapsed"],
        )
    ]
    behind = [
        plural(row["red"], _("{number} {name} (1 red)"), _("{number} {name} ({count} red)")).format(
            number=row["index"], name=pick(row["name"], row["name_en"]) or row["code"]
        )
        for row in facts["behind"]
    ]
    if behind:
        sentences.append(_("Behind schedule by the lights: {list}.").format(list=_some(behind)))
    elif facts["yellow"]:
        sentences.append(
            plural(
                facts["yellow"],
                _("No index has a task in red; 1 task is yellow."),
                _("No index has a task in red; {count} tasks are yellow."),
            )
        )
    else:
        sentences.append(_("No task is behind schedule."))
    blocked = [
        f"{e['id']} {pick(e['title'], e['title_en'])}" + _blocked_for(e["days"], e["since"])
        for e in facts["newly_blocked"]
    ]
    still = facts["still_blocked"]
    if blocked:
        text = _("Newly blocked: {list}.").format(list=_some(blocked))
        if still:
            text += sentence_gap() + plural(
                still,
                _("1 task blocked before the period is still blocked."),
                _("{count} tasks blocked before the period are still blocked."),
            )
        sentences.append(text)
    elif still:
        sentences.append(
            plural(
                still,
                _("Nothing was newly blocked; 1 task blocked before the period still is."),
                _("Nothing was newly blocked; {count} tasks blocked before the period still are."),
            )
        )
    else:
        sentences.append(_("No task is blocked."))
    completed = [f"{e['id']} {pick(e['title'], e['title_en'])}" for e in facts["completed"]]
    if completed:
        sentences.append(
            plural(
                len(completed),
                _("Finished in this period (1): {list}."),
                _("Finished in this period ({count}): {list}."),
            ).format(list=_some(completed))
        )
    else:
        sentences.append(_("No task was finished in this period."))
    if facts["overdue"]:
        sentences.append(
            plural(facts["overdue"], _("1 task is overdue."), _("{count} tasks are overdue."))
        )
    return sentences


def weekly_markdown(report: WeeklyReport, headline: Sequence[str] | None = None) -> str:
    """The report for pasting into an e-mail or a chat: headings, lists, one table, no ANSI.
    With a `headline` (the leadership's report), it opens with those sentences, is titled by
    its month or quarter when it is one, and condenses the assignments."""
    leadership = headline is not None
    blocks = ["# " + report_heading(report, named=leadership), report_subtitle(report)]
    period = report.period_note()
    if period:
        blocks.append(period)
    if headline:
        blocks.append(sentence_gap().join(md_cell(sentence) for sentence in headline))
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
    for title, lines in report_sections(report, condensed=leadership):
        blocks.append("## " + title + "\n\n" + "\n".join("- " + line for line in lines))
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
