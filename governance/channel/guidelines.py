"""Versioned annotation guidelines: numbered rulings, who/when/why per version, diffs and exports.

The guideline is a project asset the buyer owns: the bundle carries every version so a successor
vendor can take the program over without losing what earlier annotators settled.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import zipfile
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from governance.roles import Permission, User, require
from ingest import InputError, check_zip, decode_text, load_json, reading

BUNDLE_FORMAT = "annogov-guidelines-bundle"
BUNDLE_FORMAT_VERSION = 1
_MAX_BUNDLE_MEMBER = 20 * 1024 * 1024


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


def _one_line(text: str) -> str:
    return " ".join(text.split())


def diff_markdown(diff: GuidelineDiff) -> str:
    """A readable Markdown account of a diff."""
    out = [f"## Changes from version {diff.from_version} to version {diff.to_version}", ""]
    if diff.is_empty:
        return "\n".join([*out, "No differences.", ""])
    for label, items in (("Added", diff.added), ("Removed", diff.removed),
                         ("Retired", diff.retired), ("Reinstated", diff.reinstated)):
        out += [f"- {label}: ruling {r.number}, {_one_line(r.title)}" for r in items]
    for c in diff.changed:
        out += [f"- Changed: ruling {c.number}, {_one_line(c.after.title)}", "", "```diff",
                *c.text_diff, "```", ""]
    return "\n".join(out).rstrip() + "\n"


def to_markdown(doc: GuidelineDocument, version: int | None = None) -> str:
    """One version (default: current) as Markdown: rulings in force, then the change log."""
    v = doc.current if version is None else doc.version(version)
    out = [
        f"# {_one_line(doc.title)}", "",
        f"Program: {_one_line(doc.program)}  ",
        f"Version {v.version} of {len(doc.versions)}, {v.created_at.isoformat()} by "
        f"{_one_line(v.author_name)} ({v.author_id})  ",
        f"Why: {_one_line(v.reason)}", "",
    ]
    if not v.active_rulings:
        out += ["No rulings yet.", ""]
    for r in v.active_rulings:
        heading = f"## Ruling {r.number}: {_one_line(r.title)}"
        out += [heading, ""]
        if r.category:
            out += [f"Category: {_one_line(r.category)}", ""]
        out += [r.text.strip(), ""]
        if r.source_entry_id:
            out += [f"Settled calibration entry: {r.source_entry_id}", ""]
    retired = [r for r in v.rulings if r.retired]
    if retired:
        out += ["## Retired rulings", ""]
        out += [f"- {r.number}: {_one_line(r.title)}" for r in retired]
        out.append("")
    out += ["## History", ""]
    for h in doc.versions[: v.version]:
        out.append(f"- v{h.version}, {h.created_at.isoformat()}, {_one_line(h.author_name)}: "
                   f"{_one_line(h.reason)}")
    return "\n".join(out) + "\n"


def history_markdown(doc: GuidelineDocument) -> str:
    """The change log of every version with the diff from its predecessor."""
    out = [f"# Change log: {_one_line(doc.title)}", ""]
    for v in doc.versions:
        out += [f"## Version {v.version}", "",
                f"- When: {v.created_at.isoformat()}",
                f"- Who: {_one_line(v.author_name)} ({v.author_id})",
                f"- Why: {_one_line(v.reason)}"]
        if v.settles_entry_ids:
            out.append(f"- Settles calibration entries: {', '.join(v.settles_entry_ids)}")
        out.append("")
        if v.version > 1:
            out += [diff_markdown(diff_versions(doc, v.version - 1, v.version)), ""]
    return "\n".join(out).rstrip() + "\n"


def to_pdf(doc: GuidelineDocument, version: int | None = None, invariant: bool = False) -> bytes:
    """One version (default: current) as a PDF; every user string is escaped before layout."""
    from governance.channel.pdf_text import build_pdf

    v = doc.current if version is None else doc.version(version)
    blocks: list[tuple[str, str]] = [
        ("title", doc.title),
        ("meta", f"Program: {doc.program}\nVersion {v.version} of {len(doc.versions)}, "
                 f"{v.created_at.isoformat()} by {v.author_name} ({v.author_id})\n"
                 f"Why: {v.reason}"),
    ]
    for r in v.active_rulings:
        blocks.append(("heading", f"Ruling {r.number}: {r.title}"))
        if r.category:
            blocks.append(("meta", f"Category: {r.category}"))
        blocks.append(("body", r.text))
    retired = [r for r in v.rulings if r.retired]
    if retired:
        blocks.append(("heading", "Retired rulings"))
        blocks.append(("body", "\n".join(f"{r.number}: {r.title}" for r in retired)))
    blocks.append(("heading", "History"))
    for h in doc.versions[: v.version]:
        blocks.append(("body", f"v{h.version}, {h.created_at.isoformat()}, {h.author_name}: "
                               f"{h.reason}"))
    return build_pdf(blocks, title=f"{doc.title} v{v.version}", invariant=invariant)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def history_bundle(
    doc: GuidelineDocument, include_pdf: bool = True, assets: Mapping[str, bytes] | None = None
) -> bytes:
    """A zip with every version as JSON and Markdown, a change log and a checksummed manifest;
    `assets` (e.g. the gold set and the calibration log) go under `assets/`, listed and checksummed."""
    files: dict[str, bytes] = {f"assets/{name}": data for name, data in (assets or {}).items()}
    for v in doc.versions:
        stem = f"versions/v{v.version:04d}"
        files[f"{stem}.json"] = v.model_dump_json(indent=2).encode()
        files[f"{stem}.md"] = to_markdown(doc, v.version).encode()
    files["CHANGELOG.md"] = history_markdown(doc).encode()
    files["current.md"] = to_markdown(doc).encode()
    if include_pdf:
        files["current.pdf"] = to_pdf(doc, invariant=True)
    manifest = {
        "format": BUNDLE_FORMAT,
        "format_version": BUNDLE_FORMAT_VERSION,
        "doc_id": doc.doc_id,
        "title": doc.title,
        "program": doc.program,
        "current_version": doc.current.version,
        "versions": [
            {"version": v.version, "file": f"versions/v{v.version:04d}.json",
             "author_id": v.author_id, "created_at": v.created_at.isoformat(),
             "reason": v.reason}
            for v in doc.versions
        ],
        "sha256": {name: _sha256(data) for name, data in sorted(files.items())},
    }
    if assets:
        manifest["assets"] = sorted(f"assets/{name}" for name in assets)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in [("manifest.json", json.dumps(manifest, indent=2).encode()),
                           *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


def read_bundle(data: bytes, source: str = "bundle") -> GuidelineDocument:
    """Rebuild a document from `history_bundle` output, checking the manifest and checksums."""
    def fail(message: str, member: str | None = None) -> InputError:
        return InputError.at(message, source, sheet=member)

    zf = check_zip(data, source, "guideline bundle")
    with zf, reading(source, "the guideline bundle"):
        def member(name: str) -> bytes:
            try:
                info = zf.getinfo(name)
            except KeyError as exc:
                raise fail("missing from the bundle", name) from exc
            if info.file_size > _MAX_BUNDLE_MEMBER:
                raise fail("member too large", name)
            try:
                return zf.read(name)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error) as exc:  # e.g. understated size
                raise fail(f"damaged member ({exc})", name) from None

        try:
            manifest = load_json(decode_text(member("manifest.json"), source), "manifest.json")
        except InputError as exc:
            raise fail(exc.problems[0].message, "manifest.json") from None
        if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
            raise fail(f"not an {BUNDLE_FORMAT}", "manifest.json")
        if manifest.get("format_version") != BUNDLE_FORMAT_VERSION:
            raise fail(f"unsupported format_version {manifest.get('format_version')!r}",
                       "manifest.json")
        listed, sums = manifest.get("versions", []), manifest.get("sha256", {})
        if not (isinstance(listed, list) and all(isinstance(e, dict) for e in listed)
                and isinstance(sums, dict)):
            raise fail("'versions' must be a list of objects and 'sha256' an object",
                       "manifest.json")
        names = [str(entry.get("file", "")) for entry in listed]
        repeated = next((n for n, count in Counter(names).items() if count > 1), None)
        if repeated is not None:
            raise fail("the manifest lists a version file more than once", repeated or "manifest.json")
        problems = []
        versions = []
        for entry in listed:
            name = str(entry.get("file", ""))
            raw = member(name)
            if sums.get(name) != _sha256(raw):
                problems.append(fail("checksum does not match the manifest", name).problems[0])
                continue
            try:
                versions.append(GuidelineVersion.model_validate_json(raw))
            except ValidationError as exc:
                problems.append(fail(f"invalid version: {exc.errors()[0]['msg']}",
                                     name).problems[0])
        if problems:
            raise InputError(problems)
        try:
            return GuidelineDocument(
                doc_id=manifest.get("doc_id"), title=manifest.get("title"),
                program=manifest.get("program"), versions=tuple(versions),
            )
        except ValidationError as exc:
            raise fail(f"inconsistent history: {exc.errors()[0]['msg']}", "manifest.json") from exc


class HistoryRow(BaseModel):
    """One line of the guideline history, for report tables (PDF and Excel)."""

    version: int
    created_at: AwareDatetime
    author_id: str
    author_name: str
    reason: str
    rulings_in_force: int
    added: list[int]
    changed: list[int]
    retired: list[int]
    settles_entry_ids: list[str]


def history_rows(doc: GuidelineDocument) -> list[HistoryRow]:
    """Every version with what it added, changed and retired, oldest first."""
    rows = []
    for v in doc.versions:
        d = diff_versions(doc, v.version - 1, v.version) if v.version > 1 else None
        rows.append(HistoryRow(
            version=v.version, created_at=v.created_at, author_id=v.author_id,
            author_name=v.author_name, reason=v.reason, rulings_in_force=len(v.active_rulings),
            added=[r.number for r in d.added] if d else [r.number for r in v.rulings],
            changed=[c.number for c in d.changed] if d else [],
            retired=[r.number for r in d.retired] if d else [],
            settles_entry_ids=list(v.settles_entry_ids),
        ))
    return rows
