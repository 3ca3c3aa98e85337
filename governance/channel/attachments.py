"""Images attached to a calibration flag: checked by their bytes (PNG, JPEG, GIF, WebP), not their
name, size-limited, and addressed by SHA-256."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

from pydantic import BaseModel, ConfigDict, Field

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


MAX_ATTACHMENTS = 6


_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class AttachmentError(ValueError):
    """An attachment was refused: too large, not an image, or too many."""


class Attachment(BaseModel):
    """An image attached to a flag, referenced by the SHA-256 of its bytes."""

    model_config = ConfigDict(frozen=True)

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    filename: str = Field(min_length=1, max_length=200)
    media_type: str
    size: int = Field(ge=1, le=MAX_ATTACHMENT_BYTES)


def _safe_filename(name: str) -> str:
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[:200] or "attachment"


def sniff_image(data: bytes) -> str | None:
    """The image media type the bytes start with (PNG, JPEG, GIF, WebP), or None."""
    for magic, media_type in _IMAGE_MAGIC:
        if data.startswith(magic):
            return media_type
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def make_attachment(
    data: bytes, filename: str, max_bytes: int = MAX_ATTACHMENT_BYTES
) -> Attachment:
    """Check an uploaded image (by its bytes, not its name) and address it by SHA-256."""
    name, limit = _safe_filename(filename), min(max_bytes, MAX_ATTACHMENT_BYTES)
    if not data:
        raise AttachmentError(f"{name}: the file is empty")
    if len(data) > limit:
        raise AttachmentError(f"{name}: {len(data):,} bytes is over the limit of {limit:,} bytes")
    media_type = sniff_image(data)
    if media_type is None:
        raise AttachmentError(f"{name}: not a PNG, JPEG, GIF or WebP image")
    return Attachment(sha256=hashlib.sha256(data).hexdigest(), filename=name,
                      media_type=media_type, size=len(data))
