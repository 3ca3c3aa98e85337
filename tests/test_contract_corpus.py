"""The clause reader on its labelled corpus: precision of "present" >= 0.97 and recall >= 0.90,
overall and for every field; each kind of sentence (negated, not yet, conditional, ...) counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.drafts import read_sentence
from contracts.reader.measure import KINDS, CorpusScore, Example, load_corpus, score

CORPUS = Path(__file__).resolve().parent / "fixtures" / "contract_corpus"
PRECISION_PRESENT = 0.97
RECALL = 0.90


@pytest.fixture(scope="module")
def result() -> CorpusScore:
    return score(load_corpus(CORPUS), read_sentence)


def test_corpus_is_large_and_covers_every_kind() -> None:
    examples = load_corpus(CORPUS)
    assert len(examples) >= 300
    kinds = {e.kind for e in examples}
    assert kinds == set(KINDS)
    negations = " ".join(e.sentence.lower() for e in examples if e.kind == "neg")
    for phrase in ("shall not", "may not", "no obligation", "nothing in this agreement shall be construed"):
        assert phrase in negations, phrase


def test_overall_targets(result: CorpusScore) -> None:
    total = result.total
    wrong = "\n".join(f"{e.source}: {e.sentence} -> {sorted(got)}" for e, got in result.errors)
    assert total.precision_present >= PRECISION_PRESENT, wrong
    assert total.recall >= RECALL, wrong


def test_every_field_meets_the_targets(result: CorpusScore) -> None:
    low = {
        name: (round(s.precision_present, 3), round(s.recall, 3))
        for name, s in result.fields.items()
        if s.precision_present < PRECISION_PRESENT or s.recall < RECALL
    }
    assert not low, low


def test_every_profile_field_the_reader_proposes_is_in_the_corpus(result: CorpusScore) -> None:
    from contracts.profile import ContractProfile

    sections = {k for k in ContractProfile.model_fields if k not in ("vendor", "contract", "sla")}
    profile_fields = {
        f"{section}.{name}"
        for section in sections
        for name in type(getattr(ContractProfile(vendor="x"), section)).model_fields
    }
    assert profile_fields <= set(result.fields), sorted(profile_fields - set(result.fields))


def test_scoring_counts_a_false_present_against_precision() -> None:
    example = Example("inline", "aff", "The Client owns the data.", frozenset({("data.buyer_owns_data", True)}))
    wrong = score([example], lambda s: [("data.buyer_owns_data", False), ("security.dpa", True)])
    assert wrong.fields["security.dpa"].precision_present == 0.0
    assert wrong.fields["data.buyer_owns_data"].recall == 0.0


def test_benchmark_prints_a_row_per_field_and_the_totals(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    import importlib.util
    import sys

    bench_path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_contract_reader.py"
    spec = importlib.util.spec_from_file_location("bench_contract_reader", bench_path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    heldout = Path(__file__).resolve().parent / "fixtures" / "contract_corpus_heldout"
    monkeypatch.setattr(sys, "argv", ["bench_contract_reader.py", "--corpus", str(heldout), "--errors"])
    assert bench.main() == 0
    out = capsys.readouterr().out
    assert "80 sentences" in out and "prec(present)" in out and "all fields" in out
    assert "data.buyer_owns_data" in out
