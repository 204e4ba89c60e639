"""Tables for a person at a terminal. The only module that imports Rich.

Cell text is passed as `rich.text.Text`, never as markup, and through `safe_text` first, so a
plan title or a note cannot style, move or clear the terminal. Rich measures CJK characters as
two columns, so Chinese text stays aligned, and long text wraps inside its cell.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import IO, Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .export import Column, safe_text

STATUS_STYLE = {"todo": "", "in_progress": "cyan", "blocked": "bold red", "done": "green"}
LIGHT_STYLE = {"green": "green", "yellow": "yellow", "red": "bold red"}
"""The colour of a traffic light's cell (a column keyed 'light'), whatever the row's."""


def make_console(stream: IO[str], *, width: int | None = None) -> Console:
    """A console that writes tables only: no markup, no highlighting, colour unless NO_COLOR."""
    no_color = "NO_COLOR" in os.environ
    return Console(
        file=stream,
        width=width,
        no_color=no_color,
        color_system=None if no_color else "auto",
        highlight=False,
        emoji=False,
        markup=False,
        force_terminal=True,
    )


def print_table(
    console: Console,
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    caption: str | None = None,
    ascii_only: bool = False,
    footer: dict[str, Any] | None = None,
    styles: dict[str, str] | None = None,
) -> None:
    table = Table(
        title=Text(safe_text(title)) if title else None,
        caption=Text(safe_text(caption)) if caption else None,
        box=box.ASCII2 if ascii_only else box.SQUARE,
        header_style="bold",
        show_footer=footer is not None,
        expand=False,
    )
    for column in columns:
        table.add_column(
            Text(safe_text(column.header)),
            footer=Text(safe_text(column.cell(footer))) if footer is not None else "",
            justify="right" if column.align == "right" else "left",
            overflow="fold",
            no_wrap=not column.wrap,
        )
    for row in rows:
        style = (styles or {}).get(str(row.get("status")), "")
        table.add_row(
            *(
                Text(safe_text(column.cell(row)), style=_cell_style(column, row))
                for column in columns
            ),
            style=style,
        )
    console.print(table)


def _cell_style(column: Column, row: dict[str, Any]) -> str:
    return LIGHT_STYLE.get(str(row.get("light")), "") if column.key == "light" else ""


def page(text: str) -> None:
    """Show text (colours included) through the system's pager."""
    from rich.pager import SystemPager

    SystemPager().show(text)


def help_panel(title: str, rows: Sequence[tuple[str, str]], lead: str = "") -> Any:
    """A panel for a help screen, drawn as Typer draws its own (a dim border, the title on
    it): `lead` on top, then each name with its text."""
    from rich.console import Group
    from rich.panel import Panel

    grid = Table(show_header=False, box=None, expand=True, padding=(0, 1), pad_edge=False)
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column(overflow="fold", ratio=1)
    for name, text in rows:
        grid.add_row(Text(name), Text(text))
    body = Group(Text(lead), grid) if lead else grid
    return Panel(body, border_style="dim", title=title, title_align="left")


def print_lines(console: Console, lines: Sequence[str]) -> None:
    """Lines of text, wrapped to the terminal (at any character where a line has no space, as
    Chinese has none)."""
    for line in lines:
        console.print(Text(safe_text(line), overflow="fold"))
