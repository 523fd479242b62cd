"""Headless Chromium for the report tests: find it, drive it over the DevTools pipe, read PNGs.

Chromium comes from the distribution (`apt-get install -y chromium`, which `.ci/run` does); the
tests never install it and are skipped, with the reason, when it is missing. `Browser` speaks the
DevTools protocol over `--remote-debugging-pipe` (JSON messages ending in NUL on file
descriptors 3 and 4), which needs no websocket library: it sets the viewport (phone or desktop),
loads a page, measures it and takes full-page screenshots.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

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
    "--hide-scrollbars",
)
SKIP_REASON = (
    "Chromium is not installed (no /usr/bin/chromium and no chromium on PATH); "
    "install it with `apt-get install -y chromium` (.ci/run does)"
)


def find_chromium() -> str | None:
    """The Chromium binary: /usr/bin/chromium, else chromium or chromium-browser on PATH."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _above_nine(fd: int) -> int:
    """`fd` duplicated to a descriptor number of 10 or more (the original is closed)."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return high


class BrowserError(RuntimeError):
    """Chromium ended, or answered a command with an error."""


class Browser:
    """One headless Chromium driven over the DevTools pipe, with one page attached.

    Use as a context manager; `proxy_port` sends every request of the page to a local
    recorder (see the browser test).
    """

    def __init__(self, binary: str, profile_dir: Path, proxy_port: int | None = None) -> None:
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # The child's ends go above 9 first, so that moving them to 3 and 4 overwrites neither.
        to_child_r, from_child_w = (_above_nine(fd) for fd in (to_child_r, from_child_w))
        args = [*FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile_dir}"]
        if proxy_port is not None:
            args += [
                f"--proxy-server=http://127.0.0.1:{proxy_port}",
                "--proxy-bypass-list=<-loopback>",
            ]
        # bash moves the pipe ends to descriptors 3 and 4, where Chromium expects them (dash,
        # Debian's sh, cannot name a descriptor above 9).
        wrapper = f'exec "$@" 3<&{to_child_r} 4>&{from_child_w}'
        self.proc = subprocess.Popen(
            [
                shutil.which("bash") or "/bin/bash",
                "-c",
                wrapper,
                "bash",
                binary,
                *args,
                "about:blank",
            ],
            pass_fds=(to_child_r, from_child_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        targets = self.send("Target.getTargets")["targetInfos"]
        page = next(t["targetId"] for t in targets if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", targetId=page, flatten=True)["sessionId"]

    def __enter__(self) -> Browser:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """End Chromium (this process only) and close the pipe."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        for fd in (self._to_child, self._from_child):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self.proc.stderr is not None:
            self.proc.stderr.close()

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                self.proc.wait(10)
                log = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                code = self.proc.returncode
                raise BrowserError(
                    f"Chromium closed the DevTools pipe (exit {code}): {log[-1500:]}"
                )
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Run one DevTools command and return its result (events seen meanwhile are kept)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def page(self, method: str, **params: Any) -> dict[str, Any]:
        """A command to the attached page."""
        return self.send(method, self.session, **params)

    def wait_for(self, method: str) -> dict[str, Any]:
        """The next event `method` of the page (events already seen count)."""
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._read())

    def open(self, page: Path, width: int, height: int = 900, mobile: bool = False) -> None:
        """Load `page` in a viewport `width` x `height` CSS pixels (a phone's when `mobile`)."""
        self.page(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )
        self.page("Page.enable")
        self.page("Runtime.enable")
        self.events.clear()
        self.page("Page.navigate", url=page.as_uri())
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (the test's, not the page's)."""
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def screenshot(self, path: Path) -> tuple[int, int]:
        """A PNG of the whole page (not only the viewport) at `path`; returns (width, height)."""
        width, height = self.evaluate(
            "[document.documentElement.clientWidth, document.documentElement.scrollHeight]"
        )
        shot = self.page(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        )
        path.write_bytes(base64.b64decode(shot["data"]))
        return int(width), int(height)

    def console_messages(self) -> list[dict[str, Any]]:
        """Console calls and uncaught exceptions of the page seen so far."""
        kinds = ("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded")
        return [e for e in self.events if e.get("method") in kinds]


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
            row = _unfilter_slow(int(kind), line, prior, bpp)
        out[y] = row
        prior = row
    return out.reshape(height, width, bpp)


def _unfilter_slow(kind: int, line: np.ndarray, prior: np.ndarray, bpp: int) -> np.ndarray:
    """PNG's average (3) and Paeth (4) filters, pixel by pixel."""
    stride = len(line)
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
    return row
