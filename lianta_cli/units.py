"""Who answers for a task: its lead unit (牵头单位) and its cooperating units (配合单位).

The plan file may name both for a task (`lead_unit`, `partners`); a coordinator may set either
with `lianta assign --unit / --cooperating`, which then stands instead of the plan's, as a
working due date stands instead of the plan's (`none` goes back to the plan's). A task stores
the coordinator's choice as `unit` and `cooperating` (None when not made) and the plan's as
`plan_unit` and `partners`. A store written before these fields had `unit` (set by `assign
--unit`) and `partners` (from the plan): read this way they keep their meaning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .textfold import fold

_SEPARATORS = re.compile(r"[,，、;；\n]")
"""What separates units written in one value: commas (either width), 、, semicolons, lines."""
NONE = "none"
"""The value that takes back the coordinator's choice, as `--due none` does."""


def lead_unit(task: Mapping[str, Any]) -> str | None:
    """The unit that leads the task: the coordinator's choice, else the plan's."""
    return task.get("unit") or task.get("plan_unit") or None


def cooperating_units(task: Mapping[str, Any]) -> list[str]:
    """The units that work with the lead unit: the coordinator's choice, else the plan's."""
    own = task.get("cooperating")
    return list(own if own is not None else task.get("partners") or [])


def split_units(values: Iterable[str]) -> list[str]:
    """Unit names from values that may each hold several (`区规自局、指挥部`), in order, once."""
    names: list[str] = []
    for value in values:
        for name in _SEPARATORS.split(value):
            name = name.strip()
            if name and name not in names:
                names.append(name)
    return names


def answers_for(task: Mapping[str, Any], unit: str) -> bool:
    """Whether `unit` leads or cooperates on the task (case and script ignored)."""
    wanted = fold(unit.strip())
    named = [lead_unit(task) or "", *cooperating_units(task)]
    return any(fold(name) == wanted for name in named)


def unit_patch(unit: str | None, cooperating: Sequence[str] | None) -> dict[str, Any]:
    """The fields `assign --unit / --cooperating` set: names checked, 'none' as None (back to
    the plan's); nothing for what is not given."""
    from .tracker import clean_name

    patch: dict[str, Any] = {}
    if unit is not None:
        patch["unit"] = None if unit.strip().lower() == NONE else clean_name(unit, "--unit")
    if cooperating is not None:
        own = [clean_name(name, "--cooperating") for name in split_units(cooperating)]
        patch["cooperating"] = None if [name.lower() for name in own] == [NONE] else own
    return patch
