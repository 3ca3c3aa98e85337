"""Stage 1 and 2: a passage into sentences, a sentence into clauses that each say one thing."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"“'0-9])")
# ';', 'but', 'whereas' and ', not ...' start a new statement: "X owns the tools; the Client owns
# the data", "remedied by credits, not by deductions from pay".
_CLAUSE_BREAK = re.compile(r";|\bbut\b|\bwhereas\b|,\s*(?=not\b)|\band\s+(?=never\b)", re.IGNORECASE)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def clauses(sentence: str) -> list[str]:
    """The statements of one sentence."""
    return [c.strip(" ,") for c in _CLAUSE_BREAK.split(sentence) if c.strip(" ,")]
