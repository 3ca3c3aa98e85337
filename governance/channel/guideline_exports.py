"""Guidelines for people to read: a diff, one version or the history as Markdown, a version as a
PDF (every user string escaped), and the history as report rows."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel

from governance.channel.guidelines import GuidelineDiff, GuidelineDocument, diff_versions


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
