"""Where a lianta command spends its time: import costs by package, and a cProfile of one run.

    python bench/hotspots.py --imports
    python bench/hotspots.py --size 10000 list --limit 0
    python bench/hotspots.py --size 10000 update ID --progress PROGRESS
    python bench/hotspots.py --size 100000 load PLAN
    python bench/hotspots.py --size 40 --startup --runs 20 list

In the command, PLAN stands for the generated plan of that size, ID for a task that is in
progress and PROGRESS for 40 and 60 in turn (so that every update writes); `load` runs against
an empty store each time. The data are generated as `run.py` does (or taken from `--data DIR`).
The command runs first without profiler for a split of the wall time into phases, then once
in-process under cProfile in lianta's own interpreter, output to /dev/null; the report goes to
stdout.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen
import run

DRIVER = r"""
import cProfile, json, os, pstats, sys, time
args, out_path = sys.argv[1:-1], sys.argv[-1]
devnull = open(os.devnull, "w")
profile = cProfile.Profile()
start = time.perf_counter()
profile.enable()
import lianta_cli.launch as launch
from lianta_cli.launch import main
launch.finish = lambda code: sys.exit(code)  # the real one ends the process at once
imported = time.perf_counter()
sys.argv = ["lianta", *args]
real_stdout, sys.stdout = sys.stdout, devnull
code = 0
try:
    main()
except SystemExit as exit:
    code = exit.code
finally:
    profile.disable()
    sys.stdout = real_stdout
end = time.perf_counter()
stats = pstats.Stats(profile)
rows = []
for (path, line, name), (cc, nc, tt, ct, callers) in stats.stats.items():
    rows.append((path, line, name, nc, tt, ct))
with open(out_path, "w") as handle:
    json.dump({"code": code, "total": end - start, "import_cli": imported - start,
               "rows": rows}, handle)
"""

PHASES = r"""
import time
start = time.perf_counter()
import json, os, sys
args, out_path = sys.argv[1:-1], sys.argv[-1]
from lianta_cli import launch
quick = launch.quick_arguments(args)
if quick is not None:  # what the console script does for list, summary, update, done
    from lianta_cli import commands, tracker
    imported = built = time.perf_counter()
else:
    import lianta_cli.cli as cli
    imported = time.perf_counter()
    import typer.main
    command = typer.main.get_command(cli.app)
    built = time.perf_counter()
real_stdout, sys.stdout = sys.stdout, open(os.devnull, "w")
try:
    if quick is not None:
        launch.run_quick(*quick)
    else:
        command.main(args, prog_name="lianta")
except SystemExit:
    pass
sys.stdout.flush()
sys.stdout = real_stdout
ran = time.perf_counter()
with open(out_path, "w") as handle:
    json.dump({"import": imported - start, "build": built - imported, "run": ran - built,
               "quick": quick is not None}, handle)
"""

MEMORY = r"""
import json, os, sys, threading, time
args, out_path = sys.argv[1:-1], sys.argv[-1]
page = os.sysconf("SC_PAGE_SIZE")
main_id = threading.get_ident()
samples = []
done = threading.Event()

def rss():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * page

def where():
    frame = sys._current_frames().get(main_id)
    inner = None
    while frame is not None:
        code = frame.f_code
        if "lianta_cli" in code.co_filename:
            name = code.co_filename.split("lianta_cli/")[-1]
            return f"{name}:{code.co_firstlineno} {code.co_name}" + (f" > {inner}" if inner else "")
        if inner is None:
            inner = code.co_name
        frame = frame.f_back
    return "(outside lianta)"

def sample():
    while not done.wait(0.002):
        samples.append((time.perf_counter(), rss(), where()))

base = rss()
threading.Thread(target=sample, daemon=True).start()
import lianta_cli.launch as launch
from lianta_cli.launch import main
launch.finish = lambda code: sys.exit(code)  # the real one ends the process at once
imported = rss()
sys.argv = ["lianta", *args]
real_stdout, sys.stdout = sys.stdout, open(os.devnull, "w")
try:
    main()
except SystemExit:
    pass
finally:
    done.set()
    sys.stdout = real_stdout
end = rss()
with open(out_path, "w") as handle:
    json.dump({"base": base, "imported": imported, "end": end, "samples": samples}, handle)
"""

WHERE = (
    # label, file suffix (or "" for any), function name; cumulative time of the outermost call
    ("all imports (module bodies included)", "<frozen importlib._bootstrap>", "_find_and_load"),
    ("read: store file parse (json.loads)", "json/__init__.py", "loads"),
    ("read: store shape and field checks", "lianta_cli/store.py", "shape_problem"),
    ("read: per-table document checks", "lianta_cli/store.py", "table_problem"),
    ("read: split the file into tables", "lianta_cli/segments.py", "split_tables"),
    ("TinyDB: TinyDB() and Table objects", "tinydb/database.py", "table"),
    ("TinyDB: Table.update (store.patch)", "tinydb/table.py", "update"),
    ("TinyDB: Table.insert_multiple", "tinydb/table.py", "insert_multiple"),
    ("TinyDB: Table.all / search (Documents)", "tinydb/table.py", "all"),
    ("TinyDB: Document construction", "tinydb/table.py", "__init__"),
    ("domain: tracker.list_tasks", "lianta_cli/tracker.py", "list_tasks"),
    ("domain: tracker.sync_plan", "lianta_cli/tracker.py", "sync_plan"),
    ("domain: tracker.record (history append)", "lianta_cli/tracker.py", "record"),
    ("domain: report.summary", "lianta_cli/report.py", "summary"),
    ("domain: report.weekly", "lianta_cli/report.py", "weekly"),
    ("plan: parse_plan (YAML + checks)", "lianta_cli/plan.py", "parse_plan"),
    ("plan: YAML compose (C loader)", "yaml/composer.py", "get_single_node"),
    ("plan: YAML construct", "yaml/constructor.py", "construct_document"),
    ("plan: duplicate-key walk", "lianta_cli/plan.py", "_check_duplicate_keys"),
    ("plan: line_of lookups", "lianta_cli/plan.py", "line_of"),
    ("output: plain_table", "lianta_cli/export.py", "plain_table"),
    ("output: dumps_json", "lianta_cli/export.py", "dumps_json"),
    ("output: Rich print_table", "lianta_cli/render.py", "print_table"),
    ("save: Store.save (dumps + write)", "lianta_cli/store.py", "save"),
    ("save: json.dumps", "json/__init__.py", "dumps"),
    ("save: atomic_write", "lianta_cli/store.py", "atomic_write"),
    ("save: fsync", "~", "<built-in method posix.fsync>"),
    ("save: backup rotation", "lianta_cli/store.py", "_rotate_backups"),
    ("gc: explicit collections", "~", "<built-in method gc.collect>"),
)


Row = tuple[str, int, str, int, float, float]
"""file, line, function, calls, own seconds, cumulative seconds"""


@dataclass
class Profile:
    code: object
    total: float
    import_cli: float
    rows: list[Row]


def profile_command(python: str, env: dict[str, str], prepare: Prepare, cwd: Path) -> Profile:
    """Run `lianta ARGS` in-process under cProfile in lianta's interpreter."""
    args = prepare()
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        done = subprocess.run(
            [python, "-c", DRIVER, *args, out.name],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"profile: driver failed: {done.stderr.strip()[-800:]}")
        data = json.loads(Path(out.name).read_text())
    rows = [
        (str(r[0]), int(r[1]), str(r[2]), int(r[3]), float(r[4]), float(r[5])) for r in data["rows"]
    ]
    return Profile(data["code"], float(data["total"]), float(data["import_cli"]), rows)


def render_profile(profile: Profile, top: int) -> str:
    total = profile.total
    lines = [
        f"exit status {profile.code}; wall time under the profiler {total * 1000:.0f} ms "
        f"(import of the entry point {profile.import_cli * 1000:.0f} ms)",
        "",
        "| where | cumulative ms | % |",
        "|---|---:|---:|",
    ]
    for label, suffix, name in WHERE:
        found = [r for r in profile.rows if r[0].endswith(suffix) and r[2] == name]
        if found:
            seconds = max(r[5] for r in found)
            lines.append(f"| {label} | {seconds * 1000:.1f} | {100 * seconds / total:.0f} |")
    lines += ["", f"Top {top} by own time:", "", "| own ms | cum ms | calls | function |"]
    lines.append("|---:|---:|---:|---|")
    for r in sorted(profile.rows, key=lambda r: r[4], reverse=True)[:top]:
        lines.append(f"| {r[4] * 1000:.1f} | {r[5] * 1000:.1f} | {r[3]} | {short(r)} |")
    own = [r for r in profile.rows if "lianta_cli" in r[0]]
    lines += ["", f"Top {top} lianta functions by cumulative time:", ""]
    lines += ["| cum ms | own ms | calls | function |", "|---:|---:|---:|---|"]
    for r in sorted(own, key=lambda r: r[5], reverse=True)[:top]:
        lines.append(f"| {r[5] * 1000:.1f} | {r[4] * 1000:.1f} | {r[3]} | {short(r)} |")
    return "\n".join(lines) + "\n"


Prepare = Callable[[], list[str]]
"""Readies the store for one more run and gives that run's arguments."""


def phases(python: str, env: dict[str, str], prepare: Prepare, cwd: Path, runs: int) -> str:
    """Wall time split into start-up, import, building the command tree, and the command itself
    (medians of `runs` runs, no profiler)."""
    samples: dict[str, list[float]] = defaultdict(list)
    for number in range(runs + 1):
        args = prepare()
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            started = time.perf_counter()
            done = subprocess.run(
                [python, "-c", PHASES, *args, out.name], env=env, cwd=cwd, capture_output=True
            )
            wall = time.perf_counter() - started
            if done.returncode != 0:
                raise SystemExit(f"profile: phases failed: {done.stderr.decode()[-800:]}")
            parts = json.loads(Path(out.name).read_text())
        quick = parts.pop("quick")
        if number == 0:
            continue  # fills the bytecode cache
        samples["wall"].append(wall)
        for key, value in parts.items():
            samples[key].append(value)
        samples["interpreter start and exit"].append(wall - sum(parts.values()))
    median = {key: statistics.median(values) for key, values in samples.items()}
    labels = {
        "interpreter start and exit": "interpreter start-up, site, exit (outside the script)",
        "import": "imports: lianta's modules, no Typer (the quick path of `launch`)"
        if quick
        else "`import lianta_cli.cli` (typer, lianta modules)",
        "build": "Typer builds the click command tree (`typer.main.get_command`)",
        "run": "the command: parse options, read, work, write output (lazy imports included)",
    }
    lines = [
        f"Medians of {runs} runs without profiler; wall {median['wall'] * 1000:.0f} ms.",
        "",
        "| phase | ms | % |",
        "|---|---:|---:|",
    ]
    for key, label in labels.items():
        lines.append(
            f"| {label} | {median[key] * 1000:.1f} | {100 * median[key] / median['wall']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def memory(python: str, env: dict[str, str], prepare: Prepare, cwd: Path, top: int) -> str:
    """Resident memory sampled every 2 ms during one run, growth attributed to the lianta
    function running at the time (and the function it was in, if not lianta's own)."""
    args = prepare()
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        done = subprocess.run(
            [python, "-c", MEMORY, *args, out.name], env=env, cwd=cwd, capture_output=True
        )
        if done.returncode != 0:
            raise SystemExit(f"profile: memory run failed: {done.stderr.decode()[-800:]}")
        data = json.loads(Path(out.name).read_text())
    mib = 2**20
    growth: dict[str, float] = defaultdict(float)
    highest: dict[str, float] = defaultdict(float)
    previous = data["imported"]
    peak = max([previous, *(s[1] for s in data["samples"])])
    for _, rss, place in data["samples"]:
        if rss > previous:
            growth[place] += rss - previous
        highest[place] = max(highest[place], rss)
        previous = rss
    lines = [
        f"RSS: {data['base'] / mib:.0f} MiB at start, {data['imported'] / mib:.0f} MiB after "
        f"`import lianta_cli.cli`, peak {peak / mib:.0f} MiB (sampled), "
        f"{len(data['samples'])} samples.",
        "",
        "| where (lianta function > function running) | RSS growth MiB | highest RSS MiB |",
        "|---|---:|---:|",
    ]
    for place, grown in sorted(growth.items(), key=lambda kv: kv[1], reverse=True)[:top]:
        if grown >= mib / 2:
            lines.append(f"| `{place}` | {grown / mib:.0f} | {highest[place] / mib:.0f} |")
    return "\n".join(lines) + "\n"


def startup(python: str, lianta: Path, env: dict[str, str], args: Sequence[str], runs: int) -> str:
    """What start-up costs, by variants run in turn: the console script (which takes the quick
    path of `launch` for list, summary, update and done), the same command through the Typer
    app, the imports of each path alone, and the interpreter floor."""
    argv = repr(["lianta", *args])
    variants: dict[str, list[str]] = {
        "console script": [str(lianta), *args],
        "`python -c pass` (floor)": [python, "-c", "pass"],
        "the same through the Typer app (`lianta_cli.cli.main`)": [
            python,
            "-c",
            f"import sys\nsys.argv = {argv}\nfrom lianta_cli.cli import main\nmain()",
        ],
        "imports of the quick path only": [
            python,
            "-c",
            "import lianta_cli.launch, lianta_cli.commands, lianta_cli.report",
        ],
        "`import lianta_cli.cli` only": [python, "-c", "import lianta_cli.cli"],
        "`import typer` only": [python, "-c", "import typer"],
    }
    seconds: dict[str, list[float]] = {name: [] for name in variants}
    for number in range(runs + 1):
        for name, command in variants.items():
            started = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True)
            elapsed = time.perf_counter() - started
            if done.returncode != 0:
                raise SystemExit(f"profile: {name} failed: {done.stderr.decode()[-400:]}")
            if number:
                seconds[name].append(elapsed)
    lines = [
        f"Start-up variants, run in turn, medians of {runs}:",
        "",
        "| variant | median ms | min ms |",
        "|---|---:|---:|",
    ]
    for name, values in seconds.items():
        lines.append(
            f"| {name} | {statistics.median(values) * 1000:.0f} | {min(values) * 1000:.0f} |"
        )
    return "\n".join(lines) + "\n"


def short(row: Row) -> str:
    path = row[0]
    for marker in ("site-packages/", "lianta_cli/", "lib/python3"):
        if marker in path:
            path = path[path.index(marker) :].replace("site-packages/", "")
            break
    return f"`{path}:{row[1]} {row[2]}`"


# ------------------------------------------------------------------ imports

IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def parse_importtime(stderr: str) -> list[tuple[str, str | None, float, float]]:
    """(module, the module that imported it, self ms, cumulative ms) from -X importtime."""
    parsed = []
    for line in stderr.splitlines():
        match = IMPORT_LINE.match(line)
        if match:
            depth = len(match.group(3)) // 2
            parsed.append((match.group(4), depth, int(match.group(1)), int(match.group(2))))
    rows: list[tuple[str, str | None, float, float]] = []
    parents: dict[int, str] = {}
    for name, depth, own, cumulative in reversed(parsed):  # parents come after their children
        parents[depth] = name
        rows.append(
            (name, parents.get(depth - 1) if depth else None, own / 1000, cumulative / 1000)
        )
    return rows


def import_costs(python: str, env: dict[str, str], modules: Sequence[str], runs: int = 5) -> str:
    """What importing `modules` costs: the fastest of `runs` runs, by package and by the
    third-party or standard modules that lianta's own modules import directly."""
    statement = "; ".join(f"import {m}" for m in modules)
    best: list[tuple[str, str | None, float, float]] | None = None
    for _ in range(runs + 1):  # the first run fills the bytecode cache
        done = subprocess.run(
            [python, "-X", "importtime", "-c", statement],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        rows = parse_importtime(done.stderr)
        if best is None or sum(r[2] for r in rows) < sum(r[2] for r in best):
            best = rows
    assert best is not None
    total = sum(r[2] for r in best)
    by_package: dict[str, float] = defaultdict(float)
    for name, _, own, _ in best:
        top = name.split(".")[0]
        by_package[name if top == "lianta_cli" else top] += own
    lines = [
        f'`python -X importtime -c "{statement}"`, fastest of {runs} runs: {total:.0f} ms '
        "(-X importtime itself adds some overhead)",
        "",
        "Direct imports made by lianta's modules, with everything they pull in "
        "(the first importer pays for shared modules):",
        "",
        "| imported by | module | cumulative ms | % |",
        "|---|---|---:|---:|",
    ]
    direct = [
        r for r in best if r[1] and r[1].startswith("lianta_cli") and not r[0].startswith("lianta")
    ]
    for name, parent, _, cumulative in sorted(direct, key=lambda r: r[3], reverse=True)[:15]:
        lines.append(f"| {parent} | {name} | {cumulative:.1f} | {100 * cumulative / total:.0f} |")
    lines += ["", "Own time summed by package (lianta_cli by module):", ""]
    lines += ["| package | ms | % |", "|---|---:|---:|"]
    ranked = sorted(by_package.items(), key=lambda kv: kv[1], reverse=True)
    for name, ms in ranked[:20]:
        lines.append(f"| {name} | {ms:.1f} | {100 * ms / total:.0f} |")
    rest = ranked[20:]
    if rest:
        ms = sum(v for _, v in rest)
        lines.append(f"| {len(rest)} more | {ms:.1f} | {100 * ms / total:.0f} |")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=40, help="tasks in the data set (default 40)")
    parser.add_argument("--data", type=Path, help="folder for the generated data (kept)")
    parser.add_argument("--top", type=int, default=25, help="rows in the top tables")
    parser.add_argument(
        "--imports",
        action="store_true",
        help="import costs of lianta_cli.cli and the modules commands import lazily",
    )
    parser.add_argument("--runs", type=int, default=7, help="runs for the phase split (7)")
    parser.add_argument("--phases-only", action="store_true", help="no cProfile run")
    parser.add_argument(
        "--memory", action="store_true", help="only: where resident memory grows, during one run"
    )
    parser.add_argument(
        "--startup",
        action="store_true",
        help="only: start-up variants (gc off, os._exit, imports alone, list without Typer)",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="lianta arguments")
    args = parser.parse_args(argv)
    lianta = run.find_lianta()
    python = run.interpreter_of(lianta)
    work = args.data or Path(tempfile.mkdtemp(prefix="lianta-profile-"))
    work.mkdir(parents=True, exist_ok=True)
    run.use_bytecode_cache()
    run.warm_bytecode_cache(python)
    try:
        if args.imports:
            env = gen.lianta_env(work / "none.json")
            print("## Import costs\n")
            print(import_costs(python, env, ["lianta_cli.cli"]))
            lazy = [
                m
                for m in ("lianta_cli.plan", "lianta_cli.render", "lianta_cli.report")
                if (gen.ROOT / (m.replace(".", "/") + ".py")).exists()
            ]
            print(import_costs(python, env, ["lianta_cli.cli", *lazy]))
        if args.command:
            store = work / f"store-{args.size}.json"
            plan = work / f"plan-{args.size}.yaml"
            if not store.exists():
                base = gen.real_base([str(lianta)], work)
                data = gen.build([str(lianta)], python, base, args.size, work)
                update_id = data.update_id
            else:
                listed = gen.run_checked(
                    [str(lianta), "list", "--format", "json", "--limit", "0"],
                    gen.lianta_env(store),
                )
                update_id = next(
                    t["id"] for t in json.loads(listed) if t["status"] == "in_progress"
                )
            fixed = {"PLAN": str(plan), "ID": update_id}
            loading = args.command[0] == "load"
            target = work / "profile-load.json" if loading else store
            count = [0]

            def prepare() -> list[str]:
                """A fresh store for `load`; PROGRESS alternates so every update writes."""
                count[0] += 1
                if loading:
                    for path in work.glob(target.name + "*"):
                        path.unlink()
                alternate = "40" if count[0] % 2 else "60"
                return [alternate if a == "PROGRESS" else fixed.get(a, a) for a in args.command]

            env = gen.lianta_env(target)
            gen.run_checked([str(lianta), "version"], env)  # fill the bytecode cache
            print(f"## `lianta {' '.join(args.command)}` at {args.size:,} tasks\n")
            if args.memory:
                print(memory(python, env, prepare, work, args.top))
                return 0
            if args.startup:
                print(startup(python, lianta, env, prepare(), args.runs))
                return 0
            print(phases(python, env, prepare, work, args.runs))
            if args.phases_only:
                return 0
            print(render_profile(profile_command(python, env, prepare, work), args.top))
    finally:
        if args.data is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
