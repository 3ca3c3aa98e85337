"""Generated delivery series for vendor history: the demo step and the history benchmark.

Each delivery is a CSV written in memory and measured by the real pipeline (`count_delivery`,
`measure_delivery`), so the stored measures are what a user's files would give. One provider slips
on the rare category after the guideline change to v2; the others hold steady.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import numpy as np

from annogov.store import ProgramRecord, Store
from annogov.store.measured import record_delivery
from governance.delivery import open_delivery
from governance.delivery_counts import count_delivery
from governance.history import measure_delivery
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


def seed_history(store: Store, program: ProgramRecord) -> None:
    """Demo step: twelve weekly deliveries for two of the demo program's providers."""
    names = [p.name for p in store.list_providers(program.id)][:2]
    seed_series(store, program, names)
