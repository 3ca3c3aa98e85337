"""Versioned guidelines: numbering, who/when/why, diffs, Markdown/PDF export and the bundle."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.channel import guidelines as gl
from governance.channel.guideline_bundle import history_bundle, read_bundle
from governance.channel.guideline_exports import diff_markdown, history_rows, to_markdown, to_pdf
from governance.roles import PermissionDenied
from ingest import InputError
from tests.channel_support import ANA, ENGINEER, MANAGER, at


def _doc() -> gl.GuidelineDocument:
    doc = gl.new_document(
        "guide", "Street scenes", "lidar-2026", MANAGER, at(0),
        rulings=[gl.AddRuling(title="Cyclists", text="Riding a bicycle: cyclist."),
                 gl.AddRuling(title="Strollers", text="Label the person, not the stroller.",
                              category="pedestrian")],
    )
    doc = gl.revise(doc, ENGINEER, at(3), "Question from the calibration log",
                    [gl.AddRuling(title="Scooters", text="Standing on a scooter: cyclist.")])
    return gl.revise(doc, MANAGER, at(9), "Vendor asked for clarity",
                     [gl.AmendRuling(number=1, text="Riding or pedalling a bicycle: cyclist."),
                      gl.RetireRuling(number=2)])


def test_each_change_is_a_new_version_with_who_when_why() -> None:
    doc = _doc()
    assert [v.version for v in doc.versions] == [1, 2, 3]
    v3 = doc.current
    assert (v3.author_id, v3.created_at, v3.reason) == (MANAGER.user_id, at(9),
                                                         "Vendor asked for clarity")
    assert [(r.number, r.retired) for r in v3.rulings] == [(1, False), (2, True), (3, False)]
    assert doc.version(1).ruling(1).text == "Riding a bicycle: cyclist."
    assert [r.number for r in v3.active_rulings] == [1, 3]
    doc4 = gl.revise(doc, MANAGER, at(10), "new", [gl.AddRuling(title="Dogs", text="Animal")])
    assert doc4.current.ruling(4).title == "Dogs", "retired numbers are never reused"
    with pytest.raises(ValueError, match="ruling 2 is not in force"):
        gl.revise(doc, MANAGER, at(10), "x", [gl.AmendRuling(number=2, text="y")])
    with pytest.raises(ValueError, match="predate"):
        gl.revise(doc, MANAGER, at(1), "x", [gl.AddRuling(title="a", text="b")])
    with pytest.raises(ValueError, match="at least one change"):
        gl.revise(doc, MANAGER, at(10), "x", [])
    with pytest.raises(ValueError, match="amendment of ruling 1 needs a new title, text or category"):
        gl.AmendRuling(number=1, title=None, text=None)
    assert gl.AmendRuling(number=1, category=None).category is None, "clearing the category is a change"
    with pytest.raises(PermissionDenied):
        gl.revise(doc, ANA, at(10), "x", [gl.AddRuling(title="a", text="b")])


def test_diff_of_any_two_versions_in_either_direction() -> None:
    doc = _doc()
    d13 = gl.diff_versions(doc, 1, 3)
    assert [r.number for r in d13.added] == [3]
    assert [r.number for r in d13.retired] == [2]
    assert [c.number for c in d13.changed] == [1]
    assert "+Riding or pedalling a bicycle: cyclist." in d13.changed[0].text_diff
    d31 = gl.diff_versions(doc, 3, 1)
    assert [r.number for r in d31.removed] == [3] and [r.number for r in d31.reinstated] == [2]
    assert gl.diff_versions(doc, 2, 2).is_empty
    md = diff_markdown(d13)
    assert "Added: ruling 3, Scooters" in md and "Retired: ruling 2, Strollers" in md
    with pytest.raises(KeyError):
        gl.diff_versions(doc, 1, 4)


def test_markdown_export_of_current_and_older_versions() -> None:
    doc = _doc()
    md = to_markdown(doc)
    assert "## Ruling 1: Cyclists" in md and "Riding or pedalling" in md
    assert "## Ruling 2" not in md and "- 2: Strollers" in md
    assert "- v3, 2026-11-25T09:00:00+00:00, Max: Vendor asked for clarity" in md
    assert "Label the person" in to_markdown(doc, version=1)


def _pdf_text(data: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


def test_pdf_escapes_markup_and_keeps_non_latin_text() -> None:
    doc = gl.new_document("g", "AT&T <Holdings> guide", "p", MANAGER, at(0), rulings=[
        gl.AddRuling(title="Signs <b>bold", text="Ω-shaped & <unclosed sign\nΣτοπ / Стоп"),
    ])
    data = to_pdf(doc, invariant=True)
    assert data.startswith(b"%PDF") and data == to_pdf(doc, invariant=True)
    text = _pdf_text(data)
    for fragment in ("AT&T <Holdings> guide", "Signs <b>bold", "Ω-shaped & <unclosed sign",
                     "Στοπ / Стоп"):
        assert fragment in text


def test_bundle_round_trips_every_version_for_a_successor() -> None:
    doc = _doc()
    data = history_bundle(doc)
    assert data == history_bundle(doc), "bundle is byte-stable"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        changelog = zf.read("CHANGELOG.md").decode()
    assert {"versions/v0001.json", "versions/v0003.md", "CHANGELOG.md", "current.md",
            "current.pdf"} <= names
    assert manifest["current_version"] == 3 and len(manifest["versions"]) == 3
    assert "Who: Eve (eve@buyer.example)" in changelog
    assert read_bundle(data) == doc


def _tampered(data: bytes, name: str, new: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.namelist():
            dst.writestr(item, new if item == name else src.read(item))
    return out.getvalue()


def test_bundle_reader_rejects_damaged_input_with_located_messages() -> None:
    data = history_bundle(_doc(), include_pdf=False)
    with pytest.raises(InputError, match="not a zip file"):
        read_bundle(b"hello", "old.zip")
    bad = _tampered(data, "versions/v0002.json", b'{"version": 2}')
    with pytest.raises(InputError, match=r"old\.zip, sheet 'versions/v0002\.json': checksum"):
        read_bundle(bad, "old.zip")
    with pytest.raises(InputError, match="manifest.json"):
        read_bundle(_tampered(data, "manifest.json", b"[]"), "old.zip")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    for broken in ({"versions": "v0001"}, {"versions": [1]}, {"sha256": ["x"]}):
        bad = _tampered(data, "manifest.json", json.dumps(manifest | broken).encode())
        with pytest.raises(InputError, match="'manifest.json': 'versions' must be a list of objects"):
            read_bundle(bad, "old.zip")


_changes = st.lists(
    st.tuples(st.sampled_from(["add", "amend", "retire"]), st.integers(1, 8),
              st.text(alphabet="abc <&>é", min_size=1, max_size=8)),
    min_size=1, max_size=12,
)


@settings(max_examples=40, deadline=None)
@given(_changes)
def test_numbers_stay_unique_and_diffs_are_consistent(changes) -> None:
    doc = gl.new_document("g", "G", "p", MANAGER, at(0))
    for i, (kind, number, text) in enumerate(changes, start=1):
        live = {r.number for r in doc.current.active_rulings}
        change: gl.AddRuling | gl.AmendRuling | gl.RetireRuling
        if kind == "add" or number not in live:
            change = gl.AddRuling(title=text, text=text)
        elif kind == "amend":
            change = gl.AmendRuling(number=number, text=text + "!")
        else:
            change = gl.RetireRuling(number=number)
        doc = gl.revise(doc, MANAGER, at(i), f"change {i}", [change])
    numbers = [r.number for r in doc.current.rulings]
    assert numbers == sorted(set(numbers)) == list(range(1, len(numbers) + 1))
    last = len(doc.versions)
    assert gl.diff_versions(doc, last, last).is_empty
    forward, back = gl.diff_versions(doc, 1, last), gl.diff_versions(doc, last, 1)
    assert {r.number for r in forward.added} == {r.number for r in back.removed}
    assert read_bundle(history_bundle(doc, include_pdf=False)) == doc


def test_history_rows_for_reports() -> None:
    rows = history_rows(_doc())
    assert [(r.version, r.added, r.changed, r.retired, r.rulings_in_force) for r in rows] == [
        (1, [1, 2], [], [], 2), (2, [3], [], [], 3), (3, [], [1], [2], 2)]
    assert rows[2].author_name == "Max" and rows[1].reason == "Question from the calibration log"
