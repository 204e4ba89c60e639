import gc
from pathlib import Path

from conftest import Run


def test_list_on_an_empty_store_loads_the_bundled_plan(run: Run, store_path: Path) -> None:
    result = run("list", "--format", "json", now="2024-03-01")
    assert result.exit_code == 0, result.stderr
    tasks = result.json()
    assert len(tasks) == 40
    assert store_path.exists()
    assert "loaded the bundled 2024 plan" in result.stderr


def test_load_pauses_the_garbage_collector_only_while_it_runs(run: Run, tmp_path: Path) -> None:
    """`load` runs with the collector off (its objects hold no cycles) and leaves it as it was,
    also when the plan is refused."""
    assert gc.isenabled()
    assert run("load").exit_code == 0
    assert gc.isenabled()
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan: [\n", encoding="utf-8")
    assert run("load", str(bad)).exit_code == 2
    assert gc.isenabled()
    gc.disable()
    try:
        assert run("load").exit_code == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
