"""Shared builders for the annotators' channel tests."""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime, timedelta

from governance.channel.calibration import TagVocabulary
from governance.roles import Role, User

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # Monday of ISO week 2026-W47

ANA = User(user_id="ana@vendor.example", name="Ana", role=Role.ANNOTATOR, annotator_id="w-ana")
BEN = User(user_id="ben@vendor.example", name="Ben", role=Role.ANNOTATOR, annotator_id="w-ben")
CHO = User(user_id="cho@vendor.example", name="Cho", role=Role.ANNOTATOR, annotator_id="w-cho")
REVIEWER = User(user_id="rui@vendor.example", name="Rui", role=Role.REVIEWER)
ENGINEER = User(user_id="eve@buyer.example", name="Eve", role=Role.ML_ENGINEER)
MANAGER = User(user_id="max@buyer.example", name="Max", role=Role.PROGRAM_MANAGER)

VOCAB = TagVocabulary(
    program="lidar-2026",
    tags=("occlusion", "sensor glitch", "ambiguous class", "guideline gap", "night"),
)


def at(days: float = 0, hours: float = 0) -> datetime:
    """A moment relative to T0."""
    return T0 + timedelta(days=days, hours=hours)


def png(width: int = 2, height: int = 2, payload: bytes = b"") -> bytes:
    """A real, tiny PNG image (optionally padded with an ancillary chunk to grow its size)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + (chunk(b"tEXt", b"pad\x00" + payload) if payload else b"")
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
