"""How the app keeps switching-cost work in the store: taxonomy and mapping documents, and the
kinds of check result the Switching cost and Contract audit pages save for the reports.

Taxonomy document (kind "taxonomy"): {"old": LabelSet, "new": LabelSet, "sample": [DualLabel] |
None, "sample_source": str, "dataset": Dataset | None} as plain JSON. Mapping document (kind
"mapping", same name): {"rows": [{"old_label": str, "new_label": str | None}]}.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from migration import TaxonomyResult, analyse_taxonomy
from migration.apply import Dataset
from migration.infer import DualLabel
from migration.labelsets import LabelSet
from migration.mapping import MappingRow

SWITCHING_CHECK = "switching_cost"  # payload: SwitchingCostResult.to_payload(); label: scenario
CONTRACT_CHECK = "contract"  # payload: ContractReview.to_payload() + "profile"; label: vendor


def taxonomy_document(old: LabelSet, new: LabelSet, *, sample: Sequence[DualLabel] | None = None,
                      sample_source: str = "sample",
                      dataset: Dataset | None = None) -> dict[str, Any]:
    """The stored form of a taxonomy pair with its optional sample and dataset."""
    return {"old": old.model_dump(), "new": new.model_dump(),
            "sample": None if sample is None else [s.model_dump() for s in sample],
            "sample_source": sample_source,
            "dataset": None if dataset is None else dataset.model_dump(mode="json")}


def analyse_taxonomy_document(doc: dict[str, Any],
                              rows: Sequence[dict[str, Any]] | None) -> TaxonomyResult:
    """Classify a stored taxonomy with mapping rows (None: infer from the sample or match names).

    Raises ingest.InputError when the rows do not fit the label sets.
    """
    old = LabelSet.model_validate(doc["old"])
    new = LabelSet.model_validate(doc["new"])
    sample = ([DualLabel.model_validate(s) for s in doc["sample"]]
              if doc.get("sample") is not None else None)
    dataset = Dataset.model_validate(doc["dataset"]) if doc.get("dataset") else None
    mapping_rows = None if rows is None else [MappingRow.model_validate(r) for r in rows]
    return analyse_taxonomy(old, new, mapping_rows=mapping_rows,
                            mapping_source_name="mapping editor", sample=sample,
                            sample_source_name=doc.get("sample_source") or "sample",
                            dataset=dataset)


def mapping_rows_of(result: TaxonomyResult) -> list[dict[str, Any]]:
    """The mapping a result used, one row per old -> new pair (new_label None = dropped)."""
    return [{"old_label": old, "new_label": new} for old, new in result.mapping.rows()]
