"""A delivery's annotation rows as plain columns, for statistics that need each annotator's own
labels (per-annotator agreement, repeats, consensus), whatever the number of annotators."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from governance.delivery import ROW_COLUMN, DeliverySource
from ingest import InputError

MAX_ROWS = 50_000_000


def long_rows(source: DeliverySource, columns: tuple[str, ...], max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """The wanted canonical columns (those present) and the file's row numbers, read batch by
    batch; more than `max_rows` rows is refused with a located error rather than exhausting memory."""
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
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*columns, ROW_COLUMN]})
    return pd.concat(parts, ignore_index=True)
