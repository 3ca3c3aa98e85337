"""The calibration log: annotators flag tasks, engineers answer in a thread and rule; a ruling can
become a numbered guideline ruling, which returns the set-aside tasks to the queue.
"""

from __future__ import annotations

import hashlib
import statistics
import unicodedata
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from pathlib import PurePosixPath, PureWindowsPath

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from governance.channel.guidelines import AddRuling, AmendRuling, GuidelineDocument, revise
from governance.channel.weeks import iso_week
from governance.roles import (
    Permission,
    PermissionDenied,
    User,
    can_see_flag,
    require,
    require_own_or,
)

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 6
MAX_TAG_LENGTH = 40

_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class EntryStatus(StrEnum):
    """Open until an engineer rules; promoted once the ruling is in the guidelines."""

    OPEN = "open"
    RESOLVED = "resolved"
    PROMOTED = "promoted"


class AttachmentError(ValueError):
    """An attachment was refused: too large, not an image, or too many."""


class Attachment(BaseModel):
    """An image attached to a flag, referenced by the SHA-256 of its bytes."""

    model_config = ConfigDict(frozen=True)

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    filename: str = Field(min_length=1, max_length=200)
    media_type: str
    size: int = Field(ge=1, le=MAX_ATTACHMENT_BYTES)


class Reply(BaseModel):
    """One message in an entry's thread; `parent_id` makes it an answer to another reply."""

    model_config = ConfigDict(frozen=True)

    reply_id: str
    author_id: str
    author_name: str
    body: str = Field(min_length=1, max_length=10_000)
    created_at: AwareDatetime
    parent_id: str | None = None


class Ruling(BaseModel):
    """An engineer's answer that settles the question."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(min_length=1, max_length=20_000)
    decided_by: str
    decided_at: AwareDatetime


class GuidelineLink(BaseModel):
    """The guideline version (and ruling number) that settled an entry."""

    model_config = ConfigDict(frozen=True)

    doc_id: str
    version: int = Field(ge=1)
    ruling_number: int = Field(ge=1)


class TagVocabulary(BaseModel):
    """The program's own tag list; flags may add free tags beyond it."""

    model_config = ConfigDict(frozen=True)

    program: str = Field(min_length=1)
    tags: tuple[str, ...]

    @field_validator("tags")
    @classmethod
    def _normalised(cls, tags: tuple[str, ...]) -> tuple[str, ...]:
        out = tuple(dict.fromkeys(normalise_tag(t) for t in tags))
        return tuple(t for t in out if t)


class CalibrationEntry(BaseModel):
    """A flagged task: the annotator's question, the thread, the ruling and its guideline link."""

    model_config = ConfigDict(frozen=True)

    entry_id: str
    program: str = Field(min_length=1, max_length=200)
    task_id: str = Field(min_length=1, max_length=200)
    author_id: str
    author_name: str
    created_at: AwareDatetime
    category: str | None = Field(default=None, max_length=200)
    tags: tuple[str, ...] = ()
    free_tags: tuple[str, ...] = ()
    description: str = Field(min_length=1, max_length=10_000)
    attachments: tuple[Attachment, ...] = Field(default=(), max_length=MAX_ATTACHMENTS)
    set_aside: bool = False
    set_aside_at: AwareDatetime | None = None
    returned_at: AwareDatetime | None = None
    status: EntryStatus = EntryStatus.OPEN
    replies: tuple[Reply, ...] = ()
    ruling: Ruling | None = None
    guideline: GuidelineLink | None = None

    @property
    def all_tags(self) -> tuple[str, ...]:
        """Vocabulary tags then free tags."""
        return self.tags + self.free_tags

    @property
    def week(self) -> str:
        """ISO week the flag was raised in."""
        return iso_week(self.created_at)

    def age_days(self, now: datetime) -> float:
        """Days since the flag was raised."""
        return (now - self.created_at).total_seconds() / 86_400


def normalise_tag(tag: str) -> str:
    """Lower-case, single-spaced, printable, at most MAX_TAG_LENGTH characters."""
    text = unicodedata.normalize("NFKC", tag)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return " ".join(text.lower().split())[:MAX_TAG_LENGTH].strip()


def split_tags(
    vocabulary: TagVocabulary, tags: Iterable[str], free_tags: Iterable[str] = ()
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(vocabulary tags, free tags); unknown `tags` are refused, free tags found in it move over."""
    known = set(vocabulary.tags)
    chosen = [normalise_tag(t) for t in tags]
    unknown = [t for t in chosen if t not in known]
    if unknown:
        raise ValueError(
            f"not in the {vocabulary.program} tag vocabulary: {', '.join(unknown)} "
            "(add them as free tags instead)"
        )
    free = [normalise_tag(t) for t in free_tags]
    chosen += [t for t in free if t in known]
    free = [t for t in free if t and t not in known]
    return tuple(dict.fromkeys(chosen)), tuple(dict.fromkeys(free))


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


def _new_id() -> str:
    return uuid.uuid4().hex


def flag_task(
    author: User,
    *,
    program: str,
    task_id: str,
    description: str,
    vocabulary: TagVocabulary,
    now: datetime,
    tags: Iterable[str] = (),
    free_tags: Iterable[str] = (),
    category: str | None = None,
    attachments: Sequence[Attachment] = (),
    set_aside: bool = False,
    entry_id: str | None = None,
) -> CalibrationEntry:
    """A new open entry in the log; with `set_aside` the task leaves the queue until settled."""
    require(author, Permission.FLAG_TASK)
    if vocabulary.program != program:
        raise ValueError(f"vocabulary is for {vocabulary.program!r}, not {program!r}")
    if len(attachments) > MAX_ATTACHMENTS:
        raise AttachmentError(f"at most {MAX_ATTACHMENTS} attachments per flag")
    vocab_tags, free = split_tags(vocabulary, tags, free_tags)
    unique = tuple({a.sha256: a for a in attachments}.values())
    return CalibrationEntry(
        entry_id=entry_id or _new_id(), program=program, task_id=task_id.strip(),
        author_id=author.user_id, author_name=author.name, created_at=now,
        category=category.strip() if category and category.strip() else None,
        tags=vocab_tags, free_tags=free, description=description.strip(), attachments=unique,
        set_aside=set_aside, set_aside_at=now if set_aside else None,
    )


def edit_flag(
    entry: CalibrationEntry,
    user: User,
    vocabulary: TagVocabulary,
    *,
    description: str | None = None,
    tags: Iterable[str] | None = None,
    free_tags: Iterable[str] | None = None,
    category: str | None = None,
) -> CalibrationEntry:
    """The author's correction of their own open flag; nobody else rewrites someone's question."""
    if entry.author_id != user.user_id:
        raise PermissionDenied(f"{user.user_id} ({user.role.value}) may not edit the flag of "
                               "another person")
    if entry.status is not EntryStatus.OPEN:
        raise ValueError(f"entry {entry.entry_id} already has a ruling; reply instead")
    vocab_tags, free = split_tags(vocabulary,
                                  entry.tags if tags is None else tags,
                                  entry.free_tags if free_tags is None else free_tags)
    update: dict[str, object] = {"tags": vocab_tags, "free_tags": free}
    if description is not None:
        update["description"] = description.strip()
    if category is not None:
        update["category"] = category.strip() or None
    return CalibrationEntry.model_validate(entry.model_dump() | update)


def require_visible(entry: CalibrationEntry, viewer: User) -> None:
    """PermissionDenied unless the viewer wrote the entry or may see every flag."""
    if not can_see_flag(viewer, entry.author_id):
        raise PermissionDenied(
            f"{viewer.user_id} ({viewer.role.value}) may not see calibration entry "
            f"{entry.entry_id}"
        )


def visible_entries(entries: Iterable[CalibrationEntry], viewer: User) -> list[CalibrationEntry]:
    """The entries this viewer may see: annotators their own, other roles all."""
    return [e for e in entries if can_see_flag(viewer, e.author_id)]


def set_task_aside(entry: CalibrationEntry, user: User, now: datetime) -> CalibrationEntry:
    """Hold the entry's task out of the queue until the question is settled."""
    require_own_or(user, entry.author_id, Permission.RESOLVE, f"entry {entry.entry_id}")
    if entry.status is EntryStatus.PROMOTED:
        raise ValueError(f"entry {entry.entry_id} is already settled by the guidelines")
    if entry.set_aside:
        return entry
    return entry.model_copy(update={"set_aside": True, "set_aside_at": now, "returned_at": None})


def release_task(entry: CalibrationEntry, user: User, now: datetime) -> CalibrationEntry:
    """Put a set-aside task back in the queue without a guideline change."""
    require_own_or(user, entry.author_id, Permission.RESOLVE, f"entry {entry.entry_id}")
    if not entry.set_aside:
        return entry
    return entry.model_copy(update={"set_aside": False, "returned_at": now})


def add_reply(
    entry: CalibrationEntry,
    user: User,
    body: str,
    now: datetime,
    parent_id: str | None = None,
    reply_id: str | None = None,
) -> CalibrationEntry:
    """Append a message to the thread; the flag's author and reviewers/engineers may reply."""
    require_visible(entry, user)
    require_own_or(user, entry.author_id, Permission.REPLY_ANY, f"entry {entry.entry_id}")
    if parent_id is not None and parent_id not in {r.reply_id for r in entry.replies}:
        raise ValueError(f"entry {entry.entry_id} has no reply {parent_id}")
    reply = Reply(reply_id=reply_id or _new_id(), author_id=user.user_id, author_name=user.name,
                  body=body.strip(), created_at=now, parent_id=parent_id)
    return entry.model_copy(update={"replies": (*entry.replies, reply)})


def thread(entry: CalibrationEntry) -> list[tuple[int, Reply]]:
    """Replies in reading order with their nesting depth (0 = answer to the flag itself)."""
    children: dict[str | None, list[Reply]] = {}
    for r in entry.replies:
        children.setdefault(r.parent_id, []).append(r)
    out: list[tuple[int, Reply]] = []

    def walk(parent: str | None, depth: int) -> None:
        for r in sorted(children.get(parent, []), key=lambda r: (r.created_at, r.reply_id)):
            out.append((depth, r))
            walk(r.reply_id, depth + 1)

    walk(None, 0)
    return out


def resolve(entry: CalibrationEntry, user: User, ruling: str, now: datetime) -> CalibrationEntry:
    """Settle the question with a ruling (may be revised until it is promoted)."""
    require(user, Permission.RESOLVE)
    if entry.status is EntryStatus.PROMOTED:
        raise ValueError(f"entry {entry.entry_id} is already in guideline "
                         f"v{entry.guideline.version if entry.guideline else '?'}")
    return entry.model_copy(update={
        "status": EntryStatus.RESOLVED,
        "ruling": Ruling(text=ruling.strip(), decided_by=user.user_id, decided_at=now),
    })


class Promotion(BaseModel):
    """What promoting a ruling produced: the new guideline, the updated entries, freed tasks."""

    document: GuidelineDocument
    entries: list[CalibrationEntry]
    returned_task_ids: list[str]
    ruling_number: int


def promote(
    entry: CalibrationEntry,
    document: GuidelineDocument,
    user: User,
    now: datetime,
    title: str,
    reason: str | None = None,
    amends: int | None = None,
    related: Sequence[CalibrationEntry] = (),
) -> Promotion:
    """Write the entry's ruling into a new guideline version (a new ruling, or an amendment of
    ruling `amends`), link the entry and any `related` entries to it, and release their tasks."""
    require(user, Permission.PROMOTE)
    if entry.status is not EntryStatus.RESOLVED or entry.ruling is None:
        raise ValueError(f"entry {entry.entry_id} needs a ruling before it can be promoted "
                         f"(status {entry.status.value})")
    if entry.program != document.program:
        raise ValueError(f"entry is for {entry.program!r}, guideline for {document.program!r}")
    settled = [entry, *[r for r in related if r.entry_id != entry.entry_id]]
    for other in settled[1:]:
        if other.status is EntryStatus.PROMOTED:
            raise ValueError(f"related entry {other.entry_id} is already promoted")
        if other.program != document.program:
            raise ValueError(f"related entry {other.entry_id} is for {other.program!r}, "
                             f"guideline for {document.program!r}")
    why = reason or f"Ruling on calibration entry {entry.entry_id} (task {entry.task_id})"
    if amends is None:
        change: AddRuling | AmendRuling = AddRuling(
            title=title, text=entry.ruling.text, category=entry.category,
            source_entry_id=entry.entry_id)
        number = document.next_ruling_number
    else:
        change = AmendRuling(number=amends, title=title, text=entry.ruling.text)
        number = amends
    new_doc = revise(document, user, now, why, [change],
                     settles_entry_ids=[e.entry_id for e in settled])
    link = GuidelineLink(doc_id=new_doc.doc_id, version=new_doc.current.version,
                         ruling_number=number)
    updated, returned = [], []
    for e in settled:
        if e.set_aside:
            returned.append(e.task_id)
        updated.append(e.model_copy(update={
            "status": EntryStatus.PROMOTED,
            "ruling": e.ruling or entry.ruling,
            "guideline": link,
            "set_aside": False,
            "returned_at": now if e.set_aside else e.returned_at,
        }))
    return Promotion(document=new_doc, entries=updated,
                     returned_task_ids=list(dict.fromkeys(returned)), ruling_number=number)


def filter_entries(
    entries: Iterable[CalibrationEntry],
    viewer: User,
    now: datetime,
    *,
    tags: Iterable[str] = (),
    statuses: Iterable[EntryStatus | str] = (),
    min_age_days: float | None = None,
    max_age_days: float | None = None,
    task_id: str | None = None,
    set_aside_only: bool = False,
    oldest_first: bool = False,
) -> list[CalibrationEntry]:
    """The log as the viewer may see it, narrowed by tags (all must match), status and age."""
    wanted_tags = {normalise_tag(t) for t in tags}
    wanted_status = {EntryStatus(s) for s in statuses}
    out = []
    for e in visible_entries(entries, viewer):
        if wanted_tags and not wanted_tags <= set(e.all_tags):
            continue
        if wanted_status and e.status not in wanted_status:
            continue
        age = e.age_days(now)
        if min_age_days is not None and age < min_age_days:
            continue
        if max_age_days is not None and age > max_age_days:
            continue
        if task_id is not None and e.task_id != task_id:
            continue
        if set_aside_only and not e.set_aside:
            continue
        out.append(e)
    out.sort(key=lambda e: (e.created_at, e.entry_id), reverse=not oldest_first)
    return out


class HeldTask(BaseModel):
    """A task out of the queue because at least one flag set it aside."""

    task_id: str
    entry_ids: list[str]
    since: AwareDatetime


def held_tasks(entries: Iterable[CalibrationEntry]) -> list[HeldTask]:
    """Tasks currently set aside, longest held first; a task is back in the queue when absent."""
    by_task: dict[str, list[CalibrationEntry]] = {}
    for e in entries:
        if e.set_aside:
            by_task.setdefault(e.task_id, []).append(e)
    held = [
        HeldTask(task_id=t, entry_ids=[e.entry_id for e in es],
                 since=min(e.set_aside_at or e.created_at for e in es))
        for t, es in by_task.items()
    ]
    return sorted(held, key=lambda h: (h.since, h.task_id))


class CalibrationSummary(BaseModel):
    """Counts for reports; nothing per person, so it cannot be used to rank annotators."""

    total: int
    open: int
    resolved: int
    promoted: int
    tasks_set_aside: int
    oldest_open_age_days: float | None
    median_days_to_ruling: float | None
    median_days_to_ruling_reason: str | None
    top_tags: list[tuple[str, int]]
    guideline_versions_from_log: list[int]


def calibration_summary(
    entries: Sequence[CalibrationEntry], now: datetime, top: int = 10
) -> CalibrationSummary:
    """Status counts, ages and recurring tags of a log, for the PDF and Excel reports."""
    status = Counter(e.status for e in entries)
    open_ages = [e.age_days(now) for e in entries if e.status is EntryStatus.OPEN]
    to_ruling = [(e.ruling.decided_at - e.created_at).total_seconds() / 86_400
                 for e in entries if e.ruling is not None]
    tags = Counter(t for e in entries for t in e.all_tags)
    return CalibrationSummary(
        total=len(entries),
        open=status[EntryStatus.OPEN],
        resolved=status[EntryStatus.RESOLVED],
        promoted=status[EntryStatus.PROMOTED],
        tasks_set_aside=len(held_tasks(entries)),
        oldest_open_age_days=round(max(open_ages), 2) if open_ages else None,
        median_days_to_ruling=round(statistics.median(to_ruling), 2) if to_ruling else None,
        median_days_to_ruling_reason=None if to_ruling else "no entry has a ruling yet",
        top_tags=sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[:top],
        guideline_versions_from_log=sorted({e.guideline.version for e in entries
                                            if e.guideline is not None}),
    )

