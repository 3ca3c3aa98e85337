"""The scorecard over the store, as the Providers & scorecard page uses it: import a vendor
spreadsheet into a program, change the weights, score from the stored rows.

Run: .venv/bin/python examples/scorecard_store_session.py   (an in-memory SQLite database)
"""

from datetime import date
from pathlib import Path

from annogov.services import scoring
from annogov.store import Store
from scorecard.card import score_sheet
from scorecard.importer import import_scores

store = Store("sqlite://")
program = store.create_program("Q3 shortlist")
rubric, version = scoring.load_program_rubric(store, program.id)
imported = import_scores(Path(__file__).with_name("scorecard-wide.xlsx"), rubric)
summary = scoring.import_into_program(store, program.id, imported, changed_by="import of scorecard-wide.xlsx")
print(f"imported {summary.scores} scores, {len(summary.new_providers)} new providers, {summary.rows} rows")

weights = {"workforce": 25, "security": 10, "quality_sla": 25, "ai_throughput": 25, "commercial": 15}
print(scoring.weights_problem(weights | {"security": 5}))
scoring.save_program_weights(store, program.id, weights, expected_version=version)

rubric, version = scoring.load_program_rubric(store, program.id)
stored = scoring.sheet_from_records(rubric, store.list_providers(program.id), store.list_evaluations(program.id))
payload = score_sheet(stored.sheet, as_of=date(2026, 11, 1)).to_payload()
print("rubric version", version, "| top:", scoring.ranking_headline(payload))
for row in scoring.ranking_rows(payload):
    print(f"{row['Rank']}  {row['Provider']:<22} {row['Total']:6.2f}  {row['Band']}  gates: {row['Gates']}")
print(payload["robustness"]["pairs"][0]["text"])
