"""Keep the README's example outputs real: run every `<!-- run: ... -->` block and paste its output.

    python tools/readme.py          # rewrite README.md in place
    python tools/readme.py --check  # exit 1 if README.md is out of date (tests/test_docs.py)

The blocks run in order against one fresh store, with the clock pinned, so a block that assigns a
task changes what later blocks show, exactly as in a coordinator's terminal.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(
    r"(?P<head><!-- run: (?P<cmd>.+?) -->\n)```(?P<lang>\w*)\n(?P<body>.*?)```\n"
    r"(?P<tail><!-- /run -->)",
    re.S,
)
ENV = {
    "LIANTA_NOW": "2024-03-08T17:00:00",
    "LIANTA_USER": "coordinator",
    "LIANTA_LANG": "en",
    "LIANTA_RICH": "1",
    "NO_COLOR": "1",
    "COLUMNS": "100",
}


def _lianta() -> str:
    candidate = Path(sys.executable).with_name("lianta")
    return str(candidate) if candidate.exists() else "lianta"


def render(text: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LIANTA_", "LC_"))}
        env.pop("XDG_DATA_HOME", None)
        env.update(ENV)
        env["HOME"] = folder  # a fresh machine: the store goes to ~/.local/share/lianta

        def run(match: re.Match[str]) -> str:
            command = match.group("cmd")
            shown = command
            words = shlex.split(command)
            stderr_too = words[-1] == "2>&1"
            if stderr_too:
                words = words[:-1]
            if words[0] == "lianta":
                words[0] = _lianta()
            env_here = dict(env)
            while "=" in words[0] and not words[0].startswith(("/", ".")):
                key, value = words.pop(0).split("=", 1)
                env_here[key] = value
                if words[0] == "lianta":
                    words[0] = _lianta()
            proc = subprocess.run(
                words,
                env=env_here,
                cwd=folder,
                capture_output=True,
                text=True,
                check=False,
            )
            output = proc.stdout + (proc.stderr if stderr_too else "")
            output = output.replace(folder, "~").rstrip() + "\n"
            body = f"$ {shown}\n{output}"
            head, lang, tail = match.group("head"), match.group("lang"), match.group("tail")
            return f"{head}```{lang}\n{body}```\n{tail}"

        return BLOCK.sub(run, text)


def main() -> int:
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in sys.argv:
        if fresh != current:
            print("README.md is out of date: run python tools/readme.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
