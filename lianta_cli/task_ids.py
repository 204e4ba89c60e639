"""How a user names tasks: one id (`3.4`), a range (`1.1-1.3`, or `1.1-3` within an index),
every task of an index (`1.*`) or an index code (`industry`). `tracker.find_tasks` resolves
every id a command is given with `expand`, so each command taking ids reads them the same way.
Part of the domain: values in, values or InputError out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .errors import InputError
from .i18n import _

TASK_ID = re.compile(r"[1-9][0-9]*\.[1-9][0-9]*")
RANGE = re.compile(r"([1-9][0-9]*)\.([1-9][0-9]*)-(?:([1-9][0-9]*)\.)?([1-9][0-9]*)")
GROUP = re.compile(r"([1-9][0-9]*)\.\*")
_LOOKS_LIKE_RANGE = re.compile(r"[0-9.]+\s*-.*|.*-\s*[0-9.]+")


def id_key(task_id: str) -> tuple[int, ...]:
    """The numbers of a task id, for sorting ("2.10" after "2.9")."""
    return tuple(int(part) for part in task_id.split(".") if part.isdigit())


def names_several(value: str) -> bool:
    """Whether `value` is written as a range or as `N.*`."""
    return bool(RANGE.fullmatch(value) or GROUP.fullmatch(value))


def expand(
    value: str, tasks: dict[str, dict[str, Any]], indices: Sequence[dict[str, Any]], year: int
) -> list[str] | None:
    """The ids of the tasks (of `tasks`, by id) that the range, `N.*` or index code `value`
    names, by number, leaving out archived tasks; None if `value` is none of these; InputError
    if it is one but is wrong (an end that is no task, a range that runs backwards, no such
    index)."""
    current = sorted((t for t, doc in tasks.items() if not doc.get("archived")), key=id_key)
    matched = RANGE.fullmatch(value)
    if matched:
        first_index, first, last_index, last = matched.groups()
        start, end = f"{first_index}.{first}", f"{last_index or first_index}.{last}"
        for end_id in (start, end):
            if end_id not in tasks:
                message = _("{range}: no task {id} in the {year} plan")
                raise InputError(message.format(range=value, id=end_id, year=year))
        if id_key(start) > id_key(end):
            message = _("{range}: the range runs backwards; write {start}-{end}")
            raise InputError(message.format(range=value, start=end, end=start))
        return [t for t in current if id_key(start) <= id_key(t) <= id_key(end)]
    if _LOOKS_LIKE_RANGE.fullmatch(value):
        message = _("{range}: not a range of task ids; write it like 1.1-1.3")
        raise InputError(message.format(range=value))
    group = GROUP.fullmatch(value)
    number = int(group.group(1)) if group else None
    for index in indices:
        if number == index["number"] or value.lower() == index["code"]:
            return [t for t in current if tasks[t]["index"] == index["number"]]
    if group:
        valid = ", ".join(f"{i['number']} {i['code']}" for i in indices)
        message = _("{value}: no index {number} in the {year} plan; it has {valid}")
        raise InputError(message.format(value=value, number=number, year=year, valid=valid))
    return None
