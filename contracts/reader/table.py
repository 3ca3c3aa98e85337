"""The rule table and the reading loop: every rule sees every clause (or sentence) once, with its
scope already decided; a new field is a new entry in one of the RULES tuples."""

from __future__ import annotations

from contracts.reader import rules_data, rules_quality, rules_security, rules_sla, rules_terms
from contracts.reader.rule import Hit, Rule
from contracts.reader.scope import read_clause
from contracts.reader.segment import clauses

RULES: tuple[Rule, ...] = (
    *rules_data.RULES,
    *rules_quality.RULES,
    *rules_terms.RULES,
    *rules_sla.RULES,
    *rules_security.RULES,
)


def read(sentence: str) -> list[Hit]:
    """Every hit in one sentence, once per (field, value), in rule order."""
    whole = read_clause(sentence)
    parts = [read_clause(text, sentence) for text in clauses(sentence)]
    hits: list[Hit] = []
    seen: set[tuple[str, str]] = set()
    for rule in RULES:
        for scoped in [whole] if rule.level == "sentence" else parts:
            for hit in rule.read(scoped):
                key = (hit.field, repr(hit.value))
                if key not in seen:
                    seen.add(key)
                    hits.append(hit)
    return hits
