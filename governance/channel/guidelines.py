"""Versioned annotation guidelines: numbered rulings, who/when/why per version, revisions and diffs.

The guideline is a project asset the buyer owns: the hand-over bundle (`guideline_bundle`) carries
every version so a successor vendor can take the program over without losing what earlier
annotators settled; `guideline_exports` renders versions, history and diffs for people to read.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from governance.roles import Permission, User, require


class GuidelineRuling(BaseModel):
    """One numbered ruling; numbers are never reused, retired rulings keep theirs."""

    model_config = ConfigDict(frozen=True)

    number: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=20_000)
    category: str | None = Field(default=None, max_length=200)
    source_entry_id: str | None = None
    retired: bool = False


class GuidelineVersion(BaseModel):
    """The whole guideline as it stood after one change, with who made it, when and why."""

    model_config = ConfigDict(frozen=True)

    version: int = Field(ge=1)
    rulings: tuple[GuidelineRuling, ...]
    author_id: str = Field(min_length=1)
    author_name: str = Field(min_length=1)
    created_at: AwareDatetime
    reason: str = Field(min_length=1, max_length=5_000)
    settles_entry_ids: tuple[str, ...] = ()

    def ruling(self, number: int) -> GuidelineRuling:
        """The ruling with this number; KeyError if this version has none."""
        for r in self.rulings:
            if r.number == number:
                return r
        raise KeyError(f"version {self.version} has no ruling {number}")

    @property
    def active_rulings(self) -> tuple[GuidelineRuling, ...]:
        """Rulings in force (not retired), in number order."""
        return tuple(r for r in self.rulings if not r.retired)


class GuidelineDocument(BaseModel):
    """A guideline with its full history; versions are numbered 1..n without gaps."""

    model_config = ConfigDict(frozen=True)

    doc_id: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=200)
    program: str = Field(min_length=1, max_length=200)
    versions: tuple[GuidelineVersion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> GuidelineDocument:
        for i, v in enumerate(self.versions, start=1):
            if v.version != i:
                raise ValueError(f"versions must be numbered 1..n; found {v.version} at {i}")
            numbers = [r.number for r in v.rulings]
            if len(set(numbers)) != len(numbers):
                raise ValueError(f"version {i} repeats a ruling number")
        return self

    @property
    def current(self) -> GuidelineVersion:
        """The latest version."""
        return self.versions[-1]

    def version(self, number: int) -> GuidelineVersion:
        """Version `number` (1-based); KeyError if it does not exist."""
        if not 1 <= number <= len(self.versions):
            raise KeyError(f"guideline {self.doc_id!r} has no version {number}")
        return self.versions[number - 1]

    @property
    def next_ruling_number(self) -> int:
        """The number a new ruling gets: one past the highest ever used."""
        used = [r.number for v in self.versions for r in v.rulings]
        return max(used, default=0) + 1


class AddRuling(BaseModel):
    """A change that adds a new numbered ruling."""

    kind: Literal["add"] = "add"
    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=20_000)
    category: str | None = Field(default=None, max_length=200)
    source_entry_id: str | None = None


class AmendRuling(BaseModel):
    """A change that rewrites the title, text or category of an existing ruling."""

    kind: Literal["amend"] = "amend"
    number: int = Field(ge=1)
    title: str | None = Field(default=None, min_length=1, max_length=200)
    text: str | None = Field(default=None, min_length=1, max_length=20_000)
    category: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _changes_something(self) -> AmendRuling:
        if self.title is None and self.text is None and "category" not in self.model_fields_set:
            raise ValueError(f"an amendment of ruling {self.number} needs a new title, text or "
                             "category")
        return self


class RetireRuling(BaseModel):
    """A change that withdraws a ruling while keeping its number reserved."""

    kind: Literal["retire"] = "retire"
    number: int = Field(ge=1)


Change = Annotated[AddRuling | AmendRuling | RetireRuling, Field(discriminator="kind")]


def new_document(
    doc_id: str,
    title: str,
    program: str,
    author: User,
    now: datetime,
    rulings: Sequence[AddRuling] = (),
    reason: str = "First version",
) -> GuidelineDocument:
    """Version 1 of a guideline; rulings are numbered from 1 in the order given."""
    require(author, Permission.EDIT_GUIDELINES)
    first = tuple(
        GuidelineRuling(number=i, title=a.title, text=a.text, category=a.category,
                        source_entry_id=a.source_entry_id)
        for i, a in enumerate(rulings, start=1)
    )
    version = GuidelineVersion(
        version=1, rulings=first, author_id=author.user_id, author_name=author.name,
        created_at=now, reason=reason,
    )
    return GuidelineDocument(doc_id=doc_id, title=title, program=program, versions=(version,))


def revise(
    doc: GuidelineDocument,
    author: User,
    now: datetime,
    reason: str,
    changes: Sequence[AddRuling | AmendRuling | RetireRuling],
    settles_entry_ids: Sequence[str] = (),
) -> GuidelineDocument:
    """A new document whose latest version applies `changes` to the current one."""
    require(author, Permission.EDIT_GUIDELINES)
    if not changes:
        raise ValueError("a new guideline version needs at least one change")
    if now < doc.current.created_at:
        raise ValueError("a new version cannot predate the current one")
    rulings = {r.number: r for r in doc.current.rulings}
    next_number = doc.next_ruling_number
    for change in changes:
        if isinstance(change, AddRuling):
            rulings[next_number] = GuidelineRuling(
                number=next_number, title=change.title, text=change.text,
                category=change.category, source_entry_id=change.source_entry_id,
            )
            next_number += 1
            continue
        old = rulings.get(change.number)
        if old is None or old.retired:
            raise ValueError(f"ruling {change.number} is not in force in version "
                             f"{doc.current.version}")
        if isinstance(change, RetireRuling):
            rulings[change.number] = old.model_copy(update={"retired": True})
        else:
            update = {k: v for k, v in (("title", change.title), ("text", change.text))
                      if v is not None}
            if "category" in change.model_fields_set:
                update["category"] = change.category  # type: ignore[assignment]
            rulings[change.number] = old.model_copy(update=update)
    version = GuidelineVersion(
        version=doc.current.version + 1,
        rulings=tuple(rulings[n] for n in sorted(rulings)),
        author_id=author.user_id, author_name=author.name, created_at=now, reason=reason,
        settles_entry_ids=tuple(settles_entry_ids),
    )
    return doc.model_copy(update={"versions": (*doc.versions, version)})


class RulingDiff(BaseModel):
    """How one ruling differs between two versions; `text_diff` is a unified diff of its text."""

    number: int
    before: GuidelineRuling
    after: GuidelineRuling
    text_diff: list[str]


class GuidelineDiff(BaseModel):
    """What changed from one version to another (either direction)."""

    doc_id: str
    from_version: int
    to_version: int
    added: list[GuidelineRuling]
    removed: list[GuidelineRuling]
    retired: list[GuidelineRuling]
    reinstated: list[GuidelineRuling]
    changed: list[RulingDiff]
    unchanged: list[int]

    @property
    def is_empty(self) -> bool:
        """True when both versions say the same thing."""
        return not (self.added or self.removed or self.retired or self.reinstated or self.changed)


def diff_versions(doc: GuidelineDocument, a: int, b: int) -> GuidelineDiff:
    """Compare version `a` with version `b` of the same document, ruling by ruling."""
    va, vb = doc.version(a), doc.version(b)
    before = {r.number: r for r in va.rulings}
    after = {r.number: r for r in vb.rulings}
    added = [after[n] for n in sorted(after.keys() - before.keys())]
    removed = [before[n] for n in sorted(before.keys() - after.keys())]
    retired: list[GuidelineRuling] = []
    reinstated: list[GuidelineRuling] = []
    changed: list[RulingDiff] = []
    unchanged: list[int] = []
    for n in sorted(before.keys() & after.keys()):
        old, new = before[n], after[n]
        if old.retired != new.retired:
            (retired if new.retired else reinstated).append(new)
        content_old = (old.title, old.text, old.category)
        content_new = (new.title, new.text, new.category)
        if content_old != content_new:
            lines = list(difflib.unified_diff(
                [f"# {old.title}", f"category: {old.category or '-'}", *old.text.splitlines()],
                [f"# {new.title}", f"category: {new.category or '-'}", *new.text.splitlines()],
                fromfile=f"v{a} ruling {n}", tofile=f"v{b} ruling {n}", lineterm="",
            ))
            changed.append(RulingDiff(number=n, before=old, after=new, text_diff=lines))
        elif old.retired == new.retired:
            unchanged.append(n)
    return GuidelineDiff(
        doc_id=doc.doc_id, from_version=a, to_version=b, added=added, removed=removed,
        retired=retired, reinstated=reinstated, changed=changed, unchanged=unchanged,
    )


