"""Time lianta against Taskwarrior on the same tasks, at 40, 1,000, 10,000 and 100,000 tasks.

    python bench/run.py [--sizes 40,1000,10000,100000] [--repeat 7] [--verify] [--keep]

Runs the `lianta` of the active environment (else the checkout's .venv) as a subprocess, the way
a person or a script does, with output piped. Prints a Markdown report and writes it to
bench/out/results-<date>.md (plus the raw figures as .json). See bench/README.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen

OUT = gen.ROOT / "bench" / "out"
DEFAULT_SIZES = (40, 1_000, 10_000, 100_000)
LARGE = 50_000
"""From this size on, each command runs `--repeat-large` times, with no warm-up."""

TARGET_SMALL_MS = 100.0
TARGET_SMALL_FLOOR = 8.0
TARGET_LARGE_S = 3.0
TARGET_LARGE_MIB = 400.0


# ------------------------------------------------------------------ running one command


TIME = Path("/usr/bin/time")


def run_once(
    argv: Sequence[str], env: dict[str, str], cwd: Path, *, memory: bool = False
) -> tuple[float, int | None, int, str]:
    """Run argv with stdout piped and drained: wall seconds, peak RSS in KiB (with `memory`),
    exit status, stderr.

    Peak RSS comes from `/usr/bin/time -f %M`, in the untimed warm-up runs: the child's own
    ru_maxrss from wait4() would also count the pages of this (large) process it was forked
    from, and the wrapper would add its own start-up to the timed runs.
    """
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rss:
        command = list(argv)
        if memory and TIME.exists():
            command = [str(TIME), "-f", "%M", "-o", rss.name, *command]
        start = time.perf_counter()
        child = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, env=env, cwd=cwd
        )
        assert child.stdout is not None
        while child.stdout.read(1 << 20):
            pass
        child.stdout.close()
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        message = err.read().decode("utf-8", "replace").strip()
        peak: int | None = None
        if memory:
            lines = rss.read().split()
            peak = int(lines[-1]) if lines and lines[-1].isdigit() else int(usage.ru_maxrss)
    return elapsed, peak, child.returncode, message


@dataclass
class Case:
    """A command to time: argv (per run, so writes can alternate) and an untimed setup."""

    key: str
    label: str
    argv: Callable[[int], list[str]]
    env: Callable[[int], dict[str, str]]
    setup: Callable[[int], None] | None = None
    cleanup: Callable[[int], None] | None = None
    seconds: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    error: str | None = None
    runs: int = 0

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def best(self) -> float | None:
        return min(self.seconds) if self.seconds else None

    @property
    def peak_mib(self) -> float | None:
        return max(self.rss_kib) / 1024 if self.rss_kib else None


@dataclass
class Policy:
    """How many runs: warm-ups first (they measure memory; with none, the timed runs do), then
    up to `repeat` timed runs, fewer (but at least `least`) for a command whose timed runs
    already took `budget` seconds."""

    warmup: int
    repeat: int
    least: int
    budget: float


def time_cases(cases: list[Case], policy: Policy, cwd: Path) -> None:
    """Round-robin over the cases, so that the machine's noise spreads evenly across them."""
    for run in range(policy.warmup + policy.repeat):
        for case in cases:
            timed = run >= policy.warmup
            if case.error is not None or (
                timed and len(case.seconds) >= policy.least and sum(case.seconds) >= policy.budget
            ):
                continue
            count = case.runs
            case.runs += 1
            if case.setup is not None:
                case.setup(count)
            seconds, peak, code, message = run_once(
                case.argv(count), case.env(count), cwd, memory=not timed or policy.warmup == 0
            )
            if case.cleanup is not None:
                case.cleanup(count)
            if code != 0:
                first = message.splitlines()[0] if message else ""
                case.error = f"exit {code}: {first[:160]}"
                continue
            if peak is not None:
                case.rss_kib.append(peak)
            if timed:
                case.seconds.append(seconds)


# ------------------------------------------------------------------ the environment


PYCACHE = OUT / "pycache"


def use_bytecode_cache() -> bool:
    """Run Python from bytecode caches, as an installed copy does, without writing into the
    tree: an inherited PYTHONDONTWRITEBYTECODE=1 would recompile every lianta module on every
    run. Returns whether that variable was set."""
    inherited = os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    PYCACHE.mkdir(parents=True, exist_ok=True)
    os.environ["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return bool(inherited)


def warm_bytecode_cache(python: str) -> None:
    """Compile what lianta may import, so no timed or warm-up run pays for compiling."""
    modules = [p.stem for p in (gen.ROOT / "lianta_cli").glob("*.py") if p.stem != "__main__"]
    statement = "import " + ", ".join(
        ["yaml", "rich.console", "rich.table", "rich.box", *(f"lianta_cli.{m}" for m in modules)]
    )
    subprocess.run([python, "-c", statement], capture_output=True, check=False)


def find_lianta() -> Path:
    found = shutil.which("lianta")
    if found:
        return Path(found)
    venv = gen.ROOT / ".venv" / "bin" / "lianta"
    if venv.exists():
        return venv
    raise SystemExit(
        "bench: no 'lianta' on PATH; activate the project's environment "
        "or run 'bash bench/run.sh', which creates .venv"
    )


def interpreter_of(script: Path) -> str:
    """The Python a console script runs with (its #! line), for the start-up floor."""
    with script.open("rb") as handle:
        first = handle.readline().decode("utf-8", "replace").strip()
    if first.startswith("#!"):
        command = first[2:].strip().split()
        if command and Path(command[0]).name.startswith("python"):
            return command[0]
    return sys.executable


def has_command(lianta: Path, *words: str) -> str | None:
    """The `--help` text of `lianta WORDS`, or None if there is no such command."""
    done = subprocess.run(
        [str(lianta), *words, "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )
    return done.stdout if done.returncode == 0 else None


def ensure_taskwarrior(install: bool) -> str | None:
    """Path of `task`; installs the Debian package (apt-get) when missing and allowed."""
    found = shutil.which("task")
    if found or not install:
        return found
    apt = shutil.which("apt-get")
    if apt is None:
        print("bench: Taskwarrior is missing and there is no apt-get", file=sys.stderr)
        return None
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    environ = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install_only = [["install", "-y", "taskwarrior"]]
    for steps in (install_only, [["update"], *install_only]):
        print(f"bench: apt-get {' / '.join(' '.join(s) for s in steps)}", file=sys.stderr)
        ok = all(
            subprocess.run([*prefix, apt, *s], env=environ, capture_output=True).returncode == 0
            for s in steps
        )
        if ok and shutil.which("task"):
            return shutil.which("task")
    print("bench: could not install Taskwarrior; its columns stay empty", file=sys.stderr)
    return None


def version_of(argv: Sequence[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=30)
    except OSError:
        return "?"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else "?"


def machine() -> dict[str, str]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        total = next(
            line for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line
        )
        memory = f"{int(total.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu, "nproc": str(os.cpu_count()), "memory": memory}


# ------------------------------------------------------------------ one size


@dataclass
class SizeResult:
    data: gen.Dataset
    generated_s: float
    policy: Policy
    cases: list[Case]

    def case(self, key: str) -> Case | None:
        return next((c for c in self.cases if c.key == key), None)


PAIRS = {
    "list": "task list",
    "list-all": "task list",
    "summary": "task summary",
    "summary-json": "task summary",
    "update": "task modify",
    "load": "task import",
}


def check_store(lianta: Path, data: gen.Dataset, cwd: Path) -> None:
    """`lianta list --format json --limit 0` must show every task in its generated state."""
    env = gen.lianta_env(data.store)
    out = gen.run_checked([str(lianta), "list", "--format", "json", "--limit", "0"], env)
    rows = json.loads(out)
    shown = {r["id"]: (r["status"], r["progress"], r["assignee"]) for r in rows}
    if shown != data.expected:
        wrong = [k for k in data.expected if shown.get(k) != data.expected[k]][:5]
        raise SystemExit(f"bench: store-{data.size}.json does not list as generated: {wrong}")


_TASK_LINE = re.compile(r'^( *)- id: "?([0-9]+)\.[0-9]+"?$', re.M)


def retitled(plan: str) -> str:
    """The plan with the title of its middle task changed."""
    ids = list(_TASK_LINE.finditer(plan))
    title = plan.index("title: ", ids[len(ids) // 2].end()) + len("title: ")
    title += plan[title] == '"'
    return plan[:title] + "修订:" + plan[title:]


def inserted(plan: str) -> str:
    """The plan with a new task first in its first index."""
    first = _TASK_LINE.search(plan)
    assert first is not None
    indent, index = first[1], first[2]
    task = [f'id: "{index}.999999"', 'title: "新增任务"', 'title_en: "A new task"']
    task.append('source: "新增任务"')
    lines = [f"{indent}- {task[0]}\n"] + [f"{indent}  {line}\n" for line in task[1:]]
    return plan[: first.start()] + "".join(lines) + plan[first.start() :]


def dropped(plan: str) -> str:
    """The plan without the first task of its first index of two tasks or more."""
    tasks = list(_TASK_LINE.finditer(plan))
    for first, second in itertools.pairwise(tasks):
        if first[2] == second[2]:  # the same index: the first task's lines end at the second
            return plan[: first.start()] + plan[second.start() :]
    raise ValueError("no index with two tasks")


def size_cases(
    lianta: Path,
    python: str,
    task: str | None,
    data: gen.Dataset,
    work: Path,
    extra: dict[str, str | None],
    smallest: bool,
) -> list[Case]:
    env = gen.lianta_env(data.store)
    ln = str(lianta)
    no_pyc = {k: v for k, v in env.items() if k != "PYTHONPYCACHEPREFIX"}
    no_pyc["PYTHONDONTWRITEBYTECODE"] = "1"

    def fixed(argv: list[str], environ: dict[str, str] = env) -> tuple[Any, Any]:
        return (lambda _run: argv), (lambda _run: environ)

    cases = [
        Case("floor", f"`{Path(python).name} -c pass` (floor)", *fixed([python, "-c", "pass"])),
        Case("version", "`lianta version`", *fixed([ln, "version"])),
        Case("list", "`lianta list`", *fixed([ln, "list"])),
        Case("list-json", "`lianta list --format json`", *fixed([ln, "list", "--format", "json"])),
        Case("list-all", "`lianta list --limit 0`", *fixed([ln, "list", "--limit", "0"])),
    ]
    if data.size < LARGE:
        cases.append(
            Case(
                "list-rich",
                "`lianta list` on a terminal (Rich, `LIANTA_RICH=1`)",
                *fixed([ln, "list"], {**env, "LIANTA_RICH": "1", "COLUMNS": "160"}),
            )
        )
    if smallest:
        cases.append(
            Case(
                "list-nopyc",
                "`lianta list` without .pyc (`PYTHONDONTWRITEBYTECODE=1`, editable install)",
                *fixed([ln, "list"], no_pyc),
            )
        )
    if extra.get("summary") is not None:
        cases.append(Case("summary", "`lianta summary`", *fixed([ln, "summary"])))
        if "--format" in (extra["summary"] or ""):
            cases.append(
                Case(
                    "summary-json",
                    "`lianta summary --format json`",
                    *fixed([ln, "summary", "--format", "json"]),
                )
            )
    if extra.get("report weekly") is not None:
        cases.append(Case("report", "`lianta report weekly`", *fixed([ln, "report", "weekly"])))
    cases.append(
        Case(
            "update",
            f"`lianta update {data.update_id} --progress 40/60`",
            lambda run: [ln, "update", data.update_id, "--progress", "40" if run % 2 else "60"],
            lambda _run: env,
        )
    )
    fresh = work / f"load-{data.size}.json"

    def clearing(store: Path) -> Callable[[int], None]:
        """What removes a store the runs write, with its lock and backups."""

        def clear(_run: int) -> None:
            for path in work.glob(f"{store.name}*"):
                path.unlink()

        return clear

    clear_load = clearing(fresh)

    cases.append(
        Case(
            "load",
            f"`lianta load` of the {data.size}-task plan into an empty store",
            lambda _run: [ln, "load", str(data.plan)],
            lambda _run: gen.lianta_env(fresh),
            setup=clear_load,
            cleanup=clear_load,
        )
    )
    cases.append(
        Case(
            "reload",
            f"`lianta load` of the same {data.size}-task plan again (nothing to write)",
            *fixed([ln, "load", str(data.plan)]),
        )
    )
    edited = work / f"edited-{data.size}.json"
    clear_edited = clearing(edited)

    def fresh_store(_run: int) -> None:  # the generated store again: these loads write
        clear_edited(_run)
        shutil.copyfile(data.store, edited)

    for key, label, text in [
        (
            "reload-edit",
            f"`lianta load` of the {data.size}-task plan with one title changed",
            retitled(data.plan.read_text(encoding="utf-8")),
        ),
        (
            "reload-insert",
            f"`lianta load` of the {data.size}-task plan with a task added at the top "
            "(every task after it moves down one)",
            inserted(data.plan.read_text(encoding="utf-8")),
        ),
        (
            "reload-drop",
            f"`lianta load` of the {data.size}-task plan with its first task removed "
            "(archived; every task after it moves up one)",
            dropped(data.plan.read_text(encoding="utf-8")),
        ),
    ]:
        plan = work / f"{key}-{data.size}.yaml"
        plan.write_text(text, encoding="utf-8")
        cases.append(
            Case(
                key,
                label,
                lambda _run, plan=plan: [ln, "load", str(plan)],
                lambda _run: gen.lianta_env(edited),
                setup=fresh_store,
                cleanup=clear_edited,
            )
        )
    if task is None:
        return cases
    rc = work / "taskrc"
    rc.write_text(gen.TASKRC, encoding="utf-8")
    tw_data = work / f"task-{data.size}"

    def tw_env(folder: Path) -> dict[str, str]:
        return {**os.environ, "TASKRC": str(rc), "TASKDATA": str(folder), "LANG": "C.UTF-8"}

    tw_data.mkdir()
    gen.run_checked([task, "import", str(data.tasks_json)], tw_env(tw_data))
    gen.run_checked([task, "rc.gc=on", "list"], tw_env(tw_data))  # gc once, as daily use would
    tw_id = gen.run_checked([task, "_get", f"{data.update_uuid}.id"], tw_env(tw_data)).strip()
    fresh_tw = work / f"task-import-{data.size}"

    def fresh_folder(_run: int) -> None:
        shutil.rmtree(fresh_tw, ignore_errors=True)
        fresh_tw.mkdir()

    cases += [
        Case("task list", "`task list`", *fixed([task, "list"], tw_env(tw_data))),
        Case("task summary", "`task summary`", *fixed([task, "summary"], tw_env(tw_data))),
        Case(
            "task modify",
            f"`task {tw_id} modify progress:40/60`",
            lambda run: [task, tw_id, "modify", f"progress:{40 if run % 2 else 60}"],
            lambda _run: tw_env(tw_data),
        ),
        Case(
            "task import",
            f"`task import` of the {data.size} tasks into empty data",
            lambda _run: [task, "import", str(data.tasks_json)],
            lambda _run: tw_env(fresh_tw),
            setup=fresh_folder,
            cleanup=lambda _run: shutil.rmtree(fresh_tw, ignore_errors=True),
        ),
    ]
    return cases


# ------------------------------------------------------------------ verification


def verify(lianta: Path, python: str, base: dict[str, Any], work: Path) -> str:
    """`lianta load` and the scripted commands through the CLI must give the very bytes the
    generator writes: for the real plan (40 tasks) and a generated one (50 tasks)."""
    folder = work / "verify"
    replayed_commands = 0
    for n in (gen.REAL_TASKS, 50):
        folder.mkdir()
        data = gen.build([str(lianta)], python, base, n, folder)
        replayed = folder / "replayed.json"
        gen.run_checked(
            [str(lianta), "load", str(data.plan)],
            gen.lianta_env(replayed, now=gen.stamp(gen.LOAD_AT), user=gen.COORDINATORS[0]),
        )
        for command in data.script:
            env = gen.lianta_env(replayed, now=gen.stamp(command.at), user=command.user)
            gen.run_checked([str(lianta), *command.argv()], env)
        same = replayed.read_bytes() == data.store.read_bytes()
        shutil.rmtree(folder)
        if not same:
            raise SystemExit(
                f"bench: the generated {n}-task store differs from `lianta load` and a CLI "
                "replay of its history; the generator no longer matches lianta"
            )
        replayed_commands += len(data.script) + 1
    return (
        f"verified: `lianta load` and {replayed_commands} commands replayed through the CLI "
        "give stores byte-identical to the generated ones (40 and 50 tasks)"
    )


# ------------------------------------------------------------------ the report


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    value = seconds * 1000
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a is not None and b else "–"


def mib(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "–"


def runs(policy: Policy) -> str:
    if policy.least == policy.repeat:
        return str(policy.repeat)
    return f"{policy.least}–{policy.repeat}"


def cell(text: str) -> str:
    """Text for a Markdown table cell."""
    return text.replace("|", "\\|")


def size(count: int) -> str:
    return f"{count / 2**20:.1f} MiB" if count >= 2**20 else f"{count / 1024:.0f} KiB"


def size_table(result: SizeResult) -> list[str]:
    floor = result.case("floor")
    floor_median = floor.median if floor else None
    lines = [
        "| command | runs | median ms | min ms | peak RSS MiB | × floor | Taskwarrior | task ms "
        "| task MiB | lianta / task |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for case in result.cases:
        if case.key.startswith("task "):
            continue
        pair = result.case(PAIRS[case.key]) if case.key in PAIRS else None
        label = case.label if case.error is None else f"{case.label} — **{cell(case.error)}**"
        lines.append(
            f"| {label} | {len(case.seconds)} | {ms(case.median)} | {ms(case.best)} "
            f"| {mib(case.peak_mib)} "
            f"| {ratio(case.median, floor_median) if case.key != 'floor' else '1×'} "
            f"| {pair.label if pair else ''} | {ms(pair.median) if pair else ''} "
            f"| {mib(pair.peak_mib) if pair else ''} "
            f"| {ratio(case.median, pair.median) if pair else ''} |"
        )
    return lines


def targets(results: dict[int, SizeResult]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []

    def verdict(ok: bool | None) -> str:
        return "not measured" if ok is None else ("met" if ok else "**not met**")

    small = results.get(40)
    if small:
        floor = small.case("floor")
        for key in ("list", "list-json", "summary", "summary-json"):
            case = small.case(key)
            if case is None or case.median is None or floor is None or floor.median is None:
                shown = key.replace("-json", " --format json")
                name = f"40 tasks: `lianta {shown}` ≤ 100 ms and ≤ 8× floor"
                rows.append((name, "absent or failed", verdict(None)))
                continue
            factor = case.median / floor.median
            ok = case.median * 1000 <= TARGET_SMALL_MS and factor <= TARGET_SMALL_FLOOR
            rows.append(
                (
                    f"40 tasks: {case.label} ≤ 100 ms and ≤ 8× floor",
                    f"{ms(case.median)} ms, {factor:.1f}× floor ({ms(floor.median)} ms)",
                    verdict(ok),
                )
            )
    mid = results.get(10_000)
    if mid:
        for key, other in (
            ("summary", "task summary"),
            ("list-all", "task list"),
            ("update", "task modify"),
            ("load", "task import"),
        ):
            mine, theirs = mid.case(key), mid.case(other)
            name = f"10,000 tasks: {mine.label if mine else key} ≤ `{other}`"
            if not mine or not theirs or mine.median is None or theirs.median is None:
                rows.append((name, "absent or failed", verdict(None)))
                continue
            rows.append(
                (
                    name,
                    f"{ms(mine.median)} vs {ms(theirs.median)} ms "
                    f"({mine.median / theirs.median:.2f}×)",
                    verdict(mine.median <= theirs.median),
                )
            )
    large = results.get(100_000)
    if large:
        own = [c for c in large.cases if not c.key.startswith("task ") and c.key != "floor"]
        slow = [c for c in own if c.median is None or c.median >= TARGET_LARGE_S]
        slowest = max(own, key=lambda c: c.median or 0.0)
        rows.append(
            (
                "100,000 tasks: every lianta command < 3 s",
                f"slowest {slowest.label} {ms(slowest.median)} ms; over 3 s: "
                + (", ".join(f"{c.label} {ms(c.median)} ms" for c in slow) or "none"),
                verdict(not slow),
            )
        )
        heavy = [c for c in own if c.peak_mib is None or c.peak_mib >= TARGET_LARGE_MIB]
        biggest = max(own, key=lambda c: c.peak_mib or 0.0)
        rows.append(
            (
                "100,000 tasks: peak RSS < 400 MiB",
                f"largest {biggest.label} {mib(biggest.peak_mib)} MiB; over: "
                + (", ".join(f"{c.label} {mib(c.peak_mib)}" for c in heavy) or "none"),
                verdict(not heavy),
            )
        )
    return rows


def report(
    results: dict[int, SizeResult],
    header: dict[str, str],
    notes: list[str],
) -> str:
    lines = [f"# lianta benchmark — {header['date']}", ""]
    lines += [f"- {k}: {v}" for k, v in header.items() if k != "date"]
    lines += [f"- {note}" for note in notes]
    lines += [
        "",
        "## Data sets",
        "",
        "| tasks | indices × tasks | history events | scripted commands | store "
        "| plan | generated in s | runs: warm-up + timed |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for n, r in results.items():
        shape = sorted(set(r.data.layout))
        per = "–".join(str(x) for x in (shape[0], shape[-1]) if x) if len(shape) > 1 else shape[0]
        lines.append(
            f"| {n:,} | {len(r.data.layout)} × {per} | {r.data.events:,} | {len(r.data.script):,} "
            f"| {size(r.data.store_bytes)} | {size(r.data.plan_bytes)} "
            f"| {r.generated_s:.1f} | {r.policy.warmup} + {runs(r.policy)} |"
        )
    for n, r in results.items():
        lines += ["", f"## {n:,} tasks", ""]
        lines += size_table(r)
    rows = targets(results)
    if rows:
        lines += ["", "## Targets", "", "| target | measured (medians) | result |", "|---|---|---|"]
        lines += [f"| {name} | {figures} | {result} |" for name, figures, result in rows]
    return "\n".join(lines) + "\n"


def as_json(results: dict[int, SizeResult], header: dict[str, str]) -> dict[str, Any]:
    return {
        "header": header,
        "sizes": {
            str(n): {
                "events": r.data.events,
                "store_bytes": r.data.store_bytes,
                "layout": r.data.layout,
                "cases": {
                    c.key: {
                        "label": c.label,
                        "error": c.error,
                        "seconds": c.seconds,
                        "rss_kib": c.rss_kib,
                    }
                    for c in r.cases
                },
            }
            for n, r in results.items()
        },
    }


# ------------------------------------------------------------------ main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="comma-separated task counts (default: %(default)s)",
    )
    parser.add_argument(
        "--repeat", type=int, default=7, help="most timed runs per command (default 7)"
    )
    parser.add_argument(
        "--least",
        type=int,
        default=3,
        help="fewest timed runs of a command that uses up --budget (default 3)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=8.0,
        help="seconds of timed runs after which a command stops at --least runs (default 8)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=1,
        help="untimed runs first, which also measure peak memory (default 1)",
    )
    parser.add_argument(
        "--repeat-large",
        type=int,
        default=2,
        help=f"timed runs per command from {LARGE:,} tasks on, no warm-up (default 2)",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="first check the generator against `lianta load` and a CLI replay of its history",
    )
    parser.add_argument("--no-taskwarrior", action="store_true", help="time lianta only")
    parser.add_argument(
        "--no-install", action="store_true", help="do not apt-get install a missing Taskwarrior"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated data; print where")
    parser.add_argument("--out", type=Path, default=OUT, help="report folder (default bench/out)")
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes {args.sizes}: give whole numbers like 40,1000")
    if (
        not args.sizes
        or min(args.sizes) < 1
        or min(args.repeat, args.repeat_large, args.least, args.warmup) < 1
    ):
        parser.error("sizes, repeats and warm-ups must be 1 or more")
    args.least = min(args.least, args.repeat)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    inherited_no_pyc = use_bytecode_cache()
    lianta = find_lianta()
    python = interpreter_of(lianta)
    task = None if args.no_taskwarrior else ensure_taskwarrior(not args.no_install)
    extra = {"summary": has_command(lianta, "summary"), "report weekly": None}
    if has_command(lianta, "report") is not None:
        extra["report weekly"] = has_command(lianta, "report", "weekly")
    notes = [
        f"`lianta {name}` is not in this lianta (see `lianta --help`); not timed"
        for name, text in extra.items()
        if text is None
    ]
    for note in notes:
        print(f"bench: {note}", file=sys.stderr)
    header = {
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        **{k: v for k, v in machine().items()},
        "python": version_of([python, "-VV"]).replace("\n", " "),
        "lianta": f"{version_of([str(lianta), 'version'])} ({lianta})",
        "taskwarrior": version_of([task, "--version"]) if task else "not used",
        "commit": version_of(["git", "-C", str(gen.ROOT), "describe", "--always", "--dirty"]),
        "clock": f"LIANTA_NOW={gen.NOW}, LIANTA_LANG=zh, output piped",
    }
    work = Path(tempfile.mkdtemp(prefix="lianta-bench-"))
    if inherited_no_pyc:
        notes.append(
            "PYTHONDONTWRITEBYTECODE was set in this environment; the bench unsets it and "
            "caches bytecode in bench/out/pycache (the row 'without .pyc' shows the difference)"
        )
    results: dict[int, SizeResult] = {}
    warm_bytecode_cache(python)
    try:
        base = gen.real_base([str(lianta)], work)
        if args.verify:
            message = verify(lianta, python, base, work)
            print(f"bench: {message}", file=sys.stderr)
            notes.append(message)
        for n in args.sizes:
            started = time.perf_counter()
            data = gen.build([str(lianta)], python, base, n, work)
            check_store(lianta, data, work)
            generated = time.perf_counter() - started
            if n >= LARGE:
                policy = Policy(0, args.repeat_large, args.repeat_large, 0.0)
            else:
                policy = Policy(args.warmup, args.repeat, args.least, args.budget)
            print(
                f"bench: {n:,} tasks ({data.events:,} events, {size(data.store_bytes)}) "
                f"generated in {generated:.1f} s; timing",
                file=sys.stderr,
            )
            cases = size_cases(lianta, python, task, data, work, extra, n == min(args.sizes))
            time_cases(cases, policy, work)
            for case in cases:
                shown = case.error or f"{ms(case.median)} ms, {mib(case.peak_mib)} MiB"
                print(f"bench:   {case.label}: {shown}", file=sys.stderr)
            results[n] = SizeResult(data, generated, policy, cases)
            if not args.keep:
                for path in list(work.iterdir()):
                    if path.name.startswith(("real-", "verify")):
                        continue
                    if path.is_dir():
                        shutil.rmtree(path)
                    else:
                        path.unlink()
    finally:
        if args.keep:
            print(f"bench: data kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    text = report(results, header, notes)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"results-{datetime.now():%Y-%m-%d}"
    (args.out / f"{stem}.md").write_text(text, encoding="utf-8")
    (args.out / f"{stem}.json").write_text(
        json.dumps(as_json(results, header), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print(f"bench: wrote {args.out / stem}.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
