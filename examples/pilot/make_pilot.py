"""Write the example pilot: three shortlisted providers label the same 524 street-scene objects, 190 of
them the buyer's gold items; Tessellate is better than Northwind only on the rare classes (animal,
e-scooter rider).

The errors on gold items are fixed counts at seeded positions, so the report can be checked by
hand (see README.md). Run from the repository root: python examples/pilot/make_pilot.py
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
LABELS = ["vehicle", "pedestrian", "cyclist", "traffic_sign", "animal", "e_scooter_rider"]
CONFUSED_WITH = {
    "vehicle": "cyclist",
    "pedestrian": "cyclist",
    "cyclist": "pedestrian",
    "traffic_sign": "vehicle",
    "animal": "vehicle",
    "e_scooter_rider": "traffic_sign",
}
GOLD = {"vehicle": 40, "pedestrian": 35, "cyclist": 30, "traffic_sign": 25, "animal": 30, "e_scooter_rider": 30}
OTHER = {"vehicle": 120, "pedestrian": 90, "cyclist": 60, "traffic_sign": 50, "animal": 8, "e_scooter_rider": 6}
QUALIFICATION = {"vehicle": 6, "pedestrian": 5, "cyclist": 5, "traffic_sign": 4, "animal": 5, "e_scooter_rider": 5}
START = datetime(2026, 11, 2, 8, 0)

PROVIDERS = {
    "northwind": {
        "name": "Northwind Labeling",
        "price": 0.185,
        "gold_wrong": {"vehicle": 2, "pedestrian": 2, "cyclist": 1, "traffic_sign": 1,
                       "animal": 12, "e_scooter_rider": 11},
        "other_error": 0.04,
        "second_disagrees": 0.08,
        "days": 10,
        "late": 0.03,
        "prelabelled": 0.0,
    },
    "tessellate": {
        "name": "Tessellate AI Services",
        "price": 0.16,
        "gold_wrong": {"vehicle": 2, "pedestrian": 1, "cyclist": 2, "traffic_sign": 1,
                       "animal": 1, "e_scooter_rider": 1},
        "other_error": 0.03,
        "second_disagrees": 0.06,
        "days": 14,
        "late": 0.08,
        "prelabelled": 0.6,
    },
    "kestrel": {
        "name": "Kestrel Data Works",
        "price": 0.12,
        "gold_wrong": {"vehicle": 4, "pedestrian": 3, "cyclist": 3, "traffic_sign": 2,
                       "animal": 9, "e_scooter_rider": 9},
        "other_error": 0.07,
        "second_disagrees": 0.15,
        "days": 8,
        "late": 0.01,
        "prelabelled": 0.0,
    },
}


def items(rng: np.random.Generator) -> list[tuple[str, str, bool]]:
    """(item id, true label, is gold) in a seeded shuffle, so gold objects are spread blind."""
    kinds = [
        (label, kind == "gold")
        for kind, table in (("gold", GOLD), ("other", OTHER))
        for label in LABELS
        for _ in range(table[label])
    ]
    order = rng.permutation(len(kinds))
    return [(f"obj-{n + 1:04d}", *kinds[i]) for n, i in enumerate(order)]


def write_gold(all_items: list[tuple[str, str, bool]]) -> None:
    """The buyer's gold set: the seeded production gold plus qualification objects never delivered."""
    with (HERE / "gold-set.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["item_id", "category", "gold_label", "qualification"])
        for item, label, gold in sorted(all_items):
            if gold:
                w.writerow([item, label, label, "no"])
        n = 0
        for label in LABELS:
            for _ in range(QUALIFICATION[label]):
                n += 1
                w.writerow([f"qual-{n:03d}", label, label, "yes"])


def write_delivery(key: str, spec: dict, all_items: list[tuple[str, str, bool]], rng: np.random.Generator) -> None:
    """One provider's delivery: one annotation per object, a second on every fourth non-gold object."""
    wrong: set[str] = set()
    for label in LABELS:
        ids = [i for i, lab, g in all_items if g and lab == label]
        wrong |= set(rng.choice(ids, size=spec["gold_wrong"][label], replace=False).tolist())
    prefix = key[:2]
    rows = []
    for n, (item, truth, gold) in enumerate(all_items):
        if gold:
            first = CONFUSED_WITH[truth] if item in wrong else truth
        else:
            first = CONFUSED_WITH[truth] if rng.random() < spec["other_error"] else truth
        offset = timedelta(hours=float(rng.uniform(0, spec["days"] * 24)))
        submitted = START + offset
        due = START + timedelta(days=spec["days"]) if rng.random() >= spec["late"] else submitted - timedelta(hours=6)
        reviewed = bool(rng.random() < 0.15)
        pre = "yes" if rng.random() < spec["prelabelled"] else "no"
        rows.append(
            [
                item,
                f"{prefix}-{n % 6 + 1:02d}",
                first,
                truth,
                "pass" if first == truth else "fail" if reviewed else "",
                submitted,
                due,
                pre,
                reviewed,
            ]
        )
        if not gold and n % 4 == 0:
            second = (
                first
                if rng.random() >= spec["second_disagrees"]
                else (truth if first != truth else CONFUSED_WITH[truth])
            )
            rows.append(
                [
                    item,
                    f"{prefix}-{(n + 1) % 6 + 1:02d}",
                    second,
                    truth,
                    "",
                    submitted + timedelta(hours=2),
                    due,
                    pre,
                    False,
                ]
            )
    with (HERE / f"{key}-delivery.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        header = ["item_id", "annotator_id", "label", "category", "qa_result", "submitted_at", "due_at"]
        w.writerow(header + (["prelabelled"] if spec["prelabelled"] else []))
        for item, annotator, label, category, _qa, submitted, due, pre, reviewed in rows:
            qa_cell = ("pass" if label == category else "fail") if reviewed else ""
            line = [
                item,
                annotator,
                label,
                category,
                qa_cell,
                submitted.isoformat(timespec="minutes"),
                due.isoformat(timespec="minutes"),
            ]
            w.writerow(line + ([pre] if spec["prelabelled"] else []))


def write_spec() -> None:
    """The pilot spec the CLI and the app read."""
    lines = [
        "name: Street-scene pilot on the rare classes",
        "currency: EUR",
        f"label_set: [{', '.join(LABELS)}]",
        "gold: gold-set.csv",
        "alpha: 0.05",
        "providers:",
    ]
    for key, spec in PROVIDERS.items():
        lines += [
            f"  - name: {spec['name']}",
            f"    delivery: {key}-delivery.csv",
            f"    price_per_label: {spec['price']}",
        ]
    (HERE / "pilot.yaml").write_text("\n".join(lines) + "\n")


def main() -> None:
    """Write gold set, three deliveries and the spec."""
    rng = np.random.default_rng(19)
    all_items = items(rng)
    write_gold(all_items)
    for key, spec in PROVIDERS.items():
        write_delivery(key, spec, all_items, rng)
    write_spec()


if __name__ == "__main__":
    main()
