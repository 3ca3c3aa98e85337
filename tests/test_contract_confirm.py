"""Confirming a draft's proposals: only accepted and edited values reach the profile, with who and when."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from contracts.audit import audit_profile
from contracts.confirm import confirm, edit_text, read_decisions
from contracts.drafts import DraftReview, review_draft
from ingest import InputError

DRAFT = Path(__file__).resolve().parents[1] / "examples" / "drafts" / "northfield-portable.md"
AT = datetime(2026, 12, 4, 21, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def review() -> DraftReview:
    return review_draft(DRAFT)


def _index(review: DraftReview, field: str) -> int:
    return next(i for i, p in enumerate(review.proposals) if p.field == field)


def test_nothing_decided_gives_an_empty_profile(review: DraftReview) -> None:
    done = confirm(review, {}, by_id="pm@example.org", by_name="Pat", at=AT)
    assert done.undecided == len(review.proposals)
    assert done.profile.data.buyer_owns_data is None
    assert done.profile.sla is None
    assert {c.status for c in audit_profile(done.profile, date(2026, 11, 26)).clauses} <= {"missing", "weak"}


def test_accept_all_gives_the_proposed_profile_with_who_and_when(review: DraftReview) -> None:
    decisions = {i: ("accept", None) for i in range(len(review.proposals))}
    done = confirm(review, decisions, by_id="pm@example.org", by_name="Pat", at=AT)
    assert done.undecided == 0
    proposed = review.profile.model_dump(exclude={"contract"})
    proposed["sla"].pop("name")
    confirmed = done.profile.model_dump(exclude={"contract"})
    confirmed["sla"].pop("name")
    assert confirmed == proposed
    assert done.profile.contract == "Confirmed from northfield-portable.md by Pat on 2026-12-04 21:00 UTC"
    payload = done.to_payload()
    assert payload["by"] == "pm@example.org" and payload["at"].startswith("2026-12-04T21:00")
    assert len(payload["confirmations"]) == len(review.proposals)


def test_reject_and_edit_change_only_their_field(review: DraftReview) -> None:
    decisions: dict[int, tuple[str, object]] = {i: ("accept", None) for i in range(len(review.proposals))}
    owns, qa = _index(review, "data.buyer_owns_data"), _index(review, "quality.qa_rate_per_category")
    decisions[owns] = ("reject", None)
    decisions[qa] = ("edit", "8%")
    done = confirm(review, decisions, by_id="u1", by_name="Pat", at=AT)  # type: ignore[arg-type]
    assert done.profile.data.buyer_owns_data is None
    assert done.profile.quality.qa_rate_per_category == 0.08
    codes = {f.code for f in audit_profile(done.profile, date(2026, 11, 26)).findings}
    assert "data_ownership.missing" in codes and "accuracy_spec.qa_rate_low" in codes
    [edited] = [c for c in done.confirmations if c.index == qa]
    assert (edited.proposed, edited.value, edited.decision) == (0.12, 0.08, "edit")


def test_an_sla_term_is_edited_as_yaml(review: DraftReview) -> None:
    i = _index(review, "sla.terms")
    text = edit_text(review.proposals[i])
    term = yaml.safe_load(text)
    term["threshold"] = 0.75
    done = confirm(review, {i: ("edit", yaml.safe_dump(term))}, by_id="u1", by_name="Pat", at=AT)
    assert done.profile.sla is not None and [t.threshold for t in done.profile.sla.terms] == [0.75]
    with pytest.raises(InputError, match="threshold"):
        confirm(review, {i: ("edit", "{id: x, metric: accuracy}")}, by_id="u1", by_name="Pat", at=AT)


def test_a_bad_edit_is_located_by_proposal_and_field(review: DraftReview) -> None:
    owns = _index(review, "data.buyer_owns_data")
    timing = _index(review, "data.export_timing")
    with pytest.raises(InputError) as caught:
        confirm(
            review,
            {owns: ("edit", "perhaps"), timing: ("edit", "whenever")},
            by_id="u1",
            by_name="Pat",
            at=AT,
        )
    text = str(caught.value)
    assert f"row {owns + 1}, column 'data.buyer_owns_data': expected yes or no" in text
    assert "data.export_timing" in text


def test_edits_a_person_writes_in_yaml_are_typed_or_located(review: DraftReview) -> None:
    """A YAML list is the list it reads as; bad YAML, infinite and NaN numbers, objects where a
    value belongs are located errors, never a traceback."""
    formats, term = _index(review, "data.export_formats"), _index(review, "sla.terms")
    done = confirm(review, {formats: ("edit", ["CSV", "JSONL"])}, by_id="u1", by_name="Pat", at=AT)
    assert done.profile.data.export_formats == ["CSV", "JSONL"]
    target = _index(review, "quality.accuracy_target")
    for index, raw, message in [
        (term, "{id: [1", "not valid YAML"),
        (target, "inf", "finite"),
        (target, float("nan"), "finite"),
        (target, {"a": 1}, "one value"),
        (formats, {"a": 1}, "list of names"),
    ]:
        with pytest.raises(InputError, match=message) as caught:
            confirm(review, {index: ("edit", raw)}, by_id="u1", by_name="Pat", at=AT)
        assert f"row {index + 1}" in str(caught.value)


def test_a_decisions_file_deciding_a_proposal_twice_is_located(review: DraftReview, tmp_path: Path) -> None:
    """Two entries for one proposal (or a yes/no where its number belongs) are refused, not one silently kept."""
    path = tmp_path / "decisions.yaml"
    path.write_text("- {n: 1, decision: accept}\n- {n: 1, decision: reject}\n- {n: true, decision: accept}\n")
    with pytest.raises(InputError) as caught:
        read_decisions(path, review)
    text = str(caught.value)
    assert "row 2" in text and "already decided in entry 1" in text and "row 3" in text


def test_a_value_edited_to_unknown_beside_another_proposal_of_its_field() -> None:
    """Two export-timing proposals, one edited to blank (unknown): the other stands; this was a
    KeyError while the profile was built."""
    from contracts.drafts import propose
    from contracts.text_extract import Passage

    review = propose(
        [
            Passage(text="The Client may export all labelled data at any time in COCO JSON.", paragraph=1),
            Passage(text="On termination the Vendor shall deliver all labelled data to the Client.", paragraph=2),
        ],
        source="two.md",
    )
    first, second = [i for i, p in enumerate(review.proposals) if p.field == "data.export_timing"]
    for blank, kept in ((first, second), (second, first)):
        done = confirm(review, {blank: ("edit", ""), kept: ("accept", None)}, by_id="u1", by_name="Pat", at=AT)
        assert done.profile.data.export_timing == review.proposals[kept].value


def test_hostile_decisions_are_refused_in_the_decisions_file(review: DraftReview, tmp_path: Path) -> None:
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(10)
    )
    for name, text in {"bomb.yaml": laughs, "deep.yaml": "[" * 50_000 + "]" * 50_000}.items():
        with pytest.raises(InputError) as err:
            read_decisions(tmp_path / name, review, data=text.encode())
        assert all(p.location.file == name for p in err.value.problems)
    with pytest.raises(InputError) as err:
        confirm(review, {0: ("maybe", None)}, by_id="u1", by_name="Pat", at=AT, decided_in="decisions.yaml")
    assert [p.location.file for p in err.value.problems] == ["decisions.yaml"]
