"""List every interface string wrapped in _() in lianta_cli, and which lack a Chinese entry.

    python tools/i18n_strings.py            # the missing ones
    python tools/i18n_strings.py --all      # all of them
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "lianta_cli"


def interface_strings() -> dict[str, str]:
    """English text -> 'file:line' of its first use."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.name}:{node.lineno}")
    return found


if __name__ == "__main__":
    sys.path.insert(0, str(PACKAGE.parent))
    from lianta_cli.zh import ZH

    for text, where in interface_strings().items():
        if "--all" in sys.argv or text not in ZH:
            print(f"{where}\t{text!r}")
