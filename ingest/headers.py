"""Loose matching of column headers typed by people ("Quality SLA (25%)" -> "quality_sla")."""

from __future__ import annotations

import re

_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_header(name: object) -> str:
    """Lower-case, drop bracketed notes and percent signs, join words with underscores."""
    text = str(name or "").strip().lower().replace("&", " and ")
    text = _PARENS.sub(" ", text)
    text = re.sub(r"\d+(\.\d+)?\s*%", " ", text)
    text = _NON_WORD.sub("_", text).strip("_")
    return re.sub(r"_+", "_", text)


def header_key(name: object, aliases: dict[str, str]) -> str | None:
    """Map a header onto a canonical key through an alias table of normalised names."""
    norm = normalise_header(name)
    if not norm:
        return None
    if norm in aliases:
        return aliases[norm]
    compact = norm.replace("_and_", "_")
    return aliases.get(compact)
