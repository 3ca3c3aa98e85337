"""Additive count tables of a delivery, built record batch by record batch.

Each batch's rows become codes and row-level tables (QA, gold and timing counts per category, task
type, batch, annotator and week), which simply add up. Per-item tables (label counts, annotator
bits, first category and gold label) depend on the layout, decided by the first batch: when rows
come in runs of one item, each batch keeps one row per run and `governance.quality.reading.item_tables` merges them,
so memory follows the number of items; when rows scatter items, the rows are kept in small codes
and the item tables are built from all of them at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from governance.quality.reading.columns import ROW_COLUMN, as_text
from governance.quality.reading.delivery import DeliverySource
from governance.quality.reading.item_ids import encode_ids
from governance.quality.reading.item_tables import ATTRIBUTES, BatchTables, Layout, merge
from governance.quality.reading.label_order import LabelOrder, order_groups, order_labels
from governance.quality.reading.read_ahead import read_ahead
from ingest import InputError, Location, Problem

MAX_PAIRED_ANNOTATORS = 8
MAX_PROBLEMS = 200
_JOINT_BINS = 1 << 21  # largest joint category x task type x batch x annotator x flags table
_GROUP_BINS = 1 << 23  # largest period x category (or annotator) x flags table kept for drift
US_PER_DAY = 86_400 * 10**6
QA_PASS = {"pass", "passed", "ok", "accept", "accepted", "approved", "correct", "true", "1", "yes"}
QA_FAIL = {"fail", "failed", "reject", "rejected", "defect", "error", "incorrect", "false", "0", "no"}
# row-level tables per week / per batch: these columns, in this order
PERIOD_COLUMNS = ("rows", "reviewed", "failed", "gold", "correct", "timed", "on_time")


class Vocab:
    """Global codes for the values of one text column; a fixed vocabulary rejects new values."""

    def __init__(self, values: Iterable[str] = (), fixed: bool = False) -> None:
        self.values: list[str] = []
        self.index: dict[str, int] = {}
        self.fixed = False
        for v in values:
            self.add(v)
        self.fixed = fixed

    def add(self, value: str) -> int:
        code = self.index.get(value)
        if code is None:
            if self.fixed:
                return -2
            code = self.index[value] = len(self.values)
            self.values.append(value)
        return code

    def __len__(self) -> int:
        return len(self.values)

    def codes(self, arr: pa.Array) -> np.ndarray:
        """int32 codes: -1 for missing/blank, -2 for a value outside a fixed vocabulary."""
        enc = arr if pa.types.is_dictionary(arr.type) else pc.dictionary_encode(arr)
        values = enc.dictionary
        if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
            values = as_text(values)
        texts = [None if v is None or not v.strip() else v.strip() for v in values.to_pylist()]
        indices = _indices(enc.indices)
        if any(t is not None and t not in self.index for t in texts):
            # new values join in the order rows first use them; a dictionary may also hold values
            # no row uses (a categorical column), which never join
            first = np.full(len(texts) + 1, len(indices), np.int64)
            first[indices[::-1]] = np.arange(len(indices) - 1, -1, -1)
            for j in np.argsort(first[: len(texts)], kind="stable").tolist():
                if texts[j] is not None and first[j] < len(indices):
                    self.add(texts[j])  # type: ignore[arg-type]
        lookup = np.array([-1 if t is None else self.index.get(t, -2) for t in texts] + [-1], dtype=np.int32)
        if not enc.indices.null_count and np.array_equal(lookup[:-1], np.arange(len(lookup) - 1)):
            return indices.astype(np.int32)  # the batch's dictionary is in vocabulary order
        return lookup.take(indices)


_FLAG_STATES = 1 << len(PERIOD_COLUMNS)
_FLAG_BITS = ((np.arange(_FLAG_STATES)[:, None] >> np.arange(len(PERIOD_COLUMNS))) & 1).astype(np.int64)


def _decode_flags(bins: np.ndarray) -> np.ndarray:
    """(groups x 128 flag states) counts -> (groups x PERIOD_COLUMNS) counts."""
    return bins.reshape(-1, _FLAG_STATES) @ _FLAG_BITS


def _decode_grid(bins: np.ndarray) -> np.ndarray:
    """(... x 128 flag states) counts -> (... x PERIOD_COLUMNS) counts."""
    return _decode_flags(bins).reshape(*bins.shape[:-1], len(PERIOD_COLUMNS))


def _indices(indices: pa.Array) -> np.ndarray:
    """Dictionary indices as a numpy array, nulls as -1 (zero-copy when there are no nulls)."""
    if indices.null_count:
        indices = indices.fill_null(-1)
    return indices.to_numpy(zero_copy_only=False)


def _week_of(us: np.ndarray) -> np.ndarray:
    """Monday-based week index since the epoch (1970-01-01 was a Thursday)."""
    return (us + 3 * US_PER_DAY) // (7 * US_PER_DAY)  # = (us // day + 3) // 7, one division


def week_start(week: int) -> str:
    """ISO date of the Monday that starts a week index."""
    return str(np.datetime64(int(week) * 7 - 3, "D"))


def _times(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(microseconds since epoch, present mask, unparseable mask); naive times are taken as UTC.
    Microseconds reach the year 9999, which deliveries use for "no deadline"."""
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    if pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
        if pa.types.is_timestamp(arr.type) and arr.type.tz is not None:
            arr = arr.cast(pa.timestamp(arr.type.unit))
        us = pc.cast(pc.cast(arr, pa.timestamp("us"), safe=False), pa.int64())  # drops nanoseconds only
        if not us.null_count:
            return us.to_numpy(), np.ones(len(arr), bool), np.zeros(len(arr), bool)
        present = pc.is_valid(us).to_numpy(zero_copy_only=False)
        return us.fill_null(0).to_numpy(), present, np.zeros(len(arr), bool)
    import pandas as pd

    text = arr.to_pandas()
    parsed = pd.to_datetime(text, errors="coerce", utc=True, format="mixed")
    given = text.notna().to_numpy() & (text.astype(str).str.strip() != "").to_numpy()
    ok = parsed.notna().to_numpy()
    us = parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[us]").astype(np.int64)
    return np.where(ok, us, 0), ok, given & ~ok


def _item_codes(items: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray | None]:
    """Keys for the batch's per-item tables (strings), each row's index into them (-1 for a
    missing id) and, when each key is a run of rows, the run starts. Each run of equal ids is one
    key, so there is no hashing per batch: a delivery usually lists an item's annotations together,
    and `finish` merges keys that recur."""
    if pa.types.is_dictionary(items.type):  # a categorical column: its dictionary may hold unused ids
        items = items.cast(items.type.value_type)
    if not pa.types.is_string(items.type):
        items = pc.cast(items, pa.string())
    if items.null_count:  # missing ids become -1 rows; the rest by their distinct values
        enc = pc.dictionary_encode(items)
        # exact-size copy of the keys: the encoder's buffers over-allocate
        return pa.concat_arrays([enc.dictionary]), _indices(enc.indices).astype(np.int32), None
    n = len(items)
    changed = pc.not_equal(items.slice(1), items.slice(0, n - 1)).to_numpy(zero_copy_only=False)
    codes = np.zeros(n, np.int32)
    np.cumsum(changed, dtype=np.int32, out=codes[1:])
    starts = np.concatenate(([0], np.flatnonzero(changed) + 1))
    return items.take(pa.array(starts)), codes, starts


def _first_code(
    codes: np.ndarray, item: np.ndarray, ok: np.ndarray, first: np.ndarray, every: bool = False
) -> np.ndarray:
    """Each item's code from the first usable row that has one (-1 where none has); `first` holds
    each item's first usable row, or len(codes) where it has none (`every`: no item lacks one)."""
    n = len(codes)
    if int(codes.min()) >= 0:
        return codes[first] if every else np.where(first < n, codes[np.minimum(first, n - 1)], -1).astype(np.int32)
    out = np.full(len(first), -1, np.int32)
    sel = np.flatnonzero(ok & (codes >= 0))[::-1]  # reversed: the first row wins
    out[item[sel]] = codes[sel]
    return out


def _pad(arr: np.ndarray, shape: tuple[int, ...], fill: int = 0) -> np.ndarray:
    if arr.shape == shape:
        return arr
    out = np.full(shape, fill, arr.dtype)
    out[tuple(slice(0, s) for s in arr.shape)] = arr
    return out


_ROW_FIELDS = ("item", "ok", "lab", "ann", "cat", "task", "bat", "gold", "wk", "dated")


def _small(codes: np.ndarray, size: int) -> np.ndarray:
    return codes.astype(np.int8 if size < 2**7 else np.int16 if size < 2**15 else np.int32)


@dataclass
class _Rows:
    """A batch's rows as codes: item key index, usable, label, annotator, category, task type,
    batch, gold label (-1: none; -2: outside the label set), week, and whether it is dated."""

    item: np.ndarray
    ok: np.ndarray
    lab: np.ndarray
    ann: np.ndarray
    cat: np.ndarray
    task: np.ndarray
    bat: np.ndarray
    gold: np.ndarray
    wk: np.ndarray
    dated: np.ndarray

    def kept(self, labels: int, annotators: int, vocabs: list[int]) -> dict[str, np.ndarray]:
        """The rows in small integer types, to keep until the end of the file."""
        kept = {name: getattr(self, name) for name in _ROW_FIELDS}
        kept.update(lab=_small(self.lab, labels), gold=_small(self.gold, labels), ann=_small(self.ann, annotators))
        kept.update(
            {name: _small(getattr(self, name), size) for name, size in zip(("cat", "task", "bat"), vocabs, strict=True)}
        )
        return kept


class _RowNumbers:
    """File row numbers of a batch's rows (given, or offset + index + 1), looked up only where a
    message or a gold item needs one."""

    def __init__(self, given: np.ndarray | None, offset: int = 0) -> None:
        self.given, self.offset = given, offset

    def __getitem__(self, index: Any) -> Any:
        return self.given[index] if self.given is not None else np.add(index, self.offset + 1)


@dataclass
class DeliveryCounts:
    """Everything the SLA check needs from a delivery, as count tables over integer codes."""

    file: str
    n_rows: int = 0
    items: pa.Array = field(default_factory=lambda: pa.array([], pa.string()))
    annotators: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    label_order: LabelOrder = "label set"
    categories: list[str] = field(default_factory=list)
    task_types: list[str] = field(default_factory=list)
    batches: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    item_counts: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int32))
    item_category: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    item_task_type: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    item_batch: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    item_week: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    item_gold: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    item_annotators: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), np.uint64))
    labels_by_annotator: np.ndarray | None = None
    tables: dict[str, np.ndarray] = field(default_factory=dict)
    weeks: dict[int, np.ndarray] = field(default_factory=dict)
    day_span: tuple[int, int] | None = None  # first and last submission day, days since 1970-01-01
    week_groups: dict[str, dict[int, np.ndarray]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    cache: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def n_items(self) -> int:
        return len(self.items)

    def table(self, name: str) -> np.ndarray:
        """A row-level table by name; category-indexed tables have index 0 for 'no category'."""
        return self.tables.get(name, np.zeros(0, np.int64))


class _Builder:
    """Accumulates batches; `finish()` merges the per-batch item tables into `DeliveryCounts`."""

    def __init__(self, source: DeliverySource, label_set: Sequence[str] | None) -> None:
        self.source = source
        self.file = source.file
        self.labels = Vocab(label_set or (), fixed=label_set is not None)
        self.annotators = Vocab()
        self.vocabs = {name: Vocab() for name in ATTRIBUTES}
        self.partials: list[BatchTables] = []
        self.keys: list[pa.Array] = []
        self.scattered: bool | None = None
        self.row_parts: list[dict[str, np.ndarray]] = []
        self.row_numbers: list[np.ndarray | None] = []
        self.n_keys = 0  # keys of the batches so far: a key's position is n_keys + its index
        self.gold_rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # key position, label, row
        self.repeated: list[np.ndarray] = []  # key positions with an annotator twice in one batch
        self.tables: dict[str, np.ndarray] = {}
        self.weeks: dict[int, np.ndarray] = {}
        self.day_span: tuple[int, int] | None = None
        self.week_groups: dict[str, dict[int, np.ndarray]] = {"category": {}, "annotator": {}}
        self.too_large: set[str] = set()  # per-group period tables given up on (never kept partial)
        self.problems: list[Problem] = []
        self.n_problems = 0
        self.warnings: list[str] = []
        self.n_rows = 0
        self.paired = True

    def problem(self, row: int, column: str | None, message: str) -> None:
        self.problems_at(np.array([0]), _RowNumbers(np.array([row])), column, message)

    def problems_at(
        self, idx: np.ndarray, row_numbers: _RowNumbers, column: str | None, message: str | Sequence[str]
    ) -> None:
        """A problem on each row `idx` (indices into `row_numbers`); all are counted, the messages
        of the first MAX_PROBLEMS are kept (`message` may give one per kept row)."""
        self.n_problems += len(idx)
        kept = idx[:MAX_PROBLEMS]
        texts = [message] * len(kept) if isinstance(message, str) else message
        for i, text in zip(kept.tolist(), texts, strict=True):
            self.problems.append(
                Problem(Location(self.file, self.source.sheet_name, int(row_numbers[i]), column), text)
            )

    def _trim_problems(self) -> None:
        """Keep the MAX_PROBLEMS problems that come first in the file, whatever the batch size."""
        self.problems.sort(key=lambda p: (p.location.row or 0, p.location.column or "", p.message))
        del self.problems[MAX_PROBLEMS:]

    def _acc(self, name: str, values: np.ndarray) -> None:
        old = self.tables.get(name)
        if old is None:
            self.tables[name] = values.astype(np.int64)
            return
        shape = tuple(max(a, b) for a, b in zip(old.shape, values.shape, strict=True))
        self.tables[name] = _pad(old, shape) + _pad(values.astype(np.int64), shape)

    def add(self, batch: pa.RecordBatch, offset: int) -> None:
        n = batch.num_rows
        if n == 0:
            return
        names = batch.schema.names
        row_numbers = _RowNumbers(batch.column(ROW_COLUMN).to_numpy() if ROW_COLUMN in names else None, offset)
        self.n_rows += n

        keys, item, starts = _item_codes(batch.column("item_id"))
        blank = np.flatnonzero(
            pc.or_(pc.equal(pc.binary_length(keys), 0), pc.utf8_is_space(keys)).to_numpy(zero_copy_only=False)
        )
        if len(blank):
            item[np.isin(item, blank)] = -1
        ann = self.annotators.codes(batch.column("annotator_id"))
        lab = self.labels.codes(batch.column("label"))

        bad = item < 0
        self.problems_at(np.flatnonzero(bad), row_numbers, "item_id", "annotation without an item id")
        for code, column, message in (
            (ann, "annotator_id", "annotation without an annotator"),
            (lab, "label", "annotation without a label"),
        ):
            missing = code == -1
            bad |= missing
            self.problems_at(np.flatnonzero(missing), row_numbers, column, message)
        outside = lab == -2
        if outside.any():
            bad |= outside
            at = np.flatnonzero(outside)
            values = batch.column("label").take(pa.array(at[:MAX_PROBLEMS])).to_pylist()
            allowed = ", ".join(self.labels.values)
            self.problems_at(
                at,
                row_numbers,
                "label",
                [f"label {v!r} is not in the contract's label set ({allowed})" for v in values],
            )
        ok = ~bad
        all_ok = not bad.any()
        V, A = max(len(self.labels), 1), max(len(self.annotators), 1)

        def opt_codes(name: str) -> np.ndarray:
            if name not in names:
                return np.full(n, -1, np.int32)
            return self.vocabs[name].codes(batch.column(name))

        cat, task, bat = opt_codes("category"), opt_codes("task_type"), opt_codes("batch")
        if "gold_label" not in names:
            gold = np.full(n, -1, np.int32)
        else:
            gold = self.labels.codes(batch.column("gold_label"))
            out_gold = gold == -2
            self.problems_at(
                np.flatnonzero(out_gold), row_numbers, "gold_label", "gold label is not in the contract's label set"
            )
            gold[out_gold] = -1
            V = max(len(self.labels), 1)
        qa = self._qa(batch.column("qa_result"), row_numbers) if "qa_result" in names else np.full(n, -1, np.int8)
        sub_ok = np.zeros(n, bool)
        sub = np.zeros(n, np.int64)
        timed = np.zeros(n, bool)
        on_time = np.zeros(n, bool)
        if "submitted_at" in names:
            sub, sub_ok, sub_bad = _times(batch.column("submitted_at"))
            self.problems_at(np.flatnonzero(sub_bad), row_numbers, "submitted_at", "not a date/time")
            if "due_at" in names:
                due, due_ok, due_bad = _times(batch.column("due_at"))
                self.problems_at(np.flatnonzero(due_bad), row_numbers, "due_at", "not a date/time")
                timed = sub_ok & due_ok & ok
                on_time = timed & (sub <= due)

        wk = _week_of(sub).astype(np.int32)
        dated = ok & sub_ok
        rows = _Rows(item, ok, lab, ann, cat, task, bat, gold, wk, dated)
        if self.scattered is None:  # the first batch decides: runs of one item, or scattered rows
            self.scattered = len(keys) * 2 > n
        if self.scattered:
            self.row_parts.append(
                rows.kept(len(self.labels), len(self.annotators), [len(v) for v in self.vocabs.values()])
            )
            self.row_numbers.append(row_numbers.given)
        else:
            self.partials.append(BatchTables(len(keys), self._item_tables(keys, rows, row_numbers, starts=starts)))
        at = np.flatnonzero(ok & (gold >= 0))
        self.gold_rows.append((self.n_keys + item[at].astype(np.int64), _small(gold[at], V), row_numbers[at]))
        self.keys.append(keys)
        self.n_keys += len(keys)
        all_dated = bool(dated.all())

        # row-level tables: PERIOD_COLUMNS per category / task type / batch / annotator / week
        reviewed, failed = ok & (qa >= 0), ok & (qa == 1)
        g = ok & (gold >= 0)
        flags = np.zeros(n, np.uint8)
        for bit, flag in enumerate((ok, reviewed, failed, g, g & (gold == lab), timed, on_time)):
            flags |= flag.view(np.uint8) << np.uint8(bit)
        groups = {
            dim: (codes, len(self.vocabs[dim]) + 1) for dim, codes in zip(ATTRIBUTES, (cat, task, bat), strict=True)
        }
        usable_ann = ann if all_ok else np.where(ok, ann, 0)
        self._period_tables(groups, usable_ann, A, flags)
        gi = np.flatnonzero(g)
        c1, lg, ll = cat[gi].astype(np.int64) + 1, gold[gi].astype(np.int64), lab[gi].astype(np.int64)
        ncat = len(self.vocabs["category"]) + 1
        self._acc("category_confusion", np.bincount((c1 * V + lg) * V + ll, minlength=ncat * V * V).reshape(ncat, V, V))
        self._acc(
            "annotator_confusion",
            np.bincount((ann[gi].astype(np.int64) * V + lg) * V + ll, minlength=A * V * V).reshape(A, V, V),
        )
        if all_dated or dated.any():
            weeks, wflags = (wk, flags) if all_dated else (wk[dated], flags[dated])
            low, high = int(weeks.min()), int(weeks.max())
            span = high - low + 1
            # per week and category/annotator first: its sums give the per-week table for free
            per_week = self._week_groups(weeks, low, span, cat, usable_ann, A, wflags, None if all_dated else dated)
            if per_week is not None:
                table = _decode_flags(per_week)
                present = np.flatnonzero(table[:, 0])
                pairs = zip((present + low).tolist(), table[present], strict=True)
            elif span <= 100_000:
                table = _decode_flags(np.bincount((weeks - low) * _FLAG_STATES + wflags, minlength=span * _FLAG_STATES))
                present = np.flatnonzero(table[:, 0])
                pairs = zip((present + low).tolist(), table[present], strict=True)
            else:
                uniq, inv = np.unique(weeks, return_inverse=True)
                table = _decode_flags(np.bincount(inv * _FLAG_STATES + wflags, minlength=len(uniq) * _FLAG_STATES))
                pairs = zip(uniq.tolist(), table, strict=True)
            for w, row in pairs:
                self.weeks[w] = self.weeks.get(w, 0) + row
            stamps = sub if all_dated else sub[dated]
            lo, hi = int(stamps.min()) // US_PER_DAY, int(stamps.max()) // US_PER_DAY
            known = self.day_span
            self.day_span = (lo, hi) if known is None else (min(known[0], lo), max(known[1], hi))
        if len(self.problems) > MAX_PROBLEMS:
            self._trim_problems()

    def _item_tables(
        self,
        keys: pa.Array,
        r: _Rows,
        row_numbers: _RowNumbers,
        whole: bool = False,
        starts: np.ndarray | None = None,
    ) -> dict[str, np.ndarray]:
        """Per-key tables of rows whose `item` indexes `keys`: label counts, annotator bits, labels
        by annotator, first category / task type / batch, first week, split categories. A repeated
        (item, annotator) is a problem right here when the rows are the `whole` file; otherwise its
        key is noted and `finish` locates the rows. `starts`: the first row of each key when every
        key is one run of rows (then per-key firsts and minima need no scatter)."""
        item, ok, lab, ann = r.item, r.ok, r.lab, r.ann
        n, nl = len(item), len(keys)
        V, A = max(len(self.labels), 1), max(len(self.annotators), 1)
        rows = None if ok.all() else np.flatnonzero(ok)
        runs = starts if rows is None else None  # every row usable and each key one run
        vi, vl, va = (item, lab, ann) if rows is None else (item[rows], lab[rows], ann[rows])
        wide = nl * V >= 2**31
        cell = vi.astype(np.int64) * V + vl if wide else vi * np.int32(V) + vl
        counts = np.bincount(cell, minlength=nl * V).reshape(nl, V)
        most = int(counts.max(initial=0))
        counts = counts.astype(np.uint8 if most < 2**8 else np.int16 if most < 2**15 else np.int32)
        W = (A + 63) // 64
        mask: np.ndarray = np.zeros((nl, W), np.uint64)
        by_ann = None
        if self.paired and A <= MAX_PAIRED_ANNOTATORS:
            by_ann = np.full((nl, A), -1, np.int8 if V < 127 else np.int16)
            by_ann.reshape(-1)[vi * np.int64(A) + va] = vl
            # a repeated (item, annotator) fills one cell, which lowers the popcount below the row count
            mask = np.zeros((nl, 1), np.uint8)  # one byte: at most 8 annotators
            for a in range(A):
                mask[:, 0] |= (by_ann[:, a] >= 0).view(np.uint8) << np.uint8(a)
        else:
            self.paired = False
            bits = np.left_shift(np.uint64(1), (va & 63).astype(np.uint64))
            np.bitwise_or.at(mask, (vi, va >> 6), bits)
        if int(np.bitwise_count(mask).sum()) != len(vi):
            if whole:
                self._report_repeats(vi, va, np.arange(n) if rows is None else rows, row_numbers, keys)
            else:
                repeated = np.bitwise_count(mask).sum(axis=1) < counts.sum(axis=1)
                self.repeated.append(self.n_keys + np.flatnonzero(repeated))
        if runs is not None:
            first = runs.astype(np.int64, copy=False)
        else:
            first = np.full(nl, n, np.int64)  # each item's first usable row; n where it has none
            if rows is None:
                first[item[::-1]] = np.arange(n - 1, -1, -1)
            else:
                first[vi[::-1]] = rows[::-1]
        attrs = [
            _first_code(codes, item, ok, first, runs is not None).astype(np.int16 if len(vocab) < 2**15 else np.int32)
            for codes, vocab in zip((r.cat, r.task, r.bat), self.vocabs.values(), strict=True)
        ]
        split = np.zeros(nl, bool)  # items whose annotations name more than one category
        if rows is None and int(r.cat.min(initial=0)) >= 0:
            split[item[attrs[0][item] != r.cat]] = True
        else:
            valid = np.flatnonzero(ok & (r.cat >= 0))
            split[item[valid][attrs[0][item[valid]] != r.cat[valid]]] = True
        if r.dated.all() and runs is not None:
            week = np.minimum.reduceat(r.wk.astype(np.int32, copy=False), runs)
        else:
            week = np.full(nl, np.iinfo(np.int32).max, np.int32)
            if r.dated.all():
                np.minimum.at(week, item, r.wk)
            else:
                np.minimum.at(week, item[r.dated], r.wk[r.dated])
        tables: dict[str, np.ndarray] = {
            "counts": counts,
            "mask": mask,
            "week": week,
            "category_split": split,
        }
        tables.update(zip(ATTRIBUTES, attrs, strict=True))
        if by_ann is not None:
            tables["labels_by_annotator"] = by_ann
        return tables

    def _from_rows(
        self, part_keys: pa.Array, key_starts: list[int]
    ) -> tuple[pa.Array, np.ndarray, dict[str, np.ndarray]]:
        """Item tables of a file whose rows scatter items: every row was kept, so code the item
        ids once and build the tables from all rows at once."""
        items, code = encode_ids(part_keys)
        for part, start in zip(self.row_parts, key_starts, strict=True):  # batch key index -> item code
            part["item"] = np.where(part["item"] >= 0, code[start + part["item"]], -1).astype(np.int32)
        rows = _Rows(**{name: np.concatenate([p.pop(name) for p in self.row_parts]) for name in _ROW_FIELDS})
        self.row_parts = []
        given = self.row_numbers
        numbers = np.concatenate([g for g in given if g is not None]) if given and given[0] is not None else None
        self.row_numbers = []
        return items, code, self._item_tables(items, rows, _RowNumbers(numbers), whole=True)

    def _period_tables(
        self, groups: dict[str, tuple[np.ndarray, int]], ann: np.ndarray, A: int, flags: np.ndarray
    ) -> None:
        """PERIOD_COLUMNS per category, task type, batch and annotator: one bincount over every
        combination of the four when that table stays small, else one per dimension."""
        sizes = [size for _, size in groups.values()] + [A]
        if int(np.prod(sizes)) * _FLAG_STATES <= _JOINT_BINS:
            key = np.zeros(len(flags), np.int32)
            for codes, size in groups.values():
                key *= np.int32(size)
                key += codes
                key += 1
            key *= np.int32(A)
            key += ann
            key *= np.int32(_FLAG_STATES)
            key += flags
            joint = np.bincount(key, minlength=int(np.prod(sizes)) * _FLAG_STATES).reshape(*sizes, _FLAG_STATES)
            # two passes over the joint table; every other table sums a smaller one
            by_ann = joint.sum(axis=(0, 1))  # batch x annotator
            no_ann = joint.sum(axis=3)  # category x task type x batch
            by_cat = no_ann.sum(axis=1)  # category x batch
            sums = {"category": by_cat.sum(axis=1), "task_type": no_ann.sum(axis=(0, 2))}
            sums |= {"batch": by_cat.sum(axis=0), "annotator": by_ann.sum(axis=0)}
            for dim, table in sums.items():
                self._acc(f"{dim}_period", _decode_flags(table))
            by_batch = {"batch_category_period": by_cat.transpose(1, 0, 2), "batch_annotator_period": by_ann}
            for table, grid in by_batch.items():
                if table not in self.too_large:
                    self._acc(table, _decode_grid(grid))
            return
        for dim, (codes, size) in groups.items():
            key = (codes.astype(np.int64) + 1) * _FLAG_STATES + flags
            self._acc(f"{dim}_period", _decode_flags(np.bincount(key, minlength=size * _FLAG_STATES)))
        key = ann.astype(np.int64) * _FLAG_STATES + flags
        self._acc("annotator_period", _decode_flags(np.bincount(key, minlength=A * _FLAG_STATES)))
        bat, n_bat = groups["batch"]
        for name, (codes, size) in (
            ("category", (groups["category"][0] + 1, groups["category"][1])),
            ("annotator", (ann, A)),
        ):
            table = f"batch_{name}_period"
            if n_bat * size * _FLAG_STATES > _GROUP_BINS or table in self.too_large:
                self.too_large.add(table)  # drift by batch per group is then not computed
                self.tables.pop(table, None)
                continue
            key = ((bat.astype(np.int64) + 1) * size + codes) * _FLAG_STATES + flags
            grid = np.bincount(key, minlength=n_bat * size * _FLAG_STATES).reshape(n_bat, size, _FLAG_STATES)
            self._acc(table, _decode_grid(grid))

    def _week_groups(
        self,
        weeks: np.ndarray,
        low: int,
        span: int,
        cat: np.ndarray,
        ann: np.ndarray,
        A: int,
        wflags: np.ndarray,
        dated: np.ndarray | None,
    ) -> np.ndarray | None:
        """PERIOD_COLUMNS per (week, category) and per (week, annotator), for drift per group: one
        bincount over (week, category, annotator, flags) when that table is small, else one each.
        Returns the (week, flags) counts when the joint table was made, None otherwise."""
        ncat = len(self.vocabs["category"]) + 1
        c = cat if dated is None else cat[dated]
        a = ann if dated is None else ann[dated]
        grids: dict[str, np.ndarray] = {}
        size = span * ncat * A * _FLAG_STATES
        if size <= _GROUP_BINS:
            key: np.ndarray = (weeks - low).astype(np.int64 if size >= 2**31 else np.int32)
            key *= ncat
            key += c
            key += 1
            key *= A
            key += a
            key *= _FLAG_STATES
            key += wflags
            joint = np.bincount(key, minlength=size).reshape(span, ncat, A, _FLAG_STATES)
            grids = {"category": joint.sum(axis=2), "annotator": joint.sum(axis=1)}
            totals: np.ndarray | None = grids["category"].sum(axis=1)
        else:
            totals = None
            wk = (weeks - low).astype(np.int64)
            for name, codes, n in (("category", c + 1, ncat), ("annotator", a, A)):
                if span * n * _FLAG_STATES <= _GROUP_BINS:  # else dates spread too far for a table per group
                    key64 = (wk * n + codes) * _FLAG_STATES + wflags
                    grids[name] = np.bincount(key64, minlength=span * n * _FLAG_STATES).reshape(span, n, -1)
        for name in ("category", "annotator"):
            if name not in grids or f"week_{name}" in self.too_large:
                self.too_large.add(f"week_{name}")  # never a table that misses some rows
                self.week_groups.pop(name, None)
                grids.pop(name, None)
        for name, grid in grids.items():
            table = _decode_grid(grid)
            store = self.week_groups[name]
            for i in np.flatnonzero(table[:, :, 0].sum(axis=1)).tolist():
                old = store.get(i + low)
                if old is None:
                    store[i + low] = table[i]
                else:
                    shape = (max(old.shape[0], table.shape[1]), len(PERIOD_COLUMNS))
                    store[i + low] = _pad(old, shape) + _pad(table[i], shape)
        return totals

    def _qa(self, arr: pa.Array, row_numbers: _RowNumbers) -> np.ndarray:
        enc = arr if pa.types.is_dictionary(arr.type) else pc.dictionary_encode(arr)
        values = enc.dictionary
        if not pa.types.is_string(values.type):
            values = as_text(values)
        lookup = []
        for v in values.to_pylist():
            key = (v or "").strip().lower()
            lookup.append(-1 if not key else 0 if key in QA_PASS else 1 if key in QA_FAIL else -3)
        table = np.array(lookup + [-1], np.int8)
        out = table[_indices(enc.indices)]
        at = np.flatnonzero(out == -3)
        values = arr.take(pa.array(at[:MAX_PROBLEMS])).to_pylist()
        self.problems_at(at, row_numbers, "qa_result", [f"QA result {v!r} is neither pass nor fail" for v in values])
        out[at] = -1
        return out

    def _report_repeats(
        self, vi: np.ndarray, va: np.ndarray, rows_idx: np.ndarray, row_numbers: _RowNumbers, keys: pa.Array
    ) -> None:
        """A problem on every usable row that repeats an (item, annotator), naming the first row."""
        key = vi.astype(np.int64) * (len(self.annotators) + 1) + va
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        starts = np.r_[True, ordered[1:] != ordered[:-1]]
        first_of = order[np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))]
        again = np.flatnonzero(~starts)
        again = again[np.argsort(order[again], kind="stable")]  # in file order
        messages = [
            f"annotator {self.annotators.values[va[order[j]]]!r} labelled item {keys[int(vi[order[j]])].as_py()!r} "
            f"again (first on row {int(row_numbers[rows_idx[first_of[j]]])}); one annotation per item and annotator"
            for j in again[:MAX_PROBLEMS].tolist()
        ]
        self.problems_at(rows_idx[order[again]], row_numbers, "annotator_id", messages)

    def finish(self) -> DeliveryCounts:
        V, A = max(len(self.labels), 1), max(len(self.annotators), 1)
        parts, self.partials = self.partials, []
        key_starts = np.cumsum([0] + [len(k) for k in self.keys])[:-1].tolist()
        part_keys = pa.concat_arrays(self.keys) if self.keys else pa.array([], pa.string())
        self.keys = []
        if self.scattered:
            keys, code, t = self._from_rows(part_keys, key_starts)
            narrow = int(t["counts"].max(initial=0)) < 2**15
        else:
            narrow = sum(int(p.tables["counts"].max(initial=0)) for p in parts) < 2**15
        layout: Layout = {
            "counts": ((V,), np.int16 if narrow else np.int32, 0),
            "mask": (((A + 63) // 64,), np.uint64, 0),
            "week": ((), np.int32, np.iinfo(np.int32).max),
            "category_split": ((), np.bool_, 0),
        }
        for name, vocab in self.vocabs.items():
            layout[name] = ((), np.int16 if len(vocab) < 2**15 else np.int32, -1)
        if self.paired and A <= MAX_PAIRED_ANNOTATORS:
            layout["labels_by_annotator"] = ((A,), np.int8 if V < 127 else np.int16, -1)
        if self.scattered:
            t = {
                name: _pad(t[name].astype(dtype, copy=False), (len(keys), *shape), fill)
                for name, (shape, dtype, fill) in layout.items()
            }
        else:
            keys, code, t, overlaps = merge(parts, part_keys, layout)
            repeated = np.concatenate([overlaps, *(code[p] for p in self.repeated)])
            if len(repeated):
                self._locate_repeats(keys, np.unique(repeated))
        del parts
        t["gold"] = self._gold(keys, code)
        if self.problems:
            self._trim_problems()
            more = self.n_problems - len(self.problems)
            if more > 0:
                self.problems.append(Problem(Location(self.file), f"... and {more} more problems of the same kinds"))
            raise InputError(self.problems)
        split = int(t.pop("category_split").sum())
        if split:
            self.warnings.append(
                f"{self.file}: {split} item(s) have annotations that give a different category; each "
                "item keeps the first category seen"
            )
        if self.n_rows == 0:
            raise InputError.at("the delivery has no annotations", self.file)
        tables = {k: _pad(v, tuple(max(s, 1) for s in v.shape)) for k, v in self.tables.items()}
        return DeliveryCounts(
            file=self.file,
            n_rows=self.n_rows,
            items=keys,
            annotators=self.annotators.values,
            labels=self.labels.values,
            categories=self.vocabs["category"].values,
            task_types=self.vocabs["task_type"].values,
            batches=self.vocabs["batch"].values,
            columns=self.source.columns,
            item_counts=t["counts"],
            item_category=t["category"],
            item_task_type=t["task_type"],
            item_batch=t["batch"],
            item_week=np.where(t["week"] == np.iinfo(np.int32).max, -1, t["week"]),
            item_gold=t["gold"],
            item_annotators=t["mask"],
            labels_by_annotator=t.get("labels_by_annotator"),
            tables=tables,
            weeks=dict(sorted(self.weeks.items())),
            day_span=self.day_span,
            week_groups={k: dict(sorted(v.items())) for k, v in self.week_groups.items()},
            warnings=self.source.warnings + self.warnings,
        )

    def _gold(self, keys: pa.Array, code: np.ndarray) -> np.ndarray:
        """Each item's gold label, from its first gold row; every gold row that differs from it
        is a problem naming that first row."""
        V = max(len(self.labels), 1)
        gold = np.full(len(keys), -1, np.int16 if V < 2**15 else np.int32)
        if not self.gold_rows:
            return gold
        item = code[np.concatenate([g[0] for g in self.gold_rows])]
        label = np.concatenate([g[1] for g in self.gold_rows])
        row = np.concatenate([np.asarray(g[2], np.int64) for g in self.gold_rows])
        self.gold_rows = []
        gold[item[::-1]] = label[::-1]  # reversed: each item's first gold row is written last
        clash = np.flatnonzero(label != gold[item])
        if not len(clash):
            return gold
        first = np.full(len(keys), -1, np.int64)
        first[item[::-1]] = np.arange(len(item) - 1, -1, -1)
        names = self.labels.values
        messages = [
            f"item {keys[int(item[j])].as_py()!r} has differing gold labels ({names[label[j]]!r} here, "
            f"{names[gold[item[j]]]!r} on row {int(row[first[item[j]]])})"
            for j in clash[:MAX_PROBLEMS].tolist()
        ]
        self.problems_at(clash, _RowNumbers(row), "gold_label", messages)
        return gold

    def _locate_repeats(self, keys: pa.Array, items: np.ndarray) -> None:
        """Second pass over the file for the few items an annotator labelled twice, so that every
        repeat of a usable row can name its first row."""
        wanted = keys.take(pa.array(items))
        first: dict[tuple[str, int], int] = {}
        for batch, offset in self.source.batches(["item_id", "annotator_id", "label"]):
            ids = batch.column("item_id")
            if pa.types.is_dictionary(ids.type):
                ids = ids.cast(ids.type.value_type)
            if not pa.types.is_string(ids.type):
                ids = pc.cast(ids, pa.string())
            hit = np.flatnonzero(pc.is_in(ids, value_set=wanted).to_numpy(zero_copy_only=False))
            if not len(hit):
                continue
            take = pa.array(hit)
            ann = self.annotators.codes(batch.column("annotator_id").take(take))
            usable = (ann >= 0) & (self.labels.codes(batch.column("label").take(take)) >= 0)
            given = batch.column(ROW_COLUMN).to_numpy() if ROW_COLUMN in batch.schema.names else None
            row_numbers = _RowNumbers(given, offset)
            for i, a, ok in zip(hit.tolist(), ann.tolist(), usable.tolist(), strict=True):
                if not ok:
                    continue
                key = (ids[i].as_py(), a)
                if key in first:
                    self.problem(
                        int(row_numbers[i]),
                        "annotator_id",
                        f"annotator {self.annotators.values[a]!r} labelled item {key[0]!r} again (first on "
                        f"row {first[key]}); one annotation per item and annotator",
                    )
                else:
                    first[key] = int(row_numbers[i])


def count_delivery(source: DeliverySource, label_set: Sequence[str] | None = None) -> DeliveryCounts:
    """Read every batch of a delivery into count tables; all input problems raise together."""
    builder = _Builder(source, label_set)
    for batch, offset in read_ahead(source.batches()):
        builder.add(batch, offset)
    return order_groups(order_labels(builder.finish(), label_set is not None))
