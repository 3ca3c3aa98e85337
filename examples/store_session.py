"""A short session with the store: seed the demo, change a score, meet a second tab, read the audit.

Run: ANNOGOV_DATA_DIR=/tmp/annogov-readme .venv/bin/python examples/store_session.py
(the README shows a first run; a second finds the demo program with the score already changed)
"""

from annogov.demo import DEMO_PROGRAM_NAME, seed_demo
from annogov.store import ScoreEdit, Store

store = Store()
program = store.find_program(DEMO_PROGRAM_NAME) or seed_demo(store)
print(program.name, "|", store.describe(short=True), "|", store.schema_version())
kestrel = next(p for p in store.list_providers(program.id) if p.name == "Kestrel Data Works")
rows = store.list_evaluations(program.id, provider_id=kestrel.id, evaluator="M. Santos (security)")
row = next(r for r in rows if r.dimension == "security")
print(row.dimension, row.score, row.version, repr(row.comment))
store.save_scores(
    program.id,
    [
        ScoreEdit(
            provider_id=kestrel.id,
            evaluator=row.evaluator,
            dimension=row.dimension,
            score=2,
            comment="DPA signed after the audit call",
            expected_version=row.version,
        )
    ],
)
try:  # a second tab that loaded the same version
    store.save_scores(
        program.id,
        [
            ScoreEdit(
                provider_id=kestrel.id,
                evaluator=row.evaluator,
                dimension=row.dimension,
                score=1,
                expected_version=row.version,
            )
        ],
    )
except Exception as exc:
    print(type(exc).__name__ + ":", exc)
for h in store.score_history(program.id, provider_id=kestrel.id)[:2]:
    print(h.dimension, h.old_score, "->", h.new_score, "by", h.changed_by, "|", h.comment)
