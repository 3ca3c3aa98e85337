"""Switching cost page, taxonomy: label sets, mapping and dual-labelled sample uploaded; mapping edited, classified."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from annogov.services.switching_docs import (
    analyse_taxonomy_document,
    mapping_rows_of,
    taxonomy_document,
)
from annogov.services.uploads import read_upload
from annogov.store import ConcurrentEditError, ProgramRecord, Store
from app_pages import ui
from app_pages.switching_scenario import _EDIT, _picker
from ingest import InputError, Location, Problem
from migration import (
    mapping_artifact,
)
from migration.apply import load_dataset
from migration.infer import DualLabel, load_dual_sample
from migration.labelsets import LabelSet, load_label_set
from migration.mapping import MappingRow, identity_rows, load_mapping

NO_TAXONOMY = "(no taxonomy)"


# parsers for ui.parse_upload: (bytes, file name) -> parsed; module-level so the cache key is stable

def _parse_label_set(data: bytes, name: str) -> LabelSet:
    return load_label_set(name, data=data)


def _parse_mapping(data: bytes, name: str) -> tuple[list[MappingRow], str]:
    return load_mapping(name, data=data)


def _parse_sample(data: bytes, name: str) -> list[DualLabel]:
    return load_dual_sample(name, data=data)


# taxonomy ----------------------------------------------------------------------------------


def _taxonomy_upload(store: Store, program: ProgramRecord) -> None:
    """Upload label sets (and optionally a mapping, a dual-labelled sample, a dataset) and save."""
    with st.expander("Upload a taxonomy", expanded=False):
        st.caption("Label sets are CSV/xlsx with a `label` column and an optional `parent` "
                   "column (or paths such as `vehicle/truck`), or JSON. A mapping has `old_label` "
                   "and `new_label`; an empty `new_label` drops the class. The dual-labelled "
                   "sample has `item_id, old_label, new_label`; the dataset `item_id, label` and "
                   "optionally `taxonomy_version`.")
        name = st.text_input("Taxonomy name", "Taxonomy", max_chars=200, key="tx_name")
        types = ["csv", "xlsx", "json"]
        c = st.columns(2)
        old_file = c[0].file_uploader("Old label set", type=types, key="tx_old")
        new_file = c[1].file_uploader("New label set", type=types, key="tx_new")
        map_file = c[0].file_uploader("Mapping (optional)", type=["csv", "xlsx"], key="tx_map")
        sample_file = c[1].file_uploader("Dual-labelled sample (optional)", type=["csv", "xlsx"],
                                         key="tx_sample")
        data_file = st.file_uploader("Labelled dataset (optional: counts the items to "
                                     "re-annotate)", type=["csv", "xlsx", "parquet"],
                                     key="tx_dataset", help=ui.upload_limit_help())
        if not st.button("Save taxonomy", key="tx_save", icon=":material/save:", disabled=not ui.may(_EDIT),
                         help=ui.not_for_role(_EDIT)):
            return
        if old_file is None or new_file is None:
            st.error("Upload both the old and the new label set.", icon=":material/error:")
            return
        try:
            old = ui.parse_upload(old_file, _parse_label_set)
            new = ui.parse_upload(new_file, _parse_label_set)
            assert old is not None and new is not None
            mapped = ui.parse_upload(map_file, _parse_mapping)
            sample = ui.parse_upload(sample_file, _parse_sample)
            dataset = None
            if data_file is not None:
                upload = read_upload(data_file)
                dataset = load_dataset(upload.name, old, new, data=upload.data)
            doc = taxonomy_document(
                old, new, sample=sample, dataset=dataset,
                sample_source=sample_file.name if sample_file is not None else "sample")
            table = None if mapped is None else [r.model_dump() for r in mapped[0]]
            result = analyse_taxonomy_document(doc, table)
        except InputError as exc:
            ui.show_problems(exc)
            return
        rows = mapping_rows_of(result) if table is None else table
        name = name.strip()
        if name and store.get_document("taxonomy", program.id, name) is not None:
            st.error(f"A taxonomy named {name!r} already exists; choose another name.",
                     icon=":material/error:")
            return
        with store.transaction():
            store.save_document("taxonomy", program.id, name, doc, expected_version=0)
            store.save_document("mapping", program.id, name, {"rows": rows},
                                expected_version=None)
        st.session_state["tx_pick_next"] = name
        ui.flash(f"Taxonomy {name!r} saved with its mapping ({result.mapping_source}).")
        st.rerun()


def _taxonomy(store: Store, program: ProgramRecord) -> int | None:
    """The taxonomy part; returns the re-annotation count to feed the scenario, if chosen."""
    docs = {d.name: d for d in store.list_documents("taxonomy", program.id)}
    pick = _picker("Taxonomy", [*docs, NO_TAXONOMY], "tx_pick",
                   "A pair of label sets with its mapping, saved in the program.")
    _taxonomy_upload(store, program)
    doc = docs.get(pick)
    if doc is None:
        st.info("No taxonomy chosen: the scenario's own estimate of items to re-annotate is used.")
        return None
    mapping_doc = store.get_document("mapping", program.id, doc.name)
    old = LabelSet.model_validate(doc.data["old"])
    new = LabelSet.model_validate(doc.data["new"])
    if mapping_doc is not None:
        rows = mapping_doc.data.get("rows", [])
    else:
        rows = [r.model_dump(include={"old_label", "new_label"}) for r in identity_rows(old, new)]

    st.subheader("Mapping")
    st.caption("One row per old -> new pair. An old label on several rows is a split; a new label "
               "reached from several old ones is a merge; an empty new label drops the class. "
               "Edits are kept only when you press Save mapping.")
    source = pd.DataFrame(rows, columns=["old_label", "new_label"])
    version = mapping_doc.version if mapping_doc is not None else 0
    edited = st.data_editor(
        source, key=f"tx_editor_{program.id}_{doc.name}_{version}", num_rows="dynamic",
        hide_index=True, width="stretch",
        column_config={
            "old_label": st.column_config.SelectboxColumn("Old label", options=old.labels,
                                                          required=True),
            "new_label": st.column_config.SelectboxColumn(
                "New label", options=new.labels, help="Leave empty to drop the class"),
        })
    if st.button("Save mapping", key="tx_save_mapping", icon=":material/save:", disabled=not ui.may(_EDIT),
                 help=ui.not_for_role(_EDIT)):
        try:
            new_rows = _editor_rows(edited)
            analyse_taxonomy_document(doc.data, new_rows)
        except InputError as exc:
            st.error("The mapping was not saved.", icon=":material/error:")
            ui.show_problems(exc)
        else:
            try:
                store.save_document("mapping", program.id, doc.name, {"rows": new_rows},
                                    expected_version=version)
            except ConcurrentEditError as exc:
                st.warning(f"Not saved: another tab saved this mapping first. {exc}",
                           icon=":material/sync_problem:")
            else:
                ui.flash(f"Mapping for {doc.name!r} saved.")
                st.rerun()

    try:
        result = analyse_taxonomy_document(doc.data, rows)
    except InputError as exc:
        st.error("The saved mapping no longer fits the label sets; fix it in the editor.",
                 icon=":material/error:")
        ui.show_problems(exc)
        return None
    payload = result.to_payload()
    _classification(payload)
    st.download_button(
        "Mapping artefact for the next vendor (JSON)", key="tx_artifact",
        data=lambda: json.dumps(mapping_artifact(result, version=str(version or 1)), indent=2),
        file_name=f"{doc.name}-mapping-v{version or 1}.json", mime="application/json",
        icon=":material/download:",
        help="The mapping with both label sets, versioned and checksummed.")
    items = result.reannotation_items
    if items is None:
        st.info("Upload a labelled dataset with the taxonomy to count the items to re-annotate.")
        return None
    use = st.checkbox(f"Use this count ({items:,} items to re-annotate) in the scenario",
                      value=True, key="tx_feed",
                      help="Replaces the scenario's estimate of items in split classes.")
    return items if use else None


def _editor_rows(edited: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for i, rec in enumerate(edited.to_dict("records"), start=1):
        old = rec.get("old_label")
        new = rec.get("new_label")
        old_text = "" if old is None or (isinstance(old, float) and np.isnan(old)) else str(old)
        new_text = "" if new is None or (isinstance(new, float) and np.isnan(new)) else str(new)
        if not old_text.strip() and not new_text.strip():
            continue
        if not old_text.strip():
            raise_at = Location("mapping editor", row=i, column="old_label")
            raise InputError([Problem(raise_at, "empty old label")])
        rows.append({"old_label": old_text.strip(), "new_label": new_text.strip() or None,
                     "row": i})
    return rows


def _classification(payload: dict[str, Any]) -> None:
    totals = payload["totals"]
    cols = st.columns(5)
    for col, kind, title in zip(cols, ("one_to_one", "merge", "split", "dropped", "new"),
                                ("One to one", "Merge", "Split", "Dropped", "New"), strict=True):
        col.metric(title, totals[kind])
    table = pd.DataFrame([{
        "Old class": c["old_label"], "Kind": c["kind"], "Targets": ", ".join(c["targets"]),
        "Renamed": c["renamed"], "Rule can relabel": c["rule"], "Items": c["items"],
        "Relabelled": c["relabelled"], "Re-annotate": c["reannotate"],
        "Dropped items": c["dropped_items"]} for c in payload["classes"]])
    st.dataframe(table, hide_index=True, width="stretch", key="tx_classes")
    if payload["new"]:
        st.caption("New classes with no source: " + ", ".join(payload["new"]))
    inferred = payload.get("inferred")
    if inferred:
        st.markdown("**Proposals from the dual-labelled sample**")
        st.dataframe(pd.DataFrame([{
            "Old class": p["old_label"], "Sample items": p["items"],
            "Proposed targets": ", ".join(p["targets"]), "Purity": p["purity"],
            "Scattered (needs people)": p["scattered"],
            "Agrees with mapping": p.get("matches_mapping"), "Note": p.get("reason") or ""}
            for p in inferred["proposals"]]), hide_index=True, width="stretch",
            key="tx_proposals",
            column_config={"Purity": st.column_config.ProgressColumn(
                "Purity", min_value=0.0, max_value=1.0, format="percent")})
    if totals.get("reannotation_items") is not None:
        st.metric("Items to re-annotate (split classes)", f"{totals['reannotation_items']:,}")
