"""`lianta validate` and `lianta load`: a plan file checked, and loaded into the store, as
commands.py does the other commands."""

from collections.abc import Sequence
from pathlib import Path

from . import integrity, plan_load
from .commands import Env, check_format, info, out, saving
from .export import dumps_json
from .i18n import _, plural
from .models import PlanKey
from .store import is_database, shown_location, store_file
from .views import field_name


def run_validate(plan_file: Path | None, *, fmt: str) -> int:
    """`lianta validate`: every problem of a plan file (by default the bundled one) with its line;
    the exit status (2 if the plan is not valid)."""
    from .plan import bundled_plan_path, read_plan

    fmt = check_format(fmt, ("text", "json"))
    shown = str(plan_file) if plan_file else _("plans/2024.yaml (bundled)")
    plan, problems = read_plan(plan_file or bundled_plan_path(), display=shown)
    errors = [p for p in problems if not p.warning]
    if fmt == "json":
        indices = None if plan is None else plan.indices
        result = {
            "file": shown,
            "valid": plan is not None,
            "errors": [str(p) for p in errors],
            "warnings": [str(p) for p in problems if p.warning],
            "indices": None
            if indices is None
            else [{"index": i.number, "code": i.code, "tasks": len(i.tasks)} for i in indices],
        }
        out(dumps_json(result))
        return 2 if plan is None else 0
    for problem in problems:
        info(str(problem))
    if plan is None:
        info(
            plural(
                len(errors),
                _("1 error; the plan was not accepted"),
                _("{count} errors; the plan was not accepted"),
            )
        )
        return 2
    counts = ", ".join(f"{i.number} {i.code}: {len(i.tasks)}" for i in plan.indices)
    info(
        _("{file}: valid — {year} plan, {indices}, {tasks} ({counts})").format(
            file=shown,
            year=plan.key,
            indices=plural(len(plan.indices), _("1 index"), _("{count} indices")),
            tasks=plural(len(plan.tasks), _("1 task"), _("{count} tasks")),
            counts=counts,
        )
    )
    return 0


def run_load(env: Env, plan_file: Path | None, *, dry_run: bool, fmt: str) -> None:
    """`lianta load`: sync a plan file (by default the bundled one) into the store."""
    from .plan import bundled_plan_path

    fmt = check_format(fmt, ("text", "json"))
    path = plan_file or bundled_plan_path()
    shown = str(plan_file) if plan_file else _("plans/2024.yaml (bundled)")
    new = not is_database(env.db) and not store_file(Path(env.db)).exists()
    year, result = _read_and_sync(env, path, shown, dry_run=dry_run)
    if fmt == "json":
        out(dumps_json(result.as_dict()))
        return
    lines = []
    if result.added:
        lines.append(_("added {n}: {ids}").format(n=len(result.added), ids=_ids(result.added)))
    if result.changed:
        shown_changes = "; ".join(
            f"{tid} ({', '.join(field_name(f) for f in fields)})"
            for tid, fields in result.changed[:20]
        )
        more = f" … +{len(result.changed) - 20}" if len(result.changed) > 20 else ""
        lines.append(
            _("changed {n}: {ids}").format(n=len(result.changed), ids=shown_changes + more)
        )
    if result.archived:
        lines.append(
            _("archived {n}: {ids}").format(n=len(result.archived), ids=_ids(result.archived))
        )
    if result.restored:
        lines.append(
            _("restored {n}: {ids}").format(n=len(result.restored), ids=_ids(result.restored))
        )
    lines.append(_("unchanged {n}").format(n=result.unchanged))
    db = shown_location(env.db)
    if dry_run:
        verdict = _("dry run: nothing was written")
    elif result.wrote:
        verdict = (_("store created: {db}") if new else _("store updated: {db}")).format(db=db)
    else:
        verdict = _("nothing to write: {db}").format(db=db)
    out(_("{year} plan from {file}").format(year=year, file=shown) + "\n")
    out("".join(f"  {line}\n" for line in lines))
    info(verdict)


def _read_and_sync(
    env: Env, path: Path, shown: str, *, dry_run: bool
) -> tuple[PlanKey, plan_load.LoadResult]:
    """`load` but its output: the plan read (warnings shown) and synced; its year and what the
    sync did."""
    from .plan import load_plan

    plan, warnings = load_plan(path, display=shown)
    for warning in warnings:
        info(str(warning))
    if not dry_run:
        result = env.change(
            lambda store, user: plan_load.sync_plan(store, plan, env.clock, user), loading=True
        )
        return plan.key, result
    with saving(env.db, write=False) as store:
        integrity.check_store(store)
        result = plan_load.sync_plan(store, plan, env.clock, env.acting(store), dry_run=True)
    return plan.key, result


def _ids(ids: Sequence[str], most: int = 30) -> str:
    shown = ", ".join(ids[:most])
    return shown + (f" … +{len(ids) - most}" if len(ids) > most else "")
