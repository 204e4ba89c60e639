"""Where one lianta command spends its time: its imports by package, then a cProfile of a run.

    python bench/hotspots.py list
    python bench/hotspots.py --size 10000 update ID --progress PROGRESS
    python bench/hotspots.py --size 100000 load PLAN

ID stands for a task in progress, PROGRESS for 40 and 60 in turn (so that every run writes),
PLAN for the generated plan (loaded into an empty store each time). The data are generated as
`run.py` does, in a temporary folder. Every run is `python -m lianta_cli ARGS` in lianta's
interpreter, with the pinned clock and output discarded.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen
import run

IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)")
STATS = "import pstats, sys; pstats.Stats(sys.argv[1]).sort_stats(sys.argv[2]).print_stats({top})"


def imports(lines: str, top: int) -> str:
    """`-X importtime` output as own time summed by package (lianta_cli by module)."""
    own: dict[str, float] = defaultdict(float)
    for match in IMPORT_LINE.finditer(lines):
        name = match[2]
        package = name if name.startswith("lianta_cli") else name.split(".")[0]
        own[package] += int(match[1]) / 1000
    total = sum(own.values())
    out = [f"Imports: {total:.0f} ms in all (-X importtime adds some of it)", ""]
    out += ["| package | ms | % |", "|---|---:|---:|"]
    for name, ms in sorted(own.items(), key=lambda kv: kv[1], reverse=True)[:top]:
        out.append(f"| {name} | {ms:.1f} | {100 * ms / total:.0f} |")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--size", type=int, default=40, help="tasks in the data set (40)")
    parser.add_argument("--top", type=int, default=25, help="rows in each table (25)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="lianta arguments")
    args = parser.parse_args(argv)
    if not args.command:
        parser.error("give a lianta command, like: list")
    lianta = run.find_lianta()
    python = run.interpreter_of(lianta)
    work = Path(tempfile.mkdtemp(prefix="lianta-hotspots-"))
    try:
        base = gen.real_base([str(lianta)], work)
        data = gen.build(python, base, args.size, work)
        words = {"ID": data.update_id, "PLAN": str(data.plan), "PROGRESS": "40"}
        store = work / "empty.json" if args.command[0] == "load" else data.store
        env = gen.lianta_env(store)
        env.pop("PYTHONDONTWRITEBYTECODE", None)

        def lianta_run(*options: str) -> subprocess.CompletedProcess[str]:
            for path in work.glob("empty.json*"):
                path.unlink()
            words["PROGRESS"] = "60" if words["PROGRESS"] == "40" else "40"
            command = [words.get(word, word) for word in args.command]
            argv = [python, *options, "-m", "lianta_cli", *command]
            done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"hotspots: {' '.join(command)} failed: {done.stderr[-800:]}")
            return done

        lianta_run()  # fills the bytecode caches
        print(f"## `lianta {' '.join(args.command)}` at {args.size:,} tasks\n")
        print(imports(lianta_run("-X", "importtime").stderr, args.top) + "\n")
        profile = work / "profile.out"
        lianta_run("-m", "cProfile", "-o", str(profile))
        for order in ("cumulative", "tottime"):
            stats = [python, "-c", STATS.format(top=args.top), str(profile), order]
            print(f"cProfile, by {order} time (the profiler slows Python-level loops):")
            print(subprocess.run(stats, capture_output=True, text=True, check=True).stdout)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
