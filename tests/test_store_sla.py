"""The SLA page's QA sample download: untrusted delivery text never becomes a spreadsheet formula."""

from __future__ import annotations

import csv
import io

from annogov.services import sla_store
from governance.quality.reading.columns import ColumnMapping


def test_qa_sample_csv_neutralises_formulas_but_keeps_signed_numbers() -> None:
    header = "item_id,annotator_id,label,category,task_type,gold_label,qa_result,submitted_at,due_at,batch\n"
    rows = [
        f"{item},ann-a,{label},urban_day,simple,car,pass,2026-03-04T22:00:00,2026-03-06T09:00:00,B1\n"
        for item, label in [("img-1", '=HYPERLINK("http://x")'), ("img-2", "-1"), ("img-3", "@SUM(A1)")]
    ]
    data = (header + "".join(rows)).encode()
    out = sla_store.qa_sample_csv("delivery.csv", data, ColumnMapping(), "1")
    labels = {r["item_id"]: r["label"] for r in csv.DictReader(io.StringIO(out.decode()))}
    assert labels == {"img-1": '\'=HYPERLINK("http://x")', "img-2": "-1", "img-3": "'@SUM(A1)"}
