"""No command destroys a file: a mistyped store path is no new store, a damaged store is not
written on, and `--output` writes only what it should."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Result, Run


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    return result


def one_line_error(result: Result, code: int, *needles: str) -> None:
    assert result.exit_code == code, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("lianta") and "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


# ---------------------------------------------------------------- 9. a mistyped store path


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("summary",),
        ("show", "1.1"),
        ("history",),
        ("report", "weekly"),
        ("assign", "1.1", "--to", "王芳"),
        ("note", "1.1", "x"),
        ("undo",),
    ],
    ids=" ".join,
)
def test_a_store_path_that_does_not_exist_is_an_error(
    run: Run, tmp_path: Path, args: tuple[str, ...]
) -> None:
    typo = tmp_path / "x" / "typo.json"
    result = run(*args, "--db", str(typo), now="2024-03-06")
    one_line_error(result, 2, str(typo), "does not exist", "lianta load")
    assert not (tmp_path / "x").exists()
    from_env = run(*args, now="2024-03-06", env={"LIANTA_DB": str(typo)})
    one_line_error(from_env, 2, str(typo), "does not exist")
    assert not (tmp_path / "x").exists()


def test_load_creates_a_store_at_a_new_path_and_says_so(run: Run, tmp_path: Path) -> None:
    new = tmp_path / "team" / "lianta.json"
    result = ok(run("load", "--db", str(new), now="2024-01-02"))
    assert f"store created: {new}" in result.stderr
    assert new.exists()
    again = ok(run("load", "--db", str(new), now="2024-01-03"))
    assert "created" not in again.stderr
    assert len(ok(run("list", "--db", str(new), "-f", "json", now="2024-01-03")).json()) == 40


def test_the_default_store_is_still_made_on_first_use(run: Run, store_path: Path) -> None:
    result = ok(run("summary", now="2024-03-06"))
    assert "loaded the bundled 2024 plan" in result.stderr and store_path.exists()


def test_doctor_on_a_path_that_does_not_exist_creates_nothing(run: Run, tmp_path: Path) -> None:
    typo = tmp_path / "x" / "typo.json"
    result = ok(run("doctor", "--db", str(typo)))
    assert "none yet" in result.stdout
    assert not (tmp_path / "x").exists()
