"""Generate the hostile corpus in tests/hostile/ (not committed): crafted bad files for every
reader, and the commands that read each. `python -m tests.make_hostile_corpus [DIR]`.

Each case is one file, the reader family it attacks (`TARGETS` says which commands read it), and
whether it is a valid file that must be read (`valid`) or bad input that must be refused with a
located message. Everything is built from the examples and seeded, so the corpus is the same on
every machine."""

from __future__ import annotations

import csv
import io
import json
import random
import struct
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"
DEFAULT_DIR = ROOT / "tests" / "hostile"
VERSION = "10"
FIX = DEFAULT_DIR / "fixtures"  # valid companions the commands read beside a corpus file

# the demo program in a store built with the corpus (store commands read files into it)
_DEMO = ["--program", "Demo: street-scene object labels", "--database", f"sqlite:///{FIX}/store.db"]
_PILOT_LABELS = ["vehicle", "pedestrian", "cyclist", "traffic_sign", "animal", "e_scooter_rider"]

# reader family -> commands that read it ({f}: the corpus file, {out}: a scratch output path)
TARGETS: dict[str, list[list[str]]] = {
    "delivery": [
        ["agreement", "{f}"],
        ["sla-check", "--terms", str(EX / "sla-terms.yaml"), "{f}"],
        ["qa-sample", "{f}", "--min-rate", "0.1", "--out", "{out}.csv"],
    ],
    "scoresheet": [["score", "{f}", "--format", "csv"]],
    "rubric": [["score", str(EX / "scorecard-long.csv"), "--rubric", "{f}"]],
    "terms": [["sla-check", "--terms", "{f}", str(EX / "delivery.csv")]],
    "contract": [["contract-audit", "{f}"]],
    "scenario": [["switching-cost", "{f}", "--simulations", "200"]],
    "labelset": [["taxonomy", "{f}", str(EX / "taxonomy" / "new.csv")]],
    "mapping": [["sla-check", str(EX / "vendor-export.csv"), "--column-map", "{f}"]],
    "report_json": [["report", "--scorecard", "{f}", "--out", "{out}.pdf"]],
    "sections": [["report", "--section", "{f}", "--out", "{out}.xlsx"]],
    "guidelines": [["guidelines", "show", "{f}"]],
    "channel_log": [["channel", "summary", "{f}"]],
    "taxonomy_result": [
        ["switching-cost", str(EX / "scenario.yaml"), "--taxonomy-result", "{f}", "--simulations", "200"]
    ],
    "long_rows": [
        ["consensus", "{f}", "--out", "{out}.csv"],
        ["annotators", "{f}"],
        ["qa-sample", "{f}", "--plan", "margin"],
        ["history", "add", "{f}", *_DEMO, "--provider", "Northwind Labeling", "--guideline-version", "v1",
         "--delivered", "2026-01-05"],
    ],
    "gold_answers": [
        ["gold", "seeded", "{f}", *_DEMO, "--gold", "g"],
        ["gold", "qualify", "{f}", *_DEMO, "--gold", "g"],
    ],
    "boxes": [
        ["boxes", "{f}", str(FIX / "valid-coco.json")],
        ["sla-check", "--terms", str(EX / "sla-terms.yaml"), str(EX / "delivery.csv"),
         "--boxes", str(FIX / "valid-coco.json"), "--box-gold", "{f}"],
    ],
    "decisions": [
        ["contract-audit", str(EX / "drafts" / "portable-msa.md"), "--decisions", "{f}", "--decided-by", "h"]
    ],
    "weights": [["weights", "{f}"]],
    "pilot": [["pilot", "{f}"]],
    "gold": [["gold", "import", "{f}", *_DEMO, "--gold", "imported", "--labels", ",".join(_PILOT_LABELS)]],
}

INJECTIONS = ['=HYPERLINK("http://x")', "-inf", "+nan", "-1_000", "+Infinity", "@SUM(A1)", "=1+2", "\t=cmd"]


def _csv(rows: list[list[Any]], delimiter: str = ",", newline: str = "\n") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buf.getvalue()


def _xlsx(rows: list[list[Any]], title: str = "Sheet1") -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buf.getvalue()


def _replace_member(archive: bytes, name: str, data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        members = [(i.filename, data if i.filename == name else zf.read(i.filename)) for i in zf.infolist()]
    return _zip(members)


def _understate(archive: bytes, name: str) -> bytes:
    """The same archive with `name`'s unpacked size understated in both headers (CRC then fails)."""
    raw = bytearray(archive)
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        info = zf.getinfo(name)
    struct.pack_into("<I", raw, info.header_offset + 22, 10)
    pos = raw.find(b"PK\x01\x02")
    while pos != -1:
        n = struct.unpack_from("<H", raw, pos + 28)[0]
        if raw[pos + 46 : pos + 46 + n].decode() == name:
            struct.pack_into("<I", raw, pos + 24, 10)
        pos = raw.find(b"PK\x01\x02", pos + 4)
    return bytes(raw)


_BOMB: bytes | None = None


def zip_bomb(inner: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A valid xlsx whose first sheet unpacks to 300 MB of spaces (about 300 KB packed)."""
    global _BOMB
    if _BOMB is None:
        _BOMB = b" " * (300 * 1024 * 1024)
    return _replace_member(_xlsx([["a", "b"], [1, 2]]), inner, _BOMB)


def text_variants(header: list[str], rows: list[list[Any]], ext: str) -> dict[str, bytes | str]:
    """Bad (and two valid) renderings of a table as delimited text."""
    base = [header, *rows]
    rnd = random.Random(15)
    out: dict[str, bytes | str] = {
        "empty": b"",
        "header_only": _csv([header]),
        "cr_only": _csv(base, newline="\r"),
        "stray_cr": _csv([header, *[[*r[:-1], f"x\ry{r[-1]}"] for r in rows]], newline="\r\n"),
        "utf16_bom": _csv(base).encode("utf-16"),
        "utf16_nobom": _csv(base).encode("utf-16-le"),
        "latin1": _csv([header, *[[f"caf\u00e9 {c}" for c in r] for r in rows]]).encode("latin-1"),
        "huge_cell": _csv([header, ["x" * 200_000, *rows[0][1:]], *rows[1:]]),
        "wide": _csv([[*header, *[f"c{i}" for i in range(20_000)]], *rows]),
        "nul_bytes": _csv(base).encode().replace(b",", b",\x00", 3),
        "unbalanced_quote": _csv(base).replace(",", ',"', 1),
        "binary": bytes(rnd.getrandbits(8) for _ in range(4096)),
        "only_blank_lines": "\n\n\r\n  \n",
        "numbers_for_names": _csv([header, *[[str(i * 1e308 * 10), *r[1:]] for i, r in enumerate(rows)]]),
        "injection": _csv([header, *[[INJECTIONS[i % len(INJECTIONS)], *r[1:]] for i, r in enumerate(rows)]]),
    }
    if ext == ".csv":
        out["valid_semicolon_bom_crlf"] = "\ufeff" + _csv(base, delimiter=";", newline="\r\n")
        out["valid_semicolon_bom_lf"] = "\ufeff" + _csv(base, delimiter=";", newline="\n")
    return out


def xlsx_variants(header: list[str], rows: list[list[Any]]) -> dict[str, bytes]:
    """Bad workbooks: bombs, broken zips, forged dimensions, wrong cell types, huge cells."""
    import datetime as dt

    good = _xlsx([header, *rows])
    forged = _replace_member(
        good,
        "xl/worksheets/sheet1.xml",
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>item_id</t></is></c>'
        b'</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>',
    )
    many = _zip([(f"junk/{i}.xml", b"") for i in range(10_050)])
    dup = good + b""
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        members = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dup = _zip([*members, ("xl/worksheets/sheet1.xml", b"<worksheet/>")])
    types = [header, *[[dt.datetime(2026, 1, 1), 3.5, True, *r[3:]] for r in rows]]
    return {
        "zip_bomb": zip_bomb(),
        "not_a_zip": b"PK\x03\x04 this is not really a workbook",
        "truncated": good[: len(good) // 2],
        "forged_dimension": forged,
        "many_members": many,
        "duplicate_member": dup,
        "huge_cell": _xlsx([header, ["x" * 200_000, *rows[0][1:]], *rows[1:]]),
        "wrong_types": _xlsx(types),
        "header_only": _xlsx([header]),
        "empty_sheet": _xlsx([]),
        "formulas": _xlsx([header, *[[f"=1+{i}", *r[1:]] for i, r in enumerate(rows)]]),
        "injection": _xlsx([header, *[[INJECTIONS[i % len(INJECTIONS)], *r[1:]] for i, r in enumerate(rows)]]),
        "nan_inf": _xlsx([header, *[[*r[:-1], float("nan") if i % 2 else float("inf")] for i, r in enumerate(rows)]]),
        "understated_size": _understate(good, "xl/worksheets/sheet1.xml"),
    }


def json_variants(valid: Any) -> dict[str, str | bytes]:
    """Bad JSON: deep nesting, huge numbers, NaN, wrong top-level and nested types, broken syntax."""
    text = json.dumps(valid, default=str)
    first_key = next(iter(valid)) if isinstance(valid, dict) else None
    wrong_nested: Any = {k: [[[]]] for k in valid} if isinstance(valid, dict) else [[{"x": [1]}]] * 3
    return {
        "deep_list": "[" * 100_000 + "]" * 100_000,
        "deep_object": '{"a":' * 5_000 + "1" + "}" * 5_000,
        "moderately_deep": '{"a":' * 70 + "1" + "}" * 70,
        "bigint": "9" * 10_000,
        "nan_inf": text.replace("1", "NaN", 1).replace("2", "Infinity", 1) if "1" in text else "[NaN, Infinity]",
        "top_list": "[1, 2, 3]",
        "top_number": "42",
        "top_string": '"hello"',
        "top_null": "null",
        "syntax": text[: len(text) // 2],
        "utf16": text.encode("utf-16"),
        "trailing_garbage": text + "}}}",
        "empty": "",
        "wrong_nested_types": json.dumps(wrong_nested),
        "wrong_scalar": json.dumps({first_key: "surprise"} if first_key else ["surprise"]),
        "huge_string": json.dumps({first_key or "x": "y" * 300_000}),
    }


def yaml_variants(valid_yaml: str) -> dict[str, str | bytes]:
    """Bad YAML: alias bombs, deep nesting, unsafe tags, wrong shapes, bad bytes."""
    laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for i in range(1, 12):
        prev, cur = chr(96 + i), chr(97 + i)
        laughs += f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]\n"
    doubling = "a0: &a0 [x, x]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, 60))
    return {
        "alias_bomb": laughs,
        "alias_doubling": doubling,
        "deep_flow": "[" * 50_000 + "]" * 50_000,
        "deep_block": "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v: 1\n",
        "python_tag": "!!python/object/apply:os.system ['echo pwned']\n",
        "top_list": "- a\n- b\n",
        "top_scalar": "just text\n",
        "bad_indent": "a:\n  b: 1\n c: 2\n",
        "latin1": ("# caf\u00e9\n" + valid_yaml).encode("latin-1", errors="replace"),
        "bad_date": "when: 2026-13-45\n",
        "unhashable_key": "? [a, b]\n: c\n",
        "tabs": "a:\n\tb: 1\n",
        "empty": "",
        "wrong_types": "\n".join(
            f"{line.split(':')[0]}: [[1], {{x: 2}}]"
            for line in valid_yaml.splitlines()
            if line and not line.startswith((" ", "#", "-")) and ":" in line
        )
        or "x: [[1]]",
        "huge_int": "n: " + "9" * 10_000 + "\n",
        "merge_bomb": laughs + "m:\n  <<: *l\n",
    }


def _rows_of(path: Path, n: int = 12) -> tuple[list[str], list[list[Any]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1 : n + 1]


def parquet_variants() -> dict[str, bytes]:
    """Parquet with nested columns, corrupt pages, truncation."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def write(table: pa.Table, **kw: Any) -> bytes:
        buf = io.BytesIO()
        pq.write_table(table, buf, **kw)
        return buf.getvalue()

    n = 50
    base = {
        "item_id": [f"i{i // 2}" for i in range(n)],
        "annotator_id": [f"a{i % 2}" for i in range(n)],
        "label": ["cat" if i % 3 else "dog" for i in range(n)],
    }
    good = write(pa.table(base), compression="none")
    corrupt = bytearray(good)
    for i in range(60, min(len(corrupt) - 200, 400)):
        corrupt[i] = (corrupt[i] * 7 + 13) % 256
    return {
        "list_column": write(pa.table({**base, "label": [["cat"]] * n})),
        "struct_column": write(pa.table({**base, "label": [{"x": 1}] * n})),
        "map_column": write(
            pa.table({**base, "item_id": pa.array([[("k", 1)]] * n, pa.map_(pa.string(), pa.int64()))})
        ),
        "corrupt_pages": bytes(corrupt),
        "truncated": good[: len(good) - 20],
        "not_parquet": b"PAR1 not really parquet PAR1",
        "empty_table": write(pa.table({k: pa.array([], pa.string()) for k in base})),
        "all_null": write(pa.table({k: pa.nulls(n, pa.string()) for k in base})),
        "binary_labels": write(pa.table({**base, "label": [b"\xff\xfe"] * n})),
        "no_columns_we_know": write(pa.table({"x": list(range(n))})),
    }


def labelstudio_variants() -> dict[str, str]:
    """Label Studio exports of the wrong shape."""
    task = {
        "id": 1,
        "data": {"category": "a"},
        "annotations": [{"completed_by": 1, "result": [{"value": {"choices": ["cat"]}}]}],
    }

    def with_result(result: Any) -> str:
        return json.dumps([{**task, "annotations": [{"completed_by": 1, "result": result}]}])

    return {
        "annotations_object": json.dumps([{**task, "annotations": {"a": 1}}]),
        "result_number": with_result(5),
        "result_list_of_lists": with_result([[{"value": {"choices": ["cat"]}}]]),
        "value_number": with_result([{"value": 7}]),
        "choices_dict": with_result([{"value": {"choices": {"a": "b"}}}]),
        "choices_nested_list": with_result([{"value": {"choices": [["cat"], ["dog"]]}}]),
        "task_is_number": "[1, 2, 3]",
        "data_is_list": json.dumps([{**task, "data": [1, 2]}]),
        "missing_id": json.dumps([{k: v for k, v in task.items() if k != "id"}]),
        "completed_by_list": json.dumps([{**task, "annotations": [{**task["annotations"][0], "completed_by": [1]}]}]),
        "id_is_object": json.dumps([{**task, "id": {"x": 1}}]),
        "created_at_number": json.dumps([{**task, "annotations": [{**task["annotations"][0], "created_at": 12}]}]),
    }


def docx_variants() -> dict[str, bytes]:
    """Drafts as .docx: a bomb, broken zips, no text, a huge table cell."""
    import docx

    def save(doc: Any) -> bytes:
        buf = io.BytesIO()
        doc.save(buf)
        return buf.getvalue()

    empty = save(docx.Document())
    tall = docx.Document()
    tall.add_table(rows=1, cols=1).cell(0, 0).text = "Termination. " * 20_000
    return {
        "zip_bomb": _replace_member(empty, "word/document.xml", b" " * (300 * 1024 * 1024)),
        "not_a_zip": b"not a docx at all",
        "truncated": empty[: len(empty) // 2],
        "empty": empty,
        "tall_cell": save(tall),
        "understated_size": _understate(empty, "word/document.xml"),
    }


def _text_stream_pdf(operators: int) -> bytes:
    """A one-page PDF whose compressed content stream shows `operators` text strings."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf 72 720 Td " + b"(AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA) Tj T* " * operators + b"ET")
    page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
    font = DictionaryObject(
        {NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
         NameObject("/BaseFont"): NameObject("/Helvetica")}
    )
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def pdf_variants() -> dict[str, bytes]:
    """Drafts as PDF: garbage, truncation, blank pages, too many pages, inflating text."""
    from reportlab.pdfgen import canvas

    def pages(n: int, text: str = "") -> bytes:
        buf = io.BytesIO()
        c = canvas.Canvas(buf, invariant=1)
        for _ in range(n):
            if text:
                c.drawString(72, 720, text)
            c.showPage()
        c.save()
        return buf.getvalue()

    one = pages(1, "Termination for convenience on 30 days notice.")
    return {
        "garbage": b"%PDF-1.7\n" + bytes(random.Random(3).getrandbits(8) for _ in range(2048)),
        "truncated": one[: len(one) // 2],
        "blank": pages(2),
        "too_many_pages": pages(1_100),
        "inflating_text": _text_stream_pdf(1_800_000),  # 100 MB of operators, 300 KB packed
        "slow_text": _text_stream_pdf(250_000),  # 13 MB: minutes of text extraction
        "no_xref": b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        "not_pdf": b"hello",
    }


def bundle_variants() -> dict[str, bytes]:
    """Guideline hand-over bundles: repeated members, duplicates, understated sizes, bombs."""
    from governance.channel import guidelines as gl
    from governance.channel.guideline_bundle import history_bundle

    document = gl.GuidelineDocument.model_validate_json((EX / "channel" / "street-scenes-guidelines.json").read_bytes())
    good = history_bundle(document)
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        members = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    first = manifest["versions"][0]
    repeated = {**manifest, "versions": [first] * 50_000}
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dup = _zip([*members, (members[0][0], members[0][1])])
    return {
        "repeated_members": _replace_member(good, "manifest.json", json.dumps(repeated).encode()),
        "duplicate_member": dup,
        "understated_size": _understate(good, first["file"]),
        "manifest_deep": _replace_member(good, "manifest.json", b"[" * 100_000 + b"]" * 100_000),
        "manifest_list": _replace_member(good, "manifest.json", b"[]"),
        "bomb_member": _replace_member(good, first["file"], b" " * (300 * 1024 * 1024)),
        "not_a_zip": b"PK\x03\x04broken",
        "many_members": _zip([(f"v{i}.json", b"{}") for i in range(10_050)]),
    }


def _with_sheet(source: Path, title: str, rows: list[list[Any]], append: bool = False) -> bytes:
    """An example workbook with sheet `title` replaced by `rows` (or `rows` added to its end)."""
    import openpyxl

    wb = openpyxl.load_workbook(source)
    if title in wb.sheetnames and not append:
        del wb[title]
    ws = wb[title] if title in wb.sheetnames else wb.create_sheet(title)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _coco(n: int = 6) -> dict[str, Any]:
    """A small valid COCO detection export."""
    return {
        "images": [{"id": i, "file_name": f"img{i}.jpg"} for i in range(n)],
        "categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "person"}],
        "annotations": [
            {"id": i, "image_id": i, "category_id": 1 + i % 2, "bbox": [10 + i, 10, 40, 30]} for i in range(n)
        ],
    }


def _cvat(n: int = 6) -> str:
    """A small valid CVAT for images 1.1 export."""
    images = "".join(
        f'<image id="{i}" name="img{i}.jpg" width="640" height="480">'
        f'<box label="car" xtl="{10 + i}" ytl="10" xbr="{50 + i}" ybr="40" occluded="0"/></image>'
        for i in range(n)
    )
    return f'<?xml version="1.0" encoding="utf-8"?><annotations><version>1.1</version>{images}</annotations>'


def box_variants() -> dict[str, str | bytes]:
    """Box exports: XML entity bombs and external entities, deep nesting, forged shapes, huge numbers."""
    coco, cvat = _coco(), _cvat()
    laughs = '<!DOCTYPE a [<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ) + "]>"
    value = {"x": 1, "y": 2, "width": 3, "height": 4, "rectanglelabels": ["car"]}
    percent = {"type": "rectanglelabels", "value": value}
    sized = {**percent, "original_width": 640, "original_height": 480}
    ls = [{"id": 1, "data": {"image": "img0.jpg"}, "annotations": [{"id": 7, "completed_by": 1, "result": [sized]}]}]
    unsized = [{**ls[0], "annotations": [{"id": 7, "completed_by": 1, "result": [percent]}]}]
    out: dict[str, str | bytes] = {
        "valid_coco.json": json.dumps(coco),
        "valid_coco_sized.json": json.dumps({**coco, "images": [{**i, "width": 640, "height": 480}
                                                                for i in coco["images"]]}),
        "valid_cvat.xml": cvat,
        "valid_ls.json": json.dumps(ls),
        "ls_percent_vs_pixels.json": json.dumps(unsized),  # percent, no image size, against pixel COCO boxes
        "ls_size_zero.json": json.dumps([{**ls[0], "annotations": [{"completed_by": 1, "result": [
            {**sized, "original_width": 0}]}]}]),
        "coco_size_text.json": json.dumps({**coco, "images": [{**coco["images"][0], "width": "wide", "height": 4}]}),
        "coco_size_clash.json": json.dumps({**coco, "images": [{**coco["images"][0], "width": 640, "height": 480},
                                                               {**coco["images"][0], "width": 64, "height": 48}]}),
        "xml_laughs.xml": f'<?xml version="1.0"?>{laughs}<annotations><image name="&l9;"/></annotations>',
        "xml_external.xml": '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<annotations><image name="&x;"/></annotations>',
        "xml_dtd_url.xml": '<?xml version="1.0"?><!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><annotations/>',
        "xml_deep.xml": "<annotations>" + "<g>" * 100_000 + "</g>" * 100_000 + "</annotations>",
        "xml_wide.xml": "<annotations>" + '<image name="i"><box label="car" xtl="1" ytl="1" xbr="2" ybr="2"/></image>'
        * 300_000 + "</annotations>",
        "xml_truncated.xml": cvat[: len(cvat) // 2],
        "xml_not_xml.xml": "hello, not xml",
        "xml_empty.xml": "",
        "xml_utf16.xml": cvat.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16"),
        "xml_latin1.xml": cvat.replace("car", "caf\u00e9").replace('encoding="utf-8"', "").encode("latin-1"),
        "xml_huge_numbers.xml": cvat.replace('xtl="10"', 'xtl="' + "9" * 5000 + '"'),
        "xml_nan.xml": cvat.replace('xtl="10"', 'xtl="nan"').replace('ybr="40"', 'ybr="inf"', 1),
        "xml_rotation_text.xml": cvat.replace('occluded="0"', 'rotation="abc"'),
        "xml_rotation_inf.xml": cvat.replace('occluded="0"', 'rotation="inf"'),
        "xml_track.xml": "<annotations><track id='0'><box frame='0' xtl='1' ytl='1' xbr='2' ybr='2'/></track>"
        "</annotations>",
        "xml_injection.xml": cvat.replace('label="car"', 'label="=HYPERLINK(&quot;http://x&quot;)"'),
        "xml_huge_attr.xml": cvat.replace('name="img0.jpg"', 'name="' + "x" * 300_000 + '"'),
        "coco_bigint_bbox.json": json.dumps({**coco, "annotations": [{**coco["annotations"][0], "bbox": [1, 2, 3, 4]}]})
        .replace("[1, 2, 3, 4]", "[" + "9" * 6000 + ", 2, 3, 4]"),
        "coco_float_overflow.json": json.dumps(coco).replace("[10, 10, 40, 30]", "[1e999, 10, 40, 30]"),
        "coco_ids_objects.json": json.dumps({**coco, "images": [{"id": {"x": 1}, "file_name": "a"}]}),
        "coco_annotations_dicts.json": json.dumps({**coco, "annotations": {"a": 1}}),
        "coco_bbox_strings.json": json.dumps({**coco, "annotations": [{"image_id": 0, "category_id": 1,
                                                                        "bbox": ["a", "b", "c", "d"]}]}),
        "coco_bbox_nested.json": json.dumps({**coco, "annotations": [{"image_id": 0, "category_id": 1,
                                                                       "bbox": [[1], [2], [3], [4]]}]}),
        "coco_injection.json": json.dumps({**coco, "categories": [{"id": 1, "name": "=1+2"},
                                                                   {"id": 2, "name": "@SUM(A1)"}]}),
        "coco_many_images.json": json.dumps(
            {**coco, "images": [{"id": i, "file_name": f"i{i}"} for i in range(200_000)]}
        ),
        "ls_value_list.json": json.dumps([{**ls[0], "annotations": [{"completed_by": 1, "result": [
            {"type": "rectanglelabels", "value": [1, 2]}]}]}]),
        "ls_labels_object.json": json.dumps([{**ls[0], "annotations": [{"completed_by": 1, "result": [
            {"type": "rectanglelabels", "value": {"x": 1, "y": 2, "width": 3, "height": 4,
                                                  "rectanglelabels": [{"a": 1}]}}]}]}]),
        "ls_original_width_text.json": json.dumps([{**ls[0], "annotations": [{"completed_by": 1, "result": [
            {**ls[0]["annotations"][0]["result"][0], "original_width": "wide"}]}]}]),
        "ls_completed_by_object.json": json.dumps([{**ls[0], "annotations": [{"completed_by": {"email": [1]},
                                                                              "result": []}]}]),
        "ls_data_list.json": json.dumps([{**ls[0], "data": [1, 2]}]),
        "wrong_suffix.txt": json.dumps(coco),
    }
    for name, data in json_variants(coco).items():
        out[f"coco_{name}.json"] = data
    for name, data in json_variants(ls).items():
        out[f"ls_{name}.json"] = data
    return out


def _decisions() -> str:
    """A filled-in decisions file for examples/drafts/portable-msa.md (the first proposals accepted)."""
    import yaml

    from contracts.confirm import decisions_template
    from contracts.review import load_source

    template = decisions_template(load_source(EX / "drafts" / "portable-msa.md")[1])
    for entry in template[:5]:
        entry["decision"] = "accept"
    return str(yaml.safe_dump(template, sort_keys=False))


def _new_readers(directory: Path, add: Callable[..., None], tables: Callable[..., None],
                 documents: Callable[..., None]) -> None:
    """Cases for the readers added after issue 15: long rows, boxes, decisions, weights, pilot,
    correlation blocks, gold sets."""
    fix = directory / "fixtures"
    fix.mkdir(parents=True, exist_ok=True)
    (fix / "valid-coco.json").write_text(json.dumps(_coco()))
    (fix / "store.db").unlink(missing_ok=True)
    import os
    import subprocess

    env = {**os.environ, "ANNOGOV_DATABASE_URL": f"sqlite:///{fix}/store.db"}
    for args in (  # the demo program, with a gold set 'g', that the store commands read into
        ["db", "demo"],
        ["gold", "import", str(EX / "pilot" / "gold-set.csv"), *_DEMO[:2], "--gold", "g",
         "--labels", ",".join(_PILOT_LABELS)],
    ):
        subprocess.run([sys.executable, "-m", "annogov", *args], cwd=ROOT, check=True, capture_output=True, env=env)
    tables("long_rows", EX / "delivery.csv")
    for name, data in box_variants().items():
        add("boxes", name, data, valid=name.startswith("valid"))
    decisions = _decisions()
    add("decisions", "valid.yaml", decisions, valid=True)
    for name, data in yaml_variants(decisions).items():
        add("decisions", f"{name}.yaml", data)
    for name, data in {
        "n_bigint": "- n: " + "9" * 5000 + "\n  decision: accept\n",
        "n_list": "- n: [1]\n  decision: accept\n",
        "decision_object": "- n: 1\n  decision: {a: 1}\n",
        "value_deep": "- n: 1\n  decision: edit\n  value: " + "[" * 60 + "]" * 60 + "\n",
        "value_injection": "- n: 1\n  decision: edit\n  value: '=HYPERLINK(\"http://x\")'\n",
        "field_list": "- n: 1\n  field: [a]\n  decision: accept\n",
        "repeated": "- n: 1\n  decision: accept\n" * 20_000,
    }.items():
        add("decisions", f"{name}.yaml", data)
    documents("weights", EX / "weights-ahp.yaml")
    for name, data in {
        "judgement_zero": "method: ahp\nevaluators:\n  - name: a\n    judgements:\n"
        "      workforce vs security: 0\n",
        "judgement_fraction_zero": "method: ahp\nevaluators:\n  - name: a\n    judgements:\n"
        "      workforce vs security: 1/0\n",
        "judgement_huge": "method: ahp\nevaluators:\n  - name: a\n    judgements:\n"
        "      workforce vs security: 1e999\n",
        "judgement_nan": "method: ahp\nevaluators:\n  - name: a\n    judgements:\n"
        "      workforce vs security: .nan\n",
        "many_evaluators": "method: ahp\nevaluators:\n" + "  - name: '=1+2'\n    judgements: {}\n" * 5000,
        "swing_injection": "method: swing\nevaluators:\n  - name: '@SUM(A1)'\n    swings: {workforce: 100}\n",
    }.items():
        add("weights", f"{name}.yaml", data)
    documents("pilot", EX / "pilot" / "pilot.yaml", ("yaml",))
    for name, data in {
        "delivery_escapes": (EX / "pilot" / "pilot.yaml").read_text().replace("northwind-delivery.csv", "/etc/passwd"),
        "delivery_missing": (EX / "pilot" / "pilot.yaml").read_text().replace("gold-set.csv", "nowhere.csv"),
        "delivery_is_dir": (EX / "pilot" / "pilot.yaml").read_text().replace("gold-set.csv", "."),
        "alpha_text": (EX / "pilot" / "pilot.yaml").read_text().replace("alpha: 0.05", "alpha: lots"),
        "price_inf": (EX / "pilot" / "pilot.yaml").read_text().replace("0.185", ".inf"),
    }.items():
        add("pilot", f"{name}.yaml", data)
    for name, data in yaml_variants((EX / "scenario-correlated.yaml").read_text()).items():
        add("scenario", f"correlated_{name}.yaml", data)
    corr = (EX / "scenario-correlated.yaml").read_text()
    for name, data in {
        "corr_not_matrix": corr.split("correlation:")[0] + "correlation: [1, 2, 3]\n",
        "corr_huge": corr.split("correlation:")[0] + "correlation:\n  inputs: ["
        + ", ".join(f"x.f{i}" for i in range(3000)) + "]\n",
    }.items():
        add("scenario", f"{name}.yaml", data)
    tables("gold", EX / "pilot" / "gold-set.csv")
    header, rows = _rows_of(EX / "pilot" / "gold-set.csv", 1000)
    answers = [[r[0], f"q{k % 2}", r[2]] for k, r in enumerate(rows) if r[3] == "yes"]
    (fix / "answers.csv").write_text(_csv([["item_id", "annotator_id", "label"], *answers]))
    tables("gold_answers", fix / "answers.csv")
    for name, cells in {
        "text": "high", "nan": float("nan"), "huge": 1e308 * 10, "formula": "=1+2", "bool": True, "blank": None,
    }.items():
        add("scenario", f"correlation_sheet_{name}.xlsx", _with_sheet(EX / "scenario.xlsx", "Correlation", [
            ["input", "sla_gap.gap_weeks", "knowledge_loss.calibration_weeks"],
            ["sla_gap.gap_weeks", 1, cells], ["knowledge_loss.calibration_weeks", cells, 1],
        ]))
    wide = ["input", *[f"x.f{i}" for i in range(3000)]]
    add("scenario", "correlation_sheet_wide.xlsx", _with_sheet(EX / "scenario.xlsx", "Correlation", [wide, wide]))
    for name, (start, steps) in {
        "steps_text": ("2026-01-05", "soon"),
        "steps_bigint": ("2026-01-05", "1: " + "9" * 5000),
        "steps_week_bigint": ("2026-01-05", "9" * 5000 + ": 10"),
        "steps_negative": ("2026-01-05", "-3: -10"),
        "steps_many": ("2026-01-05", "; ".join(f"{i}: {i}" for i in range(1, 20_000))),
        "start_text": ("next monday", "1: 10"),
        "start_number": (45000, "1: 10"),
        "start_only": ("2026-01-05", None),
        "steps_injection": ("2026-01-05", "=HYPERLINK(\"http://x\")"),
    }.items():
        add("terms", f"ramp_{name}.xlsx", _with_sheet(EX / "sla-terms.xlsx", "Contract", [
            ["ramp_start", start], ["ramp_steps", steps],
        ], append=True))


def build(directory: Path = DEFAULT_DIR) -> list[dict[str, Any]]:
    """Write every case into `directory` and its manifest `cases.json`; returns the cases."""
    stamp = directory / "VERSION"
    manifest = directory / "cases.json"
    if stamp.exists() and stamp.read_text() == VERSION and manifest.exists():
        return list(json.loads(manifest.read_text()))
    directory.mkdir(parents=True, exist_ok=True)
    cases: list[dict[str, Any]] = []

    def add(target: str, name: str, data: bytes | str, *, valid: bool = False) -> None:
        path = directory / target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        cases.append({"target": target, "file": str(path.relative_to(directory)), "valid": valid})

    def tables(target: str, source: Path, exts: tuple[str, ...] = (".csv", ".xlsx")) -> None:
        header, rows = _rows_of(source)
        for ext in exts:
            if ext == ".xlsx":
                for name, data in xlsx_variants(header, rows).items():
                    add(target, f"{name}.xlsx", data)
            else:
                for name, data in text_variants(header, rows, ext).items():
                    add(target, f"{name}{ext}", data, valid=name.startswith("valid"))

    def documents(target: str, source: Path, kinds: tuple[str, ...] = ("json", "yaml")) -> None:
        import yaml

        valid = yaml.safe_load(source.read_text()) if source.suffix != ".json" else json.loads(source.read_text())
        if "json" in kinds:
            for name, data in json_variants(valid).items():
                add(target, f"{name}.json", data)
        if "yaml" in kinds:
            text = source.read_text() if source.suffix != ".json" else yaml.safe_dump(valid)
            for name, data in yaml_variants(text).items():
                add(target, f"{name}.yaml", data)

    tables("delivery", EX / "delivery.csv", (".csv", ".xlsx", ".tsv"))
    header, rows = _rows_of(EX / "delivery.csv")
    records = [dict(zip(header, r, strict=False)) for r in rows]
    jsonl = "\n".join(json.dumps(r) for r in records)
    for name, data in {
        "deep_line": jsonl + "\n" + "[" * 100_000 + "]" * 100_000,
        "cr_only": jsonl.replace("\n", "\r"),
        "not_objects": "1\n2\n[3]\n",
        "nested_values": "\n".join(json.dumps({**r, "label": {"x": [1]}}) for r in records),
        "utf16": jsonl.encode("utf-16"),
        "broken_line": jsonl + "\n{not json\n",
        "bigint": jsonl + "\n" + json.dumps({**records[0], "label": 0}).replace("0}", "9" * 6000 + "}"),
        "injection": "\n".join(
            json.dumps({**r, "label": INJECTIONS[i % len(INJECTIONS)]}) for i, r in enumerate(records)
        ),
    }.items():
        add("delivery", f"{name}.jsonl", data)
    for name, data in parquet_variants().items():
        add("delivery", f"{name}.parquet", data)
    for name, data in labelstudio_variants().items():
        add("delivery", f"ls_{name}.json", data)
    for name, data in json_variants([{"id": 1}]).items():
        add("delivery", f"ls_generic_{name}.json", data)

    tables("scoresheet", EX / "scorecard-long.csv")
    add(
        "scoresheet",
        "negative_header_weight.csv",
        "provider,evaluator,Workforce model (-25%),Quality SLA (35%),Security & compliance (30%),"
        "Commercial terms (30%),Technical integration (30%)\nAcme,Ana,4,4,4,4,4\n",
    )
    add(
        "scoresheet",
        "valid_semicolon_title_bom_crlf.csv",
        "\ufeffScorecard Q3\r\nprovider;evaluator;workforce;quality_sla;security;commercial;ai_throughput\r\n"
        "Acme;Ana;4;4,5;3;4;5\r\nBeta;Bo;3;3;3;3;3\r\n",
        valid=True,
    )
    documents("rubric", ROOT / "scorecard" / "default_rubric.yaml")
    documents("terms", EX / "sla-terms.yaml")
    header, rows = [["id", "metric", "threshold"], [["t1", "accuracy", "x"], ["t2", 5, None]]]
    for name, data in xlsx_variants(header, rows).items():
        add("terms", f"{name}.xlsx", data)
    documents("contract", EX / "contract-profile.yaml")
    for name, data in docx_variants().items():
        add("contract", f"{name}.docx", data)
    for name, data in pdf_variants().items():
        add("contract", f"{name}.pdf", data)
    for name, data in {
        "empty": "",
        "blank_lines": "\n\n  \n",
        "nul": "\x00" * 100,
        "latin1": "caf\u00e9".encode("latin-1"),
    }.items():
        add("contract", f"{name}.txt", data)
    add("contract", "empty.md", "")
    documents("scenario", EX / "scenario.yaml")
    header, rows = [
        ["section", "parameter", "low", "most_likely", "high"],
        [["volume", "weekly_labels", "x", None, True], ["nowhere", 3, 1, 2, 3]],
    ]
    for name, data in xlsx_variants(header, rows).items():
        add("scenario", f"{name}.xlsx", data)
    tables("labelset", EX / "taxonomy" / "old.csv")
    for name, data in json_variants({"labels": ["a", "b"]}).items():
        add("labelset", f"{name}.json", data)
    add("labelset", "deep_tree.json", json.dumps({"labels": json.loads('{"a":' * 60 + "{}" + "}" * 60)}))
    documents("mapping", EX / "column-mapping.yaml")
    add("mapping", "a_list.yaml", "- item_id\n- label\n")
    add("mapping", "list_values.yaml", "columns:\n  item_id: [frame, x]\n")
    for target, source in (
        ("report_json", EX / "report" / "scorecard.json"),
        ("sections", EX / "report" / "sections.json"),
        ("taxonomy_result", EX / "report" / "taxonomy.json"),
        ("channel_log", EX / "channel" / "calibration-log.json"),
    ):
        for name, data in json_variants(json.loads(source.read_text())).items():
            add(target, f"{name}.json", data)
    add(
        "sections",
        "oversized.json",
        json.dumps([{"title": "Big", "rows": [{"a": i, "b": "x" * 50} for i in range(60_000)]}]),
    )
    for name, data in json_variants(json.loads((EX / "channel" / "street-scenes-guidelines.json").read_text())).items():
        add("guidelines", f"{name}.json", data)
    for name, data in bundle_variants().items():
        add("guidelines", f"{name}.zip", data)
    _new_readers(directory, add, tables, documents)
    manifest.write_text(json.dumps(cases, indent=1))
    stamp.write_text(VERSION)
    return cases


CaseFilter = Callable[[dict[str, Any]], bool]

if __name__ == "__main__":
    built = build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR)
    print(f"{len(built)} files")
