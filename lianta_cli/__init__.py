"""lianta: track an annual subdistrict work plan from the terminal."""

__version__ = "0.1.0"


def main() -> None:
    """The `lianta` command. A Ctrl-C while the command line is still being built (importing
    it takes most of a short command's time) ends it with one line, not a traceback."""
    try:
        from .cli import main as run

        run()
    except (KeyboardInterrupt, RuntimeError) as error:
        import sys

        from .commands import failure_code, interrupted

        if not interrupted(error):
            raise
        sys.exit(failure_code(error))
