"""The calibration log: annotators flag tasks, engineers answer in a thread and rule; a ruling can
become a numbered guideline ruling, which returns the set-aside tasks to the queue. Images a flag
carries are checked in `governance.channel.attachments`; the log is read back (filters, held tasks,
summary) in `governance.channel.calibration_queries`.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from governance.channel.attachments import MAX_ATTACHMENTS, Attachment, AttachmentError
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

MAX_TAG_LENGTH = 40


class EntryStatus(StrEnum):
    """Open until an engineer rules; promoted once the ruling is in the guidelines."""

    OPEN = "open"
    RESOLVED = "resolved"
    PROMOTED = "promoted"


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


