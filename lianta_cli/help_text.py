"""What the help screens say beyond each command's and option's own help: one or two real
examples per command, and the environment section of `lianta --help` (where the store is, and
every environment variable lianta reads)."""

from __future__ import annotations

from .i18n import _


def examples(command: str) -> str:
    """The examples on the help screen of `command` ('lianta' for the app itself)."""
    shown = {
        "lianta": [
            (_("How far each index has come:"), "lianta summary"),
            (
                _("The blocked tasks, the soonest due first:"),
                "lianta list --status blocked --sort due",
            ),
            (_("This week's report, as Markdown:"), "lianta report weekly --format md"),
        ],
        "validate": [
            (_("Check next year's plan before loading it:"), "lianta validate plans/2025.yaml"),
            (_("The same, for a script:"), "lianta validate plans/2025.yaml --format json"),
        ],
        "load": [
            (
                _("See what loading an edited plan would change:"),
                "lianta load plans/2025.yaml --dry-run",
            ),
            (_("Then load it:"), "lianta load plans/2025.yaml"),
        ],
        "list": [
            (
                _("The blocked tasks, the soonest due first:"),
                "lianta list --status blocked --sort due",
            ),
            (_("One person's tasks, for a script:"), "lianta list --assignee 王芳 --format json"),
        ],
        "show": [
            (_("One task, its notes and its history:"), "lianta show 1.2"),
            (_("The same, for a script:"), "lianta show 1.2 --format json"),
        ],
        "assign": [
            (_("Two tasks to one person and her unit:"), "lianta assign 1.2 1.3 --to 王芳"),
            (
                _("Every task of an index, with the unit:"),
                "lianta assign industry --to 王芳 --unit 经济服务办",
            ),
        ],
        "unassign": [
            (_("Take one task back:"), "lianta unassign 1.2"),
            (_("Take a range of tasks back:"), "lianta unassign 1.1-1.3"),
        ],
        "update": [
            (_("Record progress, with a note:"), "lianta update 1.2 --progress 40 --note 已摸底"),
            (
                _("Block a task, saying why:"),
                "lianta update 3.2 --status blocked --note 等待选址意见",
            ),
            (
                _("Move the due date of every task of index 2:"),
                "lianta update 2.* --due 2024-06-30",
            ),
        ],
        "done": [
            (_("Finish one task:"), "lianta done 1.3"),
            (_("Finish three, with a closing note:"), "lianta done 1.1-1.3 --note 已验收"),
        ],
        "note": [
            (_("Note what happened:"), "lianta note 1.2 已完成产业空间摸底"),
            (_("A note that starts with '-' goes after --:"), "lianta note 1.2 -- '-5% 预算'"),
        ],
        "history": [
            (_("Everything that happened to one task:"), "lianta history 1.2"),
            (_("Everything since 1 March, as CSV:"), "lianta history --since 2024-03-01 -f csv"),
        ],
        "undo": [
            (_("Take the last change back:"), "lianta undo"),
            (_("The same, saying what was undone, for a script:"), "lianta undo --format json"),
        ],
        "doctor": [
            (_("Check the store and its backups:"), "lianta doctor"),
            (_("Bring back the newest good backup of a damaged store:"), "lianta doctor --restore"),
        ],
        "version": [(_("The installed version (also lianta --version):"), "lianta version")],
        "summary": [
            (_("How far each index has come:"), "lianta summary"),
            (_("The same, to paste into a document:"), "lianta summary --format md"),
            (_("Every area's plan of the year and their total:"), "lianta summary --plan all"),
        ],
        "report": [
            (
                _("March's report as one page with charts, to open in a browser or print:"),
                "lianta report --month 2024-03 --format html -o march.html",
            ),
            (
                _("The first quarter's report, for a script:"),
                "lianta report --quarter 2024-Q1 -f json",
            ),
            (_("This week's report, as Markdown:"), "lianta report weekly"),
        ],
        "export": [(_("The ledger as an Excel workbook:"), "lianta export xlsx -o ledger.xlsx")],
        "xlsx": [
            (_("The ledger as an Excel workbook:"), "lianta export xlsx -o ledger.xlsx"),
            (_("The 2025 plan's ledger:"), "lianta export xlsx --plan 2025 -o 2025.xlsx"),
        ],
        "import": [
            (_("See what a units' ledger would change:"), "lianta import ledger.xlsx --dry-run"),
            (_("Then take it in (one undo reverts it):"), "lianta import ledger.xlsx"),
        ],
        "weekly": [
            (_("The report on one ISO week:"), "lianta report weekly --week 2024-W10"),
            (
                _("A period as JSON, into a file:"),
                "lianta report weekly --since 2024-03-01 -f json -o march.json",
            ),
            (_("One area's report:"), "lianta report weekly --plan donghu"),
            (_("Every area's, one after another:"), "lianta report weekly --plan all"),
        ],
        "db": [
            (
                _("Create the schema in a new database:"),
                "lianta db init --db postgresql://office@/lianta",
            )
        ],
        "init": [
            (
                _("Create the schema in a new database:"),
                "lianta db init --db postgresql://office@/lianta",
            )
        ],
        "migrate": [(_("Bring an older database up to date:"), "lianta db migrate")],
        "grant": [
            (
                _("Let a unit's login change its own tasks:"),
                "lianta db grant jingji unit --unit 经济服务办 --name 经济服务办",
            ),
            (_("A login that only reads:"), "lianta db grant shuji reader --name 李书记"),
        ],
        "push": [(_("Copy a store file into a new database:"), "lianta db push office.json")],
        "pull": [
            (_("Keep a copy of the database in a file:"), "lianta db pull backup.json --replace")
        ],
    }.get(command, [])
    if not shown:
        return ""
    lines = [_("Examples:")]
    for what, example in shown:
        lines += [what, "  " + example]
    return "\n".join(lines)


def environment() -> tuple[str, list[tuple[str, str]]]:
    """Where the store is, and each environment variable lianta reads with what it does."""
    from .store import shown_location, store_location, user_store_path

    store = _("The store file (--db on a command wins over it). Default: {default}")
    return _("The store in use: {path}").format(path=shown_location(store_location())), [
        ("LIANTA_DB", store.format(default=user_store_path())),
        (
            "LIANTA_NOW",
            _("Pin today and the time of every change: 2024-03-08 or 2024-03-08T17:00."),
        ),
        ("LIANTA_USER", _("Who is recorded on each change. Default: the login name.")),
        (
            "LIANTA_LANG",
            _("en or zh, like --lang. Default: the locale (LC_ALL, LC_MESSAGES, LANG)."),
        ),
        ("LIANTA_ASCII", _("1: tables and bars in ASCII only, like --ascii.")),
        (
            "LIANTA_LOCK_TIMEOUT",
            _("Seconds a change waits for another one to finish. Default: 30."),
        ),
        (
            "LIANTA_PAGER, PAGER",
            _("The pager for output longer than the screen. Default: less -R; cat: none."),
        ),
        ("NO_COLOR", _("Any value: no colours.")),
        ("COLUMNS", _("The width of tables. Default: the terminal's.")),
        (
            "LIANTA_BROWSER",
            _(
                "The browser that prints --format pdf. Default: Chromium, Chrome or Edge, "
                "wherever found."
            ),
        ),
        ("LIANTA_DEBUG", _("1: an internal error shows its traceback.")),
    ]
