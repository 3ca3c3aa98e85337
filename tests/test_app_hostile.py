"""The whole hostile corpus uploaded through every app uploader that reads its kind of file
(AppTest): each corpus file of a reader family goes through every uploader of that family whose
types include its suffix, with the companions and the button that make the page read it. Expected:
a located message in the app's words, never the generic error, never an exception, a valid file
never refused, and no upload running past the AppTest timeout. One AppTest per uploader and chunk
of cases (sharing it is safe: each upload replaces the last and the page re-reads it)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from annogov.services.demo_channel import DEMO_USERS
from tests.make_hostile_corpus import DEFAULT_DIR, build

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
AMARA, _BAO, _CHLOE, REVIEWER, ENGINEER, _MANAGER = DEMO_USERS
GENERIC = "Something went wrong"
# how the app words a refusal (ui.guard): located problems, invalid values, or the generic message;
# other red boxes on these pages are results (a failed SLA verdict, missing critical clauses)
REFUSALS = ("The file cannot be used", "Some values are not valid", GENERIC)
CHUNK = 40  # cases per AppTest: a parametrized test each, so a failure names its chunk


@dataclass(frozen=True)
class Uploader:
    """Where an uploader is, which corpus family it reads, and what else the page needs to read it."""

    page: str
    user: str | None
    where: str | int  # key, or index among the page's uploaders
    family: str
    suffixes: tuple[str, ...]
    valid_here: bool = True  # the family's valid cases are valid for this uploader too
    companions: dict[str, tuple[Path, ...]] = field(default_factory=dict)  # other uploaders' valid files
    texts: dict[str, str] = field(default_factory=dict)  # text inputs by key; {n} = the case's number
    submit: str | None = None  # the button (key, or label of a form's submit button) that reads the files
    multiple: bool = False


_PILOT = ("tessellate-delivery.csv", "kestrel-delivery.csv")
PILOT_LABELS = "vehicle, pedestrian, cyclist, traffic_sign, animal, e_scooter_rider"
UPLOADERS: dict[str, Uploader] = {
    "scorecard": Uploader("scorecard", None, 0, "scoresheet", (".csv", ".xlsx")),
    "contract": Uploader("contract", None, "ct_upload", "contract", (".yaml", ".json", ".txt", ".md", ".docx", ".pdf")),
    "sla terms": Uploader("sla", None, "sla_terms_file", "terms", (".yaml", ".yml", ".json", ".xlsx")),
    "sla delivery": Uploader(
        "sla", None, "sla_delivery", "delivery", (".csv", ".tsv", ".parquet", ".jsonl", ".ndjson", ".xlsx", ".json")
    ),
    "sla mapping": Uploader(
        "sla", None, "sla_mapping_file", "mapping", (".yaml", ".yml", ".json"),
        companions={"sla_delivery": (EX / "vendor-export.csv",)},
    ),  # fmt: skip
    "scenario": Uploader("switching", None, "sw_upload", "scenario", (".yaml", ".yml", ".json", ".xlsx")),
    "old label set": Uploader(
        "switching", None, "tx_old", "labelset", (".csv", ".xlsx", ".json"),
        companions={"tx_new": (EX / "taxonomy" / "new.csv",)}, texts={"tx_name": "hostile old {n}"}, submit="tx_save",
    ),  # fmt: skip
    "new label set": Uploader(
        "switching", None, "tx_new", "labelset", (".csv", ".xlsx", ".json"),
        companions={"tx_old": (EX / "taxonomy" / "old.csv",)}, texts={"tx_name": "hostile new {n}"}, submit="tx_save",
    ),  # fmt: skip
    "pilot gold": Uploader(
        "pilot", None, "pilot_gold", "gold", (".csv", ".xlsx"), valid_here=False,
        companions={"pilot_files": tuple(EX / "pilot" / n for n in _PILOT)},
        texts={"pilot_labels": PILOT_LABELS}, submit="Compare",
    ),  # fmt: skip
    "pilot deliveries": Uploader(
        "pilot", None, "pilot_files", "delivery", (".csv", ".xlsx", ".jsonl", ".parquet"), valid_here=False,
        companions={"pilot_gold": (EX / "pilot" / "gold-set.csv",)},
        texts={"pilot_labels": PILOT_LABELS}, submit="Compare", multiple=True,
    ),  # fmt: skip
    "guideline bundle": Uploader("guidelines", ENGINEER.user_id, -1, "guidelines", (".zip",)),
    "weekly metrics": Uploader("insights", ENGINEER.user_id, 0, "delivery", (".csv", ".xlsx"), valid_here=False),
    "delivered week": Uploader("reflection", AMARA.user_id, 0, "delivery", (".csv", ".xlsx"), valid_here=False),
}


def _cases(up: Uploader) -> list[dict[str, Any]]:
    """Every corpus case of the uploader's family with a suffix it takes."""
    return [c for c in build() if c["target"] == up.family and Path(c["file"]).suffix.lower() in up.suffixes]


def _chunks() -> list[tuple[str, int]]:
    return [(name, k) for name, up in UPLOADERS.items() for k in range(-(-len(_cases(up)) // CHUNK))]


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


def _upload(at: AppTest, where: str | int, paths: tuple[Path, ...], multiple: bool) -> None:
    files = [(p.name, p.read_bytes(), "application/octet-stream") for p in paths]
    _uploader(at, where).set_value(files if multiple else files[0])


def _press(at: AppTest, submit: str) -> None:
    """Click the button with this key, or the form submit button with this label."""
    button = next((b for b in at.button if b.key == submit), None) or next(b for b in at.button if b.label == submit)
    button.click()


def test_every_family_has_an_uploader_and_every_uploader_cases() -> None:
    """No uploader without cases; the file families the app reads are all fed."""
    assert all(_cases(up) for up in UPLOADERS.values())
    assert {up.family for up in UPLOADERS.values()} >= {"scoresheet", "contract", "terms", "delivery", "mapping",
                                                         "scenario", "labelset", "gold", "guidelines"}  # fmt: skip


@pytest.mark.parametrize(("uploader", "chunk"), _chunks(), ids=[f"{u}-{k}" for u, k in _chunks()])
def test_hostile_uploads_get_located_messages(uploader: str, chunk: int, demo_env: Path) -> None:
    up = UPLOADERS[uploader]
    cases = _cases(up)[chunk * CHUNK : (chunk + 1) * CHUNK]
    assert cases
    at = _open(up.page, up.user)
    if up.page == "sla":  # the SLA page first asks whose delivery it is
        at.selectbox(key="sla_provider").set_value(at.selectbox(key="sla_provider").options[0])
        at.text_input(key="sla_guideline_version").set_value("v1")
        at.run()
    baseline = {e.value for e in at.error}
    failures = []
    refused = 0
    for n, case in enumerate(cases):
        path = DEFAULT_DIR / case["file"]
        for where, companions in up.companions.items():
            _upload(at, where, companions, multiple=where == "pilot_files")
        for key, text in up.texts.items():
            at.text_input(key=key).set_value(text.format(n=f"{chunk}-{n}"))
        if up.multiple:  # beside a valid companion, so the page has the two files it needs
            _upload(at, up.where, (path, EX / "pilot" / _PILOT[0]), multiple=True)
        else:
            _upload(at, up.where, (path,), multiple=False)
        if up.submit:
            _press(at, up.submit)
        at.run()
        errors = [e.value.replace("\\", "") for e in at.error if e.value not in baseline]
        errors = [e for e in errors if e.startswith(REFUSALS)]
        valid = case["valid"] and up.valid_here
        refused += bool(errors)
        if at.exception:
            failures.append(f"{path.name}: exception {[e.value for e in at.exception]}")
        elif any(GENERIC in e for e in errors):
            failures.append(f"{path.name}: the generic error")
        elif valid and errors:
            failures.append(f"{path.name}: a valid file refused: {errors[0][:200]}")
        elif any(path.name not in e for e in errors):
            failures.append(f"{path.name}: unlocated: {[e[:200] for e in errors]}")
    print(f"{uploader} #{chunk}: {len(cases)} uploads, {refused} refused, {len(failures)} failures")
    assert not failures, "\n".join(failures)
    assert refused or all(c["valid"] for c in cases), "no upload was refused: the page never read the files"


def test_reports_page_refuses_a_pdf_above_the_row_limit_in_plain_words(
    demo_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANNOGOV_LIMIT_MAX_REPORT_ROWS", "5")
    at = _open("reports", None)
    captions = [c.value.replace("\\", "") for c in at.caption if "max\\_report\\_rows" in c.value]
    assert captions and "Excel report" in captions[0]
    assert not [e.value for e in at.error if GENERIC in e.value]
    assert any(b.disabled for b in at.button if "reports_page_pdf_refused" in str(b.key))


def test_reports_page_refuses_a_workbook_above_the_cell_limit_in_the_same_words(
    demo_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workbook's bound (reports.size) disables its download with the message the CLI prints."""
    monkeypatch.setenv("ANNOGOV_LIMIT_MAX_REPORT_CELLS", "5")
    at = _open("reports", None)
    captions = [c.value.replace("\\", "") for c in at.caption if "max\\_report\\_cells" in c.value]
    assert captions and captions[0].startswith("the Excel report would hold") and "table cells" in captions[0]
    assert any(b.disabled for b in at.button if "reports_page_xlsx_refused" in str(b.key))
    assert not any(b.disabled for b in at.button if "reports_page_pdf_refused" in str(b.key))
