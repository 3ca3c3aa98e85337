"""Stage 3: what a clause does with its verb: denies it, puts it off, makes it conditional.

One place decides negation ("shall not", "may not", "no obligation", "nothing ... shall be
construed"), not-yet and planned ("not yet", "intends to", "working towards"), commitments left to
the vendor ("at its discretion", "only if"), and the conditions an export or handover waits for
("upon request", "only after termination"). Rules read these flags instead of their own negation
patterns.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.reader.lexicon import VENDOR, rx

_NOT_IDIOM = r"(?!\s+(?:less|later|more|fewer|earlier|sooner|exceed\w*|only|limited)\b)"
_NEGATION = rx(
    r"\b(?:shall|will|may|must|does|do|did|is|are|was|were|can|could|need|needs|has|have|"
    rf"should|would|be)\s+not\b{_NOT_IDIOM}"
    r"|\b(?:cannot|can't|won't|doesn't|don't|isn't|aren't|shan't|mustn't|shall\s+never)\b"
    r"|\bnever\b|\bneither\b|\bnor\b|\bnothing\b"
    r"|\bno\b(?!\s+(?:later|less|more|fewer|sooner|earlier|additional|extra|charge|cost|fee|"
    r"loss|reduction|undue|delay)\b)"
    rf"|\bnot\b{_NOT_IDIOM}"
)
# "Nothing ... shall restrict the Client from ..." denies a restriction: the clause grants.
_DOUBLE_NEGATION = rx(r"\bnothing\b[^;]*\b(?:restrict|prevent|limit|preclude|prohibit)\w*")
_NOT_YET = rx(
    r"\bnot\s+yet\b|\byet\s+to\s+be\b|\bstill\s+to\s+be\b|\bto\s+be\s+(?:agreed|determined|defined|"
    r"decided|confirmed|discussed)\b|\bplan(?:s|ned)?\s+(?:to|for)\b|\b(?:is|are)\s+planned\b|"
    r"\bintends?\s+to\b|\bintend\b|\bexpects?\s+to\b|\bworking\s+towards?\b|\bpursuing\b|"
    r"\bin\s+progress\b|\bfuture\s+(?:amendment|release|phase|version)\b|\bat\s+a\s+later\s+"
    r"(?:date|stage)\b|\bwill\s+be\s+(?:discussed|defined|negotiated|considered|built)\b|"
    r"\bmay\s+be\s+considered\b|(?<!no\s)\blater\b(?!\s+than)"
)
_UNCOMMITTED = rx(
    rf"\bat\s+(?:the\s+)?{VENDOR}'?s?\s+(?:sole\s+)?discretion\b|\bonly\s+if\b|"
    r"\bonly\s+after\s+(?!(?:the\s+)?(?:termination|expiry|expiration|end)\b)"
)
_AT_END = rx(
    r"\b(?:upon|on|following|after|at|within\s+\w+\s+\w+\s+(?:of|after))\s+(?:the\s+)?"
    r"(?:termination|expiry|expiration|exit)\b|\bat\s+the\s+end\s+of\s+the\s+(?:term|agreement|"
    r"contract|engagement)\b|\b(?:before|prior\s+to)\s+(?:the\s+)?(?:termination|expiry)\b"
)
_ON_REQUEST = rx(
    r"\b(?:upon|on|following|after|subject\s+to|by)\s+(?:the\s+[\w']+\s+|a\s+|its\s+)?"
    r"(?:written\s+)?request\b|\bmay\s+request\b"
)


@dataclass(frozen=True)
class Clause:
    """One statement of a sentence, with what its verb is doing and the sentence around it."""

    text: str
    sentence: str
    negated: bool
    not_yet: bool
    uncommitted: bool
    at_end: bool
    on_request: bool

    @property
    def denied(self) -> bool:
        """Negated, not yet in force, or left to the vendor: nothing is granted."""
        return self.negated or self.not_yet or self.uncommitted


def read_clause(text: str, sentence: str | None = None) -> Clause:
    """The scope flags of one clause."""
    negated = bool(_NEGATION.search(text)) and not _DOUBLE_NEGATION.search(text)
    return Clause(
        text=text,
        sentence=sentence if sentence is not None else text,
        negated=negated,
        not_yet=bool(_NOT_YET.search(text)),
        uncommitted=bool(_UNCOMMITTED.search(text)),
        at_end=bool(_AT_END.search(text)),
        on_request=bool(_ON_REQUEST.search(text)),
    )
