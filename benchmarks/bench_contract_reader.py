"""Benchmark: precision and recall of the contract clause reader per field on the labelled corpus
in tests/fixtures/contract_corpus (targets: precision of "present" >= 0.97, recall >= 0.90).
tests/fixtures/contract_corpus_heldout holds sentences written after the reader was tuned.

Run: python benchmarks/bench_contract_reader.py [--errors] [--corpus tests/fixtures/contract_corpus_heldout]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contracts.drafts import read_sentence  # noqa: E402
from contracts.reader.measure import load_corpus, score  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "contract_corpus"


def main() -> int:
    """Print the per-field table and the totals; with --errors, every sentence read wrongly."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--errors", action="store_true", help="list the sentences read wrongly")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of labelled .txt files")
    args = parser.parse_args()
    examples = load_corpus(args.corpus)
    result = score(examples, read_sentence)
    kinds: dict[str, int] = {}
    for e in examples:
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    print(f"{result.sentences} sentences: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print(f"{'field':45} {'right':>5} {'wrong':>5} {'missed':>6} {'prec':>6} {'prec(present)':>13} {'recall':>6}")
    for name, s in result.fields.items():
        print(
            f"{name:45} {s.right:5d} {s.wrong:5d} {s.missed:6d} {s.precision:6.3f} "
            f"{s.precision_present:13.3f} {s.recall:6.3f}"
        )
    t = result.total
    print(
        f"{'all fields':45} {t.right:5d} {t.wrong:5d} {t.missed:6d} {t.precision:6.3f} "
        f"{t.precision_present:13.3f} {t.recall:6.3f}"
    )
    print(f"sentences read exactly right: {result.sentences - len(result.errors)} of {result.sentences}")
    if args.errors:
        for example, got in result.errors:
            print(f"\n{example.source} [{example.kind}] {example.sentence}")
            print(f"  expected: {sorted(example.expected)}")
            print(f"  got:      {sorted(got)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
