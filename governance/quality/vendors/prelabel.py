"""AI-assisted throughput evidence from one delivery's `prelabelled` column: the correction rate
(QA-failed / reviewed annotations) and the accuracy on gold of pre-labelled items against
human-only items, each difference tested under `governance.quality.stats.paired.RATE_TEST_RULE` (at least 10 items
per group, else "too few items" and no verdict; the z-test with 10 successes and 10 failures per group,
else Fisher's exact test), and the suggested score by `scorecard.measured.suggest_ai_score`.

    prelabel_evidence(source, gold=None) -> PrelabelEvidence
    prelabel_counts(source, gold=None) -> PrelabelCounts; compare_prelabel(counts) -> PrelabelEvidence
"""

from __future__ import annotations

from pydantic import BaseModel

from governance.quality.reading.delivery import DeliverySource
from governance.quality.reading.delivery_counts import QA_FAIL, QA_PASS
from governance.quality.stats.estimate import Estimate, rate
from governance.quality.stats.paired import DropTest, rate_drop
from governance.quality.vendors.goldset import GoldSet
from ingest import InputError
from scorecard.measured import MeasuredPart, MeasuredSuggestion, suggest_ai_score

YES = {"1", "true", "yes", "y", "x", "prelabelled", "model"}
NO = {"0", "false", "no", "n", "", "human"}


class PrelabelGroup(BaseModel):
    """Counts of one group (pre-labelled or human-only annotations)."""

    annotations: int
    reviewed: int
    corrected: int
    correction_rate: Estimate
    gold: int
    right: int
    accuracy: Estimate


class PrelabelCounts(BaseModel):
    """Rows, reviewed, QA-failed, gold and right-on-gold counts of each group: what a delivery keeps."""

    source: str
    prelabelled: list[int]
    human_only: list[int]


class PrelabelEvidence(BaseModel):
    """Pre-labelled against human-only items of one delivery, with the tests and the suggestion."""

    source: str
    prelabelled: PrelabelGroup
    human_only: PrelabelGroup
    accuracy_drop: DropTest
    correction_rise: DropTest
    suggestion: MeasuredSuggestion


def _group(n: int, reviewed: int, failed: int, gold: int, right: int) -> PrelabelGroup:
    return PrelabelGroup(
        annotations=n,
        reviewed=reviewed,
        corrected=failed,
        correction_rate=rate(failed, reviewed, "QA-failed / reviewed annotations"),
        gold=gold,
        right=right,
        accuracy=rate(right, gold, "annotations right on gold"),
    )


def _verdict(test: DropTest, claim: str) -> str:
    """The test's outcome in words: its p-value and method, or why there is none."""
    if test.reason:
        return f": {test.reason}, no verdict"
    if test.p_value is None:
        return ": no variation, no test"
    return f", p = {test.p_value:.4f} {claim} ({'Fisher exact' if test.z is None else 'z-test'})"


def prelabel_counts(source: DeliverySource, gold: GoldSet | None = None) -> PrelabelCounts:
    """Read item, label, gold, QA result and `prelabelled` of every row and count both groups; gold
    comes from the gold set when given, else from the delivery's gold_label column."""
    if "prelabelled" not in source.columns:
        raise InputError.at(
            "the delivery has no prelabelled column (yes/no per row)", source.file, column="prelabelled"
        )
    gold_of = {g.item_id: g.label for g in gold.items} if gold is not None else {}
    tally = {flag: [0, 0, 0, 0, 0] for flag in (True, False)}  # rows, reviewed, failed, gold, right
    bad: list[int] = []
    wanted = ["item_id", "label", "gold_label", "qa_result", "prelabelled"]
    for batch, offset in source.batches(wanted):
        cols = {name: batch.column(name).to_pylist() for name in batch.schema.names}
        rows = cols.get("__row") or list(range(offset + 1, offset + batch.num_rows + 1))
        for i in range(batch.num_rows):
            flag_text = (cols["prelabelled"][i] or "").strip().lower()
            if flag_text not in YES and flag_text not in NO:
                bad.append(rows[i])
                continue
            t = tally[flag_text in YES]
            t[0] += 1
            qa = (cols.get("qa_result", [None] * batch.num_rows)[i] or "").strip().lower()
            if qa in QA_PASS or qa in QA_FAIL:
                t[1] += 1
                t[2] += qa in QA_FAIL
            truth = gold_of.get(cols["item_id"][i]) or (cols.get("gold_label", [None] * batch.num_rows)[i] or None)
            if truth is not None:
                t[3] += 1
                t[4] += cols["label"][i] == truth
    if bad:
        raise InputError.at(
            f"prelabelled must be yes or no; {len(bad)} row(s) say otherwise (first at row {bad[0]})",
            source.file,
            row=bad[0],
            column="prelabelled",
        )
    return PrelabelCounts(source=source.file, prelabelled=tally[True], human_only=tally[False])


def marked_prelabel(source: DeliverySource, gold: GoldSet | None = None) -> PrelabelCounts | None:
    """`prelabel_counts` when the delivery has a `prelabelled` column, else None (nothing to compare)."""
    return prelabel_counts(source, gold) if "prelabelled" in source.columns else None


def prelabel_evidence(source: DeliverySource, gold: GoldSet | None = None) -> PrelabelEvidence:
    """The delivery's pre-labelled against human-only rows, compared (`compare_prelabel`)."""
    return compare_prelabel(prelabel_counts(source, gold))


def compare_prelabel(counts: PrelabelCounts) -> PrelabelEvidence:
    """Both groups' rates, the two tests and the suggested AI-assisted throughput score, from counts (so a
    stored delivery's counts give the same evidence as reading the file again)."""
    source = counts.source
    pre, human = _group(*counts.prelabelled), _group(*counts.human_only)
    acc_drop = rate_drop(human.right, human.gold, pre.right, pre.gold)
    # a rise in corrections is a drop in the share passing review
    corr = rate_drop(human.reviewed - human.corrected, human.reviewed, pre.reviewed - pre.corrected, pre.reviewed)
    parts = [
        MeasuredPart(
            measure="accuracy_prelabelled_vs_human",
            value=None if acc_drop.after is None or acc_drop.before is None else acc_drop.after - acc_drop.before,
            score=None,
            reason=f"pre-labelled {pre.right}/{pre.gold} vs human-only {human.right}/{human.gold} right on gold"
            + _verdict(acc_drop, "that pre-labelled is worse"),
        ),
        MeasuredPart(
            measure="correction_rate_prelabelled_vs_human",
            value=None if corr.after is None or corr.before is None else corr.before - corr.after,
            score=None,
            reason=f"corrected in QA: pre-labelled {pre.corrected}/{pre.reviewed} vs human-only "
            f"{human.corrected}/{human.reviewed}"
            + _verdict(corr, "that pre-labelled needs more"),
        ),
    ]
    return PrelabelEvidence(
        source=source,
        prelabelled=pre,
        human_only=human,
        accuracy_drop=acc_drop,
        correction_rise=corr,
        suggestion=suggest_ai_score(acc_drop.p_value, corr.p_value, source=source, parts=parts),
    )
