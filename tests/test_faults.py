"""Faults in what lianta is given — odd values, tampered stores, files that are not files —
each end in one line that says what is wrong (exit 2 for the input, 1 for the machine or the
store), never "internal error", and change nothing."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers_robust import LIANTA, assert_one_line_error, build_store, call_cli, run_lianta

ROOT = Path(__file__).resolve().parent.parent
PLAN_2024 = ROOT / "plans" / "2024.yaml"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store.json"
    build_store(path)
    for number in range(2):  # so it has backups
        assert call_cli(["note", "1.1", f"n{number}"], _env(path))[0] == 0
    return path


def _env(store: Path, **extra: str) -> dict[str, str]:
    return {
        "LIANTA_DB": str(store),
        "LIANTA_USER": "tester",
        "LIANTA_LANG": "en",
        "LIANTA_NOW": "2024-03-08T17:00",
        **extra,
    }


def _files(store: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in store.parent.iterdir() if p.is_file()}


def _edit(store: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(store.read_bytes())
    change(data)
    store.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _first_task(data: dict[str, Any]) -> dict[str, Any]:
    return next(iter(data["tasks"].values()))


def _first_event(data: dict[str, Any]) -> dict[str, Any]:
    return next(iter(data["history"].values()))


# ---------------------------------------------------------------- odd values

LONG_NAME = "r" * 250 + ".md"
FAULTS: list[tuple[str, list[str], dict[str, str], int, str]] = [
    (
        "LIANTA_NOW east of year 1",
        ["list"],
        {"LIANTA_NOW": "0001-01-01T00:00:00+14:00"},
        2,
        "LIANTA_NOW",
    ),
    (
        "LIANTA_NOW at the end of time",
        ["report", "weekly"],
        {"LIANTA_NOW": "9999-12-27"},
        2,
        "9999",
    ),
    (
        "a period to the end of time",
        ["report", "weekly", "--since", "0001-01-01", "--until", "9999-12-31"],
        {},
        2,
        "9999-12-31",
    ),
    ("a 5,000-character --db", ["list", "--db", "/tmp/" + "d" * 5000], {}, 2, "too long"),
    (
        "a 300-character store name",
        ["note", "1.1", "x", "--db", "/tmp/" + "n" * 300],
        {},
        2,
        "long",
    ),
    ("a 250-character report name", ["report", "weekly", "--output", LONG_NAME], {}, 0, ""),
    ("a 300-character report name", ["report", "weekly", "--output", "o" * 300], {}, 2, "long"),
]


@pytest.mark.parametrize(
    ("args", "env", "code", "needle"),
    [case[1:] for case in FAULTS],
    ids=[case[0] for case in FAULTS],
)
def test_odd_values_end_in_one_line(
    store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    code: int,
    needle: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    before = _files(store)
    found, _out, err = call_cli(args, _env(store, **env))
    assert found == code, err
    if code:
        assert_one_line_error(err, needle)
        assert "internal error" not in err
        assert _files(store) == before


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_a_report_into_a_folder_the_user_cannot_write(store: Path) -> None:
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("needs setpriv")
    folder = Path(tempfile.mkdtemp(prefix="lianta-ro-"))
    try:
        folder.chmod(0o755)
        shared = folder / "store.json"
        shutil.copy(store, shared)
        os.chown(shared, 65534, 65534)
        nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        args = ["report", "weekly", "--output", str(folder / "week.md")]
        done = run_lianta(args, _env(shared), user=nobody)
        assert done.returncode == 1, done.stderr
        assert_one_line_error(done.stderr, "week.md", "ermission denied", "not changed")
        assert sorted(p.name for p in folder.iterdir()) == ["store.json"]
    finally:
        shutil.rmtree(folder)


# ---------------------------------------------------------------- tampered stores

TAMPERING: dict[str, Callable[[dict[str, Any]], None]] = {
    "a note without its time": lambda d: _first_task(d)["notes"].append({"text": "x", "by": "y"}),
    "an event whose time is a number": lambda d: _first_event(d).update(at=20240308),
    "an event whose change is text": lambda d: _first_event(d).update(change="3"),
}


@pytest.mark.parametrize("kind", TAMPERING)
def test_a_tampered_store_is_refused_in_one_line(store: Path, kind: str) -> None:
    _edit(store, TAMPERING[kind])
    before = _files(store)
    for args in (
        ["list"],
        ["show", "1.1"],
        ["history"],
        ["report", "weekly"],
        ["note", "1.1", "x"],
    ):
        code, _out, err = call_cli(args, _env(store))
        assert code == 1, (args, err)
        assert_one_line_error(err, str(store), "lianta doctor")
    assert _files(store) == before
    code, out, _err = call_cli(["doctor"], _env(store))
    assert code == 1 and "damaged" in out


def test_an_emptied_store_with_backups_is_not_started_afresh(store: Path) -> None:
    store.write_text("{}")
    before = _files(store)
    for args in (["list"], ["note", "1.1", "x"], ["load"]):
        code, _out, err = call_cli(args, _env(store))
        assert code == 1, (args, err)
        assert_one_line_error(err, "holds nothing", f"{store}.1", "--restore")
    assert _files(store) == before
    code, out, _err = call_cli(["doctor"], _env(store))
    assert code == 1 and "holds nothing, but backups of it exist" in out
    assert call_cli(["doctor", "--restore"], _env(store))[0] == 0
    restored = json.loads(store.read_bytes())
    assert "n0" in {n["text"] for d in restored["tasks"].values() for n in d["notes"]}


def test_doctor_finds_plan_text_edited_by_hand(store: Path) -> None:
    assert call_cli(["doctor"], _env(store))[0] == 0
    _edit(store, lambda d: _first_task(d).update(title="改过的标题"))
    code, out, _err = call_cli(["doctor"], _env(store))
    assert code == 1
    assert "the stored plan text differs from" in out and "task 1.1: title" in out, out


def test_doctor_accepts_a_plan_file_edited_after_it_was_loaded(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    shutil.copy(PLAN_2024, plan)
    store = tmp_path / "store.json"
    assert call_cli(["load", str(plan)], _env(store))[0] == 0
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("推动打造行业产业园区", "推动打造产业园区"),
        encoding="utf-8",
    )
    code, out, _err = call_cli(["doctor"], _env(store))
    assert code == 0, out  # the file moved on; the store is the plan as it was loaded


# ---------------------------------------------------------------- files that are not files


def test_a_plan_that_is_not_a_regular_file_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    for plan, needle in ((fifo, "FIFO"), (Path("/dev/zero"), "device")):
        for args in (["validate", str(plan)], ["load", str(plan)]):
            started = time.monotonic()
            done = run_lianta(args, {"LIANTA_DB": str(tmp_path / "s.json")}, timeout=20)
            assert done.returncode == 2, done.stderr
            assert needle in done.stderr and "not a plan file" in done.stderr
            assert time.monotonic() - started < 15


def test_a_plan_file_too_large_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as out:
        out.truncate(200 * 2**20)  # sparse: no disk is filled
    code, _out, err = call_cli(["validate", str(huge)], {"LIANTA_LANG": "en"})
    assert code == 2
    assert "is larger than 64 MB" in err


def test_a_killed_report_writer_leaves_nothing_the_next_one_keeps(
    store: Path, tmp_path: Path
) -> None:
    target = tmp_path / "week.md"
    stale = tmp_path / ".week.md.4194303.tmp"  # a pid no process has
    stale.write_text("half a report")
    writer = subprocess.Popen(
        [str(LIANTA), "report", "weekly", "--output", str(target)],
        env={**os.environ, **_env(store)},
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.05)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    code, _out, err = call_cli(["report", "weekly", "--output", str(target)], _env(store))
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.glob(".week.md*")) == []
    assert target.read_text(encoding="utf-8").startswith("# Weekly report")


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="permission bits are POSIX's")
def test_a_report_replacing_a_set_id_file_gets_ordinary_permissions(
    store: Path, tmp_path: Path
) -> None:
    target = tmp_path / "week.md"
    target.write_text("old")
    target.chmod(0o4755)
    assert call_cli(["report", "weekly", "--output", str(target)], _env(store))[0] == 0
    assert target.stat().st_mode & 0o7777 == 0o755


def test_a_plan_whose_aliases_repeat_its_text_is_refused(tmp_path: Path) -> None:
    """A 30 KB plan whose tasks all alias one long title would make a store fifty times it."""
    lines, anchored = [], False
    for line in PLAN_2024.read_text(encoding="utf-8").split("\n"):
        if line.startswith("        title_en:"):
            line = (
                "        title_en: *long"
                if anchored
                else f'        title_en: &long "{"x" * 20000}"'
            )
            anchored = True
        lines.append(line)
    plan = tmp_path / "aliases.yaml"
    plan.write_text("\n".join(lines), encoding="utf-8")
    store = tmp_path / "store.json"
    for args in (["validate", str(plan)], ["load", str(plan)]):
        code, _out, err = call_cli(args, _env(store))
        assert code == 2, err
        assert "aliases (*name) repeat its text too often" in err
    assert not store.exists()
