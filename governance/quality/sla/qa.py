"""QA review figures: defect rate with a Wilson interval, QA coverage per category in exact
integer arithmetic, and a stratified, seeded sample for the next QA round."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel

from governance.quality.reading.delivery import ROW_COLUMN
from governance.quality.reading.delivery_counts import PERIOD_COLUMNS, DeliveryCounts
from governance.quality.stats.estimate import wilson_interval as _wilson
from ingest import inert

NO_CATEGORY = "(no category)"
_COL = {name: i for i, name in enumerate(PERIOD_COLUMNS)}


class RateResult(BaseModel):
    """A proportion with its counts; `value` is None (with a reason) when the denominator is 0."""

    numerator: int
    denominator: int
    value: float | None
    ci: tuple[float, float] | None
    undefined_reason: str | None = None
    method: str = "Wilson score interval (95%)"


class CoverageRow(BaseModel):
    """QA coverage of one category: reviewed of delivered against the required count."""

    category: str
    delivered: int
    reviewed: int
    required: int
    rate: str
    value: float | None
    meets: bool
    shortfall: int


def as_fraction(rate: float | str | Fraction) -> Fraction:
    """0.1 -> 1/10 exactly (via its decimal text), so 10% of 70 requires 7, never 8."""
    frac = rate if isinstance(rate, Fraction) else Fraction(str(rate))
    if not 0 <= frac <= 1:
        raise ValueError(f"a rate must lie between 0 and 1, got {rate}")
    return frac


def required_count(delivered: int, rate: Fraction) -> int:
    """ceil(delivered * rate) in integers, at least one for a non-empty category."""
    if delivered <= 0:
        return 0
    return max(1, -(-delivered * rate.numerator // rate.denominator))


def wilson_interval(successes: int, n: int) -> tuple[float, float]:
    """95% Wilson score interval (n > 0), from `governance.quality.stats.estimate`; exact 0 and 1 at the ends."""
    low, high = _wilson(successes, n, 0.95)
    return (0.0 if successes == 0 else float(low)), (1.0 if successes == n else float(high))


def rate(numerator: int, denominator: int, what: str) -> RateResult:
    """A proportion, or no value and a reason when nothing was observed."""
    numerator, denominator = int(numerator), int(denominator)
    if denominator == 0:
        return RateResult(numerator=0, denominator=0, value=None, ci=None, undefined_reason=f"no {what}")
    return RateResult(
        numerator=numerator,
        denominator=denominator,
        value=numerator / denominator,
        ci=wilson_interval(numerator, denominator),
    )


def period_table(counts: DeliveryCounts, dim: str) -> np.ndarray:
    """Row-level counts (PERIOD_COLUMNS), one row per code of `dim`; for category, task_type and batch
    row 0 is 'no value' (see `group_names`)."""
    return counts.table(f"{dim}_period").reshape(-1, len(PERIOD_COLUMNS))


def dim_values(counts: DeliveryCounts, dim: str) -> list[str]:
    """The values of a dimension (category, task_type or batch) in code order."""
    return {"category": counts.categories, "task_type": counts.task_types, "batch": counts.batches}[dim]


def dim_codes(counts: DeliveryCounts, dim: str) -> np.ndarray:
    """Each item's code in a dimension: its index in `dim_values`, -1 for no value."""
    return {"category": counts.item_category, "task_type": counts.item_task_type, "batch": counts.item_batch}[dim]


def group_names(counts: DeliveryCounts, dim: str) -> list[str]:
    """Names of a row-level table's rows: index 0 is 'no value'."""
    return [NO_CATEGORY, *dim_values(counts, dim)]


def scope_counts(counts: DeliveryCounts, dim: str, group: str | None = None) -> np.ndarray:
    """Row-level counts (PERIOD_COLUMNS) of the whole delivery, or of one named group of `dim`
    (all zeros for a name the delivery does not have)."""
    table = period_table(counts, dim)
    if group is not None:
        names = group_names(counts, dim)
        table = table[[names.index(group)]] if group in names else table[:0]
    return table.sum(axis=0)


def defect_rate(counts: DeliveryCounts, dim: str = "category", group: str | None = None) -> RateResult:
    """Failed / reviewed annotations, overall or for one named group of `dim`."""
    row = scope_counts(counts, dim, group)
    return rate(int(row[_COL["failed"]]), int(row[_COL["reviewed"]]), "reviewed annotations")


def defect_rates(counts: DeliveryCounts, dim: str = "category") -> dict[str, RateResult]:
    """Defect rate of every group that has annotations."""
    table = period_table(counts, dim)
    return {
        name: rate(int(row[_COL["failed"]]), int(row[_COL["reviewed"]]), "reviewed annotations")
        for name, row in zip(group_names(counts, dim), table, strict=False)
        if row[_COL["rows"]] > 0
    }


def qa_coverage(counts: DeliveryCounts, min_rate: float | str | Fraction) -> list[CoverageRow]:
    """Reviewed / delivered annotations for EVERY category in the delivery, reviewed or not."""
    frac = as_fraction(min_rate)
    table = period_table(counts, "category")
    out = []
    for name, row in zip(group_names(counts, "category"), table, strict=False):
        delivered, reviewed = int(row[_COL["rows"]]), int(row[_COL["reviewed"]])
        if delivered == 0:
            continue
        need = required_count(delivered, frac)
        out.append(
            CoverageRow(
                category=name,
                delivered=delivered,
                reviewed=reviewed,
                required=need,
                rate=str(Fraction(reviewed, delivered)),
                value=reviewed / delivered,
                meets=reviewed >= need,
                shortfall=max(0, need - reviewed),
            )
        )
    return out


def sample_sizes(sizes: Sequence[int], min_rate: float | str | Fraction, min_per_category: int = 10) -> list[int]:
    """Per-category sample: ceil(rate x size), raised to `min_per_category` (capped at the size),
    so rare categories are over-represented relative to their share of the delivery."""
    frac = as_fraction(min_rate)
    return [min(n, max(required_count(n, frac), min_per_category)) if n else 0 for n in sizes]


def qa_sample(table: pa.Table, min_rate: float | str | Fraction, seed: int = 0, min_per_category: int = 10) -> pa.Table:
    """A stratified random sample of annotations (rows) meeting `min_rate` in every category;
    the same table and seed always give the same sample."""
    if "category" in table.column_names and table.num_rows:
        encoded = pc.dictionary_encode(pc.fill_null(table.column("category").combine_chunks(), NO_CATEGORY))
        values = encoded.dictionary.to_pylist()  # one entry per distinct category, not per row
        local = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    else:
        values, local = [NO_CATEGORY], np.zeros(table.num_rows, np.int64)
    names = sorted(values)
    position = {name: i for i, name in enumerate(names)}
    codes = np.asarray([position[v] for v in values], np.int64)[local]
    sizes = np.bincount(codes, minlength=len(names))
    wanted = np.asarray(sample_sizes(sizes.tolist(), min_rate, min_per_category), np.int64)
    rng = np.random.default_rng(seed)
    chosen = [np.sort(rng.choice(np.flatnonzero(codes == i), size=wanted[i], replace=False)) for i in range(len(names))]
    idx = np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, np.int64)
    sample = table.take(pa.array(idx))
    sample = sample.append_column("stratum_delivered", pa.array(sizes[codes[idx]]))
    return sample.append_column("stratum_sampled", pa.array(wanted[codes[idx]]))


REVIEW_COLUMNS = ("review_id", "item_id", "category", "label")


class SampleFiles(BaseModel):
    """A blind QA round: the reviewers' CSV (review id, item, category, the annotation to review,
    nothing else) and the buyer's key (the same review ids with annotator, gold, source row, strata)."""

    review: str
    key: str


def sample_files(sample: pa.Table, seed: int = 0) -> SampleFiles:
    """Split a QA sample into the blind reviewers' file and the buyer's key, in a seeded shuffled
    order so the file order does not give away annotators or batches; joined by `review_id`."""
    order = np.random.default_rng([seed, 1]).permutation(sample.num_rows)
    shuffled = sample.take(pa.array(order, pa.int64()))
    keyed = shuffled.add_column(0, "review_id", pa.array(np.arange(1, sample.num_rows + 1)))
    review = keyed.select([c for c in REVIEW_COLUMNS if c in keyed.column_names])
    return SampleFiles(review=_csv_text(review.column_names, review), key=sample_csv(keyed))


def _csv_text(columns: list[str], table: pa.Table) -> str:
    data = [table.column(c).to_pylist() for c in columns]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([inert(value) for value in row] for row in zip(*data, strict=True))
    return out.getvalue()


def sample_csv(sample: pa.Table) -> str:
    """A QA sample as CSV with everything (the buyer's key): the delivery's columns, the stratum sizes
    and, when known, the row of each annotation in the delivered file; text never runs as a formula."""
    columns = [c for c in sample.column_names if c != ROW_COLUMN]
    if ROW_COLUMN in sample.column_names:
        sample = sample.append_column("source_row", sample.column(ROW_COLUMN))
        columns.append("source_row")
    return _csv_text(columns, sample)
