"""The HTML report in a real headless Chromium: it renders, offline, with no errors, and reads at
phone and desktop widths.

Chromium comes from the distribution (`apt-get install -y chromium`; `.ci/run` installs it). The
tests never install it: without /usr/bin/chromium (or chromium on PATH) they are skipped with the
reason. Any network request the page would make is caught by pointing Chromium at a local
"proxy" that only records connections; a control page with a remote image and a console error
proves both detectors work.

Full-page screenshots of the demo listener's report at 390 px (a phone) and 1280 px (a laptop),
and at 390 px in dark mode, are written to tests/artifacts/ (or $YAWYAS_TEST_ARTIFACTS) for
people to look at: report-390.png, report-1280.png, report-390-dark.png, with report.html.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.browserkit import SKIP_REASON, Browser, decode_png, find_chromium
from tests.test_report import HOSTILE_ARTIST, make_store, sample_moments
from yawyas.analysis.clock import build_local_times
from yawyas.analysis.moments.fit import fit_moments
from yawyas.analysis.moments.types import to_document
from yawyas.demo import generate_history, write_export
from yawyas.reports.document import build_report, write_report
from yawyas.reports.summary import build_profile
from yawyas.services import ingest
from yawyas.store.cache import load_history
from yawyas.store.db import connect
from yawyas.store.library import load_inferences
from yawyas.store.spotify import load_playlist_memberships
from yawyas.store.streams import load_streams

pytestmark = pytest.mark.timeout(600)

ARTIFACTS = Path(os.environ.get("YAWYAS_TEST_ARTIFACTS", Path(__file__).parent / "artifacts"))
# Chromium asks these by itself, even for an empty page (sign-in, search preconnect, network
# time), whatever the flags; a request anywhere else came from the page.
# Chromium's own services, which it may call at any moment whatever the flags (its component
# updater does even with --disable-component-update): never the page's requests.
CHROMIUM_OWN_HOSTS = frozenset(
    {
        "accounts.google.com",
        "www.google.com",
        "clients2.google.com",
        "update.googleapis.com",
        "redirector.gvt1.com",
        "edgedl.me.gvt1.com",
    }
)
URL_REFERENCE = re.compile(
    r"""(?:src|href|xlink:href|action|srcset)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""",
    re.IGNORECASE,
)

# The elements of the page (outside boxes that scroll sideways) that stick out of the window.
STICKING_OUT = (
    "[...document.querySelectorAll('body *')].filter(e => {"
    " const r = e.getBoundingClientRect(), box = e.closest('.scroll');"
    " const width = document.documentElement.clientWidth;"
    " return !box && (r.right > width + 0.5 || r.left < -0.5); })"
    ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
)


class ConnectionRecorder:
    """A TCP listener on 127.0.0.1 that counts connections (used as Chromium's proxy)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.requests.append(conn.recv(4096).split(b"\r\n", 1)[0])
                except OSError:
                    self.requests.append(b"(no request line)")

    def page_hosts(self) -> list[str]:
        """Hosts asked for, except Chromium's own services (see CHROMIUM_OWN_HOSTS)."""
        hosts = []
        for line in self.requests:
            parts = line.decode(errors="replace").split()
            if len(parts) < 2:
                continue  # a connection that sent nothing
            target = parts[1].split("://", 1)[-1]
            host = target.split("/", 1)[0].rsplit(":", 1)[0]
            if host not in CHROMIUM_OWN_HOSTS:
                hosts.append(host)
        return hosts

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        pytest.skip(SKIP_REASON)
    return found


@pytest.fixture
def recorder() -> Iterator[ConnectionRecorder]:
    rec = ConnectionRecorder()
    yield rec
    rec.close()


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the demo listener with hostile names, and moments naming them."""
    folder = tmp_path_factory.mktemp("browser")
    conn = connect(make_store(folder))
    profile = build_profile(load_history(conn), tz="Europe/Madrid")
    doc = build_report(profile, moments=sample_moments(), inferences=load_inferences(conn))
    conn.close()
    page = folder / "report.html"
    write_report(doc, page)
    return page


@pytest.fixture(scope="module")
def showcase_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the demo listener over 3 years with the moments learned from them, as
    `yawyas report` writes it: the page the screenshots show."""
    folder = tmp_path_factory.mktemp("showcase")
    write_export(generate_history("default"), folder / "export")
    conn = connect(folder / "yawyas.db")
    ingest.import_paths(conn, [folder / "export"])
    streams = load_streams(conn)
    learned = fit_moments(
        streams, build_local_times(streams, "Europe/Madrid"), load_playlist_memberships(conn)
    )
    profile = build_profile(load_history(conn), tz="Europe/Madrid")
    doc = build_report(
        profile,
        moments=[to_document(m) for m in learned.moments],
        inferences=load_inferences(conn),
    )
    conn.close()
    page = folder / "report.html"
    write_report(doc, page)
    return page


def test_the_html_report_references_nothing_outside_itself(report_page: Path) -> None:
    text = report_page.read_text("utf-8")
    assert URL_REFERENCE.search(text) is None
    assert "<script" not in text.lower()
    assert "http://" not in text
    assert "https://" not in text
    assert "<link" not in text.lower()
    assert URL_REFERENCE.search('<img src="https://x.invalid/a.png">')  # the check can fail
    assert URL_REFERENCE.search("background:url( //x.invalid/a.png)")


def _messages(browser: Browser) -> list[str]:
    texts = []
    for event in browser.console_messages():
        params: dict[str, Any] = event.get("params", {})
        args = params.get("args") or [params.get("exceptionDetails", {})]
        texts.append(" ".join(str(a.get("value", a.get("text", ""))) for a in args))
    return texts


def test_the_html_report_renders_offline_in_chromium(
    chromium: str, report_page: Path, recorder: ConnectionRecorder, tmp_path: Path
) -> None:
    # The control page: a remote image and a console error must both be seen.
    control = tmp_path / "control.html"
    control.write_text(
        '<!DOCTYPE html><html><body><p>control</p><img src="http://example.invalid/x.png">'
        '<script>console.error("control-error")</script></body></html>',
        encoding="utf-8",
    )
    with Browser(chromium, tmp_path / "profile", proxy_port=recorder.port) as browser:
        browser.open(control, 1000)
        assert browser.evaluate("document.body.innerText") == "control"
        assert any("control-error" in m for m in _messages(browser)), browser.events
        assert "example.invalid" in recorder.page_hosts(), recorder.requests
        recorder.requests.clear()

        browser.open(report_page, 1280)
        dom = browser.evaluate("document.documentElement.outerHTML")
        assert "Listening clock" in dom
        # week, month, days, clock, top artists, kinds, discovery, devices, 2 years of taste
        assert dom.count("<svg") == 10
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
        assert HOSTILE_ARTIST not in dom
        assert _messages(browser) == []
    assert recorder.page_hosts() == []


def test_the_overflow_checks_can_fail(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "wide.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width">'
        '</head><body><main><div class="wide" style="width:600px">wide</div>'
        '<div class="scroll" style="overflow-x:auto"><table style="width:900px"><tr><td>ok'
        "</td></tr></table></div></main></body></html>",
        encoding="utf-8",
    )
    with Browser(chromium, tmp_path / "profile") as browser:
        browser.open(page, 390, 844, mobile=True)
        scroll_width, client_width = browser.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert (client_width, scroll_width) == (390, 608)  # 600 px and the body's margins
        assert browser.evaluate(STICKING_OUT) == ["DIV.wide"]  # not the table that scrolls


def _blankness(png: bytes) -> tuple[float, int]:
    """(share of pixels not of the commonest colour, number of distinct colours)."""
    pixels = decode_png(png)
    rgb = pixels[:, :, :3].reshape(-1, 3).astype(np.int64) @ np.array([65536, 256, 1])
    background = np.bincount(rgb).argmax()
    return float((rgb != background).mean()), len(np.unique(rgb))


@pytest.mark.parametrize(
    ("width", "dark"), [(390, False), (1280, False), (390, True)], ids=["phone", "desktop", "dark"]
)
def test_screenshots_at_phone_and_desktop_widths(
    chromium: str,
    showcase_page: Path,
    recorder: ConnectionRecorder,
    tmp_path: Path,
    width: int,
    dark: bool,
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(showcase_page, ARTIFACTS / "report.html")
    target = ARTIFACTS / f"report-{width}{'-dark' if dark else ''}.png"
    mobile = width < 600
    with Browser(chromium, tmp_path / "profile", proxy_port=recorder.port) as browser:
        if dark:
            browser.page(
                "Emulation.setEmulatedMedia",
                features=[{"name": "prefers-color-scheme", "value": "dark"}],
            )
        browser.open(showcase_page, width, 844 if mobile else 900, mobile=mobile)
        scroll_width, client_width, height = browser.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
            " document.documentElement.scrollHeight]"
        )
        # Nothing sticks out sideways: wide tables scroll inside their own box.
        assert client_width == width
        assert scroll_width <= client_width, f"the page is {scroll_width} px wide at {width} px"
        wider = browser.evaluate(STICKING_OUT)
        assert wider == [], wider
        shot = browser.page(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            optimizeForSpeed=True,
            clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        )
        assert _messages(browser) == []
    png = base64.b64decode(shot["data"])
    target.write_bytes(png)
    pixels = decode_png(png)
    assert pixels.shape[1] == width
    assert pixels.shape[0] == height > 3000  # the whole page, not one screen
    drawn, colours = _blankness(png)
    assert drawn > 0.08, f"{target.name} is almost blank ({drawn:.1%} drawn)"
    assert colours > 200  # text, charts in several colours, heatmap greens
    if dark:
        top = pixels[: height // 4, :, :3].reshape(-1, 3).mean(axis=0)
        assert top.mean() < 80, f"the dark page is light ({top})"
    assert recorder.page_hosts() == []
