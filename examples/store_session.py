"""A short session with the store: seed the demo, an evaluator changes their own score (and may not
change another's), a second tab meets the change, the audit names the login.

Run: ANNOGOV_DATA_DIR=/tmp/annogov-readme .venv/bin/python examples/store_session.py
(docs/developers.md shows a first run; a second finds the demo program with the score already changed)
"""

from annogov.services.demo import DEMO_PROGRAM_NAME, seed_demo
from annogov.store import ScoreEdit, Store
from governance.roles import PermissionDenied, Role, User

store = Store()
program = store.find_program(DEMO_PROGRAM_NAME) or seed_demo(store)
print(program.name, "|", store.describe(short=True), "|", store.schema_version())
kestrel = next(p for p in store.list_providers(program.id) if p.name == "Kestrel Data Works")
rows = store.list_evaluations(program.id, provider_id=kestrel.id, evaluator="M. Santos (security)")
row = next(r for r in rows if r.dimension == "security")
print(row.dimension, row.score, row.version, repr(row.comment))
santos = store.as_user(User(user_id="msantos@buyer.example", name="M. Santos", role=Role.REVIEWER,
                            annotator_id="M. Santos (security)"))  # Store() alone acts as the operator
santos.save_scores(
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
    note="after the audit call",
)
try:  # an evaluator edits only their own scores
    santos.save_scores(program.id, [ScoreEdit(provider_id=kestrel.id, evaluator="J. Varga (ML lead)",
                                              dimension="security", score=5)])
except PermissionDenied as exc:
    print("PermissionDenied:", exc)
try:  # a second tab that loaded the same version
    santos.save_scores(
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
    print(h.dimension, h.old_score, "->", h.new_score, "by", h.changed_by, "|", h.comment, "|", h.note)
