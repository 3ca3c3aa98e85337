"""A stored SLA check read without annotator figures names no annotator anywhere: not in the
annotator tables, not in the per-annotator drift rows, in the report part or its detail."""

from __future__ import annotations

import json
from pathlib import Path

from annogov.services.sla_store import check_payload
from contracts.sla_term_files import load_term_set
from governance.privacy import pseudonymise_sla_payload
from governance.quality.sla.sla_check import check_delivery

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_every_annotator_id_in_a_stored_check_becomes_one_code() -> None:
    report = check_delivery(load_term_set(EXAMPLES / "sla-terms.yaml"), EXAMPLES / "delivery.csv")
    payload = check_payload(report)
    ids = {a.annotator for a in report.annotators}
    assert any(d.group_kind == "annotator" for d in report.drift.drops)  # the example drifts per annotator
    coded = pseudonymise_sla_payload(payload, key=bytes(range(32)))
    text = json.dumps(coded)
    assert not [i for i in ids if f'"{i}"' in text]
    drift_codes = {d["group"] for d in coded["detail"]["drift"]["drops"] if d["group_kind"] == "annotator"}
    table_codes = {a["annotator"] for a in coded["detail"]["annotators"]}
    assert drift_codes and drift_codes <= table_codes  # one code per person across tables
    assert json.dumps(payload) != text and "ann-a" in json.dumps(payload)  # the input is untouched
