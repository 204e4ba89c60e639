"""List every interface string wrapped in _() in lianta_cli, and which lack a Chinese entry.

    python tools/i18n_strings.py            # the missing ones (or with a placeholder mismatch)
    python tools/i18n_strings.py --all      # all of them

Exit status 1 when some are missing, so a check script can run it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lianta_cli.i18n import interface_strings, missing_translations


def main(argv: list[str]) -> int:
    listed = interface_strings() if "--all" in argv else missing_translations()
    for text, where in listed.items():
        print(f"{where}\t{text!r}")
    return 1 if "--all" not in argv and listed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
