"""The Typer machinery every lianta command shares: help screens in the interface language,
usage errors and failures as one line on stderr with an exit status (2 for bad input or usage),
never a traceback, and the completion options. `cli` declares the commands on it."""

import sys
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from . import terminal
from .commands import PENDING_LOADS, SAVED, fail, failure_code, info, save_pending_loads
from .errors import LiantaError
from .i18n import _, detect_language, help_chrome, localise_parser_message, set_language

_USAGE_ERROR: type[Exception] = typer.BadParameter.__mro__[1]
_CLICK_ERROR: type[Exception] = typer.BadParameter.__mro__[2]


def _language_from_argv(argv: Sequence[str]) -> str | None:
    for position, arg in enumerate(argv):
        if arg == "--lang" and position + 1 < len(argv):
            return argv[position + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _initial_language() -> str:
    try:
        return detect_language(_language_from_argv(sys.argv[1:]))
    except LiantaError:
        return "en"


set_language(_initial_language())


def _localised_help_option(option: Any) -> Any:
    if option is not None:
        option.help = _("Show this message and exit.")
    return option


def _write_usage(command: Any, ctx: Any, formatter: Any) -> None:
    words = {"[OPTIONS]": _("[OPTIONS]"), "COMMAND [ARGS]...": _("COMMAND [ARGS]...")}
    pieces = [words.get(piece, piece) for piece in command.collect_usage_pieces(ctx)]
    formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))


def _localise_help_screen() -> None:
    """Typer's own words on a help screen (panel titles, "[default: …]") in the language, and
    help text that folds where Typer would cut it with '…': Rich wraps only at spaces, and a
    Chinese sentence has none."""
    from typer import rich_utils

    for name, text in help_chrome().items():
        setattr(rich_utils, name, text)
    make_text = rich_utils._make_rich_text
    if getattr(make_text, "folds", False):
        return

    def folding(**kwargs: Any) -> Any:
        text = make_text(**kwargs)
        if hasattr(text, "overflow"):
            text.overflow = "fold"
        return text

    folding.folds = True  # type: ignore[attr-defined]
    setattr(rich_utils, "_make_rich_text", folding)  # noqa: B010


class LiantaCommand(TyperCommand):
    """A command whose help screen speaks the interface language, and whose options of one
    value are given once: `--progress 10 --progress 20` is an error, not the last one winning."""

    def get_help_option(self, ctx: Any) -> Any:
        return _localised_help_option(super().get_help_option(ctx))

    def make_parser(self, ctx: Any) -> Any:
        parser = super().make_parser(ctx)
        parse = parser.parse_args

        def parse_once(args: list[str]) -> Any:
            opts, rest, order = parse(args)
            seen: set[int] = set()
            for param in order:
                takes_one = getattr(param, "is_flag", True) is False and not param.multiple
                if takes_one and not getattr(param, "count", False):
                    if id(param) in seen:
                        name = max(param.opts, key=len)
                        raise _USAGE_ERROR(
                            _("{option} is given more than once; give it once").format(option=name),
                            ctx,
                        )
                    seen.add(id(param))
            return opts, rest, order

        parser.parse_args = parse_once  # type: ignore[method-assign]
        return parser

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _write_usage(self, ctx, formatter)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from .help_text import examples

        _localise_help_screen()
        self.epilog = examples(self.name or "")
        super().format_help(ctx, formatter)


class _Interrupted(Exception):
    """A Ctrl-C during a command, carried to `LiantaGroup.main` to be reported."""


class LiantaGroup(TyperGroup):
    """Runs a command and reports any failure as one line on stderr, never a traceback."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Typer has no app-wide command class: give every plain command the localised help.
        for command in self.commands.values():
            if type(command) is TyperCommand:
                command.__class__ = LiantaCommand

    def get_help_option(self, ctx: Any) -> Any:
        return _localised_help_option(super().get_help_option(ctx))

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _write_usage(self, ctx, formatter)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from .help_text import environment, examples

        _localise_help_screen()
        self.epilog = examples("lianta" if ctx.parent is None else self.name or "")
        super().format_help(ctx, formatter)
        if ctx.parent is None:
            from typer import rich_utils

            from .render import help_panel

            lead, rows = environment()
            rich_utils._get_rich_console().print(help_panel(_("Environment"), rows, lead))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as error:  # past Typer, which would end the command silently
            raise _Interrupted from error

    def main(self, args: Sequence[str] | None = None, *a: Any, **kw: Any) -> NoReturn:
        kw["standalone_mode"] = False
        argv = list(sys.argv[1:] if args is None else args)
        try:
            set_language(detect_language(_language_from_argv(argv)))
            _localise_completion_options(self.params)
            PENDING_LOADS.clear()
            SAVED.clear()
            with terminal.paged():
                result = super().main(argv, *a, **kw)
            if result == 130:  # Typer's answer to a Ctrl-C while it read the command line
                raise KeyboardInterrupt
            code = result if isinstance(result, int) else 0
            if code == 0:
                save_pending_loads()
        except _USAGE_ERROR as error:
            ctx = getattr(error, "ctx", None)
            where = ctx.command_path if ctx is not None else "lianta"
            message = error.format_message().strip().replace("\n", " ")  # type: ignore[attr-defined]
            if message:  # empty after `lianta` alone, which has just shown the help
                message = _("{message} (see '{where} --help')").format(
                    message=localise_parser_message(message), where=where
                )
                fail(message + _dash_hint(error, ctx, argv), prefix=f"{where}: ")
            code = 2
        except _CLICK_ERROR as error:
            fail(localise_parser_message(error.format_message()))  # type: ignore[attr-defined]
            code = getattr(error, "exit_code", 1)
        except (typer.Abort, _Interrupted):
            code = failure_code(KeyboardInterrupt())
        except (KeyboardInterrupt, Exception) as error:
            code = failure_code(error)
        sys.exit(code)


def _dash_hint(error: Exception, ctx: Any, argv: list[str]) -> str:
    """After 'No such option' on a command that takes text: how to give text starting with '-'
    (`lianta note 1.2 -- '-5% 预算'`)."""
    name = getattr(error, "option_name", None)
    takes_text = ctx is not None and any(
        isinstance(param, TyperArgument) and param.name == "text" for param in ctx.command.params
    )
    if not name or not takes_text or getattr(error, "possibilities", None):
        return ""
    import shlex

    at = next((i for i, arg in enumerate(argv) if arg.startswith(name)), len(argv))
    example = shlex.join(["lianta", *argv[:at], "--", *argv[at:]])
    return _("; text that starts with '-' goes after --: {example}").format(example=example)


def _localise_completion_options(params: Iterable[Any]) -> None:
    """Typer's --install-completion and --show-completion, in the interface language."""
    for param in params:
        if param.name == "install_completion":
            param.help = _("Install completion for the current shell.")
            param.callback = _install_completion
        elif param.name == "show_completion":
            param.help = _(
                "Show completion for the current shell, to copy it or customize the installation."
            )


def _install_completion(ctx: Any, param: Any, value: Any) -> Any:
    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import install

    shell, path = install(shell=value if isinstance(value, str) else None)
    info(
        _("{shell} completion installed in {path}; it works in a new terminal").format(
            shell=shell, path=path
        )
    )
    raise typer.Exit()


def refuse_options_before_command(ctx: Any) -> None:
    """A group's own options given before one of its commands (`lianta report --week W weekly`)
    would be lost on the command: a usage error naming them."""
    given = [
        p.opts[0]
        for p in ctx.command.params
        if p.name and getattr(ctx.get_parameter_source(p.name), "name", "") == "COMMANDLINE"
    ]
    if given:
        raise typer.BadParameter(
            _("{options} go after '{command}', not before it").format(
                options=", ".join(given), command=ctx.invoked_subcommand
            )
        )


def command_group(name: str, help: str, *, top: bool = False, **settings: Any) -> typer.Typer:
    """`lianta` (`top`) or one of its groups of commands (`lianta report ...`): lianta's own
    handling of errors and help, `-h` beside `--help`, and completion installed from the top
    only."""
    return typer.Typer(
        cls=LiantaGroup,
        name=name,
        help=help,
        add_completion=top,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        **settings,
    )
