"""Windows: what can be shown from Linux.

CI runs here on Linux, so the Windows paths are run with the POSIX-only modules taken away:
`tests/no_posix/sitecustomize.py` hides `fcntl`, `pwd`, `termios` and the rest, and `os.fchmod`,
from every Python started with that folder on PYTHONPATH, and stands in a `msvcrt.locking` built
on the same kind of lock (see its docstring). `.ci/run` runs the whole suite that way once more;
the tests here check that the stand-in is really what the store then locks with, that a lock
taken through it keeps a second process out, and what the store's location and the output's
encoding are on Windows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from lianta_cli import store

NO_POSIX = ROOT / "tests" / "no_posix"
LIANTA = Path(sys.executable).with_name("lianta")


def _store(tmp_path: Path) -> Path:
    """The default store with XDG_DATA_HOME in tmp_path (made on first use, as one named by
    LIANTA_DB is not)."""
    return tmp_path / "data" / "lianta" / "lianta.json"


def _python(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a Python that has no POSIX-only module, with a store in tmp_path."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("LIANTA_")}
    full.update(
        PYTHONPATH=os.pathsep.join([str(NO_POSIX), str(ROOT)]),
        XDG_DATA_HOME=str(tmp_path / "data"),
        LIANTA_USER="tester",
        LIANTA_NOW="2024-03-08",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=120
    )


def test_without_posix_modules_lianta_runs_and_locks_through_msvcrt(tmp_path: Path) -> None:
    code = (
        "import msvcrt\n"
        "from lianta_cli.cli import app\n"
        "try:\n"
        "    app(['note', '1.1', '已走访'])\n"
        "except SystemExit as stop:\n"
        "    print(stop.code, msvcrt.CALLS)\n"
        "try:\n"
        "    import fcntl\n"
        "except ImportError:\n"
        "    print('no fcntl')\n"
    )
    result = _python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["0 [2]", "no fcntl"]  # one lock, LK_NBLCK
    assert "已走访" in _store(tmp_path).read_text(encoding="utf-8")


NOTE = (
    "import sys\nsys.argv = ['lianta', 'note', '1.1', '已电话催办']\n"
    "from lianta_cli.cli import main\nmain()"
)


def test_a_lock_held_through_msvcrt_keeps_another_process_out(tmp_path: Path) -> None:
    holder = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from lianta_cli.lock import store_lock\n"
        "with store_lock(Path(sys.argv[1])):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(60)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIANTA_")}
    env["PYTHONPATH"] = os.pathsep.join([str(NO_POSIX), str(ROOT)])
    process = subprocess.Popen(
        [sys.executable, "-c", holder, str(_store(tmp_path))],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdout.readline() == "held\n"
        busy = _python(NOTE, tmp_path, LIANTA_LOCK_TIMEOUT="0.3")
    finally:
        process.kill()
        process.wait()
    assert busy.returncode == 1
    assert busy.stderr.count("\n") == 1 and "lianta.json.lock" in busy.stderr, busy.stderr
    assert "LIANTA_LOCK_TIMEOUT" in busy.stderr and "Traceback" not in busy.stderr
    assert not _store(tmp_path).exists()
    after = _python(NOTE, tmp_path, LIANTA_LOCK_TIMEOUT="0.3")
    assert after.returncode == 0, after.stderr  # the holder is gone, and so is its lock
    assert "已电话催办" in _store(tmp_path).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("win32", {"LOCALAPPDATA": "C:/Users/wf/AppData/Local"}, "C:/Users/wf/AppData/Local"),
        ("win32", {}, "~/AppData/Local"),
        ("darwin", {}, "~/Library/Application Support"),
        ("linux", {"XDG_DATA_HOME": "/data/wf"}, "/data/wf"),
        ("linux", {}, "~/.local/share"),
    ],
)
def test_the_default_store_is_where_the_platform_keeps_user_data(
    monkeypatch: pytest.MonkeyPatch, platform: str, environ: dict[str, str], expected: str
) -> None:
    for name in ("LIANTA_DB", "LOCALAPPDATA", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", platform)
    folder = Path(expected).expanduser()
    assert store.store_location() == folder / "lianta" / "lianta.json"


def test_output_to_a_file_is_utf8_whatever_the_code_page(tmp_path: Path) -> None:
    """A Chinese Windows writes redirected output in its ANSI code page (GBK) unless told
    otherwise; PYTHONIOENCODING=gbk does the same here."""
    target = tmp_path / "tasks.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIANTA_")}
    env.update(
        PYTHONIOENCODING="gbk", XDG_DATA_HOME=str(tmp_path / "data"), LIANTA_NOW="2024-03-08"
    )
    with target.open("wb") as out:
        done = subprocess.run(
            [str(LIANTA), "show", "1.1", "--format", "json"],
            env=env,
            stdout=out,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert "推动打造行业产业园区" in target.read_bytes().decode("utf-8")
