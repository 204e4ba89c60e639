"""The days a report covers: an ISO week, a calendar month, a quarter, or any span of days.

Supervision offices report on these rhythms (周调度、月通报、季推进); every report is the same
replay of the history over its period (`report.weekly`), so a period is only its two ends.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Any, NamedTuple

from .errors import InputError
from .i18n import _

DUE_SOON_DAYS = 7
LAST_DAY = date.max - timedelta(days=DUE_SOON_DAYS + 1)
"""The last day a report's period can end on (it looks a week beyond its end)."""

_WEEK = re.compile(r"(\d{4})-?[Ww](\d{1,2})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-?[Qq](\d)")


def week_name(day: date) -> str:
    """The ISO week holding `day`, as YYYY-Www (the ISO year, which may differ from day.year)."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def weeks_in_year(year: int) -> int:
    return date(year, 12, 28).isocalendar().week


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


class Window(NamedTuple):
    """The days a report covers, both included; `week`, `month` or `quarter` names it when it
    is one whole ISO week, calendar month or quarter."""

    start: date
    end: date

    @property
    def week(self) -> str | None:
        whole_week = self.start.isoweekday() == 1 and self.end == self.start + timedelta(days=6)
        return week_name(self.start) if whole_week else None

    @property
    def month(self) -> str | None:
        first = self.start
        if first.day == 1 and self.end == _month_end(first.year, first.month):
            return f"{first.year}-{first.month:02d}"
        return None

    @property
    def quarter(self) -> str | None:
        first = self.start
        if first.day != 1 or first.month % 3 != 1:
            return None
        if self.end != _month_end(first.year, first.month + 2):
            return None
        return f"{first.year}-Q{(first.month + 2) // 3}"

    @property
    def kind(self) -> str:
        """week, month, quarter, or days (any other span)."""
        for name in ("week", "month", "quarter"):
            if getattr(self, name):
                return name
        return "days"

    def days(self) -> int:
        return (self.end - self.start).days + 1

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "week": self.week}


def parse_week(value: str) -> Window:
    """'2024-W10' (or 2024W10, 2024-w3) as the Monday-to-Sunday window of that ISO week."""
    match = _WEEK.fullmatch(value.strip())
    if not match:
        raise InputError(
            _("--week {value}: not an ISO week; use YYYY-Www, like 2024-W10").format(value=value)
        )
    year, week = int(match.group(1)), int(match.group(2))
    if not 1 <= year <= 9998 or not 1 <= week <= weeks_in_year(year):
        last = weeks_in_year(year) if 1 <= year <= 9998 else 52
        raise InputError(
            _("--week {value}: no such week; {year} has weeks 1 to {last} (like {example})").format(
                value=value, year=year, last=last, example=f"{year}-W{last:02d}"
            )
        )
    start = date.fromisocalendar(year, week, 1)
    return Window(start, start + timedelta(days=6))


def parse_month(value: str) -> Window:
    """'2024-03' (or 2024-3) as the first to the last day of that month."""
    match = _MONTH.fullmatch(value.strip())
    if not match:
        raise InputError(
            _("--month {value}: not a month; use YYYY-MM, like 2024-03").format(value=value)
        )
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= year <= 9998 or not 1 <= month <= 12:
        raise InputError(
            _("--month {value}: no such month; months run from 01 to 12").format(value=value)
        )
    return Window(date(year, month, 1), _month_end(year, month))


def parse_quarter(value: str) -> Window:
    """'2024-Q1' (or 2024Q1, 2024-q1) as the first day of its first month to the last of its
    third."""
    match = _QUARTER.fullmatch(value.strip())
    if not match:
        raise InputError(
            _("--quarter {value}: not a quarter; use YYYY-Qn, like 2024-Q1").format(value=value)
        )
    year, quarter = int(match.group(1)), int(match.group(2))
    if not 1 <= year <= 9998 or not 1 <= quarter <= 4:
        raise InputError(
            _("--quarter {value}: no such quarter; quarters run from Q1 to Q4").format(value=value)
        )
    first = 3 * quarter - 2
    return Window(date(year, first, 1), _month_end(year, first + 2))


def resolve_window(
    week: str | None,
    since: date | None,
    until: date | None,
    today: date,
    *,
    month: str | None = None,
    quarter: str | None = None,
) -> Window:
    """The period from --week, --month, --quarter or --since/--until, or else the ISO week
    holding `today`; a period that has not begun by `today` is refused (a report tells what
    has happened)."""
    window = _window(week, month, quarter, since, until, today)
    if window.end > LAST_DAY:
        raise InputError(
            _("the period ends on {end}; a report's period must end by {last}").format(
                end=window.end, last=LAST_DAY
            )
        )
    if window.start > today:
        raise InputError(
            _("the period {start} to {end} has not begun (today is {today})").format(
                start=window.start, end=window.end, today=today
            )
        )
    return window


def _window(
    week: str | None,
    month: str | None,
    quarter: str | None,
    since: date | None,
    until: date | None,
    today: date,
) -> Window:
    named = [value for value in (week, month, quarter) if value is not None]
    if len(named) > 1:
        raise InputError(_("give one period: --week, --month or --quarter"))
    if named and (since is not None or until is not None):
        if week is not None:
            raise InputError(
                _("--week cannot be combined with --since/--until; give one or the other")
            )
        raise InputError(
            _("--month and --quarter cannot be combined with --since/--until; give one")
        )
    if week is not None:
        return parse_week(week)
    if month is not None:
        return parse_month(month)
    if quarter is not None:
        return parse_quarter(quarter)
    if until is not None and since is None:
        raise InputError(
            _("--until {until}: give --since too (the first day of the period)").format(until=until)
        )
    if since is not None:
        end = until if until is not None else today
        if since > end:
            raise InputError(
                _("--since {since} is after --until {until}").format(since=since, until=end)
                if until is not None
                else _("--since {since} is after today ({today}); give --until").format(
                    since=since, today=end
                )
            )
        return Window(since, end)
    monday = today - timedelta(days=today.isoweekday() - 1)
    return Window(monday, monday + timedelta(days=min(6, (date.max - monday).days)))
