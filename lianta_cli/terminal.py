"""What goes to the screen or down a pipe: data on stdout and messages on stderr, CSV with the
byte-order mark spreadsheets need, output held for the pager, and tables drawn by Rich on a
terminal or as plain text when piped."""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .export import Column, display_width, plain_table
from .i18n import _

if TYPE_CHECKING:
    from .commands import Env


def out(text: str) -> None:
    """Data on stdout (held for the pager while `paged` holds it)."""
    if _held is not None:
        _held.append(text)
        return
    sys.stdout.write(text)
    sys.stdout.flush()


BOM = "\ufeff"


def check_bom(fmt: str, bom: bool | None) -> None:
    if bom is not None and fmt != "csv":
        raise InputError(_("--bom and --no-bom are for --format csv"))


def wants_bom(bom: bool | None) -> bool:
    """Whether CSV gets the UTF-8 byte-order mark that Excel and WPS need to read it as UTF-8:
    as asked, else when stdout is a file (`> tasks.csv`) and not a pipe or a terminal."""
    if bom is not None:
        return bom
    try:
        return stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False


def out_csv(text: str, bom: bool | None) -> None:
    out(BOM + text if wants_bom(bom) else text)


# ---------------------------------------------------------------- the pager

_held: list[str] | None = None
"""A command's output on a terminal, held until it is known whether it fits the screen."""
_pager_wanted = True
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def pager_command() -> str | None:
    """`LIANTA_PAGER`, else `PAGER`: '' when the one set is empty or `cat` (no pager), None when
    neither is set (the default pager: `less -R`, else `more`)."""
    for name in ("LIANTA_PAGER", "PAGER"):
        if name in os.environ:
            command = os.environ[name].strip()
            return "" if command in ("", "cat") else command
    return None


def no_pager() -> None:
    """`--no-pager`: this command's output is printed, however long."""
    global _pager_wanted
    _pager_wanted = False


@contextlib.contextmanager
def paged() -> Iterator[None]:
    """On a terminal, hold the command's output, and when the command has succeeded show output
    longer than the screen through the pager, anything else as it is. Piped output, a failed
    command's output and `--no-pager` are printed as they are."""
    global _held, _pager_wanted
    if not sys.stdout.isatty() or pager_command() == "":
        yield
        return
    _held, _pager_wanted = [], True
    succeeded = False
    try:
        yield
        succeeded = True
    finally:
        text, _held = "".join(_held), None
        if succeeded and _pager_wanted and _screen_rows(text) >= _screen_height():
            _page(text)
        elif text:
            out(text)


def _page(text: str) -> None:
    """Show `text` through the system's pager (Rich's, which is Python's pydoc pager: `PAGER`,
    else `less`, else `more`), with `LIANTA_PAGER` in place of `PAGER` and colours kept."""
    from .render import page

    command = pager_command()
    os.environ.pop("MANPAGER", None)  # the pager for manual pages, which pydoc would prefer
    if command is not None:
        os.environ["PAGER"] = command
    os.environ.setdefault("LESS", "-R")  # less passes the colours through, as git asks of it
    page(text)


def _screen_height() -> int:
    import shutil

    return shutil.get_terminal_size().lines


def _screen_rows(text: str) -> int:
    """The terminal lines `text` takes, counting long lines as the terminal wraps them."""
    import math

    width = max(1, _terminal_columns())
    lines = _SGR.sub("", text).splitlines()
    return sum(max(1, math.ceil(display_width(line) / width)) for line in lines)


def info(message: str) -> None:
    print(message, file=sys.stderr)


def wants_rich() -> bool:
    if os.environ.get("LIANTA_RICH", "") not in ("", "0"):
        return True
    return sys.stdout.isatty()


def terminal_width() -> int | None:
    value = os.environ.get("COLUMNS", "")
    return int(value) if value.isdigit() and int(value) > 0 else None


def _terminal_columns() -> int:
    import shutil  # only for a terminal

    return shutil.get_terminal_size().columns


def rich_width() -> int | None:
    """The width Rich tables get (for choosing a compact column set), or None when piped."""
    return (terminal_width() or _terminal_columns()) if wants_rich() else None


def show_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    env: Env,
    *,
    title: str | None = None,
    caption: str | None = None,
    footer: dict[str, Any] | None = None,
) -> None:
    if wants_rich():
        from .render import STATUS_STYLE, make_console, print_table

        drawn = io.StringIO()
        console = make_console(drawn, width=terminal_width())
        print_table(
            console,
            rows,
            columns,
            title=title,
            caption=caption,
            ascii_only=env.ascii_only,
            footer=footer,
            styles=STATUS_STYLE,
        )
        out(drawn.getvalue())
        return
    if title:
        out(title + "\n")
    out(plain_table([*rows, footer] if footer else rows, columns))
    if caption:
        out(caption + "\n")


def show_lines(lines: Sequence[str]) -> None:
    """Lines of text after a table: wrapped to a terminal, as they are when piped."""
    if wants_rich():
        from .render import make_console, print_lines

        drawn = io.StringIO()
        print_lines(make_console(drawn, width=terminal_width()), lines)
        out(drawn.getvalue())
        return
    out("".join(line + "\n" for line in lines))
