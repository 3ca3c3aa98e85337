"""Pseudonymous annotator codes (A01, A02...) shared by the per-annotator tables and the reports.

Codes are numbered in the order of a keyed hash (HMAC-SHA256) of the ids. Without the key, a
reader who knows every annotator id (a vendor does) cannot recompute which code is whom; the
program database keeps one key per program so codes stay the same across its reports.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable

KEY_ENV = "ANNOGOV_CODES_KEY"
"""Environment variable with the key for reports built from files (no program database)."""
MIN_KEY_BYTES = 16


def new_key() -> bytes:
    """A fresh random key (32 bytes)."""
    return secrets.token_bytes(32)


def pseudonyms(ids: Iterable[str], *, key: bytes) -> dict[str, str]:
    """Annotator id -> code `A01`, `A02`... in the order of HMAC-SHA256(key, id)."""
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"an annotator-code key needs at least {MIN_KEY_BYTES} bytes")

    def rank(name: str) -> tuple[str, str]:
        return hmac.new(key, name.encode("utf-8"), hashlib.sha256).hexdigest(), name

    unique = sorted(set(ids), key=rank)
    width = max(2, len(str(len(unique))))
    return {name: f"A{n:0{width}d}" for n, name in enumerate(unique, start=1)}


def key_from_environment() -> bytes | None:
    """The key in `ANNOGOV_CODES_KEY` (any text of at least 16 characters), else None."""
    text = os.environ.get(KEY_ENV, "")
    if not text:
        return None
    if len(text.encode("utf-8")) < MIN_KEY_BYTES:
        raise ValueError(f"{KEY_ENV} must hold at least {MIN_KEY_BYTES} characters")
    return text.encode("utf-8")
