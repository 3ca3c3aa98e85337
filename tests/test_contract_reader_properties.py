"""Invariances of the clause reader: the party names a draft uses and the order of its paragraphs
do not change what it proposes."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.drafts import propose, read_sentence
from contracts.reader.measure import canonical, load_corpus
from contracts.text_extract import Passage

CORPUS = load_corpus(Path(__file__).resolve().parent / "fixtures" / "contract_corpus")
BUYERS = ("Client", "Customer", "Buyer", "Purchaser")
VENDORS = ("Vendor", "Provider", "Supplier", "Contractor")
_BUYER = re.compile(r"\b(?:Client|Customer|Buyer|Purchaser)\b")
_VENDOR = re.compile(r"\b(?:Vendor|Provider|Supplier|Contractor)\b")


def _reading(sentence: str) -> set[tuple[str, object]]:
    return {(f, canonical(f, v)) for f, v in read_sentence(sentence) if not f.startswith("sla.")}


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(CORPUS), st.sampled_from(BUYERS), st.sampled_from(VENDORS))
def test_party_names_do_not_change_the_reading(example, buyer: str, vendor: str) -> None:  # type: ignore[no-untyped-def]
    renamed = _VENDOR.sub(vendor, _BUYER.sub(buyer, example.sentence))
    assert _reading(renamed) == _reading(example.sentence), (example.sentence, renamed)


@settings(max_examples=40, deadline=None)
@given(st.permutations(list(range(40))))
def test_paragraph_order_does_not_change_the_proposals(order: list[int]) -> None:
    sentences = [e.sentence for e in CORPUS[:40]]
    before = propose([Passage(text=s, paragraph=i + 1) for i, s in enumerate(sentences)], vendor="Acme")
    shuffled = [sentences[i] for i in order]
    after = propose([Passage(text=s, paragraph=i + 1) for i, s in enumerate(shuffled)], vendor="Acme")

    def key(review):  # type: ignore[no-untyped-def]
        return sorted((p.field, repr(p.value), p.quote) for p in review.proposals)

    assert key(before) == key(after)
