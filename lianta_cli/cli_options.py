"""The options and arguments many commands share, declared once for Typer, with their help
and their completion; cli.py puts them on the commands."""

import os
from collections.abc import Callable
from typing import Annotated, Any

import typer

from . import terminal
from .commands import FORMATS_ALL
from .i18n import _

_COMPLETING = "_LIANTA_COMPLETE" in os.environ
"""Whether this run answers the shell's completion script (Typer's variable for `lianta`)."""


def offer(name: str, *args: Any, **kwargs: Any) -> Callable[..., Any] | None:
    """The completion callback `completion.<name>` (made with `args` when given), only when the
    shell asks: Typer inspects every callback each time it builds the command line (2 ms)."""
    if not _COMPLETING:
        return None
    from . import completion

    found: Callable[..., Any] = getattr(completion, name)
    return found(*args, **kwargs) if args or kwargs else found


def value_option(*names: str, help: str, offer: Callable[..., Any] | None = None) -> Any:
    """An option that takes a value, with no default worth showing; `offer` completes it."""
    return typer.Option(*names, help=help, show_default=False, autocompletion=offer)


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=_(
            "Store file, or a postgresql:// URL of a shared database. "
            "Default: $LIANTA_DB, else the user data folder."
        ),
        show_default=False,
        autocompletion=offer("files"),
    ),
]
PlanOption = Annotated[
    str | None,
    value_option(
        "--plan",
        help=_(
            "Plan: its year (2024), area (liantang) or both (liantang/2024). Default: the plan "
            "running today, else the latest that has begun."
        ),
        offer=offer("plans"),
    ),
]
PlansOption = Annotated[
    str | None,
    value_option(
        "--plan",
        help=_(
            "Plan: its year (2024), area (liantang) or both (liantang/2024); all: every area's "
            "plan of the year, side by side with their total (all/2024 names the year). Default: "
            "the plan running today, else the latest that has begun."
        ),
        offer=offer("plans"),
    ),
]
LangOption = Annotated[
    str | None,
    value_option(
        "--lang",
        help=_("Interface language: en or zh. Default: $LIANTA_LANG, else the locale."),
        offer=offer("fixed", "en", "zh"),
    ),
]
AsciiOption = Annotated[
    bool,
    typer.Option(
        "--ascii",
        envvar="LIANTA_ASCII",
        help=_(
            "Draw tables and bars with ASCII only (for terminals that draw box lines double-width)."
        ),
    ),
]
BomOption = Annotated[
    bool | None,
    typer.Option(
        "--bom/--no-bom",
        help=_("CSV: start with the byte-order mark Excel needs. Default: only into a file."),
        show_default=False,
    ),
]


def _no_pager(value: bool) -> None:
    if value:
        terminal.no_pager()


NoPagerOption = Annotated[
    bool,
    typer.Option(
        "--no-pager",
        help=_("Print everything, even when it is longer than the screen (no pager)."),
        callback=_no_pager,
    ),
]
IdsArgument = Annotated[
    list[str],
    typer.Argument(
        help=_(
            "Task ids, like 3.4; a range 1.1-1.3, 1.* or an index code names several "
            "(they succeed or fail together)."
        ),
        show_default=False,
        autocompletion=offer("task_ids", groups=True, archived=False),
    ),
]
ShownId = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help=_("Task id, like 3.4."),
        autocompletion=offer("task_ids", groups=False, archived=True),
    ),
]


def format_option(help_text: str, *choices: str) -> Any:
    """`--format`/`-f`, completed with `choices` (the first is the default)."""
    return typer.Option("--format", "-f", help=help_text, autocompletion=offer("fixed", *choices))


TableFormat = Annotated[str, format_option(_("table, json, csv or md."), *FORMATS_ALL)]
TextFormat = Annotated[str, format_option(_("text or json."), "text", "json")]
ChangeFormat = Annotated[
    str, format_option(_("text or json (the change and its events)."), "text", "json")
]
