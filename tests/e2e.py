"""End-to-end helpers: run `streamlit run app.py` on a free loopback port and drive Debian's
Chromium through Playwright (never a downloaded browser). Page tests reuse these."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
# The README's screenshots are refreshed only on request (`make screenshots`); a plain test run
# writes them to a temporary folder so it leaves the work tree clean.
SCREENSHOTS = Path(os.environ.get("ANNOGOV_SCREENSHOTS") or Path(tempfile.gettempdir()) / "annogov-screenshots")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def skip_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return "Chromium not installed (Debian package `chromium`; `make test` installs it as root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python package is missing (pip install -e '.[dev]')"
    return None


@dataclass
class AppServer:
    """A running `streamlit run app.py`; `url` is its loopback address."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def start_app(
    env: dict[str, str], port: int, log: Path, timeout: float = 90, cwd: Path | None = None
) -> AppServer:
    """Start the app with `env` added to this process's environment; wait for /_stcore/health.

    `cwd`: where it runs (its `.streamlit/secrets.toml` is read from there, e.g. an [auth] section)."""
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    out = log.open("wb")
    process = subprocess.Popen(
        cmd,
        cwd=cwd or ROOT,
        env={**os.environ, **env},
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = AppServer(process, port, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text(errors='replace')}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response,
        ):
            if response.status == 200 and response.read().strip() == b"ok":
                return server
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"streamlit did not become healthy:\n{log.read_text(errors='replace')}")


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless, with the flags that keep it off the network."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def wait_idle(page: Any, timeout_ms: int = 60_000) -> None:
    """Wait until the app has finished running its script (what the user sees is final)."""
    page.wait_for_selector(IDLE, timeout=timeout_ms)
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=timeout_ms)


def act_as(page: Any, name: str) -> None:
    """Pick who the demo session acts as (the sidebar's "Acting as" box) and wait for the page."""
    page.get_by_role("combobox", name="Acting as (demo mode)").click()
    page.get_by_role("option", name=name).click()
    wait_idle(page)


def screenshot(page: Any, name: str, clip: dict[str, float] | None = None) -> Path:
    """Save a full-page screenshot, or the `clip` rectangle of the page (docs/screenshots/ under
    `make screenshots`)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, clip=clip)
    return path
