"""Generated delivery series for vendor history: the history benchmark and tests (`seed_series`,
measured from generated files) and the demo step (`seed_history`, generated counts).

`seed_series` writes each delivery as a CSV in memory and measures it with the real pipeline
(`count_delivery`, `measure_delivery`), so the stored measures are what a user's files would give.
In both series one provider slips on the rare category after the guideline change to v2.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import numpy as np

from annogov.store import ProgramRecord, Store
from annogov.store.measured import record_delivery
from governance.quality.reading.delivery import open_delivery
from governance.quality.reading.delivery_counts import count_delivery
from governance.quality.vendors.history import DeliveryMeasures, Tally, measure_delivery
from governance.roles import Role, User

LABELS = ["car", "truck", "pedestrian", "cyclist"]
CATEGORIES = {"car": "common", "truck": "common", "pedestrian": "common", "cyclist": "rare"}
SHARES = [0.5, 0.2, 0.2, 0.1]
SEEDER = User(user_id="demo-seed", name="annogov demo", role=Role.PROGRAM_MANAGER)
FIRST_WEEK = date(2026, 8, 3)


def delivery_csv(rng: np.random.Generator, items: int, error: dict[str, float], start: date, late: float) -> bytes:
    """One week's delivery: every item once, a quarter twice, 15% gold-seeded, 10% QA-reviewed."""
    out = io.StringIO()
    out.write("item_id,annotator_id,label,category,gold_label,qa_result,submitted_at,due_at\n")
    truth = rng.choice(len(LABELS), size=items, p=SHARES)
    due = datetime.combine(start, datetime.min.time()) + timedelta(days=7)
    for i in range(items):
        t = LABELS[truth[i]]
        cat = CATEGORIES[t]
        for k in range(2 if i % 4 == 0 else 1):
            wrong = rng.random() < error[cat]
            label = LABELS[(truth[i] + 1) % len(LABELS)] if wrong else t
            gold = t if i % 7 == 0 else ""
            qa = ("fail" if wrong else "pass") if rng.random() < 0.1 else ""
            sent = due - timedelta(
                hours=float(rng.uniform(-30, 150)) if rng.random() < late else float(rng.uniform(1, 150))
            )
            item, worker = f"d{start:%m%d}-{i:05d}", f"w{(i + k) % 8:02d}"
            out.write(f"{item},{worker},{label},{cat},{gold},{qa},{sent:%Y-%m-%dT%H:%M},{due:%Y-%m-%dT%H:%M}\n")
    return out.getvalue().encode()


def seed_series(
    store: Store, program: ProgramRecord, providers: list[str], *, weeks: int = 12, items: int = 200
) -> int:
    """Store `weeks` weekly deliveries for each named provider; returns how many were stored."""
    rng = np.random.default_rng(19)
    stored = 0
    for n, provider in enumerate(providers):
        for w in range(weeks):
            start = FIRST_WEEK + timedelta(weeks=w)
            version = "v1" if w < weeks // 2 else "v2"
            slip = n == 0 and version == "v2"
            error = {"common": 0.03 + 0.01 * n, "rare": 0.25 if slip else 0.05 + 0.01 * n}
            data = delivery_csv(rng, items, error, start, late=0.05)
            name = f"week-{start:%Y-%m-%d}.csv"
            counts = count_delivery(open_delivery(name, data=data), LABELS)
            record_delivery(
                store,
                SEEDER,
                program.id,
                provider,
                measure_delivery(counts),
                delivered_on=start + timedelta(days=7),
                guideline_version=version,
                label=f"week of {start:%d %b}",
            )
            stored += 1
    return stored


DEMO_CATEGORIES = {"urban_day": (600, 0.96, 0.10), "highway": (250, 0.94, 0.12), "construction_zone": (200, 0.93, 0.30)}
"""Demo scene type -> (audited annotations per week, accuracy on gold, share seeded with gold: more on the rare one)."""


def _demo_tally(rng: np.random.Generator, rows: int, accuracy: float, kappa: float, gold_share: float = 0.12) -> Tally:
    gold = int(rows * gold_share)
    reviewed = int(rows * 0.10)
    timed = rows
    return Tally(
        rows=rows,
        gold=gold,
        correct=int(rng.binomial(gold, accuracy)),
        reviewed=reviewed,
        failed=int(rng.binomial(reviewed, (1 - accuracy) / 3)),
        timed=timed,
        on_time=int(rng.binomial(timed, 0.97)),
        kappa=round(float(kappa + rng.normal(0, 0.02)), 3),
    )


def seed_history(store: Store, program: ProgramRecord) -> None:
    """Demo step: twelve weekly deliveries' counts (generated directly, not from files, to keep seeding
    fast) for the current vendor, which slips on construction zones after the guidelines move to v2, and
    the provider the switch is costed for (its parallel pilot batches)."""
    from annogov.services.demo import DEMO_CONTRACT_VENDOR, DEMO_SWITCH_TO

    rng = np.random.default_rng(1919)
    names = [p.name for p in store.list_providers(program.id)]
    for n, provider in enumerate([name for name in (DEMO_CONTRACT_VENDOR, DEMO_SWITCH_TO) if name in names]):
        for w in range(12):
            start = FIRST_WEEK + timedelta(weeks=w)
            version = "v1" if w < 6 else "v2"
            cats = {}
            for c, (rows, acc, share) in DEMO_CATEGORIES.items():
                slip = 0.25 if (n == 0 and c == "construction_zone" and version == "v2") else 0.0
                cats[c] = _demo_tally(rng, rows, acc - 0.01 * n - slip, 0.84 - 0.03 * n - slip, share)
            overall = Tally()
            for t in cats.values():
                overall = overall.add(t)
            overall = overall.model_copy(update={"kappa": round(sum(t.kappa or 0 for t in cats.values()) / 3, 3)})
            annotators = {
                f"{provider[:3].lower()}-{k:02d}": _demo_tally(rng, 90, 0.95 - 0.01 * n, 0.8) for k in range(6)
            }
            measures = DeliveryMeasures(
                file=f"week-{start:%Y-%m-%d}.csv",
                items=overall.rows,
                annotations=overall.rows,
                kappa_method="fleiss_kappa",
                overall=overall,
                categories=cats,
                annotators=annotators,
            )
            record_delivery(
                store,
                SEEDER,
                program.id,
                provider,
                measures,
                delivered_on=start + timedelta(days=7),
                guideline_version=version,
                label=f"week of {start:%d %b}",
            )
