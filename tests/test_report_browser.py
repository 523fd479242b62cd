"""The HTML report in a real headless Chromium: it renders, offline, with no errors.

Chromium comes from the distribution (`apt-get install -y chromium`); the test installs it when
missing and it can (root with apt-get), and is skipped with the reason otherwise. Any network
request the page would make is caught by pointing Chromium at a local "proxy" that only records
connections; a control page with a remote image and a console error proves both detectors work.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import struct
import subprocess
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.test_report import HOSTILE_ARTIST, make_store, sample_moments
from yawyas.reports.document import build_report, write_report
from yawyas.reports.summary import build_profile
from yawyas.store.cache import load_history
from yawyas.store.db import connect
from yawyas.store.library import load_inferences

pytestmark = pytest.mark.timeout(600)

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=MediaRouter,OptimizationHints,NetworkTimeServiceQuerying,Translate,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--safebrowsing-disable-auto-update",
    "--no-pings",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--enable-logging=stderr",
    "--v=0",
)
# Chromium asks these by itself, even for an empty page (sign-in, search preconnect, network
# time), whatever the flags; a request anywhere else came from the page.
CHROMIUM_OWN_HOSTS = frozenset({"accounts.google.com", "www.google.com", "clients2.google.com"})
URL_REFERENCE = re.compile(
    r"""(?:src|href|xlink:href|action|srcset)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""",
    re.IGNORECASE,
)


def find_chromium() -> str:
    """The Chromium binary, installed from the distribution's packages if missing and possible."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("YAWYAS_NO_BROWSER_INSTALL"):
        pytest.skip("Chromium is not installed and YAWYAS_NO_BROWSER_INSTALL is set")
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("Chromium is not installed; as root with apt-get: apt-get install -y chromium")
    try:
        subprocess.run(
            ["apt-get", "install", "-y", "--no-install-recommends", "chromium"],
            capture_output=True,
            check=True,
            timeout=540,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"Chromium is not installed and `apt-get install -y chromium` failed: {exc}")
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("`apt-get install -y chromium` gave no chromium binary")
    return found


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
    return find_chromium()


@pytest.fixture
def recorder() -> Iterator[ConnectionRecorder]:
    rec = ConnectionRecorder()
    yield rec
    rec.close()


def run_chromium(
    binary: str, page: Path, profile_dir: Path, proxy_port: int, *extra: str
) -> subprocess.CompletedProcess[str]:
    """One headless run on `page`, every request sent to the recorder, logs on stderr."""
    args = [
        binary,
        *FLAGS,
        f"--user-data-dir={profile_dir}",
        f"--proxy-server=http://127.0.0.1:{proxy_port}",
        "--proxy-bypass-list=<-loopback>",
        *extra,
        page.as_uri(),
    ]
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


def console_messages(stderr: str) -> list[str]:
    """Console messages of the page as Chromium logs them (`CONSOLE(line)] "..."`)."""
    return [line for line in stderr.splitlines() if "CONSOLE" in line]


def decode_png(data: bytes) -> np.ndarray:
    """An 8-bit RGB/RGBA PNG (as Chromium writes) as an array of rows x columns x channels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, bytearray(), b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
    width, height, depth, color = struct.unpack(">IIBB", header[:10])
    assert depth == 8
    assert color in (2, 6)
    bpp = 3 if color == 2 else 4
    stride = width * bpp
    raw = np.frombuffer(zlib.decompress(bytes(idat)), dtype=np.uint8).reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.uint8)
    prior = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        if kind == 0:
            row = line
        elif kind == 2:
            row = (line + prior) % 256
        elif kind == 1:
            # recon[x] = filt[x] + recon[x - bpp]: a running sum per channel
            row = np.cumsum(line.reshape(-1, bpp), axis=0).reshape(-1) % 256
        else:
            row = np.zeros(stride, dtype=np.int32)
            for x in range(stride):
                left = int(row[x - bpp]) if x >= bpp else 0
                up = int(prior[x])
                if kind == 3:
                    row[x] = (line[x] + (left + up) // 2) % 256
                else:
                    upleft = int(prior[x - bpp]) if x >= bpp else 0
                    p = left + up - upleft
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
                    pred = left if pa <= pb and pa <= pc else (up if pb <= pc else upleft)
                    row[x] = (line[x] + pred) % 256
        out[y] = row
        prior = row
    return out.reshape(height, width, bpp)


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    conn = connect(make_store(folder))
    profile = build_profile(load_history(conn), tz="Europe/Madrid")
    doc = build_report(profile, moments=sample_moments(), inferences=load_inferences(conn))
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
    seen = run_chromium(chromium, control, tmp_path / "p0", recorder.port, "--dump-dom")
    assert "control" in seen.stdout
    assert any("control-error" in m for m in console_messages(seen.stderr)), seen.stderr[-2000:]
    assert "example.invalid" in recorder.page_hosts(), recorder.requests
    recorder.requests.clear()

    dom = run_chromium(chromium, report_page, tmp_path / "p1", recorder.port, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "Listening clock" in dom.stdout
    assert dom.stdout.count("<svg") == 5  # clock, discovery, devices, two years of taste
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom.stdout
    assert HOSTILE_ARTIST not in dom.stdout
    assert console_messages(dom.stderr) == []

    shot = tmp_path / "shot.png"
    run_chromium(
        chromium,
        report_page,
        tmp_path / "p2",
        recorder.port,
        f"--screenshot={shot}",
        "--window-size=900,1200",
        "--hide-scrollbars",
    )
    pixels = decode_png(shot.read_bytes())
    assert pixels.shape[:2] == (1200, 900)
    rgb = pixels[:, :, :3].reshape(-1, 3)
    background = np.bincount(rgb @ np.array([65536, 256, 1])).argmax()
    share_drawn = float(((rgb @ np.array([65536, 256, 1])) != background).mean())
    assert share_drawn > 0.05, f"the screenshot is almost blank ({share_drawn:.1%} drawn)"
    assert len(np.unique(rgb, axis=0)) > 20  # text, heatmap greens, borders
    assert recorder.page_hosts() == []
