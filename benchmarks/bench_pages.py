"""How fast each app page answers on the demo data: `streamlit run app.py` on a fresh SQLite file,
Debian's Chromium through Playwright, each page opened from the sidebar several times.

Prints, per page, the first visit and the median of the later visits (seconds from the click until
the app has finished running the page) and the ratio between them. Wall times depend on the
machine and its load; read the ratios and the medians against the 1 s aim, not as exact figures.

    python benchmarks/bench_pages.py [--visits 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import e2e  # noqa: E402
from tests.pg import free_port  # noqa: E402

PAGES = ["Providers & scorecard", "Switching cost", "Contract audit", "SLA check", "Reports"]
HOME = "Program"


def _open(page: object, title: str) -> float:
    """Click a page in the sidebar; seconds until its script has finished."""
    start = time.perf_counter()
    page.get_by_role("link", name=title, exact=True).first.click()  # type: ignore[attr-defined]
    e2e.wait_idle(page, 120_000)
    return time.perf_counter() - start - 0.3  # wait_idle's settling pause


def main() -> int:
    """Run the benchmark and print one line per page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=5, help="visits per page after the first")
    args = parser.parse_args()
    reason = e2e.skip_reason()
    if reason is not None:
        print(f"skipped: {reason}")
        return 0
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="annogov-bench-") as tmp:
        env = {"ANNOGOV_DATA_DIR": str(Path(tmp) / "data"), "ANNOGOV_DEMO": "1", "ANNOGOV_DATABASE_URL": ""}
        server = e2e.start_app(env, free_port(), Path(tmp) / "streamlit.log")
        try:
            with sync_playwright() as playwright:
                browser = e2e.launch_chromium(playwright)
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(server.url)
                e2e.wait_idle(page, 120_000)
                print(f"{'page':<24} {'first (s)':>9} {'median (s)':>10} {'first/median':>12}")
                for title in PAGES:
                    first = _open(page, title)
                    later = []
                    for _ in range(args.visits):
                        _open(page, HOME)
                        later.append(_open(page, title))
                    median = statistics.median(later)
                    ratio = first / median if median > 0 else float("inf")
                    print(f"{title:<24} {first:>9.2f} {median:>10.2f} {ratio:>12.1f}")
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
