"""Rules for security and compliance: certifications, the DPA, subprocessors, endpoint controls,
where the data lives and under which law, deletion at exit, and export controls."""

from __future__ import annotations

import re

from contracts.reader.lexicon import find_dates, places, rx
from contracts.reader.rule import Custom, Flag, Hit, Rule
from contracts.reader.scope import Clause


def _last_date(text: str, clause: str, field: str, meaning: str) -> list[Hit]:
    """The date written last in the passage, read as `meaning` (a period end, an audit date)."""
    dates = find_dates(text)
    if not dates:
        return []
    return [Hit(field, dates[-1][1].isoformat(), clause, f"the last date in the passage is read as {meaning}")]


_SOC2 = rx(r"\bSOC\s*2\b")
_TYPE_II = rx(r"\bType\s*(?:II|2)\b")
_TYPE_I = rx(r"\bType\s*(?:I|1)\b")
_PLANNED_TYPE_II = rx(
    r"\b(?:working\s+towards?|plans?\s+to\s+obtain|pursuing|preparing\s+for)\s+(?:an?\s+)?(?:SOC\s*2\s+)?"
    r"Type\s*(?:II|2)\b"
)


def _soc2(c: Clause) -> list[Hit]:
    text = c.text
    if not _SOC2.search(text):
        return []
    held = _PLANNED_TYPE_II.sub("", text)
    kind = "type_ii" if _TYPE_II.search(held) else "type_i" if _TYPE_I.search(held) else None
    if held != text and kind == "type_i":
        pass
    elif c.denied:
        return [Hit("security.soc2_type", "none", "soc2", "read as no SOC 2 report (yet)", True)]
    if kind is None:
        return []
    period = _last_date(c.sentence, "soc2", "security.soc2_period_end", "the period end")
    return [Hit("security.soc2_type", kind, "soc2"), *period]


_ISO = rx(r"\bISO(?:/IEC)?\s*27001\b")
_ISO_NOT_HELD = rx(
    r"\b(?:not|no|neither|nor)\s+(?:\w+\s+){0,4}ISO(?:/IEC)?\s*27001|\bISO(?:/IEC)?\s*27001\s+(?:\w+\s+){0,2}"
    r"(?:is|are)\s+planned\b"
)
_CENTRES = rx(
    r"\bdeliver\w*\s+(?:cent(?:er|re)s?|sites?|facilit(?:y|ies)|locations?)\b|\ball\s+(?:sites|facilities|"
    r"locations|offices)\b|\bproduction\s+(?:sites|facilities|cent(?:er|re)s)\b"
)
_CENTRES_OUT = rx(
    r"\b(?:does|do|will)\s+not\s+(?:\w+\s+){0,2}(?:cover|include|extend)|\b(?:head\s*office|headquarters|"
    r"corporate\s+office)\s+only\b|\blimited\s+to\s+(?:its|the)\s+(?:head|corporate|main)"
)


def _iso27001(c: Clause) -> list[Hit]:
    text = c.text
    if not _ISO.search(text):
        return []
    if _ISO_NOT_HELD.search(text) or c.not_yet:
        return [Hit("security.iso27001_certified", False, "iso27001", "read as not (yet) certified", True)]
    hits = [Hit("security.iso27001_certified", True, "iso27001")]
    if _CENTRES_OUT.search(text):
        note = "read as a scope that leaves out the delivery centres"
        hits.append(Hit("security.iso27001_covers_delivery_centres", False, "iso27001", note, True))
    elif _CENTRES.search(text):
        hits.append(Hit("security.iso27001_covers_delivery_centres", True, "iso27001"))
    return hits + _last_date(c.sentence, "iso27001", "security.iso27001_last_audit", "the last audit")


_SUBPROC = rx(r"\bsub-?processors?\b|\bsub-?contractors?\b")
_WITHOUT_NOTICE = rx(
    r"\bwithout\s+(?:the\s+\w+'?s?\s+)?(?:prior\s+)?(?:written\s+)?(?:notice|notification|consent|approval|"
    r"disclosure)\b"
)


def _subprocessors(c: Clause) -> list[Hit]:
    text = c.text
    if not _SUBPROC.search(text):
        return []
    field, clause = "security.subprocessors_disclosed", "subprocessors"
    if _WITHOUT_NOTICE.search(text):
        engaged_freely = not c.negated
        note = "read as subprocessors engaged without notice" if engaged_freely else None
        return [Hit(field, not engaged_freely, clause, note, engaged_freely)]
    disclosed = re.search(r"\blist\w*\b|\bdisclos\w+|\bnotif\w+|\bapprov\w+|\bconsent\b|\bnames?\b", text, re.I)
    if disclosed is None:
        return []
    if c.denied:
        return [Hit(field, False, clause, "read as subprocessors not disclosed", True)]
    return [Hit(field, True, clause)]


_EXIT = rx(
    r"\btermination\b|\bexpiry\b|\bexpiration\b|\bexit\b|\bend\s+of\s+the\s+(?:term|engagement|agreement|"
    r"contract)\b|\bafter\s+the\s+end\b"
)
_DELETE = rx(r"\bdelet(?:e|es|ed|ing|ion)\b|\beras\w*|\bdestroy\w*|\bpurg\w*")
_RETAIN_COPIES = rx(r"\bretain\w*\s+(?:\w+\s+){0,2}cop(?:y|ies)\b|\bkeep\w*\s+(?:\w+\s+){0,2}cop(?:y|ies)\b")
_CONFIRMED = rx(
    r"\bcertif\w*\s+(?:of\s+)?(?:the\s+|its\s+)?(?:deletion|destruction)\b|\b(?:deletion|destruction)\s+"
    r"certificate\b|\bconfirm\w*\s+(?:the\s+|its\s+)?(?:deletion|destruction)\b|\bconfirmation\s+of\s+"
    r"(?:deletion|destruction)\b|\bcertify\s+(?:its\s+)?(?:deletion|destruction)\b"
)


def _deletion(c: Clause) -> list[Hit]:
    text = c.text
    hits: list[Hit] = []
    if _CONFIRMED.search(text):
        hits.append(Hit("security.deletion_confirmed", not c.denied, "deletion", None, c.denied))
        if c.denied:
            return hits
    if not _EXIT.search(text) and not hits:
        return hits
    if _RETAIN_COPIES.search(text):
        kept = not c.negated
        note = "read as copies kept" if kept else None
        hits.insert(0, Hit("security.deletion_on_exit", not kept, "deletion", note, kept))
    elif _DELETE.search(text):
        hits.insert(0, Hit("security.deletion_on_exit", not c.denied, "deletion", None, c.denied))
    return hits


_RESIDENCY = rx(
    r"\b(?:stor(?:e|es|ed|age)|host(?:s|ed)?|process(?:es|ed)?|kept|keep|located|resid\w*|remain\w*|leave|"
    r"transferr?\w*|carried\s+out|performed)\b"
)
_OUTSIDE = rx(r"\boutside\b|\bleave\b")
_JURISDICTION = rx(r"\bgoverned\s+by\b|\bgoverning\s+law\b|\bjurisdiction\b|\bcourts?\s+of\b")


def _residency(c: Clause) -> list[Hit]:
    text = c.text
    named = places(text)
    if not named:
        return []
    if _JURISDICTION.search(text):
        named = [p for p in named if p != "United Kingdom"] if "England and Wales" in named else named
        return [Hit("security.jurisdictions", named, "data_residency")]
    if not (_RESIDENCY.search(text) and re.search(r"\bdata\b|\bwork\b", text, re.I)):
        return []
    if c.negated and not _OUTSIDE.search(text):
        return []
    return [Hit("security.data_residency", named, "data_residency")]

_ENDPOINT = (
    ("USB blocking", rx(r"\bUSB\b")),
    ("screen-capture restriction", rx(r"\bscreen[- ]?(?:capture|shot)s?\b|\bscreenshots?\b")),
    (
        "no downloads",
        rx(
            r"\bno[- ]download\b|\bdownloads?\s+(?:is|are)\s+(?:disabled|blocked|prohibited)|"
            r"\bprohibit\w*\s+(?:\w+\s+){0,2}download"
        ),
    ),
    (
        "no personal devices",
        rx(r"\bpersonal\s+devices?\s+(?:\w+\s+){0,2}(?:prohibited|not\s+(?:permitted|allowed))|\bno\s+personal\s+devices?\b"),
    ),
    ("clean-desk policy", rx(r"\bclean[- ]desk\b")),
    ("virtual desktops", rx(r"\bVDI\b|\bvirtual\s+desktops?\b")),
    ("data-loss prevention", rx(r"\bDLP\b|\bdata[- ]loss\s+prevention\b")),
    ("air-gapped option", rx(r"\bair[- ]gapped\b")),
)
_ENDPOINT_CONTEXT = rx(
    r"\bworkstations?\b|\bendpoints?\b|\bdevices?\b|\bannotators?\b|\bUSB\b|\bscreen|\bdownload|\bVDI\b|"
    r"\bDLP\b|\bair[- ]gapped\b"
)


def _endpoint(c: Clause) -> list[Hit]:
    """Workstation controls are written as prohibitions, so the clause's negation is not read."""
    if not _ENDPOINT_CONTEXT.search(c.sentence):
        return []
    controls = [name for name, p in _ENDPOINT if p.search(c.sentence)]
    return [Hit("security.endpoint_controls", controls, "endpoint_controls")] if controls else []


RULES: tuple[Rule, ...] = (
    Custom(_soc2),
    Custom(_iso27001),
    Flag(
        "security.dpa",
        "dpa",
        rx(r"\bdata\s+processing\s+(?:agreement|addendum)\b|\bDPA\b"),
        no_note="read as no DPA",
    ),
    Custom(_subprocessors),
    Flag(
        "security.subprocessor_objection",
        "subprocessors",
        rx(r"\bobject(?:s|ion|ions)?\b|\bveto\b"),
        context=_SUBPROC,
        no_note="read as no right to object",
    ),
    Flag(
        "security.subprocessor_locations",
        "subprocessors",
        rx(r"\blocations?\b|\bcountr(?:y|ies)\b|\bwhere\s+(?:it|they|each)\b"),
        context=_SUBPROC,
        no_note="read as locations not disclosed",
    ),
    Custom(_endpoint, level="sentence"),
    Custom(_deletion),
    Custom(_residency),
    Flag(
        "security.export_controls",
        "export_controls",
        rx(r"\bexport[- ]controls?\b|\bEAR\b|\bITAR\b|\bsanctions?\b|\bembargo\w*|\bdual[- ]use\b"),
        deny=rx(r"\bno\s+(?:commitment|obligation|undertaking)\b|\bnot\s+(?:comply|bound|responsible)\b"),
        deny_on_scope=False,
        no_note="read as no export-control commitment",
    ),
)
