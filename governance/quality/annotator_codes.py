"""Pseudonymous annotator codes (A01, A02...) shared by the per-annotator tables and the reports."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def pseudonyms(ids: Iterable[str]) -> dict[str, str]:
    """Annotator id -> code `A01`, `A02`... in the order of the ids' SHA-256 (not of the ids)."""
    unique = sorted(set(ids), key=lambda i: (hashlib.sha256(i.encode("utf-8")).hexdigest(), i))
    width = max(2, len(str(len(unique))))
    return {name: f"A{n:0{width}d}" for n, name in enumerate(unique, start=1)}
