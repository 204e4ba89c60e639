"""A validated plan file as values: the plan, its indices and tasks, and the problems found in
a plan file. No I/O here; only plan loading needs them (names shared by every layer are in
`fields`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from .i18n import _


class PlanTask(NamedTuple):
    """One undertaking as the plan file states it. A named tuple, not a frozen dataclass as
    the rest: a plan of 100,000 tasks makes as many, and a tuple is made in a third of the
    time (0.06 s against 0.18 s)."""

    id: str
    index: int  # type: ignore[assignment]  # the field, not tuple.index (no caller needs it)
    title: str
    title_en: str
    source: str
    places: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    due: date | None = None
    lead_unit: str | None = None
    start: date | None = None


@dataclass(frozen=True)
class PlanIndex:
    """One index (指数) of the plan and the section that raises it."""

    number: int
    code: str
    name: str
    name_en: str
    theme: str
    theme_en: str
    tasks: tuple[PlanTask, ...] = ()
    aim: str = ""
    """What the index sets out to achieve, as the source's framing sentence says ("" if the
    source has none)."""
    aim_en: str = ""


@dataclass(frozen=True)
class Plan:
    """A validated plan file."""

    year: int
    title: str
    title_en: str
    source: str
    start: date
    end: date
    indices: tuple[PlanIndex, ...]
    indices_declared: int | None = None
    preamble: str = ""
    preamble_en: str = ""
    framing: tuple[dict[str, str], ...] = ()
    path: str = ""
    yellow_lag: int | None = None
    red_lag: int | None = None
    location: str = field(default="", compare=False)
    """The file it was read from, as an absolute path ("" if not read from a file)."""
    digest: str = field(default="", compare=False)
    """The SHA-256 of the file's bytes: `lianta doctor` compares the store's plan text with
    the file only while the file is still the one that was loaded (neither is the plan)."""

    @functools.cached_property
    def tasks(self) -> list[PlanTask]:
        """Every task of every index, in order (made once: a reload reads it several times)."""
        return [task for index in self.indices for task in index.tasks]

    def meta(self) -> dict[str, Any]:
        """The plan as stored: everything but the tasks."""
        return {
            "year": self.year,
            "title": self.title,
            "title_en": self.title_en,
            "source": self.source,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "indices_declared": self.indices_declared,
            "preamble": self.preamble,
            "preamble_en": self.preamble_en,
            "framing": [dict(item) for item in self.framing],
            "yellow_lag": self.yellow_lag,
            "red_lag": self.red_lag,
            "indices": [
                {
                    "number": index.number,
                    "code": index.code,
                    "name": index.name,
                    "name_en": index.name_en,
                    "theme": index.theme,
                    "theme_en": index.theme_en,
                    **({"aim": index.aim, "aim_en": index.aim_en} if index.aim else {}),
                }
                for index in self.indices
            ],
        }


@dataclass
class Problem:
    """One finding about a plan file, with where it is."""

    path: str
    line: int | None
    where: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        place = f"{self.path}:{self.line}" if self.line else self.path
        kind = _("warning: ") if self.warning else ""
        where = f"{self.where}: " if self.where else ""
        return f"{place}: {kind}{where}{self.message}"


@dataclass
class Change:
    """What one command changed: the events it recorded, grouped under one change number."""

    number: int
    events: list[dict[str, Any]] = field(default_factory=list)
