"""Rules for quality: agreement metrics, the gold set, the accuracy spec, and SLA terms."""

from __future__ import annotations

import re

from contracts.reader.lexicon import BUYER, VENDOR, rx
from contracts.reader.rule import Custom, Hit, Rule
from contracts.reader.scope import Clause

_AGREEMENT = (
    ("Cohen's kappa", rx(r"\bCohen'?’?s?\s+kappa\b")),
    ("Fleiss' kappa", rx(r"\bFleiss'?’?s?\s+kappa\b")),
    ("Krippendorff's alpha", rx(r"\bKrippendorff'?’?s?\s+alpha\b")),
    ("kappa", rx(r"\bkappa\b")),
    ("inter-annotator agreement", rx(r"\binter-?annotator\s+agreement\b|\bIAA\b")),
)
_TARGET = rx(r"(?:of|at\s+least|>=|≥|above|minimum(?:\s+of)?|no\s+less\s+than|target\s+of)\s*(0\.\d+)")
_BY_TASK = rx(
    r"\b(?:by|per|for\s+each|each|separately\s+for\s+(?:each\s+)?)\s+task[- ]types?\b|\bper\s+task\b|"
    r"\b(?:complex|simple)\s+tasks?\b"
)
GOLD = rx(r"\bgold(?:[- ]standard)?\s+(?:set|standard|data|items?)\b|\bgold[- ]standard\b")
_GOLD_ABSENT = rx(r"\bno\s+gold\b")
_TRANSFER = rx(
    r"\bsuccessor\b|\btransfer\w*\b|\bhand(?:ed)?\s+(?:it\s+|them\s+)?over\b|\banother\s+provider\b|"
    r"\bthird\s+part(?:y|ies)\b"
)
_TRANSFER_NEG = rx(
    r"\b(?:may|shall|will)\s+not\s+be\s+(?:shared|disclosed|transferred|provided)|\bnot\s+transferable\b|"
    rf"\bconfidential\s+to\s+the\s+{VENDOR}"
)
_GOLD_BUYER = rx(
    rf"\bowned\s+by\s+(?:the\s+)?{BUYER}|\b{BUYER}\s+(?:shall\s+)?owns?\b|\bproperty\s+of\s+(?:the\s+)?{BUYER}"
)
_GOLD_VENDOR = rx(
    rf"\bowned\s+by\s+(?:the\s+)?{VENDOR}|\b{VENDOR}\s+(?:shall\s+)?owns?\b|\bproperty\s+of\s+(?:the\s+)?"
    rf"{VENDOR}|\bconfidential\s+to\s+(?:the\s+)?{VENDOR}"
)
ACCURACY = rx(
    r"\baccuracy\s+(?:rate\s+)?(?:of\s+|at\s+least\s+|≥\s*|>=\s*)*(\d{2}(?:\.\d+)?)\s*%"
    r"|(\d{2}(?:\.\d+)?)\s*%\s+(?:annotation\s+|label\s+)?accuracy"
)
_INDIVIDUAL = rx(r"\b(?:annotators?|workers?)\s+(?:whose|who)\b")
_METHOD = rx(
    r"\bmeasured\b|\bcalculated\b|\bcomputed\b|\bsampl\w+\b|\bdenominator\b|\bagainst\s+(?:the\s+)?gold\b|"
    r"\bdefined\s+as\b|\bmethod\b"
)
_TBD = rx(r"\btbd\b|\btba\b|\bto\s+be\s+(?:agreed|determined|defined|confirmed)\b")
_QA_RATE = rx(
    r"(\d+(?:\.\d+)?)\s*%\s+of\s+(?:the\s+)?(?:items\s+(?:in|of|per)\s+|items\s+)?(?:each|every|per)\s+"
    r"(?:label\s+)?(?:category|class)"
)
_PER_CATEGORY = rx(
    r"\b(?:per|each|every|for\s+each)[- ](?:label\s+)?(?:category|class)\b|\bper[- ]category\b|"
    r"\bseparately\s+(?:to|for)\s+each\s+(?:label\s+)?(?:category|class)\b"
)
_ACCURACY_WORD = rx(r"\baccuracy\b")


def _agreement(c: Clause) -> list[Hit]:
    text = c.text
    metric = next((name for name, p in _AGREEMENT if p.search(text)), None)
    if metric is None:
        return []
    hits = [Hit("quality.agreement_metric", metric, "quality_metrics")]
    target = _TARGET.search(text)
    if target:
        hits.append(Hit("quality.agreement_target", float(target.group(1)), "quality_metrics"))
    if _BY_TASK.search(text):
        hits.append(Hit("quality.agreement_by_task_type", True, "quality_metrics"))
    return hits


def _gold(c: Clause) -> list[Hit]:
    text = c.text
    if not GOLD.search(text):
        return []
    if _GOLD_ABSENT.search(text) or c.not_yet:
        return [Hit("quality.gold_set_defined", False, "quality_metrics", "read as no gold set", True)]
    hits = [Hit("quality.gold_set_defined", True, "quality_metrics")]
    owner = "vendor" if _GOLD_VENDOR.search(text) else "buyer" if _GOLD_BUYER.search(text) else None
    if owner:
        hits.append(Hit("quality.gold_set_owner", owner, "accuracy_spec"))
    if _TRANSFER.search(text):
        kept = bool(_TRANSFER_NEG.search(text)) or c.negated
        note = "read as not transferable" if kept else None
        hits.append(Hit("quality.transferable_to_successor", not kept, "quality_metrics", note, kept))
    return hits


def _accuracy(c: Clause) -> list[Hit]:
    """The accuracy figure, whether it is per category, and how it is measured (sentence-wide:
    'Accuracy of 95%; the method is to be agreed' states a figure and a missing method)."""
    text = c.sentence
    hits: list[Hit] = []
    figure = ACCURACY.search(text)
    if figure and not _INDIVIDUAL.search(text):
        hits.append(Hit("quality.accuracy_target", float(figure.group(1) or figure.group(2)) / 100, "quality_metrics"))
        if _TBD.search(text):
            hits.append(Hit("quality.accuracy_method", "tbd", "quality_metrics", "no method is stated yet", True))
        elif _METHOD.search(text):
            hits.append(Hit("quality.accuracy_method", text, "quality_metrics"))
    rate = _QA_RATE.search(text)
    if rate:
        hits.append(Hit("quality.qa_rate_per_category", float(rate.group(1)) / 100, "accuracy_spec"))
    for part in (p.strip() for p in re.split(r";", text)):
        if _ACCURACY_WORD.search(part) and _PER_CATEGORY.search(_QA_RATE.sub("", part)):
            scoped = part.lower()
            negative = bool(re.search(r"\bnot\b|\bno\b|\bonly\b", scoped))
            note = "read as an aggregate figure only" if negative else None
            hits.append(Hit("quality.per_category_accuracy", not negative, "accuracy_spec", note, negative))
            break
    return hits


RULES: tuple[Rule, ...] = (
    Custom(_agreement),
    Custom(_gold),
    Custom(_accuracy, level="sentence"),
)
