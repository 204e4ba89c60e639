from pathlib import Path

from conftest import Run


def test_list_on_an_empty_store_loads_the_bundled_plan(run: Run, store_path: Path) -> None:
    result = run("list", "--format", "json", now="2024-03-01")
    assert result.exit_code == 0, result.stderr
    tasks = result.json()
    assert len(tasks) == 40
    assert store_path.exists()
    assert "loaded the bundled 2024 plan" in result.stderr
