"""`lianta db`: the shared PostgreSQL store's commands, for Typer (cli.py adds them)."""

from pathlib import Path
from typing import Annotated

import typer

from .cli_base import command_group
from .cli_options import DbOption, LangOption
from .commands import make_env
from .i18n import _

db_app = command_group(
    "db",
    _("A shared PostgreSQL store: its schema, its roles, and moving a store file in and out."),
    no_args_is_help=True,
)


@db_app.command("init", help=_("Create lianta's schema in an empty database (--db URL)."))
def db_init(db: DbOption = None, lang: LangOption = None) -> None:
    """Create lianta's schema in an empty database (--db URL)."""
    from .database import run_init

    run_init(make_env(db, None, lang))


@db_app.command("migrate", help=_("Bring the database's schema to this lianta's version."))
def db_migrate(db: DbOption = None, lang: LangOption = None) -> None:
    """Bring the database's schema to this lianta's version."""
    from .database import run_migrate

    run_migrate(make_env(db, None, lang))


@db_app.command(
    "grant",
    help=_(
        "Let a database role work as the office (everything), a unit (its own tasks) or a "
        "reader; 'none' takes its rights away."
    ),
)
def db_grant(
    role: Annotated[str, typer.Argument(metavar="ROLE", help=_("The database role (login)."))],
    kind: Annotated[str, typer.Argument(metavar="KIND", help=_("office, unit, reader or none."))],
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit", help=_("The unit of a unit role (e.g. 经济服务办)."), show_default=False
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help=_("The name its changes are recorded under (default: the role's)."),
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Let a database role work as the office, a unit or a reader."""
    from .database import run_grant

    run_grant(make_env(db, None, lang), role, kind, unit=unit, name=name)


@db_app.command(
    "push", help=_("Copy a store file, with its whole history, into an empty database.")
)
def db_push(
    file: Annotated[Path, typer.Argument(metavar="FILE", help=_("The store file to copy."))],
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Copy a store file, with its whole history, into an empty database."""
    from .database import run_push

    run_push(make_env(db, None, lang), file)


@db_app.command("pull", help=_("Write the database into a store file (a backup to carry)."))
def db_pull(
    file: Annotated[Path, typer.Argument(metavar="FILE", help=_("The store file to write."))],
    replace: Annotated[
        bool,
        typer.Option("--replace", help=_("Replace FILE if it exists (kept as FILE.1).")),
    ] = False,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Write the database into a store file (a backup to carry)."""
    from .database import run_pull

    run_pull(make_env(db, None, lang), file, replace=replace)
