"""Rules for the terms of the relationship: transition and wind-down, commercial terms, and
whether quality remedies fall on the vendor or are passed on to individual workers."""

from __future__ import annotations

import re

from contracts.reader.lexicon import DURATION, NUM, VENDOR, days, number, rx
from contracts.reader.rule import Custom, Flag, Hit, Rule
from contracts.reader.scope import Clause

_TRANSITION = rx(
    r"\btransition\b|\boff-?boarding\b|\bexit\s+(?:plan|assistance|management|package)\b|\bhand-?over\b|"
    r"\btermination\s+assistance\b|\b(?:at|on)\s+exit\b"
)
_ARTEFACTS = (
    ("labelled data", rx(r"\blabell?ed\s+data\b|\bannotations\b|\bdatasets?\b")),
    ("guidelines", rx(r"\bguidelines\b")),
    ("gold set", rx(r"\bgold(?:[- ]standard)?\s+(?:set|data)\b")),
    ("edge-case log", rx(r"\bedge[- ]case\s+(?:log|rulings?|register)\b")),
    ("calibration log", rx(r"\bcalibration\s+(?:log|records?|register)\b")),
    ("taxonomy", rx(r"\btaxonom(?:y|ies)\b|\bontology\b")),
    ("QA reports", rx(r"\bQA\s+(?:reports?|records|history)\b|\bquality\s+reports?\b")),
)


def artefacts_named(text: str) -> list[str]:
    """The handover artefacts a text names, by their canonical names ('labeled data' is 'labelled data')."""
    return [name for name, pattern in _ARTEFACTS if pattern.search(text)]


_HANDOVER = rx(r"\bhand\w*\s+(?:\w+\s+)?over\b|\bdeliver\w*|\bassist\w*|\bsupport\b|\bpackage\b")
_CONTINUITY = rx(
    r"\b(?:maintain|continue|sustain|keep)\w*\s+(?:\w+\s+){0,4}(?:throughput|capacity|volumes?|delivery|"
    r"service\s+levels?)\b|\bcontinuity\s+of\s+(?:throughput|service|delivery)\b"
)


def _transition(c: Clause) -> list[Hit]:
    text = c.text
    found = _TRANSITION.search(text)
    if not found:
        return []
    if re.match(r"(?:at|on)\s+exit", found.group(0), re.I) and not _HANDOVER.search(text):
        return []  # "at exit the Vendor deletes the data" is about deletion, not a handover
    if c.denied:
        return [Hit("transition.clause_present", False, "transition", "read as no transition assistance", True)]
    hits = [Hit("transition.clause_present", True, "transition")]
    artefacts = artefacts_named(text)
    if artefacts:
        hits.append(Hit("transition.handover_artefacts", artefacts, "transition"))
    duration = DURATION.search(text)
    if duration:
        hits.append(Hit("transition.timeline_days", days(duration), "transition"))
    if _CONTINUITY.search(text):
        hits.append(Hit("transition.throughput_continuity", True, "transition"))
    return hits


_PILOT_OFFERED = rx(
    r"\b(?:paid|free|initial|[\w-]+-week)\s+pilot\b|\bpilot\s+(?:of|phase|period|is|will|before|precedes)\b|"
    r"\b(?:offer\w*|run|begin\w*|start\w*|preced\w*)\b"
)
_MULTIPLE = rx(r"\b(\d+(?:\.\d+)?)\s*(?:x|×|times)\b|\b(double|triple)\b")
_WITHIN = rx(rf"\bwithin\s+{NUM}\s+(?:business\s+|working\s+|calendar\s+)?(weeks?|days?)\b")
_SCALE_CONTEXT = rx(r"\bscal\w+|\bsurge\b|\bvolume\b|\bcapacity\b|\bramp\b")


def _scale_up(c: Clause) -> list[Hit]:
    text = c.text
    if not _SCALE_CONTEXT.search(text) or c.denied:
        return []
    multiple = _MULTIPLE.search(text)
    if not multiple:
        return []
    word = (multiple.group(2) or "").lower()
    value = {"double": 2.0, "triple": 3.0}.get(word) or float(multiple.group(1))
    hits = [Hit("commercial.scale_up_multiple", value, "scale_up")]
    within = _WITHIN.search(text)
    if within:
        n, unit = number(within.group(1)), within.group(2).lower()
        hits.append(Hit("commercial.scale_up_weeks", n if unit.startswith("week") else -(-n // 7), "scale_up"))
    return hits


_MINIMUM = rx(
    r"\bminimum\s+(?:[\w-]+\s+){0,2}(?:commitment|volume|spend|term|order|purchase|fee)s?\b|"
    r"\bcommits?\s+to\s+(?:purchase|order|a\s+minimum)\b|\binitial\s+term\b"
)
_MONTHS = rx(r"\b(\d+)[- ]months?\b|\b(\d+|one|two|three|four|five)[- ]years?\b")


def _minimum(c: Clause) -> list[Hit]:
    text = c.text
    if not _MINIMUM.search(text):
        return []
    if c.denied:
        return [Hit("commercial.minimum_commitment_stated", False, "minimum_commitment", "read as no minimum", True)]
    hits = [Hit("commercial.minimum_commitment_stated", True, "minimum_commitment")]
    months = _MONTHS.search(text)
    if months:
        value = int(months.group(1)) if months.group(1) else 12 * number(months.group(2))
        hits.append(Hit("commercial.minimum_term_months", value, "minimum_commitment"))
    return hits


_VOLUME = rx(
    r"\b(\d{1,3}(?:,\d{3})+|\d{4,})\s+(?:labell?ed\s+)?(?:[\w-]+\s+){0,1}(?:labels|items|images|frames|"
    r"annotations|tasks|records)\s+(?:per|a|each)\s+month\b"
)


def _volume(c: Clause) -> list[Hit]:
    found = _VOLUME.search(c.text)
    return [Hit("commercial.monthly_volume", int(found.group(1).replace(",", "")), "volume")] if found else []


_PRICING = (
    (
        "per_unit",
        rx(
            r"\bper[- ](?:label|annotation|unit|item|task|image|frame|object|bounding\s+box|record|file)\b|"
            r"\bunit\s+(?:price|rate)s?\b|\bprice\s+per\b"
        ),
    ),
    (
        "per_hour_managed_team",
        rx(
            r"\bper[- ](?:annotator[- ])?hour\b|\bhourly\s+rates?\b|\bper\s+(?:FTE|full-time\s+equivalent)\b|"
            r"\bmanaged[- ]team\s+(?:fee|rate)s?\b|\btime\s+and\s+materials\b"
        ),
    ),
    ("milestone", rx(r"\bmilestones?\b")),
)
_PRICING_CONTEXT = rx(r"\bfees?\b|\bpric\w+|\bcharge[sd]?\b|\binvoice\w*|\brates?\b|\bpaid\b|\bpay\w*")


def _pricing(c: Clause) -> list[Hit]:
    if not _PRICING_CONTEXT.search(c.text):
        return []
    models = [model for model, pattern in _PRICING if pattern.search(c.text)]
    if not models:
        return []
    return [Hit("commercial.pricing_model", models[0] if len(models) == 1 else "hybrid", "pricing_model")]


_PENALTY_YES = rx(
    r"\b(?:rework|re-?label\w*|correct\w*)\s+(?:\w+\s+){0,5}(?:at\s+no\s+(?:additional\s+|extra\s+)?"
    r"(?:cost|charge)|free\s+of\s+charge)|\bremedied\s+by\s+service\s+credits?\b|"
    r"\bas\s+service\s+credits?\b"
)
_PENALTY_NO = rx(
    r"\bno\s+(?:service\s+)?credits?\b|\bno\s+(?:financial\s+)?penalt\w+|\b(?:not|no)\s+(?:be\s+)?liable\s+for\s+"
    r"(?:\w+\s+){0,3}(?:quality|accuracy|errors?|labell?ing\s+errors?)|\bcharged?\s+(?:\w+\s+){0,3}"
    r"(?:rework|re-?label\w*)|\b(?:rework|re-?label\w*)\s+(?:\w+\s+){0,5}(?:is|are|will\s+be)\s+"
    r"(?:charged|billed|invoiced)"
)
_WORKER_CONTEXT = rx(r"\bannotators?'?\b|\bworkers?'?\b|\blabell?ers\b")


def _penalties(c: Clause) -> list[Hit]:
    text = c.text
    if _PENALTY_NO.search(text):
        return [Hit("commercial.quality_penalties", False, "pricing_model", "read as no quality penalty", True)]
    if _PENALTY_YES.search(text) and not c.not_yet and not (c.negated and _WORKER_CONTEXT.search(text)):
        return [Hit("commercial.quality_penalties", True, "pricing_model")]
    return []


# Penalties passed on to the people doing the work (the precision-labour seed): pay deductions,
# suspensions, unpaid retraining or rework. Denied, the same words are a protection.
_WORKER = rx(r"\bannotators?'?s?\b|\bworkers?'?s?\b|\blabell?ers\b|\bindividual(?:ly)?\b|\bpersonnel\b")
_UNPAID = rx(
    r"\bunpaid\b|\bwithout\s+(?:additional\s+|any\s+)?pay\b|\bin\s+their\s+own\s+time\b|\bnot\s+paid\b|"
    r"\bat\s+their\s+own\s+cost\b"
)
_WORKER_PENALTIES = (
    (
        "pay deduction",
        rx(
            r"\b(?:deduct\w*|withh[oe]ld\w*|dock\w*|reduc\w*|cut\w*)\s+(?:[\w'’]+\s+){0,8}?(?:pay|wages?|earnings|"
            r"salary|remuneration)\b|\b(?:pay|wages?|earnings)\s+(?:\w+\s+){0,2}(?:reduc\w*|deduct\w*|cut|docked)\b|"
            r"\bpay\s+deductions?\b|\bpass\w*\s+(?:\w+\s+){0,3}(?:on\s+)?to\s+(?:its\s+|the\s+)?(?:annotators|workers)\b"
        ),
    ),
    ("suspension", rx(r"\bsuspen(?:d|ded|sion|sions)\b|\bremoved\s+from\s+the\s+(?:work\s+queue|project|team)\b")),
    ("unpaid retraining", rx(r"\bre-?train\w*\b")),
    ("unpaid rework", rx(r"\b(?:rework|redo|re-do|correct\w*|fix\w*)\b")),
)
_GENERIC_PENALTY = rx(r"\bpenali[sz]\w*\b")
_ON_VENDOR = rx(
    rf"\b(?:fall|falls|borne|payable)\s+(?:\w+\s+){{0,2}}(?:on|by)\s+the\s+{VENDOR}\b|"
    r"\b(?:retraining|rework)\b[^.;]*\bis\s+paid\b"
)


def _worker_penalties(c: Clause) -> list[Hit]:
    text = c.text
    if _ON_VENDOR.search(text) and not _UNPAID.search(text):
        return [Hit("commercial.remedies_on_vendor", True, "worker_protection")]
    found = []
    for name, pattern in _WORKER_PENALTIES:
        if not pattern.search(text):
            continue
        unpaid_kind = name.startswith("unpaid")
        if unpaid_kind and not (_UNPAID.search(text) or c.negated):
            continue
        if not unpaid_kind and not _WORKER.search(text):
            continue
        if name == "unpaid rework" and not _WORKER.search(text):
            continue
        found.append(name)
    if c.negated and (found or (_GENERIC_PENALTY.search(text) and _WORKER.search(text))):
        return [Hit("commercial.remedies_on_vendor", True, "worker_protection")]
    if found and not c.negated:
        note = "a penalty passed on to individual workers"
        return [Hit("commercial.worker_penalties", found, "worker_protection", note, True)]
    return []


RULES: tuple[Rule, ...] = (
    Custom(_transition),
    Flag(
        "transition.wind_down",
        "transition",
        rx(r"\bwind(?:s|ing)?[- ]?down\b"),
        deny=rx(r"\bwithout\s+(?:any\s+)?(?:a\s+)?wind[- ]?down\b|\bimmediately\b"),
        no_note="read as no wind-down period",
    ),
    Flag(
        "commercial.pilot_available",
        "pilot",
        rx(r"\bpilot\b"),
        context=_PILOT_OFFERED,
        exclude=rx(r"\bpilot\s+project\s+of\b"),
        context_for_no=False,
        no_note="read as no pilot",
    ),
    Custom(_scale_up),
    Flag(
        "commercial.scope_change_process",
        "scope_change",
        rx(
            r"\bchange\s+(?:order|request|control)s?\b|\bscope\s+changes?\b|\bchanges?\s+(?:to|in)\s+(?:the\s+)?scope\b|"
            r"\bvariation\s+procedure\b"
        ),
        no_note="read as no change-order process",
    ),
    Custom(_minimum),
    Custom(_volume),
    Custom(_pricing),
    Custom(_penalties),
    Custom(_worker_penalties),
)
