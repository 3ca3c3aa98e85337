"""A delivery's annotation rows as plain columns, for statistics that need each annotator's own
labels (per-annotator agreement, repeats, consensus), whatever the number of annotators."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from governance.quality.reading.delivery import ROW_COLUMN, DeliverySource
from governance.quality.stats.codes import DuplicateAnnotationError, MissingValueError, UnknownLabelError
from ingest import InputError, Location, Problem

MAX_ROWS = 50_000_000
_SHOWN = 5


def long_rows(source: DeliverySource, columns: tuple[str, ...], max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """The wanted canonical columns (those present) and the file's row numbers, read batch by
    batch; no rows, or more than `max_rows`, is refused with a located error (the latter rather
    than exhausting memory)."""
    parts: list[pa.RecordBatch] = []
    total = 0
    for batch, offset in source.batches([*columns]):
        total += batch.num_rows
        if total > max_rows:
            raise InputError.at(f"more than {max_rows:,} rows; split the delivery", source.file)
        frame = batch.to_pandas()
        if ROW_COLUMN not in frame:
            frame[ROW_COLUMN] = range(offset + 1, offset + 1 + len(frame))
        parts.append(frame)
    if total == 0:
        raise InputError.at("the delivery has no annotation rows", source.file)
    return pd.concat(parts, ignore_index=True)


RowError = UnknownLabelError | DuplicateAnnotationError | MissingValueError


def located(err: RowError, frame: pd.DataFrame, file: str) -> InputError:
    """A row-level refusal of the statistics (unknown label, missing item or annotator, repeated
    (item, annotator) pair) at its rows in the delivered file (the first few), as an InputError."""
    if isinstance(err, UnknownLabelError):
        positions, column = err.rows, "label"
    elif isinstance(err, MissingValueError):
        positions, column = err.rows, f"{err.what}_id"
    else:
        positions, column = err.duplicates.rows, "annotator_id"
    shown = positions[:_SHOWN]
    rows = frame[ROW_COLUMN].to_numpy()[shown]
    more = f" ({len(positions)} rows in all)" if len(positions) > _SHOWN else ""
    if isinstance(err, UnknownLabelError):
        labels = frame["label"].to_numpy(object)[shown]
        messages = [f"label {label!r} is not in the label set{more}" for label in labels]
    elif isinstance(err, MissingValueError):
        messages = [f"{err.what} is missing{more}"] * len(rows)
    else:
        messages = [f"the annotator labelled this item more than once (--repeats first|last keeps one){more}"] * len(
            rows
        )
    return InputError(
        [Problem(Location(file, row=int(r), column=column), m) for r, m in zip(rows, messages, strict=True)]
    )
