"""`lianta doctor`'s checkup in words: the verdict, one line per problem, the backups, what a
restore or an accept did, and what to run next."""

from __future__ import annotations

from . import doctor
from .i18n import _, plural


def checkup_lines(checkup: doctor.Checkup, *, most: int = 100) -> list[str]:
    """The checkup as lines for a person: the verdict, one line per problem, the backups."""
    lines: list[str] = []
    store = checkup.store
    if checkup.restored is not None:
        before = checkup.before
        count = len(before.problems) if before and before.exists else 0
        lines.append(
            _("store {path}: was damaged ({problems})").format(
                path=store.path, problems=_problems(count)
            )
            if before and before.exists
            else _("store {path}: was missing").format(path=store.path)
        )
        if before is not None:
            lines += [_("  problem: {text}").format(text=p) for p in before.problems[:most]]
        lines.append(
            _("restored {path} from {source} (change {change})").format(
                path=store.path, source=checkup.restored.source, change=store.last_change or 0
            )
        )
        if checkup.restored.damaged is not None:
            lines.append(
                _("the damaged file is kept as {damaged}").format(damaged=checkup.restored.damaged)
            )
    if checkup.accepted is not None:
        edits = checkup.accepted.edits
        if not edits:
            lines.append(_("nothing to accept: the store agrees with its history"))
        else:
            lines.append(
                plural(
                    len(edits),
                    _("recorded 1 hand edit as change {change}:"),
                    _("recorded {count} hand edits as change {change}:"),
                ).format(change=checkup.accepted.change)
            )
            lines += ["  " + edit.problem() for edit in edits[:most]]
    problems = checkup.problems
    if not store.exists and not problems:
        lines.append(
            _(
                "store {path}: none yet (the first command makes the default store; "
                "'lianta load' makes one anywhere)"
            ).format(path=store.path)
        )
    elif not problems:
        lines.append(
            _("store {path}: healthy (change {change}, {tasks}, {events})").format(
                path=store.path,
                change=store.last_change or 0,
                tasks=plural(store.tasks, _("1 task"), _("{count} tasks")),
                events=plural(store.events, _("1 event"), _("{count} events")),
            )
        )
    else:
        lines.append(
            _("store {path}: damaged ({problems})").format(
                path=store.path, problems=_problems(len(problems))
            )
        )
        lines += [_("  problem: {text}").format(text=p) for p in problems[:most]]
        if len(problems) > most:
            lines.append(
                _("  … {n} more (--format json lists them all)").format(n=len(problems) - most)
            )
    if checkup.link is not None:
        lines.append(
            _(
                "store {link} is a symbolic link to {path}: its lock and backups are beside {path}"
            ).format(link=checkup.link, path=store.path)
        )
    for backup in checkup.backups:
        lines.append(_generation_line(backup))
    for leftover in checkup.leftovers:
        lines.append(
            _(
                "leftover {path} from an interrupted save (harmless; the next save removes it)"
            ).format(path=leftover)
        )
    if checkup.accept_error is not None:
        lines.append(_("cannot accept: {reason}").format(reason=checkup.accept_error))
    elif checkup.restore_error is not None:
        lines.append(_("cannot restore: {reason}").format(reason=checkup.restore_error))
    elif problems and checkup.restored is None:
        if store.only_hand_edits:
            lines.append(
                _(
                    "if the file was edited on purpose, 'lianta doctor --db {path} --accept' "
                    "records the edits as a change"
                ).format(path=store.path)
            )
        good = checkup.newest_good
        if good is not None:
            lines.append(
                _("run 'lianta doctor --db {path} --restore' to bring back {source}").format(
                    path=store.path, source=good.path
                )
            )
        else:
            lines.append(_("no backup is good, so --restore cannot help"))
    return lines


def _problems(count: int) -> str:
    return plural(count, _("1 problem"), _("{count} problems"))


def _generation_line(backup: doctor.Generation) -> str:
    if not backup.exists:
        return _("backup {path}: none").format(path=backup.path)
    if backup.good:
        return _("backup {path}: good (change {change}, {tasks}, saved {saved})").format(
            path=backup.path,
            change=backup.last_change or 0,
            tasks=plural(backup.tasks, _("1 task"), _("{count} tasks")),
            saved=backup.saved,
        )
    extra = len(backup.problems) - 1
    return _("backup {path}: damaged ({first}{more})").format(
        path=backup.path,
        first=backup.problems[0],
        more=_("; +{n} more").format(n=extra) if extra else "",
    )
