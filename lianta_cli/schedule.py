"""Schedule lag and traffic lights (序时进度 and 红黄绿灯), as supervision offices judge them.

A task's period runs from its own start (or the plan's) to its due date. Its expected progress
is the share of that period elapsed by the end of today; its lag is expected progress less its
actual progress, in percentage points. Done is green whatever the date; past its due date and
not done is red; otherwise red when it lags by more than the plan's `red_lag` points, yellow
from `yellow_lag` points, green below. Nothing here reads a store or a clock: the caller gives
the dates (`tracker.task_schedule` gives a stored task's, for every view of a task).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

from .errors import InputError
from .i18n import _

LIGHTS = ("green", "yellow", "red")
YELLOW_LAG = 10
RED_LAG = 30
"""The thresholds when the plan file gives none: yellow from 10 points behind, red above 30."""


class Schedule(NamedTuple):
    """Where a task stands against the time it has: percentages and points, whole numbers."""

    expected: int
    lag: int
    light: str


def thresholds(plan: Mapping[str, Any]) -> tuple[int, int]:
    """The plan's (yellow_lag, red_lag), with the defaults where it gives none."""
    yellow, red = plan.get("yellow_lag"), plan.get("red_lag")
    return (YELLOW_LAG if yellow is None else int(yellow), RED_LAG if red is None else int(red))


def expected_progress(start: date, due: date, today: date) -> int:
    """The share of the days from `start` to `due` (both included) over by the end of `today`,
    in percent rounded half up: 0 before the start, 100 from the due date on."""
    if today < start:
        return 0
    if today >= due:
        return 100
    days = (due - start).days + 1
    elapsed = (today - start).days + 1
    return (200 * elapsed + days) // (2 * days)


def judge(
    status: str,
    progress: int,
    start: date,
    due: date,
    today: date,
    limits: tuple[int, int] = (YELLOW_LAG, RED_LAG),
) -> Schedule:
    """The expected progress, lag and light of a task with this status and progress."""
    expected = expected_progress(min(start, due), due, today)
    lag = expected - progress
    yellow, red = limits
    if status == "done":
        light = "green"
    elif today > due or lag > red:
        light = "red"
    elif lag >= yellow:
        light = "yellow"
    else:
        light = "green"
    return Schedule(expected, lag, light)


day = functools.lru_cache(maxsize=4096)(date.fromisoformat)
"""A date from its ISO text, remembered: a plan's tasks share a few dates."""


def check_lights(values: Iterable[str]) -> list[str]:
    """`--light` values as light names; InputError naming the valid ones."""
    from .tracker import did_you_mean

    given = list(values)
    for value in given:
        light = value.strip().lower()
        if light not in LIGHTS:
            raise InputError(
                _("--light {value}: use one of {valid}{hint}").format(
                    value=value, valid=", ".join(LIGHTS), hint=did_you_mean(light, LIGHTS)
                )
            )
    return [value.strip().lower() for value in given]
