"""Shared fixtures: run the real CLI against a real store file in tmp_path."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lianta_cli.cli import app
from lianta_cli.export import display_width

ROOT = Path(__file__).resolve().parent.parent
PLAN_2024 = ROOT / "plans" / "2024.yaml"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


Run = Callable[..., Result]


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.json"


@pytest.fixture
def run(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Invoke `lianta ARGS` in-process with a clean environment and the store in tmp_path."""
    for name in (
        "LIANTA_NOW",
        "LIANTA_LANG",
        "LIANTA_ASCII",
        "LIANTA_RICH",
        "NO_COLOR",
        "LC_ALL",
        "LC_MESSAGES",
        "LANG",
        "COLUMNS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LIANTA_DB", str(store_path))
    monkeypatch.setenv("LIANTA_USER", "tester")

    def invoke(*args: str, now: str | None = None, env: dict[str, str] | None = None) -> Result:
        extra = dict(env or {})
        if now is not None:
            extra["LIANTA_NOW"] = now
        runner = CliRunner()
        result = runner.invoke(app, list(args), env=extra, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


def cells(line: str) -> list[str]:
    """The line as terminal cells: a wide character fills its cell and an empty one after it."""
    out: list[str] = []
    for char in line:
        out.append(char)
        out.extend("" for _ in range(display_width(char) - 1))
    return out
