"""Rules for the data clauses: ownership of the labels, the export right and formats, guidelines."""

from __future__ import annotations

from contracts.reader.lexicon import BUYER, DATA, DATA_WORD, VENDOR, W, rx
from contracts.reader.rule import Custom, Hit, Rule
from contracts.reader.scope import Clause

_OWN_WORD = rx(
    r"\b(?:own|owns|owned|ownership|title|property|vest|vests|assign|assigns|licen[cs]e|licen[cs]ed)\b"
    r"|\brights?\s+in\b|\brights?,?\s+title\b"
)
_OWNED_DATA = rx(rf"\b{DATA}\b|\b(?:every|each|any)\s+(?:annotation|label)\b")
_CORE_DATA = rx(r"\blabell?ed\s+data\b|\bannotations\b|\bannotated\s+data\b|\bdatasets?\b|\bwork\s+product\b")
_NOT_DATA = rx(
    r"\b(?:tools?|tooling|platform|software|pre-existing|background|methodolog\w+|models?|know-how|"
    r"trademarks?)\b"
)
_ASSET = rx(r"\bguidelines?\b|\bgold\b|\bmanual\b|\binstructions\b")
_LICENCE = rx(rf"\blicen[cs]e\b|\blicen[cs]ed\s+to\s+(?:the\s+)?{BUYER}")
_VENDOR_HAS = rx(
    rf"\b{VENDOR}\s+(?:shall\s+|will\s+|does\s+|do\s+)?(?:not\s+)?(?:retain|retains|keep|keeps|own|owns|"
    rf"hold|holds|acquire|acquires)\b|(?:property|ownership)\s+of\s+(?:the\s+)?{VENDOR}|"
    rf"owned\s+by\s+(?:the\s+)?{VENDOR}|\bremains?\s+with\s+(?:the\s+)?{VENDOR}"
)
_BUYER_HAS = rx(
    rf"\b{BUYER}\s+(?:shall\s+|will\s+|does\s+|may\s+)?(?:not\s+)?(?:own|owns|retain|retains|hold|holds|"
    rf"acquire|obtain|claim|have)\b|(?:property|ownership)\s+of\s+(?:the\s+)?{BUYER}|"
    rf"owned\s+(?:exclusively\s+|solely\s+)?by\s+(?:the\s+)?{BUYER}|\bvests?\s+{W}{{0,3}}in\s+(?:the\s+)?"
    rf"{BUYER}|\b(?:assign\w*|transfer\w*|pass\w*|convey\w*)\s+{W}{{0,10}}to\s+(?:the\s+)?{BUYER}"
)


def _ownership(c: Clause) -> list[Hit]:
    text = c.text
    if not (_OWN_WORD.search(text) and _OWNED_DATA.search(text)):
        return []
    if (_NOT_DATA.search(text) or _ASSET.search(text)) and not _CORE_DATA.search(text):
        return []
    if _LICENCE.search(text):
        return [Hit("data.buyer_owns_data", False, "data_ownership", "read as a licence only", True)]
    vendor, buyer = _VENDOR_HAS.search(text), _BUYER_HAS.search(text)
    if vendor and not (buyer and buyer.start() < vendor.start()):
        owns = c.negated and not c.not_yet
    elif buyer:
        owns = not c.denied
    else:
        return []
    note = None if owns else "read as the vendor keeping ownership (or ownership not granted)"
    return [Hit("data.buyer_owns_data", owns, "data_ownership", note, not owns)]


_EXPORT_WORD = rx(
    r"\b(?:export\w*|download\w*|extract\w*|retrieve|return|returned|hand\s+back|cop(?:y|ies)|"
    r"accessed|viewed|available\s+for\s+download)\b"
)
_DELIVER = rx(r"\bdeliver\w*\b|\bprovide\w*\b")
_TRANSITION_CONTEXT = rx(r"\btransition\b|\bhand(?:s|ed)?\s*-?over\b|\boffboarding\b|\bexit\b")
_EXIT_CONTEXT = rx(r"\btransition\b|\boffboarding\b|\bexit\b|\btermination\b")
_EXPORT_CONTROL = rx(r"\bexport[- ]controls?\b|\bexport\s+laws?\b|\bsanctions?\b|\bembargo")
_INSIDE_ONLY = rx(
    rf"(?:only|solely|exclusively)\s+(?:be\s+)?(?:accessed|viewed|used)\s+(?:with)?in\s+(?:the\s+)?{VENDOR}"
)
_ANY_TIME = rx(
    r"\bat\s+any\s+(?:time|point)\b|\bon\s+demand\b|\bself-service\b|\bthroughout\s+the\s+term\b|"
    r"\bwhenever\b"
)
_BEFORE_END = rx(r"\b(?:before|prior\s+to)\s+(?:the\s+)?(?:termination|expiry|end)\b")
_DELETION = rx(r"\bdelet\w*|\beras\w*|\bdestroy\w*|\bretain\w*")


def _export(c: Clause) -> list[Hit]:
    text = c.text
    if not DATA_WORD.search(text) or _EXPORT_CONTROL.search(text) or _DELETION.search(text):
        return []
    exporting = _EXPORT_WORD.search(text) or (
        _DELIVER.search(text) and (c.at_end or c.on_request) and not _TRANSITION_CONTEXT.search(text)
    )
    if not exporting:
        return []
    if _INSIDE_ONLY.search(text) or c.not_yet or (c.negated and not _BEFORE_END.search(text)):
        return [Hit("data.export_timing", "none", "export_right", "read as no right to export", True)]
    if c.negated or c.at_end:
        return [Hit("data.export_timing", "contract_end", "export_right")]
    if _ANY_TIME.search(text):
        return [Hit("data.export_timing", "any_time", "export_right")]
    if c.on_request:
        return [Hit("data.export_timing", "on_request", "export_right")]
    return []


_FORMAT_PATTERNS = (
    ("COCO", rx(r"\b(?:MS[- ])?COCO\b")),
    ("JSONL", rx(r"\bJSON\s*Lines\b|\bJSONL\b|\bNDJSON\b")),
    ("CSV", rx(r"\bCSV\b")),
    ("Label Studio JSON", rx(r"\bLabel\s*Studio\b")),
    ("Pascal VOC", rx(r"\bPascal\s*VOC\b")),
    ("YOLO", rx(r"\bYOLO\b")),
    ("KITTI", rx(r"\bKITTI\b")),
    ("CVAT XML", rx(r"\bCVAT\b")),
    ("Parquet", rx(r"\bParquet\b")),
    ("TFRecord", rx(r"\bTFRecords?\b")),
    ("CoNLL", rx(r"\bCoNLL\b")),
    ("OpenLABEL", rx(r"\bOpen\s*LABEL\b")),
    ("GeoJSON", rx(r"\bGeoJSON\b")),
)
_PLAIN_JSON = rx(r"\bJSON\b")
_PROPRIETARY = rx(r"\b(?:proprietary|native|internal)\s+(?:[\w-]+\s+){0,2}formats?\b")
_PROPRIETARY_NEGATED = rx(r"\b(?:not|never|no)\s+(?:\w+\s+){0,3}(?:proprietary|native)")
_FORMAT_CONTEXT = rx(r"\bformats?\b|\bexport|\bdeliver|\bschema\b")


def _formats(c: Clause) -> list[Hit]:
    text = c.text
    if not _FORMAT_CONTEXT.search(text):
        return []
    found = [name for name, pattern in _FORMAT_PATTERNS if pattern.search(text)]
    if not found and _PLAIN_JSON.search(text):
        found.append("JSON")
    proprietary = _PROPRIETARY.search(text)
    if proprietary and not _PROPRIETARY_NEGATED.search(text):
        found.append(proprietary.group(0))
    return [Hit("data.export_formats", found, "export_formats")] if found else []


_GUIDE = rx(
    r"(?<!brand\s)\bguidelines?\b|\b(?:annotation|labell?ing)\s+(?:manual|instructions)\b|\bplaybook\b"
)
_GUIDE_GIVEN = rx(
    rf"\b(?:deliver\w*|provide[sd]?|hand(?:ed|s)?\s+over|suppl(?:y|ies|ied)|furnish\w*|shar\w+|"
    rf"disclos\w+|(?:property|ownership)\s+of\s+(?:the\s+)?{BUYER}|owned\s+by\s+(?:the\s+)?{BUYER}|"
    rf"{BUYER}'?s?\s+repository)"
)
_GUIDE_KEPT = rx(
    rf"\b(?:remain|remains|are|is)\s+(?:the\s+)?(?:confidential\s+|proprietary\s+|sole\s+|exclusive\s+)*"
    rf"(?:property|information|know-how|trade\s+secrets?)\s+of\s+(?:the\s+)?{VENDOR}|"
    rf"\binternal\s+use\s+only\b|\bkept\s+internal\b"
)
_VERSIONED = rx(r"\bversion(?:ed|s|ing)?\b|\bversion\s+control\b|\bchange\s*log\b|\brevision\s+history\b")
_EDGE = rx(r"\bedge[- ]cases?\b|\bdecision\s+rules?\b|\brulings?\b|\bambiguous\s+cases\b")


def _guidelines(c: Clause) -> list[Hit]:
    text = c.text
    if not _GUIDE.search(text):
        return []
    field, clause = "guidelines.delivered_as_asset", "guidelines"
    if _GUIDE_KEPT.search(text) or (c.denied and _GUIDE_GIVEN.search(text)):
        return [Hit(field, False, clause, "read as guidelines kept by the vendor", True)]
    if not _GUIDE_GIVEN.search(text) or _EXIT_CONTEXT.search(text):
        return []  # guidelines handed over at exit are part of the transition clause
    hits = [Hit(field, True, clause)]
    if _VERSIONED.search(text):
        hits.append(Hit("guidelines.versioned", True, clause))
    if _EDGE.search(text):
        hits.append(Hit("guidelines.edge_case_rulings", True, clause))
    return hits


RULES: tuple[Rule, ...] = (
    Custom(_ownership),
    Custom(_export),
    Custom(_formats),
    Custom(_guidelines),
)
