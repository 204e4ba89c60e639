"""Hostile text from a plan file, a note or a name is shown as text, never run by the terminal,
a spreadsheet or the YAML loader.

lianta refuses control characters and direction overrides as input (tests/test_input_policy.py),
but a store written by an earlier version may hold them: the store here is made through the
command line with stand-ins, which are then replaced in the file by the hostile text, in tasks
and history alike."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import typer
from helpers_robust import call_cli

from lianta_cli.cli import app
from lianta_cli.freetext import HIDDEN

ROOT = Path(__file__).resolve().parent.parent
PLAN_2024 = ROOT / "plans" / "2024.yaml"

MARKUP = "[red]x[/] [link=https://evil]click[/link]"
TITLE = MARKUP + " \u202eevil\u202c"
NAME = "[b]Bob[/b]\u202e\u009b31m"
UNIT = "[link=https://evil]u[/link]"
NOTE = (
    "\x1b[2J\x1b]8;;http://x\x07click\x1b]8;;\x07 [red]x[/] \u202eevil\u202c "
    "\x07\x08\r\x7f\u009b\x1b[31m end"
)
HTML = (
    "<img src=x onerror=alert(1)> [click](javascript:alert(1)) "
    "![pixel](http://evil.example/p.png) <script>x</script> \u200b\u2028\u00ad end"
)
FORMULAS = ('=HYPERLINK("http://evil";"x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)")

SGR = re.compile(r"\x1b\[[0-9;]*m")
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _reports() -> list[list[str]]:
    names = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    calls = []
    if "summary" in names:
        calls.append(["summary"])
    if "report" in names:
        calls.append(["report", "weekly", "--week", "2024-W10"])
    return calls


def _hostile_plan(folder: Path) -> Path:
    """The 2024 plan with markup in an index name, and stand-ins for the title and its English
    (the plan reader refuses hidden characters; `_planted` puts them into the store)."""
    text = PLAN_2024.read_text(encoding="utf-8")
    replacements = {
        "        title: 推动打造行业产业园区\n": "        title: STANDIN-TITLE-ZH\n",
        "        title_en: Build industry-specific industrial parks\n": (
            "        title_en: STANDIN-TITLE-EN\n"
        ),
        "    name_en: Industrial and economic development\n": (
            f"    name_en: {json.dumps(MARKUP + ' industry')}\n"
        ),
    }
    for old, new in replacements.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = folder / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


PLANTED = {
    "STANDIN-TITLE-ZH": TITLE + " 园区",
    "STANDIN-TITLE-EN": TITLE + " parks",
    "STANDIN-NAME": NAME,
    "STANDIN-UNIT": UNIT,
    "STANDIN-NOTE": NOTE,
    "STANDIN-FORMULA-TO": FORMULAS[0],
    "STANDIN-FORMULA-UNIT": FORMULAS[1],
    "STANDIN-FORMULA-NOTE": FORMULAS[2],
    "STANDIN-FORMULA-LAST": FORMULAS[3],
    "STANDIN-HTML": HTML,
}
"""Text lianta refuses as input (`freetext`), put into a store as a hand edit would: every
stand-in is replaced wherever it is stored (tasks, notes, history), so the store stays whole."""


def _planted(store: Path) -> None:
    raw = store.read_text(encoding="utf-8")
    for standin, text in PLANTED.items():
        raw = raw.replace(json.dumps(standin), json.dumps(text, ensure_ascii=False))
        raw = raw.replace(json.dumps("second " + standin), json.dumps("second " + text))
    store.write_text(raw, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("hostile")
    env = {
        "LIANTA_DB": str(folder / "store.json"),
        "LIANTA_NOW": "2024-03-06T10:00:00",
        "LIANTA_USER": "[i]mallory[/i]",
        "LIANTA_LANG": "en",
        "COLUMNS": "400",
    }
    steps = [
        ["load", str(_hostile_plan(folder))],
        ["assign", "1.1", "--to", "STANDIN-NAME", "--unit", "STANDIN-UNIT"],
        ["update", "1.1", "--status", "blocked", "--note", "STANDIN-NOTE"],
        ["note", "1.1", "second STANDIN-NOTE"],
        ["assign", "1.2", "--to", "STANDIN-FORMULA-TO", "--unit", "STANDIN-FORMULA-UNIT"],
        ["update", "1.2", "--progress", "40", "--note", "STANDIN-FORMULA-NOTE"],
        ["note", "1.2", "STANDIN-FORMULA-LAST"],
        ["note", "2.3", "STANDIN-HTML"],
    ]
    for args in steps:
        code, _out, err = call_cli(args, env)
        assert code == 0, (args, err)
    _planted(Path(env["LIANTA_DB"]))
    return env


def assert_inert(output: str, *, rich: bool) -> None:
    """No control character, C1 code or direction override reaches the output (Rich may only
    add its own colour codes)."""
    text = SGR.sub("", output) if rich else output
    assert "\x1b" not in text, "an escape sequence other than a colour reached the output"
    bad = [
        f"U+{ord(c):04X}"
        for c in text
        if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F or c in BIDI
    ]
    assert not bad, bad


VIEWS = [
    ["list"],
    ["list", "--format", "md"],
    ["show", "1.1"],
    ["history"],
    ["history", "1.1", "--format", "md"],
]


@pytest.mark.parametrize("rich", [False, True], ids=["piped", "rich"])
@pytest.mark.parametrize("args", VIEWS + _reports(), ids=" ".join)
def test_hostile_text_is_shown_as_text(
    hostile_store: dict[str, str], args: list[str], rich: bool
) -> None:
    env = {**hostile_store, "LIANTA_RICH": "1" if rich else "0"}
    code, out, err = call_cli(args, env)
    assert code == 0, err
    assert_inert(out, rich=rich)
    assert_inert(err, rich=False)
    plain = SGR.sub("", out)
    if "md" in args or args[0] == "report":  # Markdown escapes backslashes and brackets
        plain = plain.replace("\\\\", "\\").replace("\\[", "[").replace("\\]", "]")
    shows = {
        "summary": ["index"],
        "list": ["title", "name"],
        "show": ["title", "name", "note"],
        "history": ["name", "note"],
        "report": ["title", "name", "note"],
    }[args[0]]
    expected = {
        "index": [MARKUP + " industry"],
        "title": [MARKUP + " \\u202eevil\\u202c parks"],
        "name": ["[b]Bob[/b]\\u202e\\x9b31m"],
        "note": ["\\x1b[2J\\x1b]8;;http://x\\x07click\\x1b]8;;\\x07 [red]x[/] \\u202eevil"],
    }
    for what in shows:
        for text in expected[what]:
            assert text in plain, (what, text)


@pytest.mark.parametrize("args", [["list"], ["history"], ["show", "1.1"]], ids=" ".join)
def test_rich_tables_carry_no_hyperlink_or_screen_codes(
    hostile_store: dict[str, str], args: list[str]
) -> None:
    code, out, _err = call_cli(args, {**hostile_store, "LIANTA_RICH": "1"})
    assert code == 0
    assert "\x1b]8;" not in out and "\x1b[2J" not in out and "\x07" not in out


MARKDOWN = [
    ["history", "--format", "md"],
    ["list", "--format", "md"],
    *([*call, "--format", "md"] for call in _reports()),
]


@pytest.mark.parametrize("args", MARKDOWN, ids=" ".join)
def test_markdown_opens_no_html_link_or_image(
    hostile_store: dict[str, str], args: list[str]
) -> None:
    code, out, err = call_cli(args, hostile_store)
    assert code == 0, err
    for opening in ("<img", "<script", "![", "[click]("):
        assert opening not in out, opening
    assert not re.search(r"(?<!\\)\]\(", out), "a link or an image opens"
    assert not HIDDEN.search(out)
    if args[0] in ("history", "report"):  # where the notes are
        assert "&lt;img src=x onerror=alert(1)&gt; \\[click\\](javascript:alert(1))" in out


@pytest.mark.parametrize(
    "args",
    [["list", "--format", "csv"], ["history", "--format", "csv"]],
    ids=" ".join,
)
def test_csv_carries_no_hidden_character(hostile_store: dict[str, str], args: list[str]) -> None:
    code, out, err = call_cli(args, hostile_store)
    assert code == 0, err
    assert not HIDDEN.search(out), HIDDEN.findall(out)
    assert "\\u202e" in out  # shown, not dropped


HIDDEN_CHARACTERS = {
    "escape": "\x1b[2J",
    "bell": "\x07",
    "carriage return": "a\rb",
    "C1 control": "\x9b31m",
    "direction override": "\u202eevil",
    "direction isolate": "\u2066x\u2069",
    "zero-width space": "\u200b",
    "zero-width joiner": "a\u200db",
    "line separator": "a\u2028b",
    "byte order mark": "\ufeffx",
    "soft hyphen": "a\u00adb",
}


@pytest.mark.parametrize("text", HIDDEN_CHARACTERS.values(), ids=HIDDEN_CHARACTERS.keys())
def test_free_text_with_a_hidden_character_is_refused_everywhere(tmp_path: Path, text: str) -> None:
    store = tmp_path / "store.json"
    env = {"LIANTA_DB": str(store), "LIANTA_USER": "tester", "LIANTA_LANG": "en"}
    assert call_cli(["load"], env)[0] == 0
    before = store.read_bytes()
    for args, extra in (
        (["assign", "1.1", "--to", "王" + text], {}),
        (["assign", "1.1", "--to", "王芳", "--unit", text + "办"], {}),
        (["note", "1.1", "进展 " + text], {}),
        (["update", "1.1", "--progress", "5", "--note", text + " 进展"], {}),
        (["list"], {"LIANTA_USER": "王" + text}),
    ):
        code, out, err = call_cli(args, {**env, **extra})
        assert code == 2, (args, err)
        assert out == "" and len(err.splitlines()) == 1, err
        assert "U+" in err
        assert_inert(err, rich=False)
    assert store.read_bytes() == before


def test_a_note_may_have_several_lines(tmp_path: Path) -> None:
    env = {"LIANTA_DB": str(tmp_path / "store.json"), "LIANTA_USER": "tester"}
    assert call_cli(["load"], env)[0] == 0
    assert call_cli(["note", "1.1", "第一行\r\n第二行\t完"], env)[0] == 0
    _code, out, _err = call_cli(["show", "1.1", "--format", "json"], env)
    assert json.loads(out)["notes"][0]["text"] == "第一行\n第二行\t完"


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--format", "csv"],
        ["history", "--format", "csv"],
        *([*call, "--format", "csv"] for call in _reports()),
    ],
    ids=" ".join,
)
def test_csv_cells_never_start_a_formula(hostile_store: dict[str, str], args: list[str]) -> None:
    code, out, err = call_cli(args, hostile_store)
    assert code == 0, err
    cells = [cell for row in csv.reader(io.StringIO(out, newline="")) for cell in row]
    risky = [
        cell
        for cell in cells
        if cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        and not re.fullmatch(r"-\d+(\.\d+)?", cell)  # a negative number (a lag) is a number
    ]
    assert not risky, risky
    if args[0] in ("list", "history"):
        for formula in FORMULAS[:2]:
            assert "'" + formula in cells, formula  # kept, made inert


def test_csv_quotes_a_note_with_a_carriage_return(hostile_store: dict[str, str]) -> None:
    code, out, _err = call_cli(["history", "1.1", "--format", "csv"], hostile_store)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out, newline="")))
    notes = [row for row in rows if "note" in row]
    assert notes and all(len(row) == len(rows[0]) for row in rows)


def test_json_keeps_the_text_exactly_and_escapes_controls(hostile_store: dict[str, str]) -> None:
    code, out, _err = call_cli(["show", "1.1", "--format", "json"], hostile_store)
    assert code == 0
    assert not any(ord(c) < 0x20 and c != "\n" for c in out)  # JSON escapes C0 itself
    task = json.loads(out)
    assert task["title_en"] == TITLE + " parks"
    assert task["assignee"] == NAME
    assert [n["text"] for n in task["notes"]] == [NOTE.strip(), "second " + NOTE.strip()]


def test_error_messages_echo_hostile_values_as_text(hostile_store: dict[str, str]) -> None:
    for args in (
        ["list", "--status", "\x1b[2Jdone\nmore"],  # a writing command refuses this store
        ["list", "--index", "\x1b]8;;http://x\x07"],
        ["show", "\u202e1.1\x1b[31m"],
    ):
        code, out, err = call_cli(args, hostile_store)
        assert code == 2
        assert out == ""
        assert len(err.splitlines()) == 1, err
        assert_inert(err, rich=False)


TAGS = [
    '!!python/object/apply:os.system ["touch {marker}"]',
    '!!python/object/new:subprocess.Popen [["touch", "{marker}"]]',
    "!!python/name:os.system",
    "!!python/module:os",
    '!custom "x"',
]


@pytest.mark.parametrize("tag", TAGS, ids=lambda t: t.split()[0])
def test_yaml_tags_that_build_objects_are_refused(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "PWNED"
    text = PLAN_2024.read_text(encoding="utf-8")
    old = "        title: 推动打造行业产业园区\n"
    plan = tmp_path / "evil.yaml"
    plan.write_text(text.replace(old, f"        title: {tag.format(marker=marker)}\n"))
    store = tmp_path / "store.json"
    env = {"LIANTA_DB": str(store), "LIANTA_LANG": "en"}
    for args in (["validate", str(plan)], ["load", str(plan)], ["load", "--dry-run", str(plan)]):
        code, _out, err = call_cli(args, env)
        assert code == 2, (args, err)
        assert "Traceback" not in err
        assert f"{plan}:" in err and "not allowed" in err, err
    assert not marker.exists()
    assert not store.exists()  # nothing was loaded
