"""The errors lianta reports to a user. Each carries the one line the user sees."""

from __future__ import annotations


class LiantaError(Exception):
    """A failure the user can act on; `str()` is the whole message, `exit_code` the status."""

    exit_code = 1

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.details = details or []


class InputError(LiantaError):
    """Bad input: an unknown id, an invalid value, a malformed plan file. Exit status 2."""

    exit_code = 2


class StoreError(LiantaError):
    """The store cannot be read or written safely (locked, corrupt, disk full). Exit status 1."""

    exit_code = 1
