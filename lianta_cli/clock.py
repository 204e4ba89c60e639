"""The one clock: "today" for overdue checks and the time stamped on every event."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, datetime
from typing import NamedTuple

from .errors import InputError
from .i18n import _


class Clock(NamedTuple):
    """Real time, or a pinned instant: a script can record last Friday, a test replay a week."""

    pinned: datetime | None = None

    def now(self) -> datetime:
        return self.pinned if self.pinned is not None else datetime.now().replace(microsecond=0)

    def today(self) -> date:
        return self.now().date()

    def stamp(self) -> str:
        """The time as stored on events: local ISO date-time to the second."""
        return self.now().isoformat(timespec="seconds")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Clock:
        value = (environ if environ is not None else os.environ).get("LIANTA_NOW", "").strip()
        if not value:
            return cls()
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise InputError(
                _(
                    "LIANTA_NOW={value!r} is not an ISO date or date-time "
                    "(e.g. 2024-03-08 or 2024-03-08T17:30)"
                ).format(value=value)
            ) from None
        if moment.tzinfo is not None:
            try:
                moment = moment.astimezone().replace(tzinfo=None)
            except (OverflowError, ValueError, OSError):  # beyond year 1 or 9999 here
                raise InputError(
                    _("LIANTA_NOW={value!r} is out of the range of dates lianta keeps").format(
                        value=value
                    )
                ) from None
        return cls(moment.replace(microsecond=0))


def parse_day(value: str, what: str) -> date:
    """A YYYY-MM-DD date from the command line, or a one-line InputError saying which option."""
    text = value.strip()
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            _("{what}: {value!r} is not a real date in the form YYYY-MM-DD").format(
                what=what, value=value
            )
        ) from None
