"""No command destroys a file: a mistyped store path is no new store, a damaged store is not
written on, and `--output` writes only what it should."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Result, Run


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    return result


def one_line_error(result: Result, code: int, *needles: str) -> None:
    assert result.exit_code == code, result.stdout + result.stderr
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if ": warning: " not in line]
    assert len(lines) == 1, result.stderr  # a plan file's warnings may come first
    assert lines[0].startswith("lianta") and "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], result.stderr


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


# ---------------------------------------------------------------- 6. --output writes what it should

NOW = "2024-03-08T18:00"


def report_text(run: Run) -> str:
    return ok(run("report", "weekly", now=NOW)).stdout


def test_output_through_a_symlink_writes_its_target_and_keeps_the_link(
    run: Run, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    target = reports / "2024-W10.md"
    target.write_text("last week's\n", encoding="utf-8")
    latest = tmp_path / "latest.md"
    latest.symlink_to(Path("reports") / "2024-W10.md")
    ok(run("report", "weekly", "--output", str(latest), now=NOW))
    assert latest.is_symlink() and os.readlink(latest) == str(Path("reports") / "2024-W10.md")
    assert target.read_text(encoding="utf-8") == report_text(run)
    dangling = tmp_path / "next.md"
    dangling.symlink_to(reports / "2024-W11.md")
    ok(run("report", "weekly", "--output", str(dangling), now=NOW))
    assert dangling.is_symlink() and (reports / "2024-W11.md").read_text(encoding="utf-8")


def test_output_into_a_fifo_writes_through_it(run: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("report", "weekly", "--output", str(fifo), now=NOW)
    reader.join(timeout=30)
    ok(result)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received == [report_text(run).encode("utf-8")]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".pipe")) == []


def full_device(folder: Path) -> Path:
    """A character device like /dev/full (every write fails: no space left), made in `folder`
    so that a test of writing it can never replace the system's own."""
    device = folder / "full"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
        os.close(os.open(device, os.O_WRONLY))
    except OSError:
        pytest.skip("cannot make a device node here (needs root and a folder without nodev)")
    return device


def test_output_to_a_full_device_fails_and_leaves_the_device(run: Run, tmp_path: Path) -> None:
    device = full_device(tmp_path)
    result = run("report", "weekly", "--output", str(device), now=NOW)
    one_line_error(result, 1, str(device), "no space left")
    assert stat.S_ISCHR(device.lstat().st_mode) and device.lstat().st_rdev == os.makedev(1, 7)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".full")) == []


def test_output_to_dev_stdout_writes_to_standard_output(
    run: Run, store_path: Path, tmp_path: Path
) -> None:
    """`--output /dev/stdout`, through a link made the same way (to /proc/self/fd/1), so that a
    test of it can never replace the system's own /dev/stdout."""
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    ok(run("load", now="2024-01-02"))
    lianta = Path(sys.executable).with_name("lianta")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIANTA_")}
    env.update({"LIANTA_DB": str(store_path), "LIANTA_NOW": NOW, "LIANTA_LANG": "en"})
    for fmt in ("md", "json"):
        args = [str(lianta), "report", "weekly", "-f", fmt, "--output", str(stdout)]
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        plain = subprocess.run(args[:-2], env=env, capture_output=True, text=True, timeout=60)
        assert done.stdout == plain.stdout and done.stdout
        assert stdout.is_symlink()
        with open(tmp_path / "out.md", "w") as redirected:  # stdout a file, as with `>`
            done = subprocess.run(args, env=env, stdout=redirected, timeout=60, check=True)
        assert (tmp_path / "out.md").read_text(encoding="utf-8") == plain.stdout


def test_output_to_a_folder_is_an_error(run: Run, tmp_path: Path) -> None:
    result = run("report", "weekly", "--output", str(tmp_path), now=NOW)
    one_line_error(result, 2, "is a folder")


# ---------------------------------------------------------------- 7. never the store

STORE_FILES = ["lianta.json", "lianta.json.1", "lianta.json.3", "lianta.json.lock"]


@pytest.mark.parametrize("name", STORE_FILES)
def test_output_never_writes_the_store_its_backups_or_its_lock(
    run: Run, store_path: Path, name: str
) -> None:
    for note in ("one", "two", "three", "four"):
        ok(run("note", "1.1", note, now="2024-03-04"))
    files = {p.name: p.read_bytes() for p in store_path.parent.iterdir()}
    for shown in (store_path.parent / name, Path(os.path.relpath(store_path.parent / name))):
        result = run("report", "weekly", "--output", str(shown), now=NOW)
        one_line_error(result, 2, str(shown), "store")
    link = store_path.parent.parent / "link.md"
    link.symlink_to(store_path.parent / name)
    one_line_error(run("report", "weekly", "--output", str(link), now=NOW), 2, "store")
    assert {p.name: p.read_bytes() for p in store_path.parent.iterdir()} == files
    assert ok(run("doctor")).stdout.startswith(f"store {store_path}: healthy (change 5")


def test_output_never_writes_a_hard_link_of_the_store(
    run: Run, store_path: Path, tmp_path: Path
) -> None:
    ok(run("note", "1.1", "one", now="2024-03-04"))
    other = tmp_path / "same.md"
    os.link(store_path, other)
    before = store_path.read_bytes()
    one_line_error(run("report", "weekly", "--output", str(other), now=NOW), 2, "store")
    assert store_path.read_bytes() == before


# ---------------------------------------------------------------- 8. a damaged store is not written


def hand_edit(store: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(store.read_bytes())
    change(data)
    store.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def task_of(data: dict[str, Any], task_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(d for d in data["tasks"].values() if d["id"] == task_id)
    return found


@pytest.fixture
def edited(run: Run, store_path: Path) -> Path:
    """A store whose 1.1 was given to 李明 and 1.2 a note, both by hand in the file."""
    ok(run("assign", "1.1", "--to", "王芳", now="2024-03-04T09:00"))
    ok(run("note", "1.1", "first", now="2024-03-04T10:00"))

    def edit(data: dict[str, Any]) -> None:
        task_of(data, "1.1")["assignee"] = "李明"
        note = {"at": "2024-03-04T11:00:00", "by": "x", "text": "手记"}
        task_of(data, "1.2")["notes"].append(note)

    hand_edit(store_path, edit)
    return store_path


WRITERS = [
    ("note", "1.1", "x"),
    ("assign", "2.1", "--to", "王芳"),
    ("update", "2.1", "--progress", "10"),
    ("done", "2.1"),
    ("unassign", "1.1"),
    ("undo",),
    ("load",),
]


@pytest.mark.parametrize("args", WRITERS, ids=" ".join)
def test_a_store_that_disagrees_with_its_history_is_not_written(
    run: Run, edited: Path, args: tuple[str, ...]
) -> None:
    files = {p.name: p.read_bytes() for p in edited.parent.iterdir()}
    result = run(*args, now="2024-03-05")
    one_line_error(result, 1, str(edited), "lianta doctor --db", "1.1")
    assert {p.name: p.read_bytes() for p in edited.parent.iterdir()} == files


def test_doctor_accept_records_a_hand_edit_as_a_change(run: Run, edited: Path) -> None:
    doctor = run("doctor")
    assert doctor.exit_code == 1 and "--accept" in doctor.stdout
    accepted = ok(run("doctor", "--accept", now="2024-03-05T09:00"))
    assert "recorded 2 hand edits as change 4" in accepted.stdout
    assert f"store {edited}: healthy (change 4" in accepted.stdout
    events = ok(run("history", "--format", "json")).json()
    edits = [e for e in events if e["change"] == 4]
    assert [(e["task"], e["action"], e["field"], e["old"], e["new"], e["by"]) for e in edits] == [
        ("1.1", "edit", "assignee", "王芳", "李明", "tester"),
        ("1.2", "edit", "note", None, "手记", "tester"),
    ]
    ok(run("note", "1.1", "works again", now="2024-03-05T10:00"))
    assert ok(run("doctor")).stdout.startswith(f"store {edited}: healthy (change 5")
    again = ok(run("doctor", "--accept"))
    assert "nothing to accept" in again.stdout


def test_an_accepted_edit_can_be_undone(run: Run, edited: Path) -> None:
    ok(run("doctor", "--accept", now="2024-03-05T09:00"))
    ok(run("undo", now="2024-03-05T09:05"))
    task = ok(run("show", "1.1", "--format", "json")).json()
    assert task["assignee"] == "王芳"
    assert ok(run("show", "1.2", "--format", "json")).json()["notes"] == []
    ok(run("doctor"))


def test_a_removed_note_accepted_then_undone_comes_back(run: Run, store_path: Path) -> None:
    ok(run("note", "1.1", "keep me", now="2024-03-04T10:00"))
    hand_edit(store_path, lambda d: task_of(d, "1.1")["notes"].clear())
    ok(run("doctor", "--accept", now="2024-03-05T09:00"))
    assert ok(run("show", "1.1", "-f", "json")).json()["notes"] == []
    ok(run("undo", now="2024-03-05T09:05"))
    assert [n["text"] for n in ok(run("show", "1.1", "-f", "json")).json()["notes"]] == ["keep me"]
    ok(run("doctor"))


def test_doctor_accept_refuses_what_is_no_hand_edit(run: Run, store_path: Path) -> None:
    ok(run("note", "1.1", "x", now="2024-03-04T10:00"))
    hand_edit(store_path, lambda d: task_of(d, "2.1").update(status="finished"))
    files = {p.name: p.read_bytes() for p in store_path.parent.iterdir()}
    result = run("doctor", "--accept")
    assert result.exit_code == 1
    assert "cannot accept" in result.stdout and "--restore" in result.stdout
    assert {p.name: p.read_bytes() for p in store_path.parent.iterdir()} == files
