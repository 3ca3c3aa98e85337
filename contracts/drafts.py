"""A first pass over contract text: find passages that look like each clause and propose a profile.

Every proposal quotes the sentence it came from, says where it is, and needs a person to confirm
it. A clause is only ever filled in from a passage: the proposed profile has nothing else in it.
Common negations ("the Vendor retains ownership", "the Client shall not own") are read as such.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from contracts.profile import (
    Commercial,
    ContractProfile,
    DataRights,
    Guidelines,
    QualityMetrics,
    Security,
    Transition,
)
from contracts.sla_terms import SlaTerm, SlaTermSet
from contracts.text_extract import Passage, extract_passages

BUYER = r"(?:client|customer|buyer|purchaser)"
VENDOR = r"(?:vendor|provider|supplier|contractor|service provider)"
DATA = (
    r"(?:labell?ed data|labels|annotations|annotated data|deliverables?|work product|"
    r"output data|datasets?|training data|data)"
)
_W = r"(?:[\w'’,-]+\s+)"
_FLAGS = re.IGNORECASE


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _FLAGS)


class Proposal(BaseModel):
    """One proposed profile value, the passage it came from, and a request to confirm it."""

    clause: str
    field: str = Field(description="Dotted path in the profile, e.g. 'data.buyer_owns_data'")
    value: Any
    quote: str
    location: str
    needs_confirmation: Literal[True] = True
    note: str | None = None


class DraftReview(BaseModel):
    """The proposals read from one draft, and the profile they add up to."""

    source: str
    passages_read: int
    proposals: list[Proposal]
    profile: ContractProfile

    def clauses_with_passages(self) -> set[str]:
        """Clauses for which at least one passage was found."""
        return {p.clause for p in self.proposals}


@dataclass
class _Hit:
    clause: str
    field: str
    value: Any
    note: str | None = None
    negative: bool = False


@dataclass
class _Sentence:
    text: str
    passage: Passage


def _sentences(passage: Passage) -> Iterator[_Sentence]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z(\"“'0-9])", passage.text)
    for part in parts:
        if part.strip():
            yield _Sentence(part.strip(), passage)


def _clauses_of(sentence: str) -> list[str]:
    """Split on semicolons and 'but/whereas' so 'X owns the tools; the Client owns the data' is
    read as two statements."""
    return [c.strip() for c in re.split(r";|\bbut\b|\bwhereas\b", sentence) if c.strip()]


# -- ownership -------------------------------------------------------------------------------

_OWN_WORD = _rx(
    r"\b(?:own|owns|owned|ownership|title|property|vest|vests|assign|assigns|"
    r"licen[cs]e|licen[cs]ed)\b|\brights?\s+(?:in|to)\b"
)
_DATA_WORD = _rx(rf"\b{DATA}\b")
_NOT_DATA = _rx(
    r"\b(?:tools?|platform|software|pre-existing|background|methodolog\w+|models?|"
    r"guidelines|instructions|know-how)\b"
)
_CORE_DATA = _rx(
    r"\blabell?ed\s+data\b|\bannotations\b|\bannotated\s+data\b|\bdeliverables?\b|"
    r"\bwork\s+product\b"
)
_OWN_NEG = [
    _rx(
        rf"\b{VENDOR}\s+(?:shall\s+|will\s+|does\s+)?(?:retain|retains|keep|keeps|own|owns|hold|"
        rf"holds)\b"
    ),
    _rx(rf"(?:property|ownership)\s+of\s+(?:the\s+)?{VENDOR}"),
    _rx(rf"owned\s+by\s+(?:the\s+)?{VENDOR}"),
    _rx(rf"\b{BUYER}\s+(?:shall|will|does|do|may)\s+not\s+(?:own|acquire|obtain|hold|have)"),
    _rx(
        rf"\b{VENDOR}\s+(?:shall\s+|will\s+)?(?:retain|retains|keep|keeps)\s+(?:all\s+|any\s+)?"
        rf"(?:right|rights|title|interest)"
    ),
    _rx(
        r"nothing\s+in\s+this\s+(?:agreement|contract|order)\s+(?:shall\s+)?(?:transfers?|"
        r"grants?|assigns?|conveys?|vests?)"
    ),
    _rx(
        rf"\b{BUYER}\s+(?:is\s+granted|receives?|shall\s+receive|will\s+receive|obtains?|"
        rf"(?:is|shall\s+be)\s+entitled\s+to)\s+(?:only\s+)?an?\s+{_W}{{0,4}}licen[cs]e"
    ),
    _rx(r"\bno\s+(?:right,?\s+)?(?:title|ownership)\b"),
    _rx(rf"\blicen[cs]ed\s+to\s+(?:the\s+)?{BUYER}"),
]
_OWN_POS = [
    _rx(rf"\b{VENDOR}\s+(?:does|shall|will)\s+not\s+(?:retain|own|keep|hold|acquire)\b"),
    _rx(rf"\b{BUYER}\s+(?:shall\s+|will\s+)?(?:own|owns|retain|retains|hold|holds)\b"),
    _rx(rf"(?:property|ownership)\s+of\s+(?:the\s+)?{BUYER}"),
    _rx(rf"owned\s+(?:exclusively\s+|solely\s+)?by\s+(?:the\s+)?{BUYER}"),
    _rx(rf"\bvests?\s+{_W}{{0,3}}in\s+(?:the\s+)?{BUYER}"),
    _rx(rf"\bassigns?\s+{_W}{{0,10}}to\s+(?:the\s+)?{BUYER}"),
]


def _ownership(text: str) -> list[_Hit]:
    hits = []
    for part in _clauses_of(text):
        if not (_OWN_WORD.search(part) and _DATA_WORD.search(part)):
            continue
        if _NOT_DATA.search(part) and not _CORE_DATA.search(part):
            continue
        if any(p.search(part) for p in _OWN_NEG):
            hits.append(
                _Hit(
                    "data_ownership",
                    "data.buyer_owns_data",
                    False,
                    "read as the vendor keeping ownership (or a licence only)",
                    True,
                )
            )
        elif any(p.search(part) for p in _OWN_POS):
            hits.append(_Hit("data_ownership", "data.buyer_owns_data", True))
    return hits


# -- export right and formats ----------------------------------------------------------------

_EXPORT_WORD = _rx(
    r"\b(?:export|exports|exported|download|extract|retrieve|return|returned|"
    r"copy|copies|accessed)\b"
)
_EXPORT_NONE = [
    _rx(
        r"\b(?:not|no)\s+(?:be\s+)?(?:entitled|permitted|able|allowed|right)\s+to\s+(?:export|"
        r"download|extract)"
    ),
    _rx(r"\bno\s+(?:data\s+)?exports?\b"),
    _rx(
        r"\bexports?\s+(?:is|are|will|shall)\s+not\s+(?:be\s+)?(?:available|permitted|supported|"
        r"provided)"
    ),
    _rx(
        rf"(?:only|solely|exclusively)\s+(?:be\s+)?(?:accessed|viewed|used)\s+(?:with)?in\s+"
        rf"(?:the\s+)?{VENDOR}"
    ),
]
_EXPORT_TIMES: list[tuple[str, re.Pattern[str]]] = [
    (
        "any_time",
        _rx(
            r"\bat\s+any\s+(?:time|point)\b|\bon\s+demand\b|\bself-service\b|"
            r"\bthroughout\s+the\s+term\b"
        ),
    ),
    (
        "contract_end",
        _rx(
            r"\b(?:upon|on|following|after|within\s+\d+\s+\w+\s+of)\s+(?:the\s+)?"
            r"(?:termination|expiry|expiration|end)\b|\bat\s+the\s+end\s+of\s+the\s+"
            r"(?:term|agreement|contract)\b"
        ),
    ),
    ("on_request", _rx(r"\b(?:upon|on)\s+(?:\w+\s+)?request\b")),
]
_TIMING_RANK = {"any_time": 0, "on_request": 1, "contract_end": 2, "none": 3}

_FORMAT_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("COCO", _rx(r"\b(?:MS[- ])?COCO\b")),
    ("JSONL", _rx(r"\bJSON\s*Lines\b|\bJSONL\b|\bNDJSON\b")),
    ("CSV", _rx(r"\bCSV\b")),
    ("Label Studio JSON", _rx(r"\bLabel\s*Studio\b")),
    ("Pascal VOC", _rx(r"\bPascal\s*VOC\b")),
    ("YOLO", _rx(r"\bYOLO\b")),
    ("KITTI", _rx(r"\bKITTI\b")),
    ("CVAT XML", _rx(r"\bCVAT\b")),
    ("Parquet", _rx(r"\bParquet\b")),
    ("TFRecord", _rx(r"\bTFRecords?\b")),
    ("CoNLL", _rx(r"\bCoNLL\b")),
    ("OpenLABEL", _rx(r"\bOpen\s*LABEL\b")),
    ("GeoJSON", _rx(r"\bGeoJSON\b")),
]
_PLAIN_JSON = _rx(r"\bJSON\b")
_PROPRIETARY = _rx(r"\b(?:proprietary|native|internal)\s+(?:[\w-]+\s+){0,2}formats?\b")
_PROPRIETARY_NEGATED = _rx(r"\b(?:not|never|no)\s+(?:\w+\s+){0,3}(?:proprietary|native)")
_FORMAT_CONTEXT = _rx(r"\bformats?\b|\bexport|\bdeliver|\bschema\b")


def _export(text: str) -> list[_Hit]:
    if not (_EXPORT_WORD.search(text) and _DATA_WORD.search(text)):
        return []
    if any(p.search(text) for p in _EXPORT_NONE):
        return [_Hit("export_right", "data.export_timing", "none", "read as no right to export", True)]
    for timing, pattern in _EXPORT_TIMES:
        if pattern.search(text):
            return [_Hit("export_right", "data.export_timing", timing)]
    return []


def _formats(text: str) -> list[_Hit]:
    if not _FORMAT_CONTEXT.search(text):
        return []
    found = [name for name, pattern in _FORMAT_PATTERNS if pattern.search(text)]
    if not found and _PLAIN_JSON.search(text):
        found.append("JSON")
    proprietary = _PROPRIETARY.search(text)
    if proprietary and not _PROPRIETARY_NEGATED.search(text):
        found.append(proprietary.group(0))
    if not found:
        return []
    return [_Hit("export_formats", "data.export_formats", found)]


# -- guidelines ------------------------------------------------------------------------------

_GUIDE_WORD = _rx(
    r"\bguidelines?\b|\b(?:annotation|labell?ing)\s+(?:manual|instructions)\b|"
    r"\bplaybook\b|\bdecision\s+rules?\b"
)
_GUIDE_NEG = [
    _rx(
        rf"\b(?:remain|remains|are|is)\s+(?:the\s+)?(?:confidential\s+|proprietary\s+|sole\s+|"
        rf"exclusive\s+)*(?:property|information|know-how|trade\s+secrets?)\s+of\s+(?:the\s+)?"
        rf"{VENDOR}"
    ),
    _rx(
        r"\b(?:will|shall|does|do|are|is)\s+not\s+(?:be\s+)?(?:delivered|provided|shared|"
        r"disclosed|handed|deliver|provide|share|disclose)"
    ),
    _rx(
        rf"\b{VENDOR}'?s?\s+(?:internal|proprietary|confidential)\s+(?:\w+\s+){{0,2}}"
        rf"(?:guidelines|methodology|instructions|playbook)"
    ),
    _rx(r"\bkept\s+internal|\binternal\s+use\s+only\b"),
]
_GUIDE_POS = _rx(
    rf"\b(?:deliver\w*|provide[sd]?|hand(?:ed|s)?\s+over|suppl(?:y|ies|ied)|"
    rf"furnish\w*|(?:property|ownership)\s+of\s+(?:the\s+)?{BUYER}|"
    rf"{BUYER}'?s?\s+repository)"
)
_VERSIONED = _rx(r"\bversion(?:ed|s|ing)?\b|\bchange\s*log\b|\brevision\s+history\b")
_EDGE = _rx(r"\bedge[- ]cases?\b|\bdecision\s+rules?\b|\brulings?\b|\bambiguous\s+cases\b")


def _guidelines(text: str) -> list[_Hit]:
    if not _GUIDE_WORD.search(text):
        return []
    if any(p.search(text) for p in _GUIDE_NEG):
        return [
            _Hit("guidelines", "guidelines.delivered_as_asset", False, "read as guidelines kept by the vendor", True)
        ]
    if not _GUIDE_POS.search(text):
        return []
    hits = [_Hit("guidelines", "guidelines.delivered_as_asset", True)]
    if _VERSIONED.search(text):
        hits.append(_Hit("guidelines", "guidelines.versioned", True))
    if _EDGE.search(text):
        hits.append(_Hit("guidelines", "guidelines.edge_case_rulings", True))
    return hits


# -- quality metrics -------------------------------------------------------------------------

_AGREEMENT = [
    ("Cohen's kappa", _rx(r"\bCohen'?’?s?\s+kappa\b")),
    ("Fleiss' kappa", _rx(r"\bFleiss'?’?s?\s+kappa\b")),
    ("Krippendorff's alpha", _rx(r"\bKrippendorff'?’?s?\s+alpha\b")),
    ("kappa", _rx(r"\bkappa\b")),
    ("inter-annotator agreement", _rx(r"\binter-?annotator\s+agreement\b|\bIAA\b")),
]
_TARGET = _rx(
    r"(?:of|at\s+least|>=|≥|above|minimum(?:\s+of)?|no\s+less\s+than|target\s+of)\s*"
    r"(0\.\d+)"
)
_BY_TASK = _rx(
    r"\b(?:by|per|for\s+each|each|separately\s+for\s+(?:each\s+)?)\s+task[- ]types?\b|"
    r"\bper\s+task\b|\b(?:complex|simple)\s+tasks?\b"
)
_GOLD = _rx(r"\bgold(?:[- ]standard)?\s+(?:set|standard|data|items?)\b|\bgold[- ]standard\b")
_GOLD_NEG = _rx(r"\bno\s+gold\b")
_TRANSFER = _rx(
    r"\bsuccessor\b|\btransfer\w*\b|\bhand(?:ed)?\s+over\b|\banother\s+provider\b|"
    r"\bthird\s+part(?:y|ies)\b"
)
_TRANSFER_NEG = _rx(
    r"\b(?:may|shall|will)\s+not\s+be\s+(?:shared|disclosed|transferred|provided)"
    r"|\bnot\s+transferable\b|\bconfidential\s+to\s+the\s+(?:vendor|provider)"
)
_ACCURACY = _rx(
    r"\baccuracy\s+(?:rate\s+)?(?:of\s+|at\s+least\s+|≥\s*|>=\s*)*(\d{2}(?:\.\d+)?)\s*%"
    r"|(\d{2}(?:\.\d+)?)\s*%\s+(?:annotation\s+|label\s+)?accuracy"
)
_METHOD = _rx(
    r"\bmeasured\b|\bcalculated\b|\bcomputed\b|\bsampl\w+\b|\bdenominator\b|"
    r"\bagainst\s+(?:the\s+)?gold\b|\bdefined\s+as\b"
)


def _quality(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    metric = next((name for name, p in _AGREEMENT if p.search(text)), None)
    if metric is not None:
        hits.append(_Hit("quality_metrics", "quality.agreement_metric", metric))
        target = _TARGET.search(text)
        if target:
            hits.append(_Hit("quality_metrics", "quality.agreement_target", float(target.group(1))))
        if _BY_TASK.search(text):
            hits.append(_Hit("quality_metrics", "quality.agreement_by_task_type", True))
    if _GOLD.search(text) and not _GOLD_NEG.search(text):
        hits.append(_Hit("quality_metrics", "quality.gold_set_defined", True))
    if (metric is not None or _GOLD.search(text)) and _TRANSFER.search(text):
        negative = bool(_TRANSFER_NEG.search(text))
        hits.append(
            _Hit(
                "quality_metrics",
                "quality.transferable_to_successor",
                not negative,
                "read as not transferable" if negative else None,
                negative,
            )
        )
    accuracy = _ACCURACY.search(text)
    if accuracy:
        value = float(accuracy.group(1) or accuracy.group(2)) / 100
        hits.append(_Hit("quality_metrics", "quality.accuracy_target", value))
        if _METHOD.search(text):
            hits.append(_Hit("quality_metrics", "quality.accuracy_method", text))
    return hits


# -- transition ------------------------------------------------------------------------------

_TRANSITION_WORD = _rx(
    r"\btransition\b|\boff-?boarding\b|\bexit\s+(?:plan|assistance|"
    r"management)\b|\bhand-?over\b|\btermination\s+assistance\b|"
    r"\bwind[- ]down\b"
)
_TRANSITION_NEG = _rx(
    r"\bno\s+(?:obligation|duty)\s+to\s+(?:provide|assist|support|cooperate)"
    r"|\b(?:not|no)\s+(?:\w+\s+){0,3}(?:transition|offboarding|off-boarding|"
    r"handover|hand-over|exit)\s+(?:assistance|support|services)"
    r"|\b(?:will|shall)\s+not\s+(?:assist|support|cooperate)"
)
_ARTEFACTS = [
    ("labelled data", _rx(r"\blabell?ed\s+data\b|\bannotations\b|\bdatasets?\b")),
    ("guidelines", _rx(r"\bguidelines\b")),
    ("gold set", _rx(r"\bgold(?:[- ]standard)?\s+(?:set|data)\b")),
    ("edge-case log", _rx(r"\bedge[- ]case\s+(?:log|rulings?|register)\b")),
    ("taxonomy", _rx(r"\btaxonom(?:y|ies)\b|\bontology\b")),
    ("QA reports", _rx(r"\bQA\s+(?:reports?|records|history)\b|\bquality\s+reports?\b")),
]
_DURATION = _rx(r"\b(\d+)\s*(?:calendar\s+|business\s+|working\s+)?(days?|weeks?|months?)\b")
_CONTINUITY = _rx(
    r"\b(?:maintain|continue|sustain|keep)\w*\s+(?:\w+\s+){0,4}(?:throughput|"
    r"capacity|volumes?|delivery|service\s+levels?)\b|\bcontinuity\s+of\s+"
    r"(?:throughput|service|delivery)\b"
)


def _days(match: re.Match[str]) -> int:
    number, unit = int(match.group(1)), match.group(2).lower()
    return number * (7 if unit.startswith("week") else 30 if unit.startswith("month") else 1)


def _transition(text: str) -> list[_Hit]:
    if not _TRANSITION_WORD.search(text):
        return []
    if _TRANSITION_NEG.search(text):
        return [_Hit("transition", "transition.clause_present", False, "read as no transition assistance", True)]
    hits = [_Hit("transition", "transition.clause_present", True)]
    artefacts = [name for name, p in _ARTEFACTS if p.search(text)]
    if artefacts:
        hits.append(_Hit("transition", "transition.handover_artefacts", artefacts))
    duration = _DURATION.search(text)
    if duration:
        hits.append(_Hit("transition", "transition.timeline_days", _days(duration)))
    if _CONTINUITY.search(text):
        hits.append(_Hit("transition", "transition.throughput_continuity", True))
    return hits


# -- SLA terms -------------------------------------------------------------------------------

_KAPPA_TERM = _rx(
    r"\b(cohen'?’?s?|fleiss'?’?s?|krippendorff'?’?s?)?\s*(kappa|alpha)\s+(?:of\s+)?"
    r"(?:at\s+least\s+|>=\s*|≥\s*|no\s+less\s+than\s+)?(0\.\d+)\s+(?:on|for)\s+"
    r"([\w-]+)\s+tasks?"
)
_DEFECT = _rx(
    r"\bdefect\s+rate\s+(?:of\s+)?(?:no\s+more\s+than|at\s+most|below|under|<=|≤|"
    r"not\s+(?:to\s+)?exceed(?:ing)?)?\s*(\d+(?:\.\d+)?)\s*%"
)
_ON_TIME = _rx(
    r"\b(\d{2,3}(?:\.\d+)?)\s*%\s+of\s+(?:all\s+)?(?:batches|deliveries|tasks|items|"
    r"work\s+packages)\s+(?:\w+\s+){0,4}(?:on\s+time|within)\b"
)
_TURNAROUND = _rx(
    r"\b(?:all|every|each)\s+(?:batch|batches|delivery|deliveries)\s+(?:\w+\s+){0,4}"
    r"within\s+(\d+)\s+(?:business\s+|working\s+|calendar\s+)?(days?|hours?)"
)
_RAMP = _rx(
    r"\b(?:ramp\w*|scale\w*|reach\w*|deliver\w*)\s+(?:up\s+)?(?:to\s+)?(?:at\s+least\s+)?"
    r"(\d[\d,]*)\s+(?:[\w-]+\s+){0,2}(?:per|a|each)\s+week\b"
)
_CREDIT = _rx(
    r"\bservice\s+credits?\s+(?:of\s+|equal\s+to\s+)?(\d+(?:\.\d+)?)\s*%|"
    r"\b(\d+(?:\.\d+)?)\s*%\s+(?:of\s+the\s+)?(?:monthly\s+|period\s+|relevant\s+)?"
    r"fees?\s+(?:as\s+a\s+)?(?:service\s+)?credit"
)
_CREDIT_CAP = _rx(
    r"\bcapped\s+at\s+(\d+(?:\.\d+)?)\s*%|\bup\s+to\s+(?:a\s+maximum\s+of\s+)?"
    r"(\d+(?:\.\d+)?)\s*%"
)
_CREDIT_ALL = _rx(r"\b(?:each|every|any)\s+(?:breach|SLA|service\s+level|missed)")
_METRIC_NAMES = {"cohen": "cohen_kappa", "fleiss": "fleiss_kappa", "krippendorff": "krippendorff_alpha"}


def _sla(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for m in _KAPPA_TERM.finditer(text):
        prefix = (m.group(1) or "").lower()
        metric = next(
            (v for k, v in _METRIC_NAMES.items() if prefix.startswith(k)),
            "krippendorff_alpha" if m.group(2).lower() == "alpha" else "cohen_kappa",
        )
        hits.append(
            _Hit(
                "sla_terms",
                "sla.terms",
                {
                    "id": f"{metric.split('_')[0]}-{m.group(4).lower()}",
                    "metric": metric,
                    "scope": f"task_type:{m.group(4).lower()}",
                    "threshold": float(m.group(3)),
                },
            )
        )
    accuracy = _ACCURACY.search(text)
    if accuracy:
        value = float(accuracy.group(1) or accuracy.group(2)) / 100
        hits.append(_Hit("sla_terms", "sla.terms", {"id": "accuracy", "metric": "accuracy", "threshold": value}))
    defect = _DEFECT.search(text)
    if defect:
        hits.append(
            _Hit(
                "sla_terms",
                "sla.terms",
                {
                    "id": "defect-rate",
                    "metric": "defect_rate",
                    "comparator": "<=",
                    "threshold": float(defect.group(1)) / 100,
                },
            )
        )
    on_time = _ON_TIME.search(text)
    turnaround = _TURNAROUND.search(text)
    if on_time:
        hits.append(
            _Hit(
                "sla_terms",
                "sla.terms",
                {"id": "on-time", "metric": "on_time_rate", "threshold": float(on_time.group(1)) / 100},
            )
        )
    elif turnaround:
        hits.append(
            _Hit(
                "sla_terms",
                "sla.terms",
                {
                    "id": "on-time",
                    "metric": "on_time_rate",
                    "threshold": 1.0,
                    "note": f"every batch within {turnaround.group(1)} {turnaround.group(2)}",
                },
                "no share stated: read as every batch on time",
            )
        )
    ramp = _RAMP.search(text)
    if ramp:
        hits.append(
            _Hit(
                "sla_terms",
                "sla.terms",
                {"id": "ramp", "metric": "weekly_throughput", "threshold": float(ramp.group(1).replace(",", ""))},
            )
        )
    credit = _CREDIT.search(text)
    if credit:
        cap = _CREDIT_CAP.search(text)
        amount = float(credit.group(1) or credit.group(2))
        cap_value = float(cap.group(1) or cap.group(2)) if cap else None
        if cap_value is not None and cap_value == amount:
            cap_value = None
        scope = "all" if _CREDIT_ALL.search(text) else "paragraph"
        hits.append(
            _Hit(
                "sla_terms",
                "sla.remedy",
                {"remedy": {"kind": "percent_of_fee", "amount": amount, "cap": cap_value}, "applies_to": scope},
            )
        )
        hits.append(
            _Hit(
                "pricing_model",
                "commercial.quality_penalties",
                True,
                "a service credit on the SLA counts as a quality penalty",
            )
        )
    return hits


# -- commercial ------------------------------------------------------------------------------

_PILOT = _rx(r"\bpilot\b")
_PILOT_NEG = _rx(
    r"\bno\s+pilot\b|\bwithout\s+(?:a\s+)?pilot\b|\bpilots?\s+(?:\w+\s+){0,3}"
    r"(?:is|are|will\s+be)\s+not\s+(?:available|offered)"
)
_SCALE_CONTEXT = _rx(r"\bscal\w+|\bsurge\b|\bvolume\b|\bcapacity\b|\bramp\b")
_MULTIPLE = _rx(r"\b(\d+(?:\.\d+)?)\s*(?:x|×|times)\b|\b(double|triple)\b")
_WITHIN = _rx(r"\bwithin\s+(\d+)\s+(?:business\s+|working\s+|calendar\s+)?(weeks?|days?)\b")
_SCOPE_CHANGE = _rx(
    r"\bchange\s+(?:order|request|control)s?\b|\bscope\s+changes?\b|"
    r"\bchanges?\s+(?:to|in)\s+(?:the\s+)?scope\b|\bvariation\s+procedure\b"
)
_MINIMUM = _rx(
    r"\bminimum\s+(?:[\w-]+\s+){0,2}(?:commitment|volume|spend|term|order|purchase|fee)"
    r"s?\b|\bcommits?\s+to\s+(?:purchase|order|a\s+minimum)\b|\binitial\s+term\b"
)
_MONTHS = _rx(r"\b(\d+)[- ]months?\b|\b(\d+|one|two|three|four|five)[- ]years?\b")
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_PRICING: list[tuple[str, re.Pattern[str]]] = [
    (
        "per_unit",
        _rx(
            r"\bper[- ](?:label|annotation|unit|item|task|image|frame|object|bounding\s+"
            r"box|record|file)\b|\bunit\s+(?:price|rate)s?\b|\bprice\s+per\b"
        ),
    ),
    (
        "per_hour_managed_team",
        _rx(
            r"\bper[- ](?:annotator[- ])?hour\b|\bhourly\s+rates?\b|"
            r"\bper\s+(?:FTE|full-time\s+equivalent)\b|\bmanaged[- ]team\s+"
            r"(?:fee|rate)s?\b|\btime\s+and\s+materials\b"
        ),
    ),
    ("milestone", _rx(r"\bmilestones?\b")),
]
_PRICING_CONTEXT = _rx(
    r"\bfees?\b|\bpric\w+|\bcharge[sd]?\b|\binvoice\w*|\brates?\b|\bpaid\b|"
    r"\bpay\w*"
)
_PENALTY_POS = _rx(
    r"\b(?:rework|re-?label\w*|correct\w*)\s+(?:\w+\s+){0,5}(?:at\s+no\s+"
    r"(?:additional\s+|extra\s+)?(?:cost|charge)|free\s+of\s+charge)"
)
_PENALTY_NEG = _rx(
    r"\bno\s+(?:service\s+)?credits?\b|\bno\s+(?:financial\s+)?penalt\w+|"
    r"\b(?:not|no)\s+(?:be\s+)?liable\s+for\s+(?:\w+\s+){0,3}(?:quality|accuracy|"
    r"errors?)|\bcharged?\s+(?:\w+\s+){0,3}(?:rework|re-?label\w*)|"
    r"\b(?:rework|re-?label\w*)\s+(?:\w+\s+){0,5}(?:is|are|will\s+be)\s+"
    r"(?:charged|billed|invoiced)"
)


def _commercial(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    if _PILOT.search(text):
        negative = bool(_PILOT_NEG.search(text))
        hits.append(
            _Hit(
                "pilot", "commercial.pilot_available", not negative, "read as no pilot" if negative else None, negative
            )
        )
    if _SCALE_CONTEXT.search(text):
        multiple = _MULTIPLE.search(text)
        if multiple:
            word = (multiple.group(2) or "").lower()
            value = {"double": 2.0, "triple": 3.0}.get(word) or float(multiple.group(1))
            hits.append(_Hit("scale_up", "commercial.scale_up_multiple", value))
            within = _WITHIN.search(text)
            if within:
                n, unit = int(within.group(1)), within.group(2).lower()
                weeks = n if unit.startswith("week") else -(-n // 7)
                hits.append(_Hit("scale_up", "commercial.scale_up_weeks", weeks))
    if _SCOPE_CHANGE.search(text):
        hits.append(_Hit("scope_change", "commercial.scope_change_process", True))
    if _MINIMUM.search(text):
        hits.append(_Hit("minimum_commitment", "commercial.minimum_commitment_stated", True))
        months = _MONTHS.search(text)
        if months:
            value = (
                int(months.group(1))
                if months.group(1)
                else 12 * (_WORD_NUMBERS.get(months.group(2).lower()) or int(months.group(2)))
            )
            hits.append(_Hit("minimum_commitment", "commercial.minimum_term_months", value))
    if _PRICING_CONTEXT.search(text):
        for model, pattern in _PRICING:
            if pattern.search(text):
                hits.append(_Hit("pricing_model", "commercial.pricing_model", model))
    if _PENALTY_NEG.search(text):
        hits.append(_Hit("pricing_model", "commercial.quality_penalties", False, "read as no quality penalty", True))
    elif _PENALTY_POS.search(text):
        hits.append(_Hit("pricing_model", "commercial.quality_penalties", True))
    return hits


# -- security --------------------------------------------------------------------------------

_MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH_RX = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_DATES = [
    _rx(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
    _rx(rf"\b(\d{{1,2}})\s+({_MONTH_RX})\s+(\d{{4}})\b"),
    _rx(rf"\b({_MONTH_RX})\s+(\d{{1,2}}),?\s+(\d{{4}})\b"),
]


def _month(name: str) -> int:
    return next(i for i, m in enumerate(_MONTH_NAMES, start=1) if m.startswith(name[:3].lower()))


def _find_dates(text: str) -> list[tuple[int, date]]:
    found: list[tuple[int, date]] = []
    for i, pattern in enumerate(_DATES):
        for m in pattern.finditer(text):
            try:
                if i == 0:
                    d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                elif i == 1:
                    d = date(int(m.group(3)), _month(m.group(2)), int(m.group(1)))
                else:
                    d = date(int(m.group(3)), _month(m.group(1)), int(m.group(2)))
            except (ValueError, StopIteration):
                continue
            found.append((m.start(), d))
    return sorted(found)


def _last_date(text: str, clause: str, field: str, meaning: str) -> list[_Hit]:
    """The date written last in the passage, read as `meaning` (a period end, an audit date)."""
    dates = _find_dates(text)
    if not dates:
        return []
    return [_Hit(clause, field, dates[-1][1].isoformat(), f"the last date in the passage is read as {meaning}")]


_SOC2 = _rx(r"\bSOC\s*2\b")
_SOC2_NONE = _rx(r"\b(?:does\s+not|do\s+not|no|nor|without)\s+(?:\w+\s+){0,3}SOC\s*2\b")
_TYPE_II = _rx(r"\bType\s*(?:II|2)\b")
_TYPE_I = _rx(r"\bType\s*(?:I|1)\b")
_ISO = _rx(r"\bISO(?:/IEC)?\s*27001\b")
_ISO_NEG = _rx(
    r"\b(?:not|no|neither|nor)\s+(?:\w+\s+){0,4}ISO(?:/IEC)?\s*27001|\b(?:pursuing|"
    r"working\s+towards?|in\s+progress|planned|intends?\s+to)\b"
)
_CENTRES = _rx(
    r"\bdeliver\w*\s+(?:cent(?:er|re)s?|sites?|facilit(?:y|ies)|locations?)\b|"
    r"\ball\s+(?:sites|facilities|locations|offices)\b|\bproduction\s+(?:sites|"
    r"facilities|cent(?:er|re)s)\b"
)
_CENTRES_NEG = _rx(
    r"\b(?:does|do|will)\s+not\s+(?:\w+\s+){0,2}(?:cover|include|extend)|"
    r"\b(?:head\s*office|headquarters|corporate\s+office)\s+only\b|"
    r"\blimited\s+to\s+(?:its|the)\s+(?:head|corporate|main)"
)
_DPA = _rx(r"\bdata\s+processing\s+(?:agreement|addendum)\b|\bDPA\b")
_DPA_NEG = _rx(
    r"\b(?:will|shall|does|do|can|could)\s*n[o']t\s+(?:\w+\s+){0,3}(?:sign|enter|"
    r"execute|offer|provide|agree)|\bno\s+(?:data\s+processing|DPA)\b"
)
_SUBPROC = _rx(r"\bsub-?processors?\b|\bsubcontractors?\b")
_SUBPROC_POS = _rx(r"\blist\w*\b|\bdisclos\w+|\bnotif\w+|\bapprov\w+|\bconsent\b|\bobject\b")
_SUBPROC_NEG = _rx(
    r"\bwithout\s+(?:prior\s+)?(?:notice|notification|consent|approval|"
    r"disclosure)\b|\b(?:need|needs)\s+not\s+(?:disclose|notify)"
)
_ENDPOINT = [
    ("USB blocking", _rx(r"\bUSB\b")),
    ("screen-capture restriction", _rx(r"\bscreen[- ]?(?:capture|shot)s?\b|\bscreenshots?\b")),
    (
        "no downloads",
        _rx(
            r"\bno[- ]download\b|\bdownloads?\s+(?:is|are)\s+(?:disabled|blocked|"
            r"prohibited)|\bprohibit\w*\s+(?:\w+\s+){0,2}download"
        ),
    ),
    (
        "no personal devices",
        _rx(
            r"\bpersonal\s+devices?\s+(?:\w+\s+){0,2}(?:prohibited|not\s+"
            r"(?:permitted|allowed))|\bno\s+personal\s+devices?\b"
        ),
    ),
    ("clean-desk policy", _rx(r"\bclean[- ]desk\b")),
    ("virtual desktops", _rx(r"\bVDI\b|\bvirtual\s+desktops?\b")),
    ("data-loss prevention", _rx(r"\bDLP\b|\bdata[- ]loss\s+prevention\b")),
    ("air-gapped option", _rx(r"\bair[- ]gapped\b")),
]
_ENDPOINT_CONTEXT = _rx(
    r"\bworkstations?\b|\bendpoints?\b|\bdevices?\b|\bannotators?\b|"
    r"\bUSB\b|\bscreen|\bdownload|\bVDI\b|\bDLP\b|\bair[- ]gapped\b"
)


def _security(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    if _SOC2.search(text):
        if _SOC2_NONE.search(text):
            hits.append(_Hit("soc2", "security.soc2_type", "none", "read as no SOC 2 report", True))
        else:
            kind = "type_ii" if _TYPE_II.search(text) else "type_i" if _TYPE_I.search(text) else None
            if kind:
                hits.append(_Hit("soc2", "security.soc2_type", kind))
                hits += _last_date(text, "soc2", "security.soc2_period_end", "the period end")
    if _ISO.search(text):
        if _ISO_NEG.search(text):
            hits.append(_Hit("iso27001", "security.iso27001_certified", False, "read as not (yet) certified", True))
        else:
            hits.append(_Hit("iso27001", "security.iso27001_certified", True))
            if _CENTRES_NEG.search(text):
                hits.append(
                    _Hit(
                        "iso27001",
                        "security.iso27001_covers_delivery_centres",
                        False,
                        "read as a scope that leaves out the delivery centres",
                        True,
                    )
                )
            elif _CENTRES.search(text):
                hits.append(_Hit("iso27001", "security.iso27001_covers_delivery_centres", True))
            hits += _last_date(text, "iso27001", "security.iso27001_last_audit", "the last audit")
    if _DPA.search(text):
        negative = bool(_DPA_NEG.search(text))
        hits.append(_Hit("dpa", "security.dpa", not negative, "read as no DPA" if negative else None, negative))
    if _SUBPROC.search(text):
        if _SUBPROC_NEG.search(text):
            hits.append(
                _Hit(
                    "subprocessors",
                    "security.subprocessors_disclosed",
                    False,
                    "read as subprocessors engaged without notice",
                    True,
                )
            )
        elif _SUBPROC_POS.search(text):
            hits.append(_Hit("subprocessors", "security.subprocessors_disclosed", True))
    if _ENDPOINT_CONTEXT.search(text):
        controls = [name for name, p in _ENDPOINT if p.search(text)]
        if controls:
            hits.append(_Hit("endpoint_controls", "security.endpoint_controls", controls))
    return hits


_DETECTORS: tuple[Callable[[str], list[_Hit]], ...] = (
    _ownership,
    _export,
    _formats,
    _guidelines,
    _quality,
    _transition,
    _sla,
    _commercial,
    _security,
)

_VENDOR_NAME = re.compile(
    r"((?:[A-Z][\w&.'’-]*\s+){0,6}[A-Z][\w&.'’-]*)\s*\((?:the\s+)?"
    r"[\"“'‘]?(?:Vendor|Provider|Supplier)[\"”'’]?\)"
)


def _quote(sentence: str, limit: int = 400) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def _is_heading(text: str) -> bool:
    """'5. Transition and offboarding' names a clause but grants nothing: not evidence."""
    return len(text.split()) < 8 and not re.search(r"[.;:!?]$", text.strip())


def propose(passages: list[Passage], *, source: str = "draft", vendor: str | None = None) -> DraftReview:
    """Read located passages and propose a profile; every value is backed by a quoted passage."""
    proposals: list[Proposal] = []
    for passage in passages:
        if _is_heading(passage.text):
            continue
        for sentence in _sentences(passage):
            for detector in _DETECTORS:
                for hit in detector(sentence.text):
                    proposals.append(
                        Proposal(
                            clause=hit.clause,
                            field=hit.field,
                            value=hit.value,
                            quote=_quote(sentence.text),
                            location=passage.location,
                            note=hit.note,
                        )
                    )
    if vendor is None:
        found = next((m for p in passages if (m := _VENDOR_NAME.search(p.text))), None)
        vendor = found.group(1).strip(" ,") if found else Path(source).stem
        vendor = re.sub(r"^(?:between|and)\s+", "", vendor, flags=re.IGNORECASE)
    _link_remedies(proposals, passages)
    profile = _profile_from(proposals, vendor, source)
    return DraftReview(source=source, passages_read=len(passages), proposals=proposals, profile=profile)


def _link_remedies(proposals: list[Proposal], passages: list[Passage]) -> None:
    """A credit applies to the terms in its own paragraph, or to all terms when it says 'each
    breach'; record which term ids it covers so the profile can attach it."""
    terms = [p for p in proposals if p.field == "sla.terms"]
    for remedy in (p for p in proposals if p.field == "sla.remedy"):
        same = [t.value["id"] for t in terms if t.location == remedy.location]
        if remedy.value["applies_to"] == "all" or not same:
            covered = [t.value["id"] for t in terms]
        else:
            covered = same
        remedy.value = {"remedy": remedy.value["remedy"], "applies_to": covered}


def _profile_from(proposals: list[Proposal], vendor: str, source: str) -> ContractProfile:
    values: dict[str, Any] = {}
    for p in proposals:
        if p.field in ("sla.terms", "sla.remedy"):
            continue
        current = values.get(p.field)
        if isinstance(p.value, list):
            merged = list(current or [])
            merged += [v for v in p.value if v not in merged]
            values[p.field] = merged
        elif p.field == "data.export_timing":
            if current is None or _TIMING_RANK[p.value] < _TIMING_RANK[current]:
                values[p.field] = p.value
        elif p.field == "commercial.pricing_model":
            values[p.field] = p.value if current in (None, p.value) else "hybrid"
        elif isinstance(p.value, bool):
            values[p.field] = p.value if current is None else (current and p.value)
        elif current is None:
            values[p.field] = p.value
    sections: dict[str, dict[str, Any]] = {}
    for path, value in values.items():
        section, field = path.split(".", 1)
        sections.setdefault(section, {})[field] = value
    terms: dict[str, dict[str, Any]] = {}
    for p in proposals:
        if p.field == "sla.terms" and p.value["id"] not in terms:
            terms[p.value["id"]] = dict(p.value)
    for p in proposals:
        if p.field == "sla.remedy":
            for term_id in p.value["applies_to"]:
                if term_id in terms and "remedy" not in terms[term_id]:
                    terms[term_id]["remedy"] = p.value["remedy"]
    sla = (
        SlaTermSet(
            name=f"SLA terms proposed from {Path(source).name}",
            terms=[SlaTerm.model_validate(t) for t in terms.values()],
        )
        if terms
        else None
    )
    return ContractProfile(
        vendor=vendor,
        contract=f"Proposed from {Path(source).name}; confirm every value",
        data=DataRights(**sections.get("data", {})),
        guidelines=Guidelines(**sections.get("guidelines", {})),
        quality=QualityMetrics(**sections.get("quality", {})),
        transition=Transition(**sections.get("transition", {})),
        sla=sla,
        commercial=Commercial(**sections.get("commercial", {})),
        security=Security(**sections.get("security", {})),
    )


def review_draft(path: str | Path, *, data: bytes | None = None, vendor: str | None = None) -> DraftReview:
    """Extract a draft's passages (.txt, .md, .docx, .pdf) and propose its profile."""
    path = Path(path)
    return propose(extract_passages(path, data=data), source=path.name, vendor=vendor)


__all__ = ["DraftReview", "Proposal", "propose", "review_draft"]


def read_sentence(text: str) -> list[tuple[str, Any]]:
    """(field, value) proposals for one sentence: what the corpus benchmark measures."""
    return [(p.field, p.value) for p in propose([Passage(text=text, paragraph=1)], vendor="-").proposals]
