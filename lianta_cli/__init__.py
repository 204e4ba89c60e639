"""lianta: track an annual subdistrict work plan from the terminal."""

__version__ = "0.1.0"


def main() -> None:
    """The `lianta` command. A Ctrl-C while the command line is still being built (importing
    it takes most of a short command's time) ends it with one line, not a traceback; one after
    the command is over is ignored, as there is nothing left to stop (Python would only print
    a traceback on its way out)."""
    import contextlib
    import signal

    try:
        from .cli import main as run

        run()
    except (KeyboardInterrupt, RuntimeError) as error:
        import sys

        from .commands import failure_code, interrupted

        if not interrupted(error):
            raise
        sys.exit(failure_code(error))
    finally:
        with contextlib.suppress(ValueError):  # not the main thread: not ours to change
            signal.signal(signal.SIGINT, signal.SIG_IGN)
