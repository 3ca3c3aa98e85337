"""SLA term sets as data: YAML, JSON and xlsx give one model; mistakes are located."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
import yaml

from contracts.sla_term_files import load_term_set, term_set_to_rows
from contracts.sla_terms import Remedy, SlaTerm, SlaTermSet, default_term_set
from ingest import InputError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_default_terms_carry_the_framework_figures() -> None:
    terms = {t.id: t for t in default_term_set().terms}
    assert terms["kappa-complex"].metric == "kappa" and terms["kappa-complex"].threshold == 0.80
    assert str(terms["kappa-complex"].scope) == "task_type:complex"
    assert terms["kappa-simple"].threshold == 0.85
    assert (terms["defect-rate"].comparator, terms["defect-rate"].threshold) == ("<=", 0.01)
    assert str(terms["qa-coverage"].scope) == "each_category"


def test_example_yaml_json_and_xlsx_are_the_same_terms(tmp_path: Path) -> None:
    from_yaml = load_term_set(EXAMPLES / "sla-terms.yaml")
    from_xlsx = load_term_set(EXAMPLES / "sla-terms.xlsx")
    (tmp_path / "t.json").write_text(json.dumps(from_yaml.model_dump(mode="json")))
    from_json = load_term_set(tmp_path / "t.json")
    assert from_json == from_yaml
    assert from_xlsx.model_dump(exclude={"terms": {"__all__": {"note"}}}) == from_yaml.model_dump(
        exclude={"terms": {"__all__": {"note"}}})


def test_yaml_errors_name_the_line_and_field(tmp_path: Path) -> None:
    raw = yaml.safe_load((EXAMPLES / "sla-terms.yaml").read_text())
    raw["terms"][2]["threshold"] = "one percent"
    raw["terms"][4]["metric"] = "acuracy"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    with pytest.raises(InputError) as err:
        load_term_set(path)
    cols = {p.location.column: p.location.row for p in err.value.problems}
    assert "terms[2].threshold" in cols and "terms[4].metric" in cols
    line = path.read_text().splitlines()[cols["terms[2].threshold"] - 1]
    assert "one percent" in line


def test_xlsx_errors_name_row_and_column(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Terms"
    ws.append(["SLA schedule 3"])
    ws.append(["Metric", "Scope", "Comparator", "Threshold", "Min sample", "Remedy",
               "Remedy amount"])
    ws.append(["kappa", "task_type:complex", ">=", 0.8, 50, "percent_of_fee", 5])
    ws.append(["defect_rate", "overall", "at most", "1%", 100, "none", None])
    ws.append(["qa_coverage", "everything", ">=", 0.1, 1, "credit", 1])
    wb.save(tmp_path / "t.xlsx")
    with pytest.raises(InputError) as err:
        load_term_set(tmp_path / "t.xlsx")
    where = {(p.location.row, p.location.column) for p in err.value.problems}
    assert {(4, "Comparator"), (4, "Threshold"), (5, "Scope"), (5, "Remedy")} <= where
    assert all(p.location.sheet == "Terms" for p in err.value.problems)


def test_unsupported_and_malformed_files(tmp_path: Path) -> None:
    (tmp_path / "t.toml").write_text("x=1")
    with pytest.raises(InputError, match="unsupported"):
        load_term_set(tmp_path / "t.toml")
    (tmp_path / "t.yaml").write_text("terms: [\n")
    with pytest.raises(InputError, match="not valid YAML"):
        load_term_set(tmp_path / "t.yaml")
    (tmp_path / "t.json").write_text("[1, 2]")
    with pytest.raises(InputError, match="terms"):
        load_term_set(tmp_path / "t.json")


def test_remedy_owed_is_capped() -> None:
    assert Remedy(kind="percent_of_fee", amount=5).owed(1, 48_000) == 2400
    assert Remedy(kind="percent_of_fee", amount=5, cap=3000).owed(2, 48_000) == 3000
    assert Remedy(kind="fixed_per_breach", amount=500, cap=1200).owed(3, 0) == 1200
    assert Remedy(kind="fixed_per_breach", amount=500).owed(0, 0) == 0
    assert Remedy().owed(4, 10_000) == 0


def test_rows_round_trip() -> None:
    terms = default_term_set()
    rows = term_set_to_rows(terms)
    rebuilt = SlaTermSet(name=terms.name, terms=[
        SlaTerm.model_validate({**{k: v for k, v in r.items() if not k.startswith("remedy")},
                                "remedy": {"kind": r["remedy"], "amount": r["remedy_amount"],
                                           "cap": r["remedy_cap"]}})
        for r in rows])
    assert rebuilt == terms


def test_numeric_label_sets_are_text() -> None:
    terms = SlaTermSet(label_set=[1, 2.0, 3], terms=[])  # type: ignore[list-item]
    assert terms.label_set == ["1", "2", "3"]
    with pytest.raises(ValueError, match="twice"):
        SlaTermSet(label_set=[1, 1.0], terms=[])  # type: ignore[list-item]


def test_every_terms_table_reads_back_the_same_terms() -> None:
    """The terms workbook, the questionnaire's SLA sheet and the app's editor rows share one row
    layout and one reader, so every field (the missing-ratings convention included) comes back."""
    from annogov.services.sla_store import terms_from_rows
    from contracts.profile import ContractProfile
    from contracts.profile_files import read_questionnaire
    from contracts.questionnaire import write_questionnaire
    from contracts.sla_term_files import write_term_set_xlsx

    example = load_term_set(EXAMPLES / "sla-terms.yaml")
    gwet = example.terms[0].model_copy(update={"id": "=kappa", "missing": "gwet", "note": "-5% per breach"})
    terms = example.model_copy(update={"terms": [gwet, *example.terms[1:]]})
    workbook = load_term_set("terms.xlsx", data=write_term_set_xlsx(terms)).terms
    profile = ContractProfile(vendor="X", sla=terms)
    questionnaire = read_questionnaire("q.xlsx", data=write_questionnaire(profile)).sla
    editor = terms_from_rows(term_set_to_rows(terms), {"name": terms.name}).terms
    assert questionnaire is not None
    assert workbook == questionnaire.terms == editor == terms.terms
    assert questionnaire.terms[0].missing == "gwet"


def test_a_bad_cell_is_located_by_the_column_the_table_names() -> None:
    """Problems name the row and the column as each table spells it ('remedy' in the editor)."""
    from annogov.services.sla_store import terms_from_rows

    rows = term_set_to_rows(default_term_set())
    rows[1] = {**rows[1], "remedy": "fine", "threshold": "high"}
    with pytest.raises(InputError) as err:
        terms_from_rows(rows, {"name": "x"})
    located = {(p.location.row, p.location.column) for p in err.value.problems}
    assert located == {(2, "remedy"), (2, "threshold")}
