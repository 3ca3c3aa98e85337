"""Taxonomy mapping: label sets, classification, validation, inference, application, vintage."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from ingest import InputError
from migration.apply import DatasetItem, apply_mapping
from migration.infer import DualLabel, infer_mapping
from migration.labelsets import load_label_set
from migration.mapping import MappingRow, classify, load_mapping
from migration.taxonomy import (
    analyse_taxonomy,
    analyse_taxonomy_files,
    mapping_artifact,
    verify_artifact,
    write_artifact,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "taxonomy"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _sets(tmp_path: Path, old: str, new: str) -> tuple:
    return (load_label_set(_write(tmp_path, "old.csv", old)), load_label_set(_write(tmp_path, "new.csv", new)))


def test_example_classifies_rename_merge_split_drop_and_new() -> None:
    result = analyse_taxonomy_files(EXAMPLES / "old.csv", EXAMPLES / "new.csv", mapping_path=EXAMPLES / "mapping.csv")
    kinds = {c["old_label"]: (c["kind"], c["targets"], c["renamed"]) for c in result.to_payload()["classes"]}
    assert kinds["pedestrian"] == ("one_to_one", ["person"], True)
    assert kinds["car"] == ("one_to_one", ["car"], False)
    assert kinds["van"][0] == kinds["minibus"][0] == "merge"
    assert kinds["minibus"][1] == ["van"]
    assert kinds["truck"] == ("split", ["truck_light", "truck_heavy"], False)
    assert kinds["debris"] == ("dropped", [], False)
    assert result.mapping.new == ["e_scooter_rider", "animal"]


def test_paths_parents_and_json_tree(tmp_path: Path) -> None:
    csv_set = load_label_set(_write(tmp_path, "a.csv", "label\nvehicle/truck\nvehicle/car\n"))
    assert csv_set.parents == {"truck": "vehicle", "car": "vehicle", "vehicle": None}
    assert csv_set.path("truck") == "vehicle/truck"
    tree = _write(tmp_path, "t.json", json.dumps({"vehicle": {"car": {}, "truck": {}}, "person": {}}))
    js = load_label_set(tree)
    assert js.labels == ["vehicle", "car", "truck", "person"]
    assert js.parents["truck"] == "vehicle"
    assert js.checksum() != csv_set.checksum()


def test_label_set_problems_are_located_and_collected(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.csv", "label,parent\na,c\nb,a\nc,b\nb,\nd,zzz\n")
    with pytest.raises(InputError) as info:
        load_label_set(path)
    text = str(info.value)
    assert "bad.csv, row 5, column 'label': duplicate label 'b'" in text
    assert "parent 'zzz' of 'd' is not in the label set" in text
    assert "hierarchy cycle" in text and "a -> c -> b -> a" in text


def test_mapping_validation_reports_every_problem(tmp_path: Path) -> None:
    old, new = _sets(tmp_path, "label\na\nb\nc\nd\n", "label\nA\nB\nC\n")
    rows, _ = load_mapping(_write(tmp_path, "map.csv", "old_label,new_label\na,A\na,B\nb,B\nc,C\nc,C\nzz,A\nd,Q\n"))
    with pytest.raises(InputError) as info:
        classify(old, new, rows, "map.csv")
    text = str(info.value)
    assert "map.csv, row 7, column 'old_label': 'zz' is not in the old label set" in text
    assert "map.csv, row 8, column 'new_label': 'Q' is not in the new label set" in text
    assert "row 6" in text and "duplicate mapping 'c' -> 'C'" in text
    assert "'a' is split into A, B while B also receives b" in text
    assert len(info.value.problems) == 4


def test_unmapped_old_label_not_in_new_set_is_a_problem(tmp_path: Path) -> None:
    old, new = _sets(tmp_path, "label\na\nb\n", "label\na\n")
    with pytest.raises(InputError, match="'b' has no mapping row"):
        classify(old, new, [MappingRow(old_label="a", new_label="a")])


def _planted_sample(seed: int, noise: float) -> list[DualLabel]:
    """a->A, b->A (merge), c->C1|C2 (split 60/40), d->D, e scattered over everything."""
    rng = np.random.default_rng(seed)
    news = ["A", "C1", "C2", "D", "X", "Y", "Z"]
    planted = {
        "a": (["A"], [1.0]),
        "b": (["A"], [1.0]),
        "c": (["C1", "C2"], [0.6, 0.4]),
        "d": (["D"], [1.0]),
        "e": (news, [1 / 7] * 7),
    }
    out = []
    for old, (targets, probs) in planted.items():
        for i in range(500):
            label = rng.choice(news) if rng.random() < noise else rng.choice(targets, p=probs)
            out.append(DualLabel(item_id=f"{old}{i}", old_label=old, new_label=str(label)))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_inferred_mapping_recovers_planted_mapping(tmp_path: Path, seed: int) -> None:
    sample = _planted_sample(seed, noise=0.1)
    inferred = infer_mapping(sample, old_labels=list("abcde"), new_labels=["A", "C1", "C2", "D", "X", "Y", "Z"])
    props = {p.old_label: p for p in inferred.proposals}
    assert props["a"].targets == ["A"] and not props["a"].scattered
    assert props["b"].targets == ["A"]
    assert props["c"].targets == ["C1", "C2"] and props["c"].scattered
    assert props["d"].targets == ["D"] and props["d"].purity > 0.85
    assert props["e"].targets == [] and props["e"].scattered
    counts = np.array(inferred.counts)
    assert counts.sum() == len(sample)
    assert counts[0, 0] == sum(1 for s in sample if (s.old_label, s.new_label) == ("a", "A"))
    old, new = _sets(tmp_path, "label\na\nb\nc\nd\ne\n", "label\nA\nC1\nC2\nD\nX\nY\nZ\n")
    result = analyse_taxonomy(old, new, sample=sample)
    kinds = {c.old_label: c.kind for c in result.mapping.classes}
    assert kinds == {"a": "merge", "b": "merge", "c": "split", "d": "one_to_one", "e": "dropped"}
    assert result.mapping_source == "inferred"
    assert result.mapping.new == ["X", "Y", "Z"]


def test_apply_relabels_by_rule_and_lists_reannotation() -> None:
    result = analyse_taxonomy_files(EXAMPLES / "old.csv", EXAMPLES / "new.csv", mapping_path=EXAMPLES / "mapping.csv")
    items = [
        DatasetItem(item_id=str(i), label=lab)
        for i, lab in enumerate(["car", "van", "minibus", "truck", "truck", "pedestrian", "debris"])
    ]
    items.append(DatasetItem(item_id="n1", label="animal", vintage="new"))
    applied = apply_mapping(result.mapping, items)
    actions = {a.item_id: (a.action, a.new_label) for a in applied.actions}
    assert actions["0"] == ("unchanged", "car")
    assert actions["2"] == ("relabel", "van")
    assert actions["3"] == ("reannotate", None)
    assert actions["5"] == ("relabel", "person")
    assert actions["6"] == ("dropped", None)
    assert applied.reannotation_items == 2 and applied.already_new == 1
    per = {c.old_label: c for c in applied.per_class}
    assert per["truck"].affected == 2 and per["car"].affected == 0
    assert per["minibus"].relabelled == 1


def test_dataset_vintage_and_payload_counts() -> None:
    result = analyse_taxonomy_files(
        EXAMPLES / "old.csv",
        EXAMPLES / "new.csv",
        mapping_path=EXAMPLES / "mapping.csv",
        dataset_path=EXAMPLES / "dataset.csv",
    )
    payload = result.to_payload()
    rows = list(csv.DictReader((EXAMPLES / "dataset.csv").open()))
    old_rows = [r for r in rows if r["taxonomy_version"] == "v1"]
    trucks = sum(1 for r in old_rows if r["label"] == "truck")
    assert payload["totals"]["reannotation_items"] == trucks
    assert payload["totals"]["items"] == len(old_rows)
    assert payload["totals"]["already_new"] == len(rows) - len(old_rows)
    assert len(payload["reannotate"]) == trucks
    vint = {c["label"]: c for c in payload["vintage"]["classes"]}
    people_old = sum(1 for r in old_rows if r["label"] == "pedestrian")
    people_new = sum(1 for r in rows if r["taxonomy_version"] == "v2" and r["label"] == "person")
    assert vint["person"]["old_rules"] == people_old
    assert vint["person"]["new_rules"] == people_new
    assert vint["person"]["share_old"] == pytest.approx(people_old / (people_old + people_new))
    assert payload["vintage"]["unplaced"]["truck"] == trucks


def test_dataset_with_dates_needs_cutover_and_locates_bad_cells(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "d.csv",
        "item_id,label,date\n1,car,2026-01-03\n2,person,2026-03-01\n3,pedestrian,tuesday\n4,unicorn,2026-01-05\n",
    )
    with pytest.raises(InputError, match="give the cutover date"):
        analyse_taxonomy_files(EXAMPLES / "old.csv", EXAMPLES / "new.csv", dataset_path=path)
    from datetime import date

    with pytest.raises(InputError) as info:
        analyse_taxonomy_files(
            EXAMPLES / "old.csv",
            EXAMPLES / "new.csv",
            mapping_path=EXAMPLES / "mapping.csv",
            dataset_path=path,
            cutover=date(2026, 2, 1),
        )
    text = str(info.value)
    assert "d.csv, row 4, column 'date': 'tuesday' is not a date" in text
    assert "d.csv, row 5, column 'label': 'unicorn' is not in the old label set" in text


def test_artifact_is_versioned_checksummed_and_round_trips(tmp_path: Path) -> None:
    result = analyse_taxonomy_files(EXAMPLES / "old.csv", EXAMPLES / "new.csv", mapping_path=EXAMPLES / "mapping.csv")
    art = mapping_artifact(result, version="2026.1")
    assert art["version"] == "2026.1" and art["created"]
    assert verify_artifact(art)
    assert {"old_label": "debris", "new_label": None, "kind": "dropped"} in art["rows"]
    write_artifact(art, tmp_path / "m.yaml")
    back = yaml.safe_load((tmp_path / "m.yaml").read_text())
    assert verify_artifact(back)
    back["rows"][0]["new_label"] = "tampered"
    assert not verify_artifact(back)
    write_artifact(art, tmp_path / "m.json")
    assert verify_artifact(json.loads((tmp_path / "m.json").read_text()))


def test_xlsx_and_json_list_label_sets(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Label set v2 (title row)"])
    ws.append(["Label", "Parent"])
    ws.append(["vehicle", None])
    ws.append(["car", "vehicle"])
    ws.append([None, "vehicle"])
    wb.save(tmp_path / "labels.xlsx")
    with pytest.raises(InputError, match=r"labels.xlsx, sheet 'Sheet', row 5, column 'Label'"):
        load_label_set(tmp_path / "labels.xlsx")
    ws.delete_rows(5)
    wb.save(tmp_path / "labels.xlsx")
    assert load_label_set(tmp_path / "labels.xlsx").parents == {"vehicle": None, "car": "vehicle"}
    js = _write(tmp_path, "l.json", json.dumps({"labels": ["a", {"label": "b", "parent": "a"}]}))
    assert load_label_set(js).parents == {"a": None, "b": "a"}


def test_date_vintage_splits_at_the_cutover(tmp_path: Path) -> None:
    from datetime import date

    path = _write(
        tmp_path,
        "d.csv",
        "item_id,label,date\n1,pedestrian,2026-01-03\n2,person,2026-03-01\n3,person,2026-02-01\n4,truck,2026-01-09\n",
    )
    result = analyse_taxonomy_files(
        EXAMPLES / "old.csv",
        EXAMPLES / "new.csv",
        mapping_path=EXAMPLES / "mapping.csv",
        dataset_path=path,
        cutover=date(2026, 2, 1),
    )
    assert result.vintage is not None
    person = next(c for c in result.vintage.classes if c.label == "person")
    assert (person.old_rules, person.new_rules) == (1, 2)
    assert person.share_old == pytest.approx(1 / 3)
    assert result.vintage.unplaced == {"truck": 1} and result.vintage.mixed_classes == 1


def test_a_scattered_class_does_not_turn_its_targets_into_merges(tmp_path: Path) -> None:
    old, new = _sets(tmp_path, "label\na\nb\nf\n", "label\nA\nB\n")
    sample = (
        [DualLabel(item_id=f"a{i}", old_label="a", new_label="A") for i in range(10)]
        + [DualLabel(item_id=f"b{i}", old_label="b", new_label="B") for i in range(10)]
        + [DualLabel(item_id=f"f{i}", old_label="f", new_label="AB"[i % 2]) for i in range(10)]
    )
    result = analyse_taxonomy(old, new, sample=sample)
    kinds = {c.old_label: c.kind for c in result.mapping.classes}
    assert kinds == {"a": "one_to_one", "b": "one_to_one", "f": "split"}
    props = {p.old_label: p for p in result.inferred.proposals}  # type: ignore[union-attr]
    assert props["f"].purity == 0.5 and props["f"].coverage == 1.0 and props["f"].scattered
    assert props["a"].purity == 1.0 and not props["a"].scattered
    with pytest.raises(InputError, match="cannot be both split and merged"):
        classify(old, new, result.inferred.mapping_rows())  # type: ignore[union-attr]
