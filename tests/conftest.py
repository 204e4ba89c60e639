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
def data_home(tmp_path: Path) -> Path:
    """This test's user data folder (XDG_DATA_HOME): the default store is made in it."""
    return tmp_path / "data"


@pytest.fixture
def store_path(data_home: Path) -> Path:
    """The default store, made on first use (its folder is there, so a test can copy a store
    in)."""
    path = data_home / "lianta" / "lianta.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def run(store_path: Path, data_home: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Invoke `lianta ARGS` in-process with a clean environment and the default store in
    tmp_path (no LIANTA_DB: a store it names must exist)."""
    for name in (
        "LIANTA_DB",
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
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    monkeypatch.setenv("LIANTA_USER", "tester")

    def invoke(*args: str, now: str | None = None, env: dict[str, str] | None = None) -> Result:
        extra = dict(env or {})
        if now is not None:
            extra["LIANTA_NOW"] = now
        runner = CliRunner()
        result = runner.invoke(app, list(args), env=extra, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


def put_in_store(store: Path, stand_in: str, text: str) -> None:
    """Replace `stand_in` by `text` everywhere in the store file (tasks and history alike, so
    they still agree): text lianta refuses as input, as a store written before may hold it."""
    raw = store.read_text(encoding="utf-8")
    assert stand_in in raw
    store.write_text(raw.replace(stand_in, json.dumps(text)[1:-1]), encoding="utf-8")


def cells(line: str) -> list[str]:
    """The line as terminal cells: a wide character fills its cell and an empty one after it."""
    out: list[str] = []
    for char in line:
        out.append(char)
        out.extend("" for _ in range(display_width(char) - 1))
    return out
