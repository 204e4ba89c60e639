"""The shared store on a real PostgreSQL server: `db init`, `push` and `pull` with the same
reports on both sides, the database's rights for office, unit and reader roles (through lianta
and through SQL), authors from the login, writers side by side losing nothing, and a killed
client leaving nothing half-done. Needs the test server (`tools/test-postgres.sh start`)."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import random
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import Database, Result, Run
from helpers_robust import assert_one_line_error, call_cli, fork_cli

from lianta_cli import store_pg, tracker
from lianta_cli.clock import Clock
from lianta_cli.doctor import examine
from lianta_cli.models import PlanKey
from lianta_cli.store import open_store

UNIT = "lianta_unit_jingji"  # 经济服务办, the lead unit of 1.2 once the office assigns it
PARTNER = "lianta_unit_zhihuibu"  # 指挥部, a cooperating unit of 2.2 in the plan
READER = "lianta_reader"


@pytest.fixture
def store(database: Database) -> str:
    """`run` works on the test's database, as the tester (an office role)."""
    return database.url


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    return result


def content(url: str) -> dict[str, Any]:
    """Everything the database holds, as one snapshot."""
    return store_pg.pull(url)


def documents(url: str) -> dict[str, Any]:
    """The documents the database holds, without the number of the last change: a change
    killed after it took its number leaves that number unused (a sequence does not go back)."""
    data = content(url)
    data["meta"][1].pop("last_change")
    return data


@pytest.fixture
def roles(run: Run, database: Database) -> Database:
    """The database with a unit, a cooperating unit and a reader set up by its owner, and 1.2
    and 1.3 given to 经济服务办 (1.3 to be taken back into the office's hands)."""
    owner = {"LIANTA_DB": database.owner}
    ok(run("db", "grant", UNIT, "unit", "--unit", "经济服务办", env=owner))
    ok(run("db", "grant", PARTNER, "unit", "--unit", "指挥部", "--name", "指挥部 陈工", env=owner))
    ok(run("db", "grant", READER, "reader", "--name", "李主任", env=owner))
    ok(run("assign", "1.2", "--to", "王芳", "--unit", "经济服务办", now="2024-03-04"))
    return database


# ---------------------------------------------------------------- init, push, pull


def test_init_creates_the_store_once(run: Run, database: Database) -> None:
    with psycopg.connect(database.owner, autocommit=True) as connection:
        connection.execute("DROP SCHEMA lianta CASCADE")
    refused = run("list", env={"LIANTA_DB": database.owner})
    assert refused.exit_code == 1
    assert_one_line_error(refused.stderr, "holds no lianta store", "lianta db init")
    created = ok(run("db", "init", env={"LIANTA_DB": database.owner}))
    assert f"(schema version {store_pg.latest_version()})" in created.stderr
    again = run("db", "init", env={"LIANTA_DB": database.owner})
    assert again.exit_code == 2
    assert_one_line_error(again.stderr, "already holds a lianta store")
    assert "up to date" in ok(run("db", "migrate", env={"LIANTA_DB": database.owner})).stderr


def test_a_version_1_database_is_migrated_only_when_told_and_keeps_its_data(
    run: Run, database: Database
) -> None:
    ok(run("note", "1.1", "before the migration", now="2024-03-04"))
    before = documents(database.url)
    first = (store_pg.MIGRATIONS / "001-shared-store.sql").read_text(encoding="utf-8")
    policy = first[first.index("CREATE POLICY events_by_their_author") :].split(";")[0]
    with psycopg.connect(database.owner, autocommit=True) as connection:  # back to version 1
        connection.execute("DROP POLICY events_by_their_author ON lianta.history")
        connection.execute("ALTER TABLE lianta.plans DROP COLUMN area")
        connection.execute("ALTER TABLE lianta.plans ADD CONSTRAINT plans_year_key UNIQUE (year)")
        connection.execute("ALTER TABLE lianta.tasks DROP COLUMN area")
        connection.execute(
            "ALTER TABLE lianta.tasks ADD CONSTRAINT tasks_plan_task_key UNIQUE (plan, task)"
        )
        connection.execute(policy)
        connection.execute("DELETE FROM lianta.migrations WHERE version > 1")
    result = run("summary")
    assert result.exit_code == 1
    assert_one_line_error(result.stderr, "schema version 1", "lianta db migrate")
    migrated = ok(run("db", "migrate", env={"LIANTA_DB": database.owner}))
    assert "schema version 1 -> 2" in migrated.stderr
    assert documents(database.url) == before
    donghu = Path(__file__).resolve().parent.parent / "examples" / "donghu-2024.yaml"
    ok(run("load", str(donghu), now="2024-03-05"))  # a second plan of 2024, with ids of 2024's
    ok(run("note", "1.1", "东湖的", "--plan", "donghu", now="2024-03-05"))
    shown = ok(run("show", "1.1", "--plan", "2024", "-f", "json", now="2024-03-05")).json()
    assert [n["text"] for n in shown["notes"]] == ["before the migration"]


def test_a_schema_newer_than_lianta_is_refused(run: Run, database: Database) -> None:
    with psycopg.connect(database.owner, autocommit=True) as connection:
        connection.execute("INSERT INTO lianta.migrations (version) VALUES (99)")
    result = run("summary")
    assert result.exit_code == 1
    assert_one_line_error(result.stderr, "schema version 99", "upgrade lianta")


def test_db_commands_want_a_database(run: Run, tmp_path: Path) -> None:
    result = run("db", "init", "--db", str(tmp_path / "store.json"))
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "postgresql://")


SCENARIO = [
    ("2024-03-04T09:00", "zhou", ["assign", "1.2", "1.3", "--to", "王芳", "--unit", "经济服务办"]),
    ("2024-03-05T10:00", "lin", ["update", "1.2", "--progress", "40", "--note", "摸底完成"]),
    ("2024-03-06T11:00", "zhou", ["update", "3.2", "--status", "blocked", "--note", "等选址"]),
    ("2024-03-07T15:00", "lin", ["done", "1.3"]),
    ("2024-03-08T16:00", "zhou", ["undo", "--anyone"]),
    ("2024-03-12T09:00", "zhou", ["update", "2.2", "--progress", "10", "--due", "2024-04-30"]),
]
OUTPUTS = [
    ["history", "--format", "json"],
    ["history"],
    ["summary", "--format", "md"],
    ["report", "weekly", "--week", "2024-W10", "--format", "md"],
    ["report", "weekly", "--week", "2024-W10", "--format", "json"],
    ["report", "weekly", "--week", "2024-W11", "--format", "csv"],
    ["show", "1.2", "--format", "json"],
    ["list", "--format", "csv"],
]


def test_push_and_pull_keep_every_report_byte_for_byte(
    run: Run, database: Database, tmp_path: Path
) -> None:
    original = tmp_path / "office.json"
    ok(run("load", "--db", str(original), now=SCENARIO[0][0], env={"LIANTA_USER": "zhou"}))
    for now, user, args in SCENARIO:
        ok(run(*args, now=now, env={"LIANTA_DB": str(original), "LIANTA_USER": user}))
    events = ok(run("history", "-f", "json", env={"LIANTA_DB": str(original)})).json()
    pushed = ok(run("db", "push", str(original), env={"LIANTA_DB": database.owner}))
    assert f"1 plan(s), 40 tasks and {len(events)} events" in pushed.stderr
    pulled = tmp_path / "pulled.json"
    ok(run("db", "pull", str(pulled), env={"LIANTA_DB": database.url}))
    for args in OUTPUTS:
        outputs = [
            ok(run(*args, now="2024-03-15", env={"LIANTA_DB": where})).stdout
            for where in (str(original), database.url, str(pulled))
        ]
        assert outputs[0] == outputs[1] == outputs[2], args
    assert ok(run("doctor", env={"LIANTA_DB": str(pulled)})).stdout.count("healthy") == 1
    # the change numbers carry on where the file left them
    note = ok(run("note", "1.2", "继续推进", "--format", "json", now="2024-03-15")).json()
    assert note["change"] == len(SCENARIO) + 2


def test_push_wants_an_empty_database_and_a_healthy_file(
    run: Run, database: Database, tmp_path: Path
) -> None:
    ok(run("summary"))  # the first command loads the bundled plan
    store = tmp_path / "office.json"
    ok(run("load", "--db", str(store)))
    refused = run("db", "push", str(store), env={"LIANTA_DB": database.owner})
    assert refused.exit_code == 2
    assert_one_line_error(refused.stderr, "is not empty", "plans, tasks, history")
    data = json.loads(store.read_text(encoding="utf-8"))
    data["tasks"]["1"]["progress"] = 50  # with no event that says so
    store.write_text(json.dumps(data), encoding="utf-8")
    damaged = run("db", "push", str(store), env={"LIANTA_DB": database.owner})
    assert damaged.exit_code == 1
    assert_one_line_error(damaged.stderr, "is damaged", "progress", "lianta doctor")
    store.write_text("{]", encoding="utf-8")
    broken = run("db", "push", str(store), env={"LIANTA_DB": database.owner})
    assert broken.exit_code == 1
    assert_one_line_error(broken.stderr, "is not valid JSON", "lianta doctor")


def test_pull_replaces_a_file_only_when_told(run: Run, database: Database, tmp_path: Path) -> None:
    target = tmp_path / "backup.json"
    target.write_text("{}", encoding="utf-8")
    refused = run("db", "pull", str(target))
    assert refused.exit_code == 2
    assert_one_line_error(refused.stderr, "exists", "--replace")
    assert target.read_text(encoding="utf-8") == "{}"
    ok(run("note", "1.1", "带回去看"))
    ok(run("db", "pull", str(target), "--replace"))
    assert target.with_name("backup.json.1").read_text(encoding="utf-8") == "{}"
    offline = {"LIANTA_DB": str(target)}
    notes = ok(run("show", "1.1", "--format", "json", env=offline)).json()["notes"]
    assert [(n["by"], n["text"]) for n in notes] == [("tester", "带回去看")]


def test_doctor_checks_a_database_and_restores_nothing(run: Run) -> None:
    ok(run("update", "1.1", "--progress", "30"))
    checked = ok(run("doctor", "--format", "json")).json()
    assert checked["healthy"] and checked["tasks"] == 40 and checked["last_change"] == 2
    refused = run("doctor", "--restore")
    assert refused.exit_code == 2
    assert_one_line_error(refused.stderr, "lianta db pull")


# ---------------------------------------------------------------- who may change what


def test_authors_come_from_the_login(run: Run, roles: Database) -> None:
    mallory = {"LIANTA_DB": roles.as_role(UNIT), "LIANTA_USER": "mallory"}
    ok(run("note", "1.2", "企业走访", now="2024-03-05", env=mallory))
    partner = {"LIANTA_DB": roles.as_role(PARTNER), "LIANTA_USER": "mallory"}
    ok(run("update", "2.2", "--progress", "20", now="2024-03-05", env=partner))
    history = ok(run("history", "--format", "json")).json()
    assert [(e["task"], e["by"]) for e in history[-3:]] == [
        ("1.2", "lianta_unit_jingji"),
        ("2.2", "指挥部 陈工"),
        ("2.2", "指挥部 陈工"),
    ]
    notes = ok(run("show", "1.2", "--format", "json")).json()["notes"]
    assert [(n["by"], n["text"]) for n in notes] == [("lianta_unit_jingji", "企业走访")]


def test_a_unit_changes_its_own_tasks_and_is_refused_on_others(run: Run, roles: Database) -> None:
    unit = {"LIANTA_DB": roles.as_role(UNIT)}
    ok(run("update", "1.2", "--progress", "60", "--note", "过半", now="2024-03-05", env=unit))
    ok(run("assign", "1.2", "--to", "李娜", now="2024-03-05", env=unit))  # its own people
    before = content(roles.url)
    for args, says in (
        (["update", "1.3", "--progress", "10"], "task 1.3"),
        (["update", "1.2", "1.3", "--progress", "70"], "task 1.3"),
        (["note", "6.1", "不是我们的"], "task 6.1"),
        (["done", "2.2"], "task 2.2"),
    ):
        refused = run(*args, now="2024-03-06", env=unit)
        assert refused.exit_code == 1, args
        assert_one_line_error(refused.stderr, "lianta_unit_jingji may not change", says)
    for args, says in (
        (["update", "1.2", "--due", "2024-05-01"], "due"),  # dates are the office's
        (["assign", "1.2", "--to", "李娜", "--unit", "城建办"], "unit"),  # so is the lead unit
        (["unassign", "1.2"], "unit"),
    ):
        refused = run(*args, now="2024-03-06", env=unit)
        assert refused.exit_code == 1, args
        assert_one_line_error(refused.stderr, "does not let lianta_unit_jingji", says)
    assert content(roles.url) == before
    partner = {"LIANTA_DB": roles.as_role(PARTNER)}
    ok(run("update", "2.2", "--status", "blocked", "--note", "等批复", env=partner))
    assert ok(run("show", "2.2", "--format", "json")).json()["status"] == "blocked"


def test_a_reader_reads_and_changes_nothing(run: Run, roles: Database) -> None:
    reader = {"LIANTA_DB": roles.as_role(READER)}
    assert len(ok(run("list", "--format", "json", env=reader)).json()) == 40
    ok(run("report", "weekly", "--week", "2024-W10", env=reader))
    before = content(roles.url)
    for args in (["note", "1.2", "看过"], ["update", "1.2", "-p", "90"], ["undo", "--anyone"]):
        refused = run(*args, now="2024-03-06", env=reader)
        assert refused.exit_code == 1, args
        assert_one_line_error(refused.stderr, "does not let 李主任", "permission denied")
    assert content(roles.url) == before


def test_the_database_holds_a_unit_to_its_rights_without_lianta(roles: Database) -> None:
    """What a unit or a reader could try with psql."""
    before = content(roles.url)
    with psycopg.connect(roles.as_role(UNIT), autocommit=True) as unit:
        another = unit.execute(
            "UPDATE lianta.tasks SET doc = doc || '{\"progress\": 99}' WHERE task = '1.3'"
        )
        assert another.rowcount == 0  # row-level security: not its task
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="not its title"):
            unit.execute('UPDATE lianta.tasks SET doc = doc || \'{"title": "x"}\'')
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="not its unit"):
            unit.execute(
                "UPDATE lianta.tasks SET doc = doc || '{\"unit\": \"城建办\"}' WHERE task = '1.2'"
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            unit.execute(
                "INSERT INTO lianta.history (doc) VALUES ("
                '\'{"plan": 2024, "task": "1.2", "field": "note", "by": "王主任"}\')'
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            unit.execute("DELETE FROM lianta.history")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            unit.execute("INSERT INTO lianta.plans (doc) VALUES ('{\"year\": 2030}')")
    with (
        psycopg.connect(roles.as_role(READER), autocommit=True) as reader,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        reader.execute("UPDATE lianta.tasks SET doc = doc WHERE task = '1.2'")
    assert content(roles.url) == before


def test_revoking_takes_every_right_away(run: Run, roles: Database) -> None:
    ok(run("db", "grant", UNIT, "none", env={"LIANTA_DB": roles.owner}))
    refused = run("list", env={"LIANTA_DB": roles.as_role(UNIT)})
    assert refused.exit_code == 1
    assert_one_line_error(refused.stderr, "lianta_unit_jingji", "permission denied")
    bad = run("db", "grant", UNIT, "unit", env={"LIANTA_DB": roles.owner})
    assert bad.exit_code == 2
    assert_one_line_error(bad.stderr, "--unit")


def test_undo_takes_back_your_own_change_not_a_later_one_of_someone_else(
    run: Run, roles: Database
) -> None:
    unit = {"LIANTA_DB": roles.as_role(UNIT)}
    ok(run("update", "1.2", "--progress", "30", now="2024-03-05", env=unit))
    ok(run("note", "1.1", "督办", now="2024-03-05"))  # the office's change comes later
    undone = ok(run("undo", "--format", "json", now="2024-03-06", env=unit)).json()
    assert undone["tasks"] == ["1.2"] and undone["undid"] == 3
    ok(run("update", "1.2", "--progress", "30", now="2024-03-07", env=unit))
    ok(run("update", "1.2", "--progress", "50", now="2024-03-07"))  # the office moves it on
    refused = run("undo", now="2024-03-08", env=unit)
    assert refused.exit_code == 2
    assert_one_line_error(refused.stderr, "cannot undo change 6", "change 7, by tester")


# ---------------------------------------------------------------- side by side, and killed

WORKERS, CHANGES = 16, 50
SHARED_TASKS = ("1.1", "2.3", "3.4", "5.2", "6.5", "4.1", "2.8", "3.9")


def _worker(job: tuple[int, str]) -> list[tuple[int, str]]:
    number, db = job
    env = {"LIANTA_DB": db, "LIANTA_LOCK_TIMEOUT": "300"}
    results = []
    for step in range(CHANGES):
        task = SHARED_TASKS[(number + step) % len(SHARED_TASKS)]
        progress = 1 + (number * CHANGES + step) % 99
        args = ["update", task, "--progress", str(progress), "--note", f"w{number}-{step:02d}"]
        code, _out, err = call_cli(args, env)
        results.append((code, err))
    return results


def test_sixteen_writers_fifty_changes_each_lose_nothing(database: Database) -> None:
    """Separate processes, on eight tasks, into a database whose bundled plan they race to
    load: every change is there, numbered once, and the history replays to every task."""
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        outcomes = pool.map(_worker, [(n, database.url) for n in range(WORKERS)])
    print(f"\n{WORKERS} processes x {CHANGES} changes: {time.perf_counter() - started:.1f} s")
    failures = [err for results in outcomes for code, err in results if code != 0]
    assert not failures, failures[:3]
    data = content(database.url)
    events = sorted(data["history"].items())
    assert len([e for _seq, e in events if e["field"] == "plan"]) == 1, "loaded twice"
    notes = [e for _seq, e in events if e["field"] == "note"]
    texts = [e["new"] for e in notes]
    assert len(texts) == WORKERS * CHANGES == len(set(texts))
    assert len({e["change"] for e in notes}) == WORKERS * CHANGES, "two changes share a number"
    assert data["meta"][1]["last_change"] == WORKERS * CHANGES + 1
    for number in range(WORKERS):  # each writer's changes landed in the order it made them
        own = [t for t in texts if t.startswith(f"w{number}-")]
        assert own == sorted(own) and len(own) == CHANGES
    tasks = {doc["id"]: doc for doc in data["tasks"].values()}
    for task_id in SHARED_TASKS:  # the later change wins; the earlier is in the history
        recorded = [e["new"] for e in notes if e["task"] == task_id]
        assert [n["text"] for n in tasks[task_id]["notes"]] == recorded
        moves = [
            e["new"] for _seq, e in events if e["task"] == task_id and e["field"] == "progress"
        ]
        assert tasks[task_id]["progress"] == moves[-1]
    assert examine(database.url).problems == []


def _hold_a_change(db: str, task: str, ready: int, go: int) -> int:
    """Fork a child that adds a note to `task` in a transaction, says so on `ready`, and
    commits when it reads from `go` (or is killed before)."""
    pid = os.fork()
    if pid:
        os.close(ready)  # a child that fails before its change is written ends the wait
        return pid
    code = 70
    try:
        clock = Clock.from_env({})  # now, as the commands around it: the history keeps time order
        with open_store(db, write=True) as store:
            tracker.add_note(store, PlanKey("", 2024), task, "held", clock, store.user or "?")
            os.write(ready, b"x")
            os.read(go, 1)
        code = 0
    finally:
        os._exit(code)


def test_a_client_killed_mid_transaction_leaves_nothing_and_holds_nothing(
    run: Run, database: Database
) -> None:
    ok(run("note", "1.1", "before"))
    before = documents(database.url)
    ready, ready_w = os.pipe()
    go_r, _go = os.pipe()
    pid = _hold_a_change(database.url, "1.1", ready_w, go_r)
    assert os.read(ready, 1) == b"x"  # its change is written, not committed
    os.kill(pid, signal.SIGKILL)
    assert os.WIFSIGNALED(os.waitpid(pid, 0)[1])
    assert documents(database.url) == before
    started = time.perf_counter()
    ok(run("note", "1.1", "after", env={"LIANTA_LOCK_TIMEOUT": "5"}))  # no lock left behind
    assert time.perf_counter() - started < 5
    assert examine(database.url).problems == []


def test_commands_on_other_tasks_do_not_wait_and_on_the_same_task_come_after(
    run: Run, database: Database
) -> None:
    ok(run("summary"))
    ready, ready_w = os.pipe()
    go_r, go = os.pipe()
    holder = _hold_a_change(database.url, "1.1", ready_w, go_r)
    assert os.read(ready, 1) == b"x"
    started = time.perf_counter()
    ok(run("note", "1.2", "not waiting", env={"LIANTA_LOCK_TIMEOUT": "3"}))
    assert time.perf_counter() - started < 3
    busy = run("note", "1.1", "gives up", env={"LIANTA_LOCK_TIMEOUT": "0.5"})
    assert busy.exit_code == 1
    assert_one_line_error(busy.stderr, "store is busy", "LIANTA_LOCK_TIMEOUT")
    waiter = fork_cli(["note", "1.1", "later"], {"LIANTA_DB": database.url})
    time.sleep(0.3)  # the waiter is blocked on the held task
    os.write(go, b"x")
    assert os.waitstatus_to_exitcode(os.waitpid(holder, 0)[1]) == 0
    assert os.waitstatus_to_exitcode(os.waitpid(waiter, 0)[1]) == 0
    notes = ok(run("show", "1.1", "--format", "json")).json()["notes"]
    assert [n["text"] for n in notes] == ["held", "later"]
    assert examine(database.url).problems == []


KILLS = 40


def test_sigkill_at_random_moments_leaves_each_change_whole_or_absent(database: Database) -> None:
    env = {"LIANTA_DB": database.url, "LIANTA_LOCK_TIMEOUT": "30"}
    assert call_cli(["summary"], env)[0] == 0
    whole = []
    for number in range(3):
        started = time.perf_counter()
        pid = fork_cli(["note", "1.1", f"calibrate-{number}"], env)
        assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
        whole.append(time.perf_counter() - started)
    rng = random.Random(20240308)
    tally: Counter[str] = Counter()
    for attempt in range(KILLS):
        before = documents(database.url)
        task = SHARED_TASKS[attempt % len(SHARED_TASKS)]
        pid = fork_cli(["update", task, "-p", str(attempt + 1), "--note", f"k{attempt}"], env)
        time.sleep(rng.uniform(0, max(whole)))
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        status = os.waitpid(pid, 0)[1]
        after = documents(database.url)
        new_events = [e for key, e in after["history"].items() if key not in before["history"]]
        landed = "after" if new_events else "before"
        if landed == "before":
            assert after == before
        else:
            assert {e["field"] for e in new_events} >= {"progress", "note"}
            assert after["tasks"] != before["tasks"]
        tally[f"{'killed' if os.WIFSIGNALED(status) else 'finished'}, {landed}"] += 1
    print(f"\nSIGKILL on a database: {dict(tally)}")
    assert tally["killed, before"], tally
    assert examine(database.url).problems == []
