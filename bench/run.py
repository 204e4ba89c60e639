"""Time lianta against Taskwarrior on the same tasks: 40 (the real plan), 10,000, 100,000.

    python bench/run.py [--sizes 40,10000,100000] [--repeat 7] [--repeat-large 3] [--keep]
                        [--postgresql URL]

Runs the `lianta` of the active environment (else the checkout's .venv) as a subprocess, with
output piped. Prints a Markdown report, with each target met or not, and writes it to
bench/out/results-<date>.md. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen

OUT = gen.ROOT / "bench" / "out"
DEFAULT_SIZES = (40, 10_000, 100_000)
LARGE = 50_000
"""From this size on, each command runs `--repeat-large` times, with no warm-up."""
TIME = Path("/usr/bin/time")
NOTE = "已与区有关部门对接"


def run_once(argv: Sequence[str], env: dict[str, str], memory: bool) -> tuple[float, int, str]:
    """Run argv with stdout piped and drained: wall seconds, peak RSS in KiB (0 unless
    `memory`), and an error ('' if it exited 0).

    Peak RSS comes from /usr/bin/time: the child's ru_maxrss would also count the pages of this
    process it was forked from.
    """
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rss:
        command = list(argv)
        if memory and TIME.exists():
            command = [str(TIME), "-f", "%M", "-o", rss.name, *command]
        start = time.perf_counter()
        child = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, env=env
        )
        assert child.stdout is not None
        while child.stdout.read(1 << 20):
            pass
        code = child.wait()
        elapsed = time.perf_counter() - start
        err.seek(0)
        message = err.read().decode("utf-8", "replace").strip()
        peak = rss.read().split()
    if code:
        return elapsed, 0, f"exit {code}: {(message.splitlines() or [''])[-1][:160]}"
    return elapsed, int(peak[-1]) if peak and peak[-1].isdigit() else 0, ""


@dataclass
class Case:
    """One command to time; `argv` gets the run's number (so an update can alternate) and
    `setup` runs untimed before each run."""

    label: str
    argv: Callable[[int], list[str]]
    env: dict[str, str]
    setup: Callable[[], None] | None = None
    seconds: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    error: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds and not self.error else None

    @property
    def peak_mib(self) -> float | None:
        return max(self.rss_kib) / 1024 if self.rss_kib else None


def time_cases(cases: Sequence[Case], warmup: int, repeat: int) -> None:
    """Round-robin over the cases, so that the machine's noise falls on all of them alike.
    Warm-ups measure memory; without them the timed runs do."""
    for run in range(warmup + repeat):
        for case in cases:
            if case.error:
                continue
            if case.setup is not None:
                case.setup()
            seconds, peak, case.error = run_once(
                case.argv(run), case.env, run < warmup or not warmup
            )
            if peak:
                case.rss_kib.append(peak)
            if run >= warmup:
                case.seconds.append(seconds)


# ------------------------------------------------------------------ the commands of one size

LIANTA = (
    "list",
    "summary",
    "show",
    "update",
    "note",
    "load",
    "report",
    "month md",
    "month html",
    "month pdf",
)
MONTH = "2024-06"
"""The month of the leadership's report timed: the one running on the pinned day."""
TASKWARRIOR = {  # lianta command: what Taskwarrior runs for it
    "list": "task list",
    "summary": "task summary",
    "show": "task ID info",
    "update": "task ID modify",
    "note": "task ID annotate",
    "load": "task import",
}


def size_cases(
    lianta: str, python: str, task: str | None, data: gen.Dataset, work: Path
) -> dict[str, Case]:
    env = gen.lianta_env(data.store)
    fresh = work / f"empty-{data.size}.json"

    def empty_store() -> None:
        for path in work.glob(f"{fresh.name}*"):
            path.unlink()

    cases = {
        "pass": Case(f"`{Path(python).name} -c pass`", lambda _: [python, "-c", "pass"], env),
        "typer": Case("`import typer` (floor)", lambda _: [python, "-c", "import typer"], env),
        **store_cases(lianta, data, env, gen.lianta_env(fresh), empty_store, "store"),
        "month md": Case(
            f"`lianta report --month {MONTH}`", lambda _: [lianta, "report", "--month", MONTH], env
        ),
        "month html": Case(
            f"`lianta report --month {MONTH} -f html`",
            lambda _: [lianta, "report", "--month", MONTH, "-f", "html"],
            env,
        ),
        "month pdf": Case(
            f"`lianta report --month {MONTH} -f pdf` (Chromium)",
            lambda _: [lianta, "report", "--month", MONTH, "-f", "pdf"],
            env,
        ),
    }
    if task is None:
        return cases
    rc = work / "taskrc"
    rc.write_text(gen.TASKRC, encoding="utf-8")
    tw_data, tw_fresh = work / f"task-{data.size}", work / f"task-empty-{data.size}"
    tw_data.mkdir()
    tw_env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(tw_data), "LANG": "C.UTF-8"}
    gen.run_checked([task, "import", str(data.tasks_json)], tw_env)
    gen.run_checked([task, "rc.gc=on", "list"], tw_env)  # renumber once, as daily use would
    n = gen.run_checked([task, "_get", f"{data.update_uuid}.id"], tw_env).strip()

    def empty_folder() -> None:
        shutil.rmtree(tw_fresh, ignore_errors=True)
        tw_fresh.mkdir()

    cases |= {
        "task list": Case("`task list`", lambda _: [task, "list"], tw_env),
        "task summary": Case("`task summary`", lambda _: [task, "summary"], tw_env),
        "task show": Case(f"`task {n} info`", lambda _: [task, n, "info"], tw_env),
        "task update": Case(
            f"`task {n} modify progress:40/60`",
            lambda run: [task, n, "modify", f"progress:{40 if run % 2 else 60}"],
            tw_env,
        ),
        "task note": Case(
            f"`task {n} annotate TEXT`", lambda _: [task, n, "annotate", NOTE], tw_env
        ),
        "task load": Case(
            "`task import` into empty data",
            lambda _: [task, "import", str(data.tasks_json)],
            {**tw_env, "TASKDATA": str(tw_fresh)},
            setup=empty_folder,
        ),
    }
    return cases


# ------------------------------------------------------------------ the same on PostgreSQL

DATABASE = ("list", "summary", "show", "update", "note", "load", "report")


def database_url(server: str, name: str) -> str:
    """`server` (a URL of any database on the server) with the database `name` instead."""
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_databases(python: str, server: str, *names: str, create: bool = False) -> None:
    """Drop the databases `names` on the server if they are there (and create them anew)."""
    script = (
        "import sys, psycopg\n"
        "with psycopg.connect(sys.argv[1], autocommit=True) as c:\n"
        "    for name in sys.argv[3:]:\n"
        "        c.execute(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')\n"
        "        if sys.argv[2] == 'create':\n"
        "            c.execute(f'CREATE DATABASE {name}')\n"
    )
    argv = [python, "-c", script, server, "create" if create else "drop", *names]
    gen.run_checked(argv, dict(os.environ))


def new_database(python: str, lianta: str, server: str, name: str) -> str:
    """A database `name` on the server, dropped first if it was there, holding a new lianta
    store (`lianta db init`); its URL."""
    drop_databases(python, server, name, create=True)
    url = database_url(server, name)
    gen.run_checked([lianta, "db", "init", "--db", url], dict(os.environ))
    return url


def database_cases(
    lianta: str, python: str, server: str, data: gen.Dataset, work: Path
) -> dict[str, Case]:
    """The lianta commands of `size_cases` on a database holding the same store (pushed into
    it), reached over the server's socket; keys "db <command>"."""
    url = new_database(python, lianta, server, f"lianta_bench_{data.size}")
    gen.run_checked([lianta, "db", "push", str(data.store), "--db", url], dict(os.environ))
    env = {**gen.lianta_env(data.store), "LIANTA_DB": url}

    def empty_database() -> None:
        new_database(python, lianta, server, f"lianta_bench_empty_{data.size}")

    empty = {**env, "LIANTA_DB": database_url(server, f"lianta_bench_empty_{data.size}")}
    cases = store_cases(lianta, data, env, empty, empty_database, "database")
    return {f"db {key}": case for key, case in cases.items()}


def store_cases(
    lianta: str,
    data: gen.Dataset,
    env: dict[str, str],
    empty: dict[str, str],
    make_empty: Callable[[], None],
    engine: str,
) -> dict[str, Case]:
    """The commands timed on each engine: on the store of `env`, and `load` into the empty one
    of `empty` (made so by `make_empty`)."""
    tid = data.update_id
    return {
        "list": Case("`lianta list`", lambda _: [lianta, "list"], env),
        "summary": Case("`lianta summary`", lambda _: [lianta, "summary"], env),
        "show": Case(f"`lianta show {tid}`", lambda _: [lianta, "show", tid], env),
        "update": Case(
            f"`lianta update {tid} --progress 40/60`",
            lambda run: [lianta, "update", tid, "--progress", "40" if run % 2 else "60"],
            env,
        ),
        "note": Case(f"`lianta note {tid} TEXT`", lambda _: [lianta, "note", tid, NOTE], env),
        "load": Case(
            f"`lianta load` into an empty {engine}",
            lambda _: [lianta, "load", str(data.plan)],
            empty,
            setup=make_empty,
        ),
        "report": Case("`lianta report weekly`", lambda _: [lianta, "report", "weekly"], env),
    }


def database_table(result: SizeResult) -> list[str]:
    lines = [
        "| command | database: median ms | peak MiB | store file: median ms | Taskwarrior ms "
        "| database / task |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key in DATABASE:
        case = result.cases[f"db {key}"]
        label = f"{case.label} — **{case.error}**" if case.error else case.label
        theirs = result.median(f"task {key}")
        lines.append(
            f"| {label.replace('|', '/')} | {ms(case.median)} | {mib(case)} "
            f"| {ms(result.median(key))} | {ms(theirs)} | {ratio(case.median, theirs)} |"
        )
    return lines


def database_targets(results: dict[int, SizeResult]) -> list[str]:
    rows = []
    if 10_000 in results and "db list" in results[10_000].cases:
        r = results[10_000]
        for key in ("summary", "list", "update", "note"):
            mine, theirs = r.median(f"db {key}"), r.median(f"task {key}")
            ok = None if mine is None or theirs is None else mine <= theirs
            name = f"10,000 tasks, database: {r.cases[f'db {key}'].label} ≤ `{TASKWARRIOR[key]}`"
            figures = f"{ms(mine)} vs {ms(theirs)} ms ({ratio(mine, theirs)})"
            rows.append(f"| {name} | {figures} | {verdict(ok)} |")
    if 100_000 in results and "db list" in results[100_000].cases:
        own = [results[100_000].cases[f"db {key}"] for key in DATABASE]
        slowest = max(own, key=lambda c: c.median or 0.0)
        ok = all(c.median is not None and c.median <= 1.0 for c in own)
        name = "100,000 tasks, database: no command over 1 s"
        rows.append(f"| {name} | slowest {slowest.label} {ms(slowest.median)} ms | {verdict(ok)} |")
    return rows


# ------------------------------------------------------------------ the report


@dataclass
class SizeResult:
    data: gen.Dataset
    generated_s: float
    runs: str
    cases: dict[str, Case]

    def median(self, key: str) -> float | None:
        case = self.cases.get(key)
        return case.median if case else None


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:,.0f}" if seconds >= 0.1 else f"{seconds * 1000:.1f}"


def mib(case: Case | None) -> str:
    return f"{case.peak_mib:,.0f}" if case and case.peak_mib is not None else "–"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a is not None and b else "–"


def size_table(result: SizeResult) -> list[str]:
    typer = result.median("typer")
    lines = [
        "| command | median ms | peak MiB | ms above `import typer` | Taskwarrior | median ms "
        "| peak MiB | lianta / task |",
        "|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for key in ("pass", "typer", *LIANTA):
        case = result.cases[key]
        mine = case.median
        label = f"{case.label} — **{case.error}**" if case.error else case.label
        above = f"{(mine - typer) * 1000:+.0f}" if mine is not None and typer else "–"
        row = f"| {label.replace('|', '/')} | {ms(mine)} | {mib(case)} | {above} |"
        theirs = result.cases.get(f"task {key}")
        if theirs is None:
            lines.append(row + " | | | |")
            continue
        name = f"{theirs.label} — **{theirs.error}**" if theirs.error else theirs.label
        lines.append(
            f"{row} {name} | {ms(theirs.median)} | {mib(theirs)} | {ratio(mine, theirs.median)} |"
        )
    return lines


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("met" if ok else "**not met**")


def targets(results: dict[int, SizeResult]) -> list[str]:
    rows = []
    if 40 in results:
        r = results[40]
        typer = r.median("typer")
        for key in ("list", "summary", "show", "update", "note"):
            mine = r.median(key)
            ok = None
            figures = "failed or not measured"
            if mine is not None and typer is not None:
                ok = mine <= 0.150 and mine - typer <= 0.040
                figures = f"{ms(mine)} ms, {(mine - typer) * 1000:+.0f} ms above {ms(typer)}"
            name = f"40 tasks: {r.cases[key].label} ≤ 150 ms and ≤ `import typer` + 40 ms"
            rows.append(f"| {name} | {figures} | {verdict(ok)} |")
    if 10_000 in results:
        r = results[10_000]
        for key, most in (("list", 1.0), ("load", 1.5), ("summary", 2), ("update", 2), ("note", 2)):
            mine, theirs = r.median(key), r.median(f"task {key}")
            ok = None if mine is None or theirs is None else mine <= most * theirs
            other = TASKWARRIOR[key]
            bound = f"{most:g} × " if most != 1 else ""
            name = f"10,000 tasks: {r.cases[key].label} ≤ {bound}`{other}`"
            figures = f"{ms(mine)} vs {ms(theirs)} ms ({ratio(mine, theirs)})"
            rows.append(f"| {name} | {figures} | {verdict(ok)} |")
    if 100_000 in results:
        own = [results[100_000].cases[key] for key in LIANTA]
        slowest = max(own, key=lambda c: c.median or 0.0)
        biggest = max(own, key=lambda c: c.peak_mib or 0.0)
        ok = all(
            c.median is not None and c.median < 10 and c.peak_mib is not None and c.peak_mib < 1024
            for c in own
        )
        failed = ", ".join(c.label for c in own if c.error) or "none"
        figures = (
            f"slowest {slowest.label} {ms(slowest.median)} ms; largest {biggest.label} "
            f"{mib(biggest)} MiB; failed: {failed}"
        )
        name = "100,000 tasks: every lianta command works, < 10 s, < 1 GiB peak RSS"
        rows.append(f"| {name} | {figures} | {verdict(ok)} |")
    rows += database_targets(results)
    if not rows:
        return []
    head = ["", "## Targets", "", "| target | measured (medians) | result |", "|---|---|---|"]
    return head + rows


def report(results: dict[int, SizeResult], header: dict[str, str]) -> str:
    lines = [f"# lianta benchmark — {header.pop('date')}", ""]
    lines += [f"- {k}: {v}" for k, v in header.items()]
    lines += [
        "",
        "| tasks | indices | history events | store | generated in s | runs: warm-up + timed |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    for n, r in results.items():
        lines.append(
            f"| {n:,} | {r.data.indices} | {r.data.events:,} "
            f"| {r.data.store_bytes / 2**20:.2f} MiB | {r.generated_s:.1f} | {r.runs} |"
        )
    lines += targets(results)
    for n, r in results.items():
        lines += ["", f"## {n:,} tasks", "", *size_table(r)]
        if "db list" in r.cases:
            lines += ["", f"### {n:,} tasks on PostgreSQL", "", *database_table(r)]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ main


def find_lianta() -> Path:
    found = shutil.which("lianta") or gen.ROOT / ".venv" / "bin" / "lianta"
    if not Path(found).exists():
        raise SystemExit("bench: no 'lianta' on PATH; activate an environment or use bench/run.sh")
    return Path(found)


def interpreter_of(script: Path) -> str:
    """The Python a console script runs with (its #! line), for the floors."""
    with script.open("rb") as handle:
        first = handle.readline().decode("utf-8", "replace").strip()
    command = first[2:].split() if first.startswith("#!") else []
    return command[0] if command and Path(command[0]).name.startswith("python") else sys.executable


def version_of(argv: Sequence[str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    return ((done.stdout or done.stderr).strip().splitlines() or ["?"])[0]


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next(line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line)
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} CPUs, {memory:.0f} GiB RAM"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="comma-separated task counts (default: %(default)s)",
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per command (7)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (1)")
    parser.add_argument(
        "--repeat-large",
        type=int,
        default=3,
        help=f"timed runs from {LARGE:,} tasks on, no warm-up (3)",
    )
    parser.add_argument("--no-taskwarrior", action="store_true", help="time lianta only")
    parser.add_argument(
        "--postgresql",
        metavar="URL",
        help="also time lianta on a database of this server (a role that may create databases; "
        "over a local socket), holding the same store",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    parser.add_argument("--out", type=Path, default=OUT, help="report folder (bench/out)")
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes takes whole numbers, like 40,10000")
    if not args.sizes or min(*args.sizes, args.repeat, args.repeat_large) < 1:
        parser.error("sizes and repeats must be 1 or more")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Python writes bytecode caches, as it does for a user; without this inherited setting
    # an editable install would recompile every lianta module on every run.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    lianta = find_lianta()
    python = interpreter_of(lianta)
    task = None if args.no_taskwarrior else shutil.which("task")
    if task is None and not args.no_taskwarrior:
        print(
            "bench: no `task` on PATH (apt-get install taskwarrior); lianta only", file=sys.stderr
        )
    header = {
        "date": f"{datetime.now():%Y-%m-%d %H:%M}",
        "machine": machine(),
        "python": version_of([python, "-V"]),
        "lianta": f"{version_of([str(lianta), 'version'])} ({lianta}), commit "
        + version_of(["git", "-C", str(gen.ROOT), "describe", "--always", "--dirty"]),
        "taskwarrior": version_of([task, "--version"]) if task else "not run",
        "method": f"medians; output piped; LIANTA_NOW={gen.NOW}, LIANTA_LANG=zh",
        "database": "not run" if not args.postgresql else f"PostgreSQL at {args.postgresql}",
    }
    work = Path(tempfile.mkdtemp(prefix="lianta-bench-"))
    results: dict[int, SizeResult] = {}
    try:
        base = gen.real_base([str(lianta)], work)
        for n in args.sizes:
            started = time.perf_counter()
            data = gen.build(python, base, n, work)
            gen.run_checked([str(lianta), "doctor"], gen.lianta_env(data.store))
            generated = time.perf_counter() - started
            warmup, repeat = (0, args.repeat_large) if n >= LARGE else (args.warmup, args.repeat)
            print(f"bench: {n:,} tasks generated in {generated:.1f} s; timing", file=sys.stderr)
            cases = size_cases(str(lianta), python, task, data, work)
            if args.postgresql:
                cases |= database_cases(str(lianta), python, args.postgresql, data, work)
            time_cases(list(cases.values()), warmup, repeat)
            for case in cases.values():
                shown = case.error or f"{ms(case.median)} ms, {mib(case)} MiB"
                print(f"bench:   {case.label}: {shown}", file=sys.stderr)
            results[n] = SizeResult(data, generated, f"{warmup} + {repeat}", cases)
            if args.postgresql and not args.keep:
                names = (f"lianta_bench_{n}", f"lianta_bench_empty_{n}")
                drop_databases(python, args.postgresql, *names)
            if not args.keep:  # the next size needs the room (a 100,000-task store and backups)
                shutil.rmtree(work)
                work.mkdir()
    finally:
        if args.keep:
            print(f"bench: data kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    text = report(results, header)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"results-{datetime.now():%Y-%m-%d-%H%M}.md"
    path.write_text(text, encoding="utf-8")
    print(f"bench: wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
