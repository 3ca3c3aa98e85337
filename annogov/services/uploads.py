"""Uploaded files: read once, refuse oversized ones with a clear message, hash for caching."""

from __future__ import annotations

import hashlib
import os
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from ingest import InputError, Location, Problem

DEFAULT_LIMIT_MB = 20


class SupportsUpload(Protocol):
    """What an uploaded file offers (Streamlit's UploadedFile, or any named bytes holder)."""

    name: str

    def getvalue(self) -> bytes: ...


class UploadTooLarge(InputError):
    """The upload exceeds the size limit; nothing was parsed."""


class Upload(BaseModel):
    """An upload's name, bytes and content hash (the hash keys the parse cache)."""

    model_config = ConfigDict(frozen=True)

    name: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def max_upload_bytes() -> int:
    """The limit in bytes: ANNOGOV_MAX_UPLOAD_MB (default 20 MB)."""
    raw = os.environ.get("ANNOGOV_MAX_UPLOAD_MB", "").strip()
    try:
        megabytes = float(raw) if raw else DEFAULT_LIMIT_MB
    except ValueError:
        megabytes = DEFAULT_LIMIT_MB
    return int(max(megabytes, 0.001) * 1024 * 1024)


def _mb(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def check_size(name: str, size: int, limit: int | None = None) -> None:
    """Raise UploadTooLarge naming the file, its size and the limit when it is too big."""
    limit = max_upload_bytes() if limit is None else limit
    if size > limit:
        raise UploadTooLarge(
            [
                Problem(
                    Location(name),
                    f"the file is {_mb(size)}, larger than the {_mb(limit)} upload limit; "
                    "split it or upload only the sheets and columns needed",
                )
            ]
        )
    if size == 0:
        raise InputError.at("the file is empty", name)


def read_upload(file: SupportsUpload, *, limit: int | None = None) -> Upload:
    """Read an uploaded file after checking its size; the result carries its SHA-256."""
    name = getattr(file, "name", None) or "upload"
    declared = getattr(file, "size", None)
    if isinstance(declared, int):
        check_size(name, declared, limit)
    data = file.getvalue()
    check_size(name, len(data), limit)
    return Upload(name=name, data=data, sha256=hashlib.sha256(data).hexdigest())
