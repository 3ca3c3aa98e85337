"""One call for the whole taxonomy analysis, its JSON payload, and the versioned artefact."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel

from migration.apply import ApplyResult, Dataset, apply_mapping, load_dataset
from migration.infer import DualLabel, InferredMapping, infer_mapping, load_dual_sample
from migration.labelsets import LabelSet, load_label_set
from migration.mapping import (
    MappingRow,
    TaxonomyMapping,
    classify,
    identity_rows,
    load_mapping,
)
from migration.vintage import VintageReport, mixed_vintage

ARTIFACT_FORMAT = "annogov.taxonomy-mapping"
_CHECKSUMMED = ("old_label_set", "new_label_set", "rows", "new_classes")


class TaxonomyResult(BaseModel):
    """Classification of every old class, with the sample's proposals and the dataset's impact."""

    old: LabelSet
    new: LabelSet
    mapping_source: Literal["table", "inferred", "names"]
    mapping: TaxonomyMapping
    inferred: InferredMapping | None = None
    impact: ApplyResult | None = None
    vintage: VintageReport | None = None

    @property
    def reannotation_items(self) -> int | None:
        """Items a person must re-annotate (split classes); None without a dataset."""
        return self.impact.reannotation_items if self.impact is not None else None

    def to_payload(self) -> dict[str, Any]:
        """Exactly what `annogov taxonomy --format json` prints."""
        impacts = {c.old_label: c for c in self.impact.per_class} if self.impact else {}
        classes = []
        for c in self.mapping.classes:
            row: dict[str, Any] = {"old_label": c.old_label, "kind": c.kind, "targets": c.targets,
                                   "renamed": c.renamed, "rule": c.rule}
            imp = impacts.get(c.old_label)
            row["items"] = imp.items if imp else None
            row["affected"] = imp.affected if imp else None
            row["relabelled"] = imp.relabelled if imp else None
            row["reannotate"] = imp.reannotate if imp else None
            row["dropped_items"] = imp.dropped if imp else None
            classes.append(row)
        kinds = [c.kind for c in self.mapping.classes]
        totals: dict[str, Any] = {k: kinds.count(k) for k in ("one_to_one", "merge", "split",
                                                              "dropped")}
        totals["new"] = len(self.mapping.new)
        if self.impact is not None:
            per = self.impact.per_class
            totals.update(items=sum(c.items for c in per), affected=sum(c.affected for c in per),
                          relabelled=sum(c.relabelled for c in per),
                          reannotation_items=self.impact.reannotation_items,
                          dropped_items=sum(c.dropped for c in per),
                          already_new=self.impact.already_new)
        else:
            totals.update(items=None, affected=None, relabelled=None, reannotation_items=None,
                          dropped_items=None, already_new=None)
        reannotate = ([{"item_id": a.item_id, "old_label": a.old_label,
                        "candidates": a.candidates}
                       for a in self.impact.actions if a.action == "reannotate"]
                      if self.impact else [])
        return {
            "old_label_set": {"source": self.old.source, "labels": len(self.old.labels),
                              "checksum": self.old.checksum()},
            "new_label_set": {"source": self.new.source, "labels": len(self.new.labels),
                              "checksum": self.new.checksum()},
            "mapping_source": self.mapping_source,
            "classes": classes,
            "new": self.mapping.new,
            "totals": totals,
            "reannotate": reannotate,
            "inferred": self._inferred_payload(),
            "vintage": self.vintage.model_dump() if self.vintage else None,
        }


    def _inferred_payload(self) -> dict[str, Any] | None:
        """Proposals; with a mapping table each says whether the sample agrees with the table."""
        if self.inferred is None:
            return None
        doc = self.inferred.model_dump()
        by_old = self.mapping.by_old()
        for p in doc["proposals"]:
            table = by_old.get(p["old_label"])
            p["matches_mapping"] = (None if self.mapping_source != "table" or table is None
                                    or p["items"] == 0
                                    else set(p["targets"]) == set(table.targets))
        return doc


def analyse_taxonomy(
    old: LabelSet,
    new: LabelSet,
    *,
    mapping_rows: Sequence[MappingRow] | None = None,
    mapping_source_name: str = "mapping",
    sample: Sequence[DualLabel] | None = None,
    sample_source_name: str = "sample",
    dataset: Dataset | None = None,
) -> TaxonomyResult:
    """Classify with the table if given, else with the sample's proposals, else by equal names."""
    inferred = None
    if sample is not None:
        inferred = infer_mapping(sample, old_labels=old.labels, new_labels=new.labels,
                                 source=sample_source_name)
    if mapping_rows is not None:
        source: Literal["table", "inferred", "names"] = "table"
        mapping = classify(old, new, mapping_rows, mapping_source_name)
    elif inferred is not None:
        source = "inferred"
        mapping = classify(old, new, inferred.mapping_rows(),
                           f"mapping inferred from {sample_source_name}", strict=False)
    else:
        source = "names"
        mapping = classify(old, new, identity_rows(old, new), "mapping by equal names")
    impact = vintage = None
    if dataset is not None:
        impact = apply_mapping(mapping, dataset.items)
        if dataset.vintage_basis != "none":
            vintage = mixed_vintage(mapping, dataset.items, new.labels, dataset.vintage_basis,
                                    dataset.vintage_rule)
    return TaxonomyResult(old=old, new=new, mapping_source=source, mapping=mapping,
                          inferred=inferred, impact=impact, vintage=vintage)


def analyse_taxonomy_files(
    old_path: str | Path,
    new_path: str | Path,
    *,
    mapping_path: str | Path | None = None,
    sample_path: str | Path | None = None,
    dataset_path: str | Path | None = None,
    new_version: str | None = None,
    cutover: date | None = None,
) -> TaxonomyResult:
    """The same from files, as the command and the app's uploads use it."""
    old = load_label_set(old_path)
    new = load_label_set(new_path)
    rows, mapping_name = load_mapping(mapping_path) if mapping_path else (None, "mapping")
    sample = load_dual_sample(sample_path) if sample_path else None
    dataset = (load_dataset(dataset_path, old, new, new_version=new_version, cutover=cutover)
               if dataset_path else None)
    return analyse_taxonomy(old, new, mapping_rows=rows, mapping_source_name=mapping_name,
                            sample=sample,
                            sample_source_name=Path(sample_path).name if sample_path else "sample",
                            dataset=dataset)


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()


def mapping_artifact(
    result: TaxonomyResult, version: str = "1", created: datetime | None = None
) -> dict[str, Any]:
    """The mapping as a versioned, checksummed document a successor vendor can apply."""
    kinds = {c.old_label: c.kind for c in result.mapping.classes}
    rows = [{"old_label": old, "new_label": new, "kind": kinds[old]} for old, new in result.mapping.rows()]

    def labels(ls: LabelSet) -> list[dict[str, str | None]]:
        return [{"label": lab, "parent": ls.parents.get(lab)} for lab in ls.labels]

    body = {
        "format": ARTIFACT_FORMAT,
        "version": version,
        "created": (created or datetime.now(UTC)).isoformat(timespec="seconds"),
        "old_label_set": {"source": result.old.source, "checksum": result.old.checksum(),
                          "labels": labels(result.old)},
        "new_label_set": {"source": result.new.source, "checksum": result.new.checksum(),
                          "labels": labels(result.new)},
        "rows": rows,
        "new_classes": result.mapping.new,
    }
    body["checksum"] = _digest({k: body[k] for k in _CHECKSUMMED})
    return body


def verify_artifact(artifact: dict[str, Any]) -> bool:
    """True when the artefact's checksum matches its content."""
    return artifact.get("format") == ARTIFACT_FORMAT and artifact.get("checksum") == _digest(
        {k: artifact.get(k) for k in _CHECKSUMMED})


def write_artifact(artifact: dict[str, Any], path: str | Path) -> None:
    """Write as YAML for .yaml/.yml, JSON otherwise."""
    path = Path(path)
    if path.suffix.lower() in {".yaml", ".yml"}:
        path.write_text(yaml.safe_dump(artifact, sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
    else:
        path.write_text(json.dumps(artifact, indent=2, ensure_ascii=False), encoding="utf-8")
