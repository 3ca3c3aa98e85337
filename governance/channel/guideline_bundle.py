"""The guidelines' hand-over bundle: a zip with every version as JSON and Markdown, a change log,
other assets and a checksummed manifest, and its reader, which checks both before rebuilding the
document (a successor vendor starts from it)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from collections import Counter
from collections.abc import Mapping

from pydantic import ValidationError

from governance.channel.guideline_exports import history_markdown, to_markdown, to_pdf
from governance.channel.guidelines import GuidelineDocument, GuidelineVersion
from ingest import InputError, check_zip, decode_text, load_json, reading

BUNDLE_FORMAT = "annogov-guidelines-bundle"


BUNDLE_FORMAT_VERSION = 1


_MAX_BUNDLE_MEMBER = 20 * 1024 * 1024


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
