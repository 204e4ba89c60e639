"""The console script's entry point.

The commands run most often (`list`, `summary`, `show`, `history`, `update`, `done`, `assign`,
`unassign`, `note`, `undo`, `report weekly` and `load`) run straight from `commands` when every
argument is one this reader knows: importing Typer and building the parser would be most of
their time. Anything else (another command, `--help`, an option spelled another way, a value
that needs checking such as a folder given as `--db`) goes to `cli`, which parses it as it
always does. Both paths run the same code once the options are known; a test runs each form
both ways and compares the results.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Sequence
from typing import Any

_TAKES_VALUE = {
    "--format": "fmt",
    "-f": "fmt",
    "--db": "db",
    "--plan": "plan",
    "--lang": "lang",
    "--index": "index",
    "-i": "index",
    "--status": "status",
    "-s": "status",
    "--assignee": "assignee",
    "-a": "assignee",
    "--search": "search",
    "-q": "search",
    "--sort": "sort",
    "--limit": "limit",
    "-n": "limit",
    "--progress": "progress",
    "-p": "progress",
    "--due": "due",
    "--note": "note",
    "--week": "week",
    "-w": "week",
    "--since": "since",
    "--until": "until",
    "--output": "output",
    "-o": "output",
    "--to": "to",
    "--unit": "unit",
}
_FLAGS = {
    "--ascii": "ascii_only",
    "--unassigned": "unassigned",
    "--overdue": "overdue",
    "--archived": "archived",
    "--dry-run": "dry_run",
}
_COMMON = {"fmt", "db", "plan", "lang"}
_ACCEPTS = {
    "list": _COMMON
    | {"index", "status", "assignee", "search", "sort", "limit", "unassigned", "overdue"}
    | {"archived", "ascii_only"},
    "summary": _COMMON | {"ascii_only"},
    "update": _COMMON | {"status", "progress", "due", "note", "ids"},
    "done": _COMMON | {"note", "ids"},
    "report weekly": _COMMON | {"week", "since", "until", "output"},
    "assign": _COMMON | {"to", "unit", "ids"},
    "unassign": _COMMON | {"ids"},
    "note": _COMMON | {"ids"},
    "show": _COMMON | {"ids", "ascii_only"},
    "history": _COMMON | {"ids", "since", "until", "limit", "ascii_only"},
    "undo": {"fmt", "db", "lang"},
    "load": {"fmt", "db", "lang", "ids", "dry_run"},
}
_LONG_ONLY = {"load": {"-f"}}
"""Short options a command does not have (`load` has no -f)."""
_POSITIONALS = {"note": (2, 2), "show": (1, 1), "history": (0, 1), "load": (0, 1)}
"""How many arguments a command takes, at least and at most (others: one id or more)."""
_REQUIRED = {"assign": "to"}
"""An option without which the command is a usage error (that the parser words)."""


_DEFAULT_FORMAT = {
    "list": "table",
    "summary": "table",
    "show": "table",
    "history": "table",
    "report weekly": "md",
}


def quick_arguments(argv: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
    """The command and its options if `argv` is one of the quick commands in a plain form, else
    None.

    The values are as Typer would pass them; anything this reader is not sure of is None.
    """
    args = list(argv)
    lang = None
    if args[:1] == ["--lang"] and len(args) > 1:
        lang, args = args[1], args[2:]
    elif args[:1] and args[0].startswith("--lang="):
        lang, args = args[0].split("=", 1)[1], args[1:]
    command = " ".join(args[:2]) if args[:1] == ["report"] else " ".join(args[:1])
    if command not in _ACCEPTS:
        return None
    accepted = _ACCEPTS[command]
    options: dict[str, Any] = {"status": []} if command == "list" else {}
    ids: list[str] = []
    position = len(command.split())
    while position < len(args):
        arg = args[position]
        if "ids" in accepted and arg and not arg.startswith("-"):
            ids.append(arg)
            position += 1
            continue
        name, value = arg, None
        if arg.startswith("--") and "=" in arg:
            name, value = arg.split("=", 1)
        if name in _FLAGS and value is None and _FLAGS[name] in accepted:
            options[_FLAGS[name]] = True
            position += 1
            continue
        key = _TAKES_VALUE.get(name)
        if key is None or key not in accepted or name in _LONG_ONLY.get(command, ()):
            return None
        if value is None:
            if position + 1 >= len(args):
                return None
            value = args[position + 1]
            position += 1
        position += 1
        if not value or value.startswith("-"):
            return None
        if key == "status" and command == "list":
            options["status"].append(value)
        else:
            options[key] = value
    if "ids" in accepted:
        least, most = _POSITIONALS.get(command, (1, len(ids)))
        if not least <= len(ids) <= most:
            return None
        options["ids"] = ids
    if command in _REQUIRED and _REQUIRED[command] not in options:
        return None
    for key in ("limit", "plan", "progress"):
        if key in options:
            try:
                options[key] = int(options[key])
            except ValueError:
                return None
    if "db" in options or "output" in options:
        from pathlib import Path

        if "db" in options:
            if os.path.isdir(options["db"]):
                return None
            options["db"] = Path(options["db"])
        if "output" in options:
            options["output"] = Path(options["output"])
    if os.environ.get("LIANTA_ASCII", "") not in ("", "0", "1"):
        return None  # the parser decides what other spellings mean
    options.setdefault("lang", lang)
    from .errors import LiantaError
    from .i18n import detect_language

    try:
        detect_language(options["lang"])
    except LiantaError:
        return None
    return command, options


def run_quick(command: str, options: dict[str, Any]) -> int:
    """Run a quick command as `cli` would, without Typer; the exit status."""
    from . import commands, tracker
    from .i18n import detect_language, set_language

    # The garbage collector stays off: a quick command is one pass over the data that makes
    # no cycles worth collecting, while each full collection would walk every parsed task
    # (100,000 tasks: half a second of a `list`). The process ends when the command does.
    try:
        set_language(detect_language(options["lang"]))
        commands.PENDING_LOADS.clear()
        env = commands.make_env(
            options.get("db"),
            options.get("plan"),
            options["lang"],
            options.get("ascii_only", False),
        )
        fmt = options.get("fmt", _DEFAULT_FORMAT.get(command, "text"))
        if command == "list":
            query = tracker.TaskQuery(
                index=options.get("index"),
                statuses=options["status"],
                assignee=options.get("assignee"),
                unassigned=options.get("unassigned", False),
                overdue=options.get("overdue", False),
                search=options.get("search"),
                sort=options.get("sort", "id"),
                archived=options.get("archived", False),
            )
            commands.run_list(env, query, fmt=fmt, limit=options.get("limit"))
        elif command == "summary":
            commands.run_summary(env, fmt=fmt)
        elif command == "update":
            commands.run_update(
                env,
                options["ids"],
                status=options.get("status"),
                progress=options.get("progress"),
                due=options.get("due"),
                note=options.get("note"),
                fmt=fmt,
            )
        elif command == "done":
            commands.run_done(env, options["ids"], note=options.get("note"), fmt=fmt)
        elif command == "assign":
            commands.run_assign(
                env, options["ids"], to=options["to"], unit=options.get("unit"), fmt=fmt
            )
        elif command == "unassign":
            commands.run_unassign(env, options["ids"], fmt=fmt)
        elif command == "note":
            task_id, text = options["ids"]
            commands.run_note(env, task_id, text, fmt=fmt)
        elif command == "show":
            commands.run_show(env, options["ids"][0], fmt=fmt)
        elif command == "history":
            commands.run_history(
                env,
                options["ids"][0] if options["ids"] else None,
                since=options.get("since"),
                until=options.get("until"),
                limit=options.get("limit"),
                fmt=fmt,
            )
        elif command == "undo":
            commands.run_undo(env, fmt=fmt)
        elif command == "load":
            from pathlib import Path

            plan_file = Path(options["ids"][0]) if options["ids"] else None
            commands.run_load(env, plan_file, dry_run=options.get("dry_run", False), fmt=fmt)
        else:
            commands.run_weekly(
                env,
                week=options.get("week"),
                since=options.get("since"),
                until=options.get("until"),
                fmt=fmt,
                output=options.get("output"),
            )
        commands.save_pending_loads()
    except (KeyboardInterrupt, Exception) as error:
        return commands.failure_code(error)
    return 0


def main() -> None:
    """Console-script entry point: the quick path for the commands it knows, else `cli`."""
    gc.disable()  # start-up builds many objects and no garbage cycles worth a collection
    quick = quick_arguments(sys.argv[1:])
    if quick is None:
        gc.enable()
        from .cli import main as full

        full()
        return
    code = run_quick(*quick)
    finish(code)


def finish(code: int | str | None) -> None:
    """End the process once its output is flushed.

    Every command has saved (fsynced) and closed its files before it returns; tearing down the
    interpreter's modules would take a third of a short command's time.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    os._exit(code or 0)
