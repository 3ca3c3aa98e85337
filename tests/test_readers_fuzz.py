"""Every reader, fed fuzzed content of each format it takes, either reads it or raises a located
`InputError`: no other exception type leaks (hypothesis strategies per format)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import InputError

EX = Path(__file__).resolve().parents[1] / "examples"
Reader = Callable[[str, bytes, Path], Any]


def _via_file(load: Callable[[Path], Any]) -> Reader:
    """A reader that only takes a path: the fuzzed bytes are written to a file of that name."""

    def read(name: str, data: bytes, tmp: Path) -> Any:
        path = tmp / name
        path.write_bytes(data)
        return load(path)

    return read


def _readers() -> dict[str, tuple[Reader, tuple[str, ...]]]:
    """Reader name -> (call with (file name, bytes, scratch dir), suffixes it reads)."""
    from annogov.cli.channel import read_log
    from annogov.cli.guidelines import load_document
    from annogov.cli.report import read_json
    from contracts.confirm import read_decisions
    from contracts.profile_files import load_profile, read_questionnaire
    from contracts.review import load_source
    from contracts.sla_term_files import load_term_set
    from contracts.text_extract import extract_passages
    from governance.channel.guideline_bundle import read_bundle
    from governance.channel.insights import read_metrics
    from governance.channel.reflection import read_delivered
    from governance.quality.reading.box_readers import read_boxes
    from governance.quality.reading.columns import load_mapping
    from governance.quality.reading.delivery import open_delivery, read_delivery_table
    from governance.quality.reading.long_rows import long_rows
    from governance.quality.vendors.goldset import load_gold_set
    from governance.quality.vendors.pilot import load_pilot_spec
    from ingest import read_sheet
    from migration.apply import load_dataset
    from migration.infer import load_dual_sample
    from migration.labelsets import load_label_set
    from migration.mapping import load_mapping as load_label_mapping
    from migration.scenario_io import load_scenario
    from scorecard.elicitation import load_elicitation
    from scorecard.importer import import_scores
    from scorecard.rubric import default_rubric, load_rubric

    rubric = default_rubric()
    old = load_label_set(EX / "taxonomy" / "old.csv")
    new = load_label_set(EX / "taxonomy" / "new.csv")
    draft = load_source(EX / "drafts" / "portable-msa.md")[1]
    assert draft is not None
    return {
        "read_sheet": (lambda n, d, t: read_sheet(n, lambda row: True, data=d), (".csv", ".xlsx")),
        "delivery": (
            lambda n, d, t: read_delivery_table(open_delivery(n, data=d)),
            (".csv", ".xlsx", ".jsonl", ".json", ".parquet"),
        ),
        "column mapping": (_via_file(load_mapping), (".yaml", ".json")),
        "draft": (lambda n, d, t: extract_passages(n, data=d), (".txt", ".docx", ".pdf")),
        "SLA terms": (lambda n, d, t: load_term_set(n, data=d), (".yaml", ".json", ".xlsx")),
        "contract profile": (lambda n, d, t: load_profile(n, data=d), (".yaml", ".json")),
        "questionnaire": (lambda n, d, t: read_questionnaire(n, data=d), (".xlsx",)),
        "scenario": (lambda n, d, t: load_scenario(n, data=d), (".yaml", ".json", ".xlsx")),
        "label set": (lambda n, d, t: load_label_set(n, data=d), (".csv", ".json", ".xlsx")),
        "label mapping": (lambda n, d, t: load_label_mapping(n, data=d), (".csv",)),
        "dataset": (lambda n, d, t: load_dataset(n, old, new, data=d), (".csv",)),
        "dual sample": (lambda n, d, t: load_dual_sample(n, data=d), (".csv",)),
        "scoring sheet": (lambda n, d, t: import_scores(n, rubric, data=d), (".csv", ".xlsx")),
        "rubric": (_via_file(load_rubric), (".yaml", ".json")),
        "guideline bundle": (lambda n, d, t: read_bundle(d, n), (".zip",)),
        "guideline document": (_via_file(lambda p: load_document(str(p))), (".json", ".zip")),
        "report JSON": (_via_file(read_json), (".json",)),
        "calibration log": (_via_file(lambda p: read_log(str(p))), (".json",)),
        "weekly metrics": (lambda n, d, t: read_metrics(n, data=d), (".csv",)),
        "delivered week": (lambda n, d, t: read_delivered(n, data=d), (".csv",)),
        "long rows": (
            lambda n, d, t: long_rows(open_delivery(n, data=d), ("item_id", "annotator_id", "label")),
            (".csv", ".jsonl"),
        ),
        "box export": (_via_file(read_boxes), (".json", ".xml")),
        "decisions": (lambda n, d, t: read_decisions(n, draft, data=d), (".yaml",)),
        "weights panel": (lambda n, d, t: load_elicitation(n, data=d), (".yaml", ".json")),
        "pilot spec": (lambda n, d, t: load_pilot_spec(n, data=d), (".yaml",)),
        "gold set": (lambda n, d, t: load_gold_set(n, ["cat", "dog"], data=d), (".csv", ".xlsx")),
    }


READERS = _readers()

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=30,
)
_cells = st.sampled_from(["item_id", "label", "annotator_id", "provider", "score", "-inf", "1e999"]) | st.text(
    alphabet="ab1-=+@;,\t\r\n\"' \x00é.", max_size=12
)


def _seed(suffix: str) -> bytes:
    """A valid file of that kind to mutate."""
    seeds = {
        ".xlsx": EX / "delivery.xlsx",
        ".docx": None,
        ".pdf": None,
        ".parquet": EX / "delivery.parquet",
        ".zip": None,
        ".xml": None,
    }
    path = seeds.get(suffix)
    if path is not None:
        return path.read_bytes()
    if suffix == ".xml":
        boxes = "".join(
            f'<image id="{i}" name="img{i}.jpg"><box label="car" xtl="{i}" ytl="1" xbr="{i + 9}" ybr="9"/></image>'
            for i in range(4)
        )
        return f'<?xml version="1.0"?><annotations><version>1.1</version>{boxes}</annotations>'.encode()
    if suffix == ".docx":
        import docx

        buf = io.BytesIO()
        document = docx.Document()
        document.add_paragraph("The vendor shall deliver all labels in JSON on termination.")
        document.save(buf)
        return buf.getvalue()
    if suffix == ".pdf":
        from reportlab.pdfgen import canvas

        buf = io.BytesIO()
        c = canvas.Canvas(buf, invariant=1)
        c.drawString(72, 720, "Termination for convenience on 30 days notice.")
        c.save()
        return buf.getvalue()
    from governance.channel import guidelines as gl
    from governance.channel.guideline_bundle import history_bundle

    doc = gl.GuidelineDocument.model_validate_json((EX / "channel" / "street-scenes-guidelines.json").read_bytes())
    return history_bundle(doc, include_pdf=False)


_SEEDS: dict[str, bytes] = {}


@st.composite
def content(draw: st.DrawFn, suffix: str) -> bytes:
    """Fuzzed bytes for one format: generated text for text formats, mutated bytes for binary ones."""
    if suffix in {".csv", ".txt"}:
        rows = draw(st.lists(st.lists(_cells, min_size=1, max_size=6), max_size=8))
        sep = draw(st.sampled_from([",", ";", "\t"]))
        end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
        text = end.join(sep.join(r) for r in rows)
        codec = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
        return text.encode(codec, errors="replace")
    if suffix in {".json", ".jsonl"}:
        value = draw(_json_values)
        lines = draw(st.lists(_json_values, max_size=4))
        text = json.dumps(value) if suffix == ".json" else "\n".join(json.dumps(v) for v in lines)
        cut = draw(st.integers(0, len(text)))
        return (text if draw(st.booleans()) else text[:cut]).encode()
    if suffix == ".yaml":
        import yaml

        value = draw(_json_values)
        text = yaml.safe_dump(value) + draw(st.text(alphabet="&*:-[]{}!? \n\tab|>", max_size=30))
        return text.encode()
    if suffix not in _SEEDS:
        _SEEDS[suffix] = _seed(suffix)
    raw = bytearray(_SEEDS[suffix])
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(raw) - 1))
        raw[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        raw = raw[: draw(st.integers(0, len(raw)))]
    return bytes(raw)


CASES = [(name, suffix) for name, (_, suffixes) in READERS.items() for suffix in suffixes]


@pytest.mark.parametrize(("reader", "suffix"), CASES, ids=[f"{n}{s}" for n, s in CASES])
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
def test_reader_raises_only_located_input_errors(reader: str, suffix: str, data: st.DataObject, tmp_path: Path) -> None:
    call, _ = READERS[reader]
    raw = data.draw(content(suffix))
    name = f"fuzzed{suffix}"
    try:
        call(name, raw, tmp_path)
    except InputError as exc:
        assert exc.problems and all(p.location.file for p in exc.problems)
        assert all("fuzzed" in p.location.file or "manifest" in p.location.file for p in exc.problems), str(exc)
