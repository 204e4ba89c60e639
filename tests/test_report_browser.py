"""The HTML report in a real browser: headless Chromium (Debian's `chromium`, with
`fonts-noto-cjk` for the Chinese; `.ci/run` installs both).

Chromium loads each page from a file, as a leader opening a mailed report would. Three kinds of
run: `--screenshot` (what is drawn), `--dump-dom` (the text the page holds), and `--dump-dom` of
a copy with a measuring script added at its end (where each chart is laid out, how wide the page
is). The report itself has no script; the measuring copy is the test's, never the user's.

The March 2024 page rendered here is kept as `report-march-2024.png` in pytest's base temporary
folder (`--basetemp`), for a person to look at.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Run, put_in_store
from PIL import Image, ImageChops
from test_report import QUARTER, replay

from lianta_cli.report_html import browser, headless_options

BROWSER = browser()
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no chromium on PATH (.ci/run installs Debian's chromium)"
)
LATER = "2025-06-01"
DESKTOP, PHONE = 1200, 390

MEASURE = """<script>
const box = (e) => { const r = e.getBoundingClientRect();
  return {id: e.id, x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}; };
document.body.setAttribute("data-measured", JSON.stringify({
  charts: [...document.querySelectorAll("figure.chart")].map(box),
  svgs: [...document.querySelectorAll("figure.chart svg")].map(box),
  scripts: document.scripts.length,
  viewport: innerWidth,
  scrollWidth: document.documentElement.scrollWidth,
  height: document.documentElement.scrollHeight,
  glyphs: [0, 1].map((i) => { const range = document.createRange();
    range.setStart(document.querySelector("h1").firstChild, i);
    range.setEnd(document.querySelector("h1").firstChild, i + 1);
    const r = range.getBoundingClientRect();
    return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}; }),
}));
</script>"""


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    command = [BROWSER, *headless_options(str(profile)), "--hide-scrollbars", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def dump_dom(page: Path, width: int = DESKTOP, *extra: str) -> str:
    profile = page.parent / f"profile-{page.stem}-{width}"
    return chromium(
        profile, f"--window-size={width},900", *extra, "--dump-dom", page.as_uri()
    ).stdout


def measure(page: Path, width: int) -> dict[str, Any]:
    """Where the page lays out its charts at `width`, and how wide and tall it is."""
    copy = page.with_name(f"{page.stem}-measured.html")
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"))
    dom = dump_dom(copy, width)
    found = re.search(r'data-measured="([^"]*)"', dom)
    assert found, dom[-2000:]
    data: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return data


def screenshot(page: Path, width: int, height: int, target: Path) -> Image.Image:
    profile = page.parent / f"profile-shot-{width}"
    chromium(profile, f"--window-size={width},{height}", f"--screenshot={target}", page.as_uri())
    return Image.open(target).convert("RGB")


def inked(image: Image.Image) -> float:
    """The share of pixels that are not (nearly) white."""
    grey = image.convert("L")
    histogram = grey.histogram()
    return 1 - sum(histogram[245:]) / (grey.width * grey.height)


def text_of(dom: str) -> str:
    body = re.sub(r"<style>.*?</style>", " ", dom, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


@pytest.fixture(scope="module")
def march(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The March 2024 report of the replayed quarter, as HTML and as JSON, in English."""
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "lianta.json"
    replay(db, QUARTER)
    from typer.testing import CliRunner

    from lianta_cli.cli import app

    env = {"LIANTA_DB": str(db), "LIANTA_NOW": LATER, "LIANTA_LANG": "en"}
    runner = CliRunner()
    page = folder / "march.html"
    made = runner.invoke(
        app, ["report", "--month", "2024-03", "-f", "html", "-o", str(page)], env=env
    )
    assert made.exit_code == 0, made.stderr
    data = runner.invoke(app, ["report", "--month", "2024-03", "-f", "json"], env=env).stdout
    yield {"page": page, "json": json.loads(data), "folder": folder}


def test_the_march_page_draws_every_chart(march: dict[str, Any]) -> None:
    page: Path = march["page"]
    layout = measure(page, DESKTOP)
    assert layout["scripts"] == 1  # the measuring script; the report has none
    assert [c["id"] for c in layout["charts"]] == [
        "chart-burnup",
        "chart-index-progress",
        "chart-status",
        "chart-units",
    ]
    shot = screenshot(page, DESKTOP, int(layout["height"]) + 20, page.with_suffix(".png"))
    shutil.copyfile(page.with_suffix(".png"), page.parents[1] / "report-march-2024.png")
    assert inked(shot) > 0.05  # not a blank page
    for chart in layout["charts"]:
        assert chart["width"] > 300 and chart["height"] > 60, chart
        area = shot.crop(
            (
                int(chart["x"]),
                int(chart["y"]),
                int(chart["x"] + chart["width"]),
                int(chart["y"] + chart["height"]),
            )
        )
        assert inked(area) > 0.03, chart  # drawn, not an empty box
    for svg in layout["svgs"]:
        assert svg["width"] > 0 and svg["height"] > 0, svg


def test_the_headline_and_the_indices_are_text_in_the_page(march: dict[str, Any]) -> None:
    text = text_of(dump_dom(march["page"]))
    facts = march["json"]["headline"]
    assert f"By 2024-03-31, {facts['done']} of {facts['tasks']} tasks are done" in text
    for entry in facts["completed"][:3]:
        assert f"{entry['id']} {entry['title_en']}" in text
    for index in march["json"]["indices"]:
        assert f"{index['index']} {index['name_en']}" in text


def test_the_chinese_page_is_drawn_with_a_chinese_font(
    march: dict[str, Any], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from lianta_cli.cli import app

    db = march["folder"] / "lianta.json"
    env = {"LIANTA_DB": str(db), "LIANTA_NOW": LATER, "LIANTA_LANG": "zh"}
    page = tmp_path / "march-zh.html"
    made = CliRunner().invoke(
        app, ["report", "--month", "2024-03", "-f", "html", "-o", str(page)], env=env
    )
    assert made.exit_code == 0, made.stderr
    text = text_of(dump_dom(page))
    assert "月度报告 2024-03" in text and "产业经济发展指数" in text
    # With no CJK font every Chinese character is drawn as the same empty box: the title's
    # first two characters (月, 度) must be drawn, and drawn differently.
    layout = measure(page, PHONE)
    assert layout["scrollWidth"] <= layout["viewport"]
    shot = screenshot(page, PHONE, 200, tmp_path / "zh.png")
    width = int(min(g["width"] for g in layout["glyphs"]))
    height = int(min(g["height"] for g in layout["glyphs"]))
    first, second = (
        shot.crop((round(g["x"]), round(g["y"]), round(g["x"]) + width, round(g["y"]) + height))
        for g in layout["glyphs"]
    )
    assert inked(first) > 0.05 and inked(second) > 0.05
    assert ImageChops.difference(first, second).getbbox() is not None


class Recorder:
    """A TCP port that notes every connection made to it: the proxy every request goes to."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.requests: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _address = self.server.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(2)
                try:
                    self.requests.append(connection.recv(4096))
                except OSError:
                    self.requests.append(b"")

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    found = Recorder()
    yield found
    found.close()


BROWSER_OWN = ("update.googleapis.com", "accounts.google.com", "clients2.google.com")
"""Where Chromium itself goes whatever page it shows (its updates, its clock, its accounts),
even with --disable-background-networking: these are sent nowhere, every other request to the
recorder."""


def test_the_page_makes_no_request(
    march: dict[str, Any], recorder: Recorder, tmp_path: Path
) -> None:
    """Every request Chromium would make for a page goes to the recording proxy (none bypasses
    it, not even to this machine): the report makes none, and a page that loads an image does."""
    proxy = [
        f"--proxy-server=http://127.0.0.1:{recorder.port}",
        "--proxy-bypass-list=<-loopback>;" + ";".join(BROWSER_OWN),
        "--host-resolver-rules=" + ", ".join(f"MAP {host} ~NOTFOUND" for host in BROWSER_OWN),
        "--virtual-time-budget=3000",
    ]
    dump_dom(march["page"], DESKTOP, *proxy)
    assert recorder.requests == []
    control = tmp_path / "control.html"
    control.write_text(
        '<p>x</p><img src="http://example.com/logo.png">'
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Noto+Sans+SC">',
        encoding="utf-8",
    )
    dump_dom(control, DESKTOP, *proxy)
    seen = b"".join(recorder.requests)
    assert b"example.com" in seen and b"fonts.googleapis.com" in seen, recorder.requests


def test_hostile_text_is_text_and_keeps_the_layout(
    run: Run, store_path: Path, tmp_path: Path
) -> None:
    now = "2024-05-07T10:00"
    long_word = "莲" * 30 + "x" * 300
    rtl = "مرحبا بالعالم שלום עולם"
    assert run("assign", "1.1", "--to", "<b>王伟</b>", "--unit", "XLONGX", now=now).exit_code == 0
    assert run("assign", "1.2", "--to", rtl, "--unit", "<i>办</i>", now=now).exit_code == 0
    note = "<script>document.title='owned'</script><img src=x onerror=alert(2)> " + rtl
    assert run("update", "1.1", "-s", "blocked", "--note", note, now=now).exit_code == 0
    assert run("note", "1.2", long_word, now=now).exit_code == 0
    put_in_store(store_path, "XLONGX", long_word)  # longer than a name may be: an old store
    page = tmp_path / "hostile.html"
    made = run("report", "--week", "2024-W19", "-f", "html", "-o", str(page), now=now)
    assert made.exit_code == 0, made.stderr
    dom = dump_dom(page)
    assert "<title>Weekly report 2024-W19</title>" in dom  # the note's script did not run
    text = text_of(dom)
    assert "<script>document.title='owned'</script><img src=x onerror=alert(2)>" in text
    assert rtl in text and long_word in text
    for width in (DESKTOP, PHONE):
        layout = measure(page, width)
        assert layout["scripts"] == 1
        assert layout["scrollWidth"] <= layout["viewport"], (width, layout)
        for chart in layout["charts"]:
            assert chart["x"] >= 0 and chart["x"] + chart["width"] <= layout["viewport"] + 1


def test_pdf_is_the_page_printed_on_a4(march: dict[str, Any]) -> None:
    from typer.testing import CliRunner

    from lianta_cli.cli import app

    target = march["folder"] / "march.pdf"
    env = {"LIANTA_DB": str(march["folder"] / "lianta.json"), "LIANTA_NOW": LATER}
    made = CliRunner().invoke(
        app, ["report", "--month", "2024-03", "-f", "pdf", "-o", str(target)], env=env
    )
    assert made.exit_code == 0, made.stderr
    assert made.stderr == f"wrote {target}\n"
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF-")
    sizes = {
        (round(float(w)), round(float(h)))
        for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    }
    assert sizes == {(595, 842)}  # A4 in points
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 4  # a page per section at least


def _launcher(folder: Path, name: str) -> Path:
    """An executable called `name` that starts the real Chromium (whose Debian start script
    wants the usual PATH), as Edge or Chrome would be found under that name."""
    assert BROWSER is not None
    folder.mkdir(parents=True, exist_ok=True)
    launcher = folder / name
    launcher.write_text(f'#!/bin/sh\nPATH=/usr/bin:/bin exec "{BROWSER}" "$@"\n', encoding="utf-8")
    launcher.chmod(0o755)
    return launcher


def _pdf_with(march: dict[str, Any], target: Path, **env: str) -> None:
    from typer.testing import CliRunner

    from lianta_cli.cli import app

    env = {"LIANTA_DB": str(march["folder"] / "lianta.json"), "LIANTA_NOW": LATER, **env}
    made = CliRunner().invoke(
        app, ["report", "--month", "2024-03", "-f", "pdf", "-o", str(target)], env=env
    )
    assert made.exit_code == 0, made.stderr
    assert target.read_bytes().startswith(b"%PDF-")


def test_pdf_finds_edge_where_windows_installs_it(march: dict[str, Any], tmp_path: Path) -> None:
    programs = tmp_path / "Program Files (x86)"
    _launcher(programs / "Microsoft" / "Edge" / "Application", "msedge.exe")
    empty = tmp_path / "bin"
    empty.mkdir()
    _pdf_with(march, tmp_path / "edge.pdf", PATH=str(empty), **{"PROGRAMFILES(X86)": str(programs)})


def test_lianta_browser_names_the_browser_to_print_with(
    march: dict[str, Any], tmp_path: Path
) -> None:
    launcher = _launcher(tmp_path / "apps", "my-browser")
    empty = tmp_path / "bin"
    empty.mkdir()
    _pdf_with(march, tmp_path / "named.pdf", PATH=str(empty), LIANTA_BROWSER=str(launcher))
