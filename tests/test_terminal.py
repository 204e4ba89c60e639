"""A real terminal: bash in tmux, keys sent as a person types them, the screen read back.

In a fresh bash, `lianta --install-completion` installs completion; in the next bash,
`lianta show 1.` Tab Tab offers 1.1 … 1.5 and `lianta list --status ` Tab Tab the statuses. A
list longer than the screen opens in the pager and `q` closes it; piped, or with --no-pager or
LIANTA_PAGER=cat, it never does, and a short output is printed as it is.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

VENV_BIN = Path(sys.executable).parent
PROMPT = "lianta-test$ "
STATUSES = ("blocked", "done", "in_progress", "todo")


class Terminal:
    """A tmux session of 100 by 30 cells running bash, on a tmux server of its own."""

    def __init__(self, home: Path, store: Path) -> None:
        self.socket = f"lianta-{uuid.uuid4().hex[:8]}"
        env = {
            "HOME": str(home),
            "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "XDG_DATA_HOME": str(store.parent / "data"),  # the default store: made on first use
            "LIANTA_NOW": "2024-03-08T17:00",
            "LIANTA_USER": "tester",
            "LIANTA_LANG": "en",
        }
        (home / ".bashrc").write_text(f"PS1='{PROMPT}'\n", encoding="utf-8")
        command = ["env", "-i", *(f"{k}={v}" for k, v in env.items()), "bash", "--noprofile"]
        self.tmux("new-session", "-d", "-x", "100", "-y", "30", "-s", "t", shlex_join(command))
        self.socket_path = Path(self.tmux("display-message", "-p", "#{socket_path}").strip())
        self.wait_for(lambda screen: screen.rstrip().endswith(PROMPT.strip()))

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return result.stdout

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "t", "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, ready: Callable[[str], bool], seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        while True:
            screen = self.screen()
            if ready(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError("the screen never got there:\n" + screen)
            time.sleep(0.1)

    def run(self, command: str) -> str:
        """Type a command and Enter; the screen once it has finished and the prompt is back."""
        self.keys("C-l")
        self.wait_for(lambda screen: screen.strip() == PROMPT.strip())
        self.type(f"{command}; echo ran-$?")
        self.keys("Enter")
        return self.wait_for(
            lambda screen: (
                re.search(r"^ran-\d+$", screen, re.M) is not None
                and screen.rstrip().endswith(PROMPT.strip())
            )
        )

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, check=False)
        self.socket_path.unlink(missing_ok=True)  # tmux leaves it behind


def shlex_join(words: list[str]) -> str:
    import shlex

    return shlex.join(words)


def tmux_problem() -> str | None:
    """Why tmux cannot run here, or None."""
    if shutil.which("tmux") is None:
        return "tmux is not installed (.ci/run installs Debian's package)"
    socket = f"lianta-probe-{os.getpid()}"
    probe = subprocess.run(
        ["tmux", "-L", socket, "new-session", "-d", "-x", "40", "-y", "5", "sleep 30"],
        capture_output=True,
        text=True,
        check=False,
    )
    found = subprocess.run(
        ["tmux", "-L", socket, "display-message", "-p", "#{socket_path}"],
        capture_output=True,
        text=True,
        check=False,
    )
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, check=False)
    if found.stdout.strip():
        Path(found.stdout.strip()).unlink(missing_ok=True)
    if probe.returncode != 0:
        return f"tmux cannot start a session here: {probe.stderr.strip()}"
    return None


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    problem = tmux_problem()
    if problem:
        pytest.skip(problem)
    home = tmp_path / "home"
    home.mkdir()
    session = Terminal(home, tmp_path / "store.json")
    try:
        yield session
    finally:
        session.close()


def test_completion_in_a_fresh_bash_offers_ids_and_statuses(terminal: Terminal) -> None:
    installed = terminal.run("lianta --install-completion")
    assert "bash completion installed in" in installed
    terminal.keys("C-l")
    terminal.wait_for(lambda screen: screen.strip() == PROMPT.strip())
    terminal.type("exec bash --noprofile")  # a new shell: it reads the ~/.bashrc just written
    terminal.keys("Enter")
    terminal.wait_for(lambda screen: screen.count(PROMPT.strip()) == 2)

    terminal.keys("C-l")
    terminal.type("lianta show 1.")
    terminal.keys("Tab", "Tab")
    screen = terminal.wait_for(lambda s: "1.5" in s)
    offered = next(line for line in screen.splitlines() if "1.5" in line).split()
    assert offered == ["1.1", "1.2", "1.3", "1.4", "1.5"], screen

    terminal.keys("C-u", "C-l")
    terminal.type("lianta list --status ")
    terminal.keys("Tab", "Tab")
    screen = terminal.wait_for(lambda s: "in_progress" in s)
    offered = next(line for line in screen.splitlines() if "in_progress" in line).split()
    assert tuple(offered) == STATUSES, screen

    terminal.keys("C-u", "C-l")
    terminal.type("lianta sh")
    terminal.keys("Tab")
    terminal.wait_for(lambda s: s.rstrip().endswith("lianta show"))
    terminal.keys("C-u")


def test_a_long_list_opens_in_the_pager_and_q_closes_it(terminal: Terminal) -> None:
    terminal.run("lianta summary")  # a short output: printed, and the bundled plan loaded
    terminal.keys("C-l")
    terminal.wait_for(lambda screen: screen.strip() == PROMPT.strip())
    terminal.type("lianta list --limit 0")
    terminal.keys("Enter")
    paged = terminal.wait_for(lambda s: "1.1 " in s and "Build industry" in s)
    assert not paged.rstrip().endswith(PROMPT.strip())  # the pager holds the screen
    assert "40 tasks · 2024 plan" not in paged  # the end is further down
    terminal.keys("G")  # to the end, in less as in more
    terminal.wait_for(lambda s: "40 tasks · 2024 plan" in s)
    terminal.keys("q")
    after = terminal.wait_for(lambda s: s.rstrip().endswith(PROMPT.strip()))
    assert "Build industry" not in after or "40 tasks · 2024 plan" not in after
    assert "ran-0" in terminal.run("true")  # the shell is back and answers


@pytest.mark.parametrize(
    "command",
    [
        "lianta list --limit 0 | tail -n 3",
        "lianta --no-pager list --limit 0",
        "lianta list --no-pager --limit 0",
        "LIANTA_PAGER=cat lianta list --limit 0",
        "PAGER=cat lianta list --limit 0",
    ],
)
def test_piped_or_told_not_to_it_never_pages(terminal: Terminal, command: str) -> None:
    screen = terminal.run(command)  # returns only once the prompt is back, with no key pressed
    assert "40 tasks · 2024 plan" in screen and "ran-0" in screen
