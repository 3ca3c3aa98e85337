"""The bounded reading layer on its own: named limits and their overrides, text and CSV dialects,
zip bombs, JSON and YAML bombs, every refusal located."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from ingest import InputError, check_zip, csv_rows, decode_text, limits, load_json, load_yaml, read_sheet


def test_limits_are_named_settings_with_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    assert limits().max_depth == 64
    monkeypatch.setenv("ANNOGOV_LIMIT_MAX_DEPTH", "3")
    assert limits().max_depth == 3
    with pytest.raises(InputError, match=r"m\.json: the JSON is nested too deeply; the limit is 3 \(max_depth"):
        load_json("[[[[1]]]]", "m.json")


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le"])
def test_semicolon_csv_with_title_row_any_newline_and_encoding(newline: str, codec: str) -> None:
    text = newline.join(["Scores", "provider;quality;comment", 'Acme;4,5;"two\rlines"', "Beta;3;"]) + newline
    rows = csv_rows(decode_text(text.encode(codec), "s.csv"), "s.csv")
    assert rows[1:] == [("provider", "quality", "comment"), ("Acme", "4,5", "two\rlines"), ("Beta", "3", "")]


def test_cell_and_column_limits_are_located(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match=r"^s\.csv, row 3: a field is longer; the limit is 131,072 \(max_cell_chars"):
        csv_rows("a,b\n1,2\n" + "x" * 140_000 + ",3\n", "s.csv")
    monkeypatch.setenv("ANNOGOV_LIMIT_MAX_COLUMNS", "3")
    with pytest.raises(InputError, match=r"^s\.csv, row 2: this row has 4 columns"):
        csv_rows("a,b\n1,2,3,4\n", "s.csv")


def test_not_utf8_is_located_at_its_line() -> None:
    with pytest.raises(InputError, match=r"^r\.yaml, row 2: not UTF-8 text \(byte 0xE9\)"):
        decode_text(b"a: 1\nb: caf\xe9\n", "r.yaml")
    assert decode_text(b"a;caf\xe9", "d.csv", strict=False) == "a;caf\ufffd"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_bombs_are_refused_before_unpacking(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match=r"^b\.xlsx, at big\.xml: 'big\.xml' unpacks .* times .*max_zip_ratio"):
        check_zip(_zip({"big.xml": b" " * (20 * 1024 * 1024)}), "b.xlsx")
    monkeypatch.setenv("ANNOGOV_LIMIT_MAX_ZIP_MEMBERS", "5")
    with pytest.raises(InputError, match="holds 6 files.*max_zip_members"):
        check_zip(_zip({f"{i}.xml": b"x" for i in range(6)}), "b.xlsx")
    with pytest.raises(InputError, match=r"^b\.docx: not a readable archive"):
        check_zip(b"PK\x03\x04nonsense", "b.docx")


def test_forged_sheet_dimension_does_not_pad_every_row() -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["item_id", "label"])
    ws.append(["a", "b"])
    buf = io.BytesIO()
    wb.save(buf)
    raw = buf.getvalue()
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        members = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    members["xl/worksheets/sheet1.xml"] = members["xl/worksheets/sheet1.xml"].replace(
        b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>'
    )
    sheet = read_sheet("f.xlsx", lambda row: "item_id" in row, data=_zip(members))
    assert sheet.rows == [("a", "b")]


def test_yaml_bombs_and_nesting_are_refused_at_their_line() -> None:
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
    )
    with pytest.raises(InputError, match="aliases expand to too many values.*max_yaml_nodes"):
        load_yaml(laughs, "m.yaml")
    many = "a: &a 1\nb: [" + ", ".join(["*a"] * 300) + "]\n"
    with pytest.raises(InputError, match=r"^m\.yaml, row 2: the YAML uses too many aliases"):
        load_yaml(many, "m.yaml")
    with pytest.raises(InputError, match=r"^m\.yaml, row 1: the YAML is nested too deeply"):
        load_yaml("[" * 100 + "]" * 100, "m.yaml")
    with pytest.raises(InputError, match=r"^m\.yaml, row 1: not valid YAML \(could not determine a constructor"):
        load_yaml("!!python/object/apply:os.system ['true']\n", "m.yaml")
    assert load_yaml("a: &x [1, 2]\nb: *x\n", "m.yaml") == {"a": [1, 2], "b": [1, 2]}


def test_json_syntax_and_depth_are_located() -> None:
    with pytest.raises(InputError, match=r"^m\.json, row 2: not valid JSON"):
        load_json('{"a": 1,\n}', "m.json")
    with pytest.raises(InputError, match="nested too deeply"):
        load_json("[" * 100_000 + "]" * 100_000, "m.json")


def test_malformed_sheet_xml_is_a_located_refusal(tmp_path: Path) -> None:
    """A workbook whose sheet XML has an invalid token (a parser error, not a ValueError) is refused
    with the file named, never an ElementTree traceback."""
    import openpyxl

    book = tmp_path / "good.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["provider", "workforce"])
    wb.active.append(["Acme", 4])
    wb.save(book)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(broken, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>\x01<", 1)
            out.writestr(item, data)
    with pytest.raises(InputError) as caught:
        read_sheet(broken, lambda header: "provider" in header)
    assert "broken.xlsx" in str(caught.value)
