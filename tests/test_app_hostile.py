"""A representative subset of the hostile corpus uploaded through every app page that takes files
(AppTest): a located message in the app's words, never the generic error, never an exception, and
no upload running past the AppTest timeout."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from annogov.services.demo_channel import DEMO_USERS
from tests.make_hostile_corpus import DEFAULT_DIR, build

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
AMARA, _BAO, _CHLOE, REVIEWER, ENGINEER, _MANAGER = DEMO_USERS
GENERIC = "Something went wrong"
# how the app words a refusal (ui.guard): located problems, invalid values, or the generic message;
# other red boxes on these pages are results (a failed SLA verdict, missing critical clauses)
REFUSALS = ("The file cannot be used", "Some values are not valid", GENERIC)
# the corpus cases most likely to break a page: bombs, encodings, shapes, injections, valid look-alikes
PICK = (
    "zip_bomb", "alias_bomb", "deep_list", "deep_flow", "utf16_bom", "stray_cr", "cr_only", "huge_cell", "wrong_types",
    "injection", "understated", "repeated", "forged", "valid_", "latin1", "not_a_zip", "header_only", "nan_inf",
    "top_list", "empty", "list_column", "corrupt_pages", "ls_result_number", "tall_cell", "inflating", "blank",
    "bomb_member", "duplicate_member", "many_members", "manifest",
)

# uploader -> (page, user id or None, uploader key or index, corpus family, suffixes the uploader takes);
# the last two read other columns than the delivery family, so its valid cases are not valid there
UPLOADERS: dict[str, tuple[str, str | None, str | int, str, tuple[str, ...]]] = {
    "scorecard": ("scorecard", None, 0, "scoresheet", (".csv", ".xlsx")),
    "contract": ("contract", None, "ct_upload", "contract", (".yaml", ".json", ".txt", ".md", ".docx", ".pdf")),
    "sla terms": ("sla", None, "sla_terms_file", "terms", (".yaml", ".json", ".xlsx")),
    "sla delivery": ("sla", None, "sla_delivery", "delivery", (".csv", ".tsv", ".parquet", ".jsonl", ".xlsx", ".json")),
    "scenario": ("switching", None, "sw_upload", "scenario", (".yaml", ".json", ".xlsx")),
    "old label set": ("switching", None, "tx_old", "labelset", (".csv", ".xlsx", ".json")),
    "guideline bundle": ("guidelines", ENGINEER.user_id, -1, "guidelines", (".zip",)),
    "weekly metrics": ("insights", ENGINEER.user_id, 0, "delivery", (".csv", ".xlsx")),
    "delivered week": ("reflection", AMARA.user_id, 0, "delivery", (".csv", ".xlsx")),
}


def _subset(family: str, suffixes: tuple[str, ...], limit: int = 14) -> list[dict[str, Any]]:
    cases = [c for c in build() if c["target"] == family and Path(c["file"]).suffix in suffixes]
    picked = [c for c in cases if any(Path(c["file"]).stem.startswith(p) for p in PICK)]
    return picked[:limit]


def _open(page: str, user: str | None) -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=45)  # no upload may run past 45 s
    if user is not None:
        at.session_state["channel_user_id"] = user
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _uploader(at: AppTest, where: str | int) -> Any:
    return at.file_uploader(key=where) if isinstance(where, str) else at.file_uploader[where]


@pytest.fixture
def demo_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ANNOGOV_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANNOGOV_DATABASE_URL", raising=False)
    monkeypatch.setenv("ANNOGOV_DEMO", "1")
    return tmp_path


@pytest.mark.parametrize("uploader", list(UPLOADERS))
def test_hostile_uploads_get_located_messages(uploader: str, demo_env: Path) -> None:
    page, user, where, family, suffixes = UPLOADERS[uploader]
    cases = _subset(family, suffixes)
    assert cases
    at = _open(page, user)
    if where == "sla_delivery":  # the SLA page first asks whose delivery it is
        at.selectbox(key="sla_provider").set_value(at.selectbox(key="sla_provider").options[0])
        at.text_input(key="sla_guideline_version").set_value("v1")
        at.run()
    baseline = {e.value for e in at.error}
    failures = []
    for case in cases:
        path = DEFAULT_DIR / case["file"]
        _uploader(at, where).set_value((path.name, path.read_bytes(), "application/octet-stream"))
        at.run()
        errors = [e.value.replace("\\", "") for e in at.error if e.value not in baseline]
        errors = [e for e in errors if e.startswith(REFUSALS)]
        valid = case["valid"] and page not in ("insights", "reflection")
        if at.exception:
            failures.append(f"{path.name}: exception {[e.value for e in at.exception]}")
        elif any(GENERIC in e for e in errors):
            failures.append(f"{path.name}: the generic error")
        elif valid and errors:
            failures.append(f"{path.name}: a valid file refused: {errors[0][:200]}")
        elif any(path.name not in e for e in errors):
            failures.append(f"{path.name}: unlocated: {[e[:200] for e in errors]}")
    print(f"{uploader}: {len(cases)} uploads, {len(failures)} failures")
    assert not failures, "\n".join(failures)


def test_reports_page_refuses_a_pdf_above_the_row_limit_in_plain_words(
    demo_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANNOGOV_LIMIT_MAX_REPORT_ROWS", "5")
    at = _open("reports", None)
    captions = [c.value.replace("\\", "") for c in at.caption if "max\\_report\\_rows" in c.value]
    assert captions and "Excel report" in captions[0]
    assert not [e.value for e in at.error if GENERIC in e.value]
    assert any(b.disabled for b in at.button if "reports_page_pdf_refused" in str(b.key))
