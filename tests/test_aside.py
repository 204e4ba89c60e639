"""Bytes made by a child process (`aside`), and the reload that has its plan's leads made so."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from lianta_cli import aside

pytestmark = pytest.mark.skipif(not aside.can_fork(), reason="no fork or one processor")


def test_the_pieces_made_in_the_child_come_back_joined() -> None:
    big = [str(n).encode() * 50 for n in range(20_000)]  # the child sees this process's memory
    with aside.aside(lambda: big) as collect:
        assert collect() == b"".join(big)


def test_a_child_that_fails_gives_none_and_shows_no_traceback(
    capfd: pytest.CaptureFixture[str],
) -> None:
    def make() -> Iterator[bytes]:
        yield b"part"
        raise ValueError("the caller makes them itself")

    with aside.aside(make) as collect:
        assert collect() is None
    assert capfd.readouterr() == ("", "")


def test_a_child_not_waited_for_is_stopped_on_leaving() -> None:
    def forever() -> Iterator[bytes]:
        while True:
            time.sleep(1)
            yield b""

    started = time.monotonic()
    with aside.aside(forever):
        pass
    assert time.monotonic() - started < 5
    with pytest.raises(ChildProcessError):  # reaped: no child is left
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.parametrize("refused", ["memfd_create", "fork"])
def test_a_child_that_cannot_be_made_gives_none(
    monkeypatch: pytest.MonkeyPatch, refused: str
) -> None:
    def refuse(*args: object) -> int:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(os, refused, refuse)
    with aside.aside(lambda: [b"made"]) as collect:
        assert collect() is None
