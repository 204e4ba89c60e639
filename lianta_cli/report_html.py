"""The leadership's report as one self-contained HTML page, and as PDF printed from that page.

The page is a Jinja2 template (templates/report.html, autoescaped) with its charts drawn as
inline SVG: nothing is fetched, so it opens offline and survives being mailed. This module only
places values the domain computed (`period_report`): it turns percentages and counts into
coordinates and text. The PDF is the same page printed by headless Chromium, found on PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from .errors import InputError, StoreError
from .export import one_line
from .i18n import _, language, pick
from .period_report import PeriodReport
from .report_text import (
    aim_lines,
    headline_sentences,
    report_heading,
    report_sections,
    report_subtitle,
)
from .views import light_name, status_name, weekly_index_columns

STATUSES = ("done", "in_progress", "blocked", "todo")
LIGHTS = ("red", "yellow", "green")

# the burn-up chart's drawing area, in SVG units
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 34
# a sparkline of one index
SPARK_WIDTH, SPARK_HEIGHT = 200, 40


@cache
def _template() -> Any:
    import jinja2  # only the HTML and PDF formats need it

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("lianta_cli", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment.get_template("report.html")


def report_html(result: PeriodReport) -> str:
    """The report as an HTML page: the same store, period and clock give the same text."""
    return str(_template().render(page=page(result)))


def page(result: PeriodReport) -> dict[str, Any]:
    """What the template shows, as text and coordinates."""
    report = result.report
    total_row = {"index": "", "name": _("Total"), "name_en": _("Total"), **report.total}
    columns = weekly_index_columns()
    return {
        "lang": "zh-CN" if language() == "zh" else "en",
        "title": one_line(report_heading(report, named=True)),
        "subtitle": report_subtitle(report, one_line),
        "period_note": report.period_note(),
        "headline": [
            one_line(s) for s in headline_sentences(result.headline, report.as_of.isoformat())
        ],
        "burnup": _burnup(result),
        "indices": _index_rows(result),
        "status_legend": [(_status_colour(name), status_name(name)) for name in STATUSES],
        "light_legend": [(_light_colour(name), light_name(name)) for name in LIGHTS],
        "units": _unit_rows(result),
        "table": {
            "headers": [(c.header, c.align) for c in columns],
            "rows": [
                [(one_line(c.cell(row)), c.align) for c in columns]
                for row in [*report.indices, total_row]
            ],
        },
        "aims": aim_lines(report.indices, markdown=False)[2:],
        "quiet": report.quiet,
        "sections": report_sections(report, one_line, condensed=True),
        "labels": {
            "headline": _("Where the plan stands"),
            "burnup": _("The plan's burn-up"),
            "burnup_note": _(
                "Tasks done and average progress at the end of each day shown, against the "
                "share of the plan's time elapsed."
            ),
            "indices": _("Each index's progress over the period"),
            "indices_note": _("Average progress (solid) against the time elapsed (dashed)."),
            "status": _("Status of the tasks of each index"),
            "units": _("Traffic lights per unit (lead or cooperating)"),
            "no_units": _("No task names a unit."),
            "table": _("Progress by index"),
            "aims": _("What the indices set out to achieve:"),
            "quiet": _("No changes were recorded in this period."),
            "details": _("What happened in the period"),
            "done": _("Tasks done"),
            "progress": _("Average progress"),
            "elapsed": _("Time elapsed"),
            "generated": _("lianta · as of {date}").format(date=report.as_of.isoformat()),
        },
    }


def _x(day: str, first: date, span: int) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * (date.fromisoformat(day) - first).days / span


def _y(percent: float, top: float = TOP, height: float = HEIGHT - TOP - BOTTOM) -> float:
    return top + height * (100 - max(0.0, min(100.0, percent))) / 100


def _points(pairs: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pairs)


def _burnup(result: PeriodReport) -> dict[str, Any]:
    """The burn-up's three lines, its grid and its date labels, in SVG units."""
    points = result.burnup
    first = date.fromisoformat(points[0]["day"])
    span = max(1, (date.fromisoformat(points[-1]["day"]) - first).days)

    def line(key: str) -> str:
        return _points([(_x(p["day"], first, span), _y(p[key])) for p in points])

    middle = points[len(points) // 2]["day"] if len(points) > 4 else None
    days = [points[0]["day"], *([middle] if middle else []), points[-1]["day"]]
    last = points[-1]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "grid": [(f"{_y(v):.1f}", f"{v}%") for v in (0, 25, 50, 75, 100)],
        "days": [
            (f"{_x(d, first, span):.1f}", d[5:], anchor)
            for d, anchor in zip(
                days, ["start", *(["middle"] if middle else []), "end"], strict=True
            )
        ],
        "base": f"{HEIGHT - BOTTOM}",
        "label_y": f"{HEIGHT - BOTTOM + 20}",
        "done": line("percent_done"),
        "progress": line("progress"),
        "elapsed": line("elapsed"),
        "last": last,
    }


def _spark(figures: list[float]) -> str:
    """A line of percentages across a sparkline, a point per day of the burn-up."""
    step = SPARK_WIDTH / max(1, len(figures) - 1)
    return _points([(step * n, _y(v, 2, SPARK_HEIGHT - 4)) for n, v in enumerate(figures)])


def _index_rows(result: PeriodReport) -> list[dict[str, Any]]:
    """Per index: its name, its progress line against the elapsed-time line, its status mix."""
    elapsed = _spark([p["elapsed"] for p in result.burnup])
    summary = {row["index"]: row for row in result.summary.indices}
    rows = []
    for series in result.index_progress:
        values = series["progress"]
        counts = summary[series["index"]]
        rows.append(
            {
                "index": series["index"],
                "name": one_line(pick(series["name"], series["name_en"]) or series["code"] or ""),
                "line": _spark(values),
                "elapsed": elapsed,
                "start": values[0],
                "end": values[-1],
                "total": counts["total"],
                "statuses": _bar(counts, STATUSES, _status_colour),
                "counts": [(status_name(s), counts[s]) for s in STATUSES],
            }
        )
    return rows


def _unit_rows(result: PeriodReport) -> list[dict[str, Any]]:
    return [
        {
            "unit": one_line(row["unit"]) if row["unit"] is not None else _("(no lead unit)"),
            "total": row["total"],
            "lights": _bar(row, LIGHTS, _light_colour),
            "counts": [row[light] for light in LIGHTS],
        }
        for row in result.units.units
    ]


def _bar(
    counts: dict[str, Any], keys: tuple[str, ...], colour: Any
) -> list[tuple[str, str, str, int]]:
    """The segments of a bar 200 units wide: (x, width, colour, count) for each key counted."""
    total = sum(int(counts[key]) for key in keys)
    segments, x = [], 0.0
    for key in keys:
        width = 200 * int(counts[key]) / total if total else 0.0
        if width:
            segments.append((f"{x:.2f}", f"{width:.2f}", colour(key), int(counts[key])))
        x += width
    return segments


def _status_colour(status: str) -> str:
    return {
        "done": "#1a7f37",
        "in_progress": "#0969da",
        "blocked": "#bc4c00",
        "todo": "#c5cbd3",
    }[status]


def _light_colour(light: str) -> str:
    return {"red": "#cf222e", "yellow": "#d4a72c", "green": "#2da44e"}[light]


# ---------------------------------------------------------------- PDF

BROWSERS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "msedge",
    "microsoft-edge",
    "microsoft-edge-stable",
)
"""Chromium and the browsers built on it, by the names they have on PATH."""
INSTALLED = (
    "Google/Chrome/Application/chrome.exe",
    "Microsoft/Edge/Application/msedge.exe",
    "Chromium/Application/chrome.exe",
)
"""Where Chrome and Edge install themselves on Windows, under each of the program folders of
PROGRAM_FOLDERS; none of them puts itself on PATH, and Edge is on every Windows PC."""
PROGRAM_FOLDERS = ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")
MAC_APPLICATIONS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)


def browser() -> str | None:
    """The browser that prints the PDF: the one LIANTA_BROWSER names, else Chromium, Chrome or
    Edge on PATH, else where Chrome or Edge install themselves on Windows and macOS; None if
    there is none. A LIANTA_BROWSER that names no program is an error, not a silent choice."""
    named = os.environ.get("LIANTA_BROWSER", "").strip()
    if named:
        found = shutil.which(named)
        if found is None:
            raise InputError(
                _("LIANTA_BROWSER is {name}, which is not a program found on PATH").format(
                    name=named
                )
            )
        return found
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    places = [
        Path(os.environ[folder], place)
        for folder in PROGRAM_FOLDERS
        if os.environ.get(folder)
        for place in INSTALLED
    ]
    for path in [*places, *map(Path, MAC_APPLICATIONS)]:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    return None


def report_pdf(html: str) -> bytes:
    """The page printed to A4 by headless Chromium (its print stylesheet applies)."""
    program = browser()
    if program is None:
        raise StoreError(
            _(
                "--format pdf needs Chromium, Chrome or Edge, and none was found: install one "
                "(or name it in LIANTA_BROWSER), or write --format html and print it from a "
                "browser"
            )
        )
    with tempfile.TemporaryDirectory(prefix="lianta-pdf-") as folder:
        source, target = Path(folder, "report.html"), Path(folder, "report.pdf")
        source.write_text(html, encoding="utf-8")
        command = [
            program,
            *headless_options(folder),
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise StoreError(
                _("{browser} could not print the report: {reason}").format(
                    browser=program, reason=error
                )
            ) from None
        if not target.exists() or target.stat().st_size == 0:
            last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            raise StoreError(
                _("{browser} could not print the report: {reason}").format(
                    browser=program, reason=last[0] if last else done.returncode
                )
            )
        return target.read_bytes()


def headless_options(profile: str) -> list[str]:
    """Chromium without a window, a profile of its own, and nothing fetched in the background;
    without its sandbox only as root, where it refuses to start otherwise."""
    options = [
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options.append("--no-sandbox")
    return options
