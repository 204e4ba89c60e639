"""Shared fixtures: run the real CLI against a real store in tmp_path: a store file, or with
LIANTA_TEST_ENGINE=postgresql a database of its own on the test server LIANTA_TEST_POSTGRESQL
(`tools/test-postgres.sh start` starts one). Tests that take `store_path` (or a fixture of their
own file that does) look at the store file itself, and those marked `file_engine` at what only
the file engine does: they run on files only."""

from __future__ import annotations

import inspect
import itertools
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lianta_cli.cli import app
from lianta_cli.export import display_width
from lianta_cli.store import is_database

ROOT = Path(__file__).resolve().parent.parent
PLAN_2024 = ROOT / "plans" / "2024.yaml"
POSTGRESQL = os.environ.get("LIANTA_TEST_POSTGRESQL", "")
"""A superuser's URL on the test server (its `postgres` database), or none."""
ENGINE = os.environ.get("LIANTA_TEST_ENGINE", "file")
TESTER = "lianta_tester"
"""The login role of the behaviour tests on a database: an office role recorded as 'tester'."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ENGINE != "postgresql":
        return
    for item in items:
        if _reads_the_file(item) or item.get_closest_marker("file_engine"):
            item.add_marker(pytest.mark.skip(reason="about the file engine"))


def _reads_the_file(item: pytest.Item) -> bool:
    """Whether a test takes `store_path`, or a fixture of its own test file does."""
    function = getattr(item, "function", None)
    if function is None:
        return False
    names = inspect.signature(function).parameters
    if "store_path" in names:
        return True
    fixtures = item._fixtureinfo.name2fixturedefs
    return any(
        "store_path" in fixture.argnames and fixture.func.__module__ == function.__module__
        for name in names
        for fixture in fixtures.get(name, ())
    )


def database_url(database: str, user: str) -> str:
    """A URL of `database` on the test server, as `user`."""
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(POSTGRESQL)
    query = "&".join(f"{key}={params[key]}" for key in ("host", "port") if params.get(key))
    return f"postgresql://{user}@/{database}" + (f"?{query}" if query else "")


def admin_sql(*statements: str, database: str = "postgres") -> None:
    import psycopg

    with psycopg.connect(database_url(database, "postgres"), autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def database_template() -> Iterator[str]:
    """A database holding a new lianta store, with the tester's role: what each test copies."""
    if not POSTGRESQL:
        pytest.skip('no test PostgreSQL server (eval "$(tools/test-postgres.sh start)")')
    from lianta_cli import store_pg, tracker

    name = f"lianta_template_{os.getpid()}"
    admin_sql(f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
    owner = database_url(name, "postgres")
    store_pg.init(owner, tracker.ensure_meta)
    store_pg.grant(owner, TESTER, "office", None, "tester")
    yield name
    admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


_NUMBERS = itertools.count(1)


@dataclass
class Database:
    """A test's own database: `url` as the tester (office), `owner` as its owner."""

    name: str
    url: str
    owner: str

    def as_role(self, role: str) -> str:
        return database_url(self.name, role)


@pytest.fixture
def database(database_template: str) -> Iterator[Database]:
    """A new lianta database for this test, dropped after it."""
    name = f"lianta_test_{os.getpid()}_{next(_NUMBERS)}"
    admin_sql(f"CREATE DATABASE {name} TEMPLATE {database_template}")
    yield Database(name, database_url(name, TESTER), database_url(name, "postgres"))
    admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


Run = Callable[..., Result]
EditByHand = Callable[[str, str, Any], None]


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
def store(request: pytest.FixtureRequest, store_path: Path) -> str:
    """The test's store, where `run` works: the default store file, or its database (named by
    LIANTA_DB, see above)."""
    if ENGINE == "postgresql":
        database: Database = request.getfixturevalue("database")
        return database.url
    return str(store_path)


@pytest.fixture
def install_store(request: pytest.FixtureRequest, store: str) -> Callable[[Path], None]:
    """Make a store file the test's store: copied, or pushed into the test's database."""

    def install(source: Path) -> None:
        if ENGINE != "postgresql":
            shutil.copyfile(source, store)
            return
        owner = request.getfixturevalue("database").owner
        result = CliRunner().invoke(app, ["db", "push", str(source), "--db", owner])
        assert result.exit_code == 0, result.stderr

    return install


@pytest.fixture
def edit_by_hand(
    request: pytest.FixtureRequest, store_path: Path
) -> Callable[[str, str, Any], None]:
    """Set a field of a task behind lianta's back: in the store file, or with SQL as the
    database's owner."""

    def edit(task_id: str, field: str, value: Any) -> None:
        if ENGINE != "postgresql":
            data = json.loads(store_path.read_text(encoding="utf-8"))
            next(t for t in data["tasks"].values() if t["id"] == task_id)[field] = value
            store_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            return
        import psycopg
        from psycopg.types.json import Jsonb

        with psycopg.connect(request.getfixturevalue("database").owner) as connection:
            connection.execute(
                "UPDATE lianta.tasks SET doc = jsonb_set(doc, ARRAY[%s], %s) WHERE doc->>'id' = %s",
                (field, Jsonb(value), task_id),
            )

    return edit


@pytest.fixture
def run(store: str, data_home: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Invoke `lianta ARGS` in-process with a clean environment and the default store in
    tmp_path (no LIANTA_DB: a store it names must exist), or the test's database."""
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
    if is_database(store):
        monkeypatch.setenv("LIANTA_DB", store)
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
