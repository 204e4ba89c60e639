"""Benchmark data: a plan of N tasks, a lianta store with a realistic history, the same tasks
as a Taskwarrior import file.

Standard library only, so it runs under any Python 3.11+ while `lianta` itself runs as a
subprocess. Each store starts as `lianta load` of the plan would leave it, shaped after a real
load of plans/2024.yaml; the history is then worked out here with the same rules as `tracker.py`
and written through lianta's own store API (`open_store`, `Store.insert`/`update`,
`tracker.record`), so the bookkeeping is lianta's own; `run.py` checks every store with
`lianta doctor`, which replays each task's history against its state.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import random
import subprocess
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REAL_PLAN = ROOT / "plans" / "2024.yaml"
REAL_TASKS = 40

LOAD_AT = datetime(2024, 1, 2, 9, 0)
LAST_DAY = datetime(2024, 6, 27, 17, 0)
NOW = "2024-06-28T17:00:00"
"""The pinned "now" of every timed command (LIANTA_NOW)."""

COORDINATORS = ("chenjing", "liuyang", "zhaomin")
PEOPLE = (
    "王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "黄敏", "赵军", "周婷", "吴强",
    "徐丽", "孙浩", "马超", "朱琳", "胡斌", "郭雪", "何俊", "林峰", "罗丹", "郑凯",
)  # fmt: skip
UNITS = (
    "经济服务办", "城市建设办", "党建工作办", "综合治理办", "公共服务办",
    "应急管理办", "执法队", "党政综合办", "规划土地监察队", "莲塘社区工作站",
)  # fmt: skip
NOTES = (
    "已召开协调会,明确责任分工",
    "方案已报街道党工委审议",
    "正在与区有关部门对接",
    "现场踏勘完成,形成问题清单",
    "已完成阶段性目标,进入验收准备",
    "资金申请已提交区财政局",
)
BLOCK_REASONS = (
    "等待区规自局批复用地手续",
    "业主意见未统一,需再次协调",
    "资金未到位,暂缓实施",
)


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def q(value: Any) -> str:
    """A scalar or flow list in YAML: JSON's double-quoted form is valid YAML."""
    return json.dumps(value, ensure_ascii=False)


# ------------------------------------------------------------------ the plan


def layout(n: int) -> list[int]:
    """Tasks per index for a plan of n tasks: about sqrt(n)/5 indices, at least 6, at most 60."""
    indices = max(1, min(n, max(6, min(60, round(math.sqrt(n) / 5)))))
    base, extra = divmod(n, indices)
    return [base + (1 if i < extra else 0) for i in range(indices)]


def real_base(lianta: Sequence[str], workdir: Path) -> dict[str, Any]:
    """The real 40-task plan as lianta stores it (one `lianta load` into a scratch store)."""
    scratch = workdir / "real-base.json"
    env = lianta_env(scratch, now=stamp(LOAD_AT), user=COORDINATORS[0])
    run_checked([*lianta, "load", str(REAL_PLAN)], env)
    data: dict[str, Any] = json.loads(scratch.read_text(encoding="utf-8"))
    for path in workdir.glob("real-base.json*"):
        path.unlink()
    return data


@dataclass
class PlanShape:
    """A generated plan: its indices (as stored) and its tasks' plan fields, in plan order."""

    indices: list[dict[str, Any]]
    tasks: list[dict[str, Any]]


def make_plan(base: dict[str, Any], n: int) -> PlanShape:
    """n tasks reusing the real titles, sources and places, spread over `layout(n)` indices;
    the real plan itself for n = 40."""
    plan = base["plans"]["1"]
    real = sorted(base["tasks"].values(), key=lambda d: d["order"])
    fields = ("id", "index", "title", "title_en", "source", "places", "partners", "plan_due")
    if n == len(real):
        return PlanShape(list(plan["indices"]), [{k: d[k] for k in fields} for d in real])
    places = sorted({p for d in real for p in d["places"]}) or ["莲塘"]
    indices: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    for number, count in enumerate(layout(n), start=1):
        source = plan["indices"][(number - 1) % len(plan["indices"])]
        cycle = (number - 1) // len(plan["indices"])
        index = dict(source)
        index["number"] = number
        if cycle:
            index["code"] = f"{source['code']}-{cycle + 1}"
            index["name"] = f"{source['name']}({cycle + 1})"
            index["name_en"] = f"{source['name_en']} ({cycle + 1})"
        indices.append(index)
        for j in range(1, count + 1):
            position = len(tasks)
            task = real[position % len(real)]
            batch = position // len(real)
            title, title_en = task["title"], task["title_en"]
            if batch:
                title = f"{title}({places[batch % len(places)]}第{batch + 1}批)"
                title_en = f"{title_en} (batch {batch + 1})"
            tasks.append(
                {
                    "id": f"{number}.{j}",
                    "index": number,
                    "title": title,
                    "title_en": title_en,
                    "source": task["source"],
                    "places": list(task["places"]),
                    "partners": list(task["partners"]),
                    "plan_due": f"2024-{position % 12 + 1:02d}-28" if position % 4 == 3 else None,
                }
            )
    return PlanShape(indices, tasks)


def plan_yaml(base: dict[str, Any], shape: PlanShape) -> str:
    """The plan file, block style like plans/2024.yaml, scalars in JSON's quoted form."""
    plan = base["plans"]["1"]
    out = [
        f"# Benchmark plan: {len(shape.tasks)} tasks in {len(shape.indices)} indices, "
        "text reused from plans/2024.yaml.",
        "plan:",
        f"  year: {plan['year']}",
    ]
    out += [f"  {k}: {q(plan[k])}" for k in ("title", "title_en", "source", "start", "end")]
    out.append(f"  indices_declared: {len(shape.indices)}")
    out += [f"  {k}: {q(plan[k])}" for k in ("preamble", "preamble_en")]
    out.append("  framing:")
    for item in plan["framing"]:
        out += [f"    - name: {q(item['name'])}", f"      name_en: {q(item['name_en'])}"]
    out.append("indices:")
    tasks_of: dict[int, list[dict[str, Any]]] = {}
    for task in shape.tasks:
        tasks_of.setdefault(task["index"], []).append(task)
    for index in shape.indices:
        out.append(f"  - number: {index['number']}")
        keys = ("code", "name", "name_en", "theme", "theme_en", "aim", "aim_en")
        out += [f"    {k}: {q(index[k])}" for k in keys if index.get(k) is not None]
        out.append("    tasks:")
        for task in tasks_of.get(index["number"], []):
            out.append(f"      - id: {q(task['id'])}")
            out += [f"        {k}: {q(task[k])}" for k in ("title", "title_en", "source")]
            out += [f"        {k}: {q(task[k])}" for k in ("places", "partners")]
            if task["plan_due"]:
                out.append(f"        due: {q(task['plan_due'])}")
    return "\n".join(out) + "\n"


@dataclass
class Seed:
    """What `lianta load PLAN` writes into an empty store at LOAD_AT: the plan document, the
    task documents and the load's events, shaped after the real load in `base` (same fields,
    same key order)."""

    plan: dict[str, Any]
    tasks: list[dict[str, Any]]
    load_events: list[dict[str, Any]]


def seed(base: dict[str, Any], shape: PlanShape, plan_path: Path) -> Seed:
    plan = copy.deepcopy(base["plans"]["1"])
    if len(shape.tasks) != len(base["tasks"]):
        plan["indices_declared"] = len(shape.indices)  # as plan_yaml writes it
    plan["indices"] = shape.indices
    plan["file"] = str(plan_path)
    plan["file_path"] = str(plan_path.resolve())  # what `doctor` checks the plan text against
    plan["file_sha256"] = hashlib.sha256(plan_path.read_bytes()).hexdigest()
    template = min(base["tasks"].values(), key=lambda d: d["order"])
    tasks = []
    for position, fields in enumerate(shape.tasks):
        doc = copy.deepcopy(template)
        doc.update(fields)
        doc["order"] = position
        tasks.append(doc)
    recorded = ("change", "at", "by")
    events = [{k: v for k, v in e.items() if k not in recorded} for e in base["history"].values()]
    for event in events:
        if event["field"] == "tasks":
            event["new"] = str(event["new"]).replace(str(len(base["tasks"])), str(len(tasks)))
    return Seed(plan, tasks, events)


# ------------------------------------------------------------------ the history


@dataclass
class Command:
    """One lianta command of the scripted history."""

    at: datetime
    seq: int
    user: str
    kind: str  # assign, update, note, done
    ids: list[str]
    options: dict[str, Any] = field(default_factory=dict)


def script(task_ids: Sequence[str], seed: int) -> list[Command]:
    """A plausible half-year of coordination: assignments in batches, progress, notes, blocks."""
    rng = random.Random(seed)
    commands: list[Command] = []

    def add(at: datetime, kind: str, ids: list[str], **options: Any) -> None:
        user = COORDINATORS[len(commands) % len(COORDINATORS)]
        at = min(at, LAST_DAY)
        commands.append(Command(at, len(commands), user, kind, ids, options))

    def later(at: datetime, low: int, high: int) -> datetime:
        return at + timedelta(days=rng.randint(low, high), minutes=rng.randint(0, 480))

    position = 0
    while position < len(task_ids):
        index = task_ids[position].split(".")[0]
        batch = [task_ids[position]]
        size = rng.randint(1, 5)
        while (
            len(batch) < size
            and position + len(batch) < len(task_ids)
            and task_ids[position + len(batch)].split(".")[0] == index
        ):
            batch.append(task_ids[position + len(batch)])
        position += len(batch)
        if rng.random() >= 0.8:
            continue  # nobody has these yet
        assigned_at = later(LOAD_AT, 3, 55)
        options: dict[str, Any] = {"to": rng.choice(PEOPLE)}
        if rng.random() < 0.7:
            options["unit"] = rng.choice(UNITS)
        add(assigned_at, "assign", batch, **options)
        for task_id in batch:
            at = assigned_at
            fate = rng.random()
            if fate < 0.25:
                pass  # assigned, not started
            else:
                at = later(at, 3, 30)
                add(at, "update", [task_id], progress=rng.choice((10, 20, 30)))
                if fate < 0.45 and rng.random() < 0.6:
                    at = later(at, 3, 30)
                    add(at, "update", [task_id], progress=rng.choice((40, 50, 60, 70)))
                if 0.45 <= fate < 0.70:
                    at = later(at, 5, 40)
                    add(at, "done", [task_id])
                elif 0.70 <= fate < 0.75:
                    at = later(at, 3, 20)
                    add(
                        at,
                        "update",
                        [task_id],
                        status="blocked",
                        note=rng.choice(BLOCK_REASONS),
                    )
            if rng.random() < 0.2:
                add(later(at, 1, 20), "note", [task_id], note=rng.choice(NOTES))
            if rng.random() < 0.1:
                due = later(LOAD_AT, 90, 300).date().isoformat()
                add(later(at, 1, 10), "update", [task_id], due=due)
    commands.sort(key=lambda c: (c.at, c.seq))
    return commands


def _next_state(doc: dict[str, Any], status: str | None, progress: int | None) -> dict[str, Any]:
    """`tracker._next_state` for the cases the script uses."""
    if status is not None:
        if status == "done":
            return {"status": "done", "progress": 100}
        if status == "todo":
            return {"status": "todo", "progress": 0}
        return {"status": status, "progress": doc["progress"]}
    if progress is not None:
        if progress == 100:
            return {"status": "done", "progress": 100}
        if doc["status"] in ("done", "todo") and progress > 0:
            return {"status": "in_progress", "progress": progress}
        return {"status": doc["status"], "progress": progress}
    return {}


class History:
    """Applies commands to the seeded tasks the way `tracker.py` does, collecting the events."""

    def __init__(self, seeded: Seed) -> None:
        self.year = seeded.plan["year"]
        self.tasks = {doc["id"]: copy.deepcopy(doc) for doc in seeded.tasks}
        self.events: list[dict[str, Any]] = []
        self.last_change = 1  # the load

    def apply(self, command: Command) -> None:
        at = stamp(command.at)
        events: list[dict[str, Any]] = []
        for task_id in command.ids:
            doc = self.tasks[task_id]
            options = command.options
            note_text = options.get("note")
            if command.kind == "assign":
                patch: dict[str, Any] = {"assignee": options["to"]}
                if "unit" in options:
                    patch["unit"] = options["unit"]
            else:
                status = "done" if command.kind == "done" else options.get("status")
                patch = _next_state(doc, status, options.get("progress"))
                if "due" in options:
                    patch["due"] = options["due"]
            changed = {k: v for k, v in patch.items() if doc.get(k) != v}
            for name, value in changed.items():
                events.append(self._event(task_id, command.kind, name, doc.get(name), value))
            if note_text is not None:
                events.append(self._event(task_id, command.kind, "note", None, note_text))
                note = {"at": at, "by": command.user, "text": note_text}
                changed["notes"] = [*(doc.get("notes") or []), note]
            if changed:
                changed["updated"] = at
                doc.update(changed)
        if not events:
            return
        self.last_change += 1
        for event in events:
            event.update({"change": self.last_change, "at": at, "by": command.user})
        self.events += events

    def _event(self, task: str, action: str, name: str, old: Any, new: Any) -> dict[str, Any]:
        return {
            "plan": self.year,
            "task": task,
            "action": action,
            "field": name,
            "old": old,
            "new": new,
        }


# ------------------------------------------------------------------ building a data set


@dataclass
class Dataset:
    """The files for one size: plan, lianta store, Taskwarrior import file."""

    size: int
    plan: Path
    store: Path
    tasks_json: Path
    indices: int
    events: int
    store_bytes: int
    update_id: str
    """A task in progress, from the second half of the plan: the one `show`, `update` and
    `note` act on."""
    update_uuid: str


def lianta_env(store: Path, *, now: str = NOW, user: str = "bench") -> dict[str, str]:
    """The environment of every lianta run: this store, a pinned clock, Chinese, no terminal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIANTA_")}
    for name in ("COLUMNS", "NO_COLOR", "LC_ALL", "LC_MESSAGES"):
        env.pop(name, None)
    env.update({"LIANTA_DB": str(store), "LIANTA_NOW": now, "LIANTA_USER": user})
    env.update({"LIANTA_LANG": "zh", "LANG": "C.UTF-8"})
    return env


def run_checked(argv: Sequence[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench: {' '.join(argv[-3:])} failed: {done.stderr.strip()[:500]}")
    return done.stdout


WRITER = """\
import json, sys
from datetime import datetime
from pathlib import Path
from lianta_cli import tracker
from lianta_cli.clock import Clock
from lianta_cli.store import open_store

p = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
with open_store(Path(sys.argv[1]), write=True) as store:
    # what sync_plan does on an empty store
    store.insert("plans", [p["plan"]])
    ids = store.insert("tasks", p["tasks"])
    clock = Clock(datetime.fromisoformat(p["load_at"]))
    tracker.record(store, p["load_events"], clock, p["load_by"])
    # then the whole history at once, with record's bookkeeping
    store.insert("history", p["events"])
    store.update("meta", {1: {"last_change": p["last_change"]}})
    store.update("tasks", dict(zip(ids, p["final"], strict=True)))
"""


def save(python: str, store: Path, seeded: Seed, history: History) -> None:
    """Write the store through lianta's own store API (see WRITER)."""
    payload = store.with_name(store.name + ".payload")
    final = [history.tasks[doc["id"]] for doc in seeded.tasks]
    content = {
        "plan": seeded.plan,
        "tasks": seeded.tasks,
        "load_at": stamp(LOAD_AT),
        "load_by": COORDINATORS[0],
        "load_events": seeded.load_events,
        "events": history.events,
        "last_change": history.last_change,
        "final": final,
    }
    payload.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    for path in store.parent.glob(store.name + "*"):
        if path != payload:
            path.unlink()
    done = subprocess.run(
        [python, "-c", WRITER, str(store), str(payload)],
        env=lianta_env(store),
        capture_output=True,
        text=True,
        check=False,
    )
    payload.unlink()
    for path in store.parent.glob(store.name + ".*"):
        path.unlink()  # the lock file
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["?"])[-1]
        raise SystemExit(f"bench: cannot write {store.name} through lianta's store API: {reason}")


def build(python: str, base: dict[str, Any], n: int, workdir: Path) -> Dataset:
    """Plan, store and Taskwarrior file for n tasks in `workdir`."""
    plan_path = workdir / f"plan-{n}.yaml"
    store = workdir / f"store-{n}.json"
    shape = make_plan(base, n)
    if n == REAL_TASKS:
        plan_path.write_bytes(REAL_PLAN.read_bytes())
    else:
        plan_path.write_text(plan_yaml(base, shape), encoding="utf-8")
    seeded = seed(base, shape, plan_path)
    history = History(seeded)
    for command in script([t["id"] for t in shape.tasks], seed=n):
        history.apply(command)
    save(python, store, seeded, history)
    tasks = list(history.tasks.values())
    update_doc = next(
        (d for d in tasks[len(tasks) // 2 :] + tasks if d["status"] == "in_progress"), tasks[0]
    )
    tasks_json = workdir / f"taskwarrior-{n}.json"
    tasks_json.write_text(
        json.dumps(list(taskwarrior_tasks(seeded.plan, tasks, n)), ensure_ascii=False),
        encoding="utf-8",
    )
    return Dataset(
        size=n,
        plan=plan_path,
        store=store,
        tasks_json=tasks_json,
        indices=len(shape.indices),
        events=len(seeded.load_events) + len(history.events),
        store_bytes=store.stat().st_size,
        update_id=update_doc["id"],
        update_uuid=task_uuid(n, update_doc["id"]),
    )


# ------------------------------------------------------------------ Taskwarrior


def task_uuid(n: int, task_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"lianta-bench:{n}:{task_id}"))


def tw_date(text: str) -> str:
    """A lianta stamp or date as a Taskwarrior date (taken as UTC; only order matters here)."""
    moment = datetime.fromisoformat(text)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def taskwarrior_tasks(
    plan: dict[str, Any], tasks: list[dict[str, Any]], n: int
) -> Iterator[dict[str, Any]]:
    """The same tasks for `task import`: project = index code, UDAs for the tracking fields."""
    codes = {i["number"]: i["code"] for i in plan["indices"]}
    for doc in tasks:
        task: dict[str, Any] = {
            "uuid": task_uuid(n, doc["id"]),
            "description": doc["title"],
            "project": codes[doc["index"]],
            "status": "completed" if doc["status"] == "done" else "pending",
            "entry": tw_date(doc["created"]),
            "modified": tw_date(doc["updated"]),
            "progress": doc["progress"],
        }
        if doc["status"] == "done":
            task["end"] = tw_date(doc["updated"])
        due = doc["due"] or doc["plan_due"]
        if due:
            task["due"] = tw_date(due)
        if doc["assignee"]:
            task["assignee"] = doc["assignee"]
        if doc["unit"]:
            task["unit"] = doc["unit"]
        if doc["status"] == "blocked":
            task["tags"] = ["blocked"]
        if doc["notes"]:
            task["annotations"] = [
                {"entry": tw_date(note["at"]), "description": note["text"]} for note in doc["notes"]
            ]
        yield task


TASKRC = """\
confirmation=off
verbose=nothing
hooks=off
gc=off
recurrence=off
detection=off
color=off
news.version=2.6.2
uda.assignee.type=string
uda.assignee.label=Assignee
uda.unit.type=string
uda.unit.label=Unit
uda.progress.type=numeric
uda.progress.label=Progress
"""
