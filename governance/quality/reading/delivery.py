"""Read a vendor's delivery (one row per annotation) from CSV, xlsx, JSONL, Parquet or a Label
Studio JSON export, under canonical column names, in record batches so size never decides memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from governance.quality.reading.columns import (
    ALIASES,
    CANONICAL,
    REQUIRED,
    ROW_COLUMN,
    TEXT_COLUMNS,
    TIME_COLUMNS,
    ColumnMapping,
    as_text,
    resolve_columns,
)
from governance.quality.reading.labelstudio import read_labelstudio
from ingest import (
    InputError,
    Location,
    Problem,
    decode_text,
    limits,
    load_json,
    normalise_header,
    read_input,
    read_sheet,
    reading,
)

BATCH_ROWS = 1 << 18
# Parquet reads: no whole-row-group pre-buffering, so memory follows the batch, not the file
PARQUET_OPTIONS: dict[str, Any] = {"pre_buffer": False, "buffer_size": 1 << 23}
BIG_TEXT_FILE = 50 * 1024 * 1024

def _binary(kind: pa.DataType) -> bool:
    """Raw bytes (not text) in a Parquet column, possibly dictionary-encoded."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_fixed_size_binary(kind))


def _cells_to_table(
    header: Sequence[str], rows: Sequence[Sequence[Any]], rows_no: Sequence[int], resolved: dict[str, str]
) -> pa.Table:
    """Python cells -> canonical table of strings (times kept as given, parsed later)."""
    index = {name: i for i, name in enumerate(header)}
    data: dict[str, pa.Array] = {}
    for canonical, source in resolved.items():
        i = index[source]
        values = []
        for r in rows:
            v = r[i] if i < len(r) else None
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            if v is not None and not isinstance(v, str) and canonical not in TIME_COLUMNS:
                v = str(v)
            if canonical in TIME_COLUMNS and v is not None and not isinstance(v, str):
                v = v.isoformat() if hasattr(v, "isoformat") else str(v)
            values.append(v)
        data[canonical] = as_text(pa.array(values, pa.string()))
    data[ROW_COLUMN] = pa.array(rows_no, pa.int64())
    return pa.table(data)


@dataclass
class DeliverySource:
    """A delivery file opened for reading; `batches()` can be called more than once."""

    path: Path
    mapping: ColumnMapping = field(default_factory=ColumnMapping)
    data: bytes | None = None
    batch_rows: int = BATCH_ROWS
    sheet: str | None = None
    warnings: list[str] = field(default_factory=list)
    sheet_name: str | None = None
    progress: Callable[[int], None] | None = None  # told the rows read so far after each full batch
    _table: pa.Table | None = None
    _resolved: dict[str, str] | None = None

    @property
    def file(self) -> str:
        return self.path.name

    @property
    def kind(self) -> str:
        suffix = self.path.suffix.lower()
        if suffix == ".json":
            return "labelstudio"
        return {
            ".parquet": "parquet",
            ".pq": "parquet",
            ".jsonl": "jsonl",
            ".ndjson": "jsonl",
            ".xlsx": "xlsx",
            ".xlsm": "xlsx",
            ".csv": "csv",
            ".tsv": "csv",
            ".txt": "csv",
        }.get(suffix, "unknown")

    @property
    def columns(self) -> list[str]:
        """Canonical columns the delivery provides."""
        if self.kind == "parquet":
            return list(self._parquet_columns())
        return [c for c in self._load().column_names if c != ROW_COLUMN]

    def _parquet_file(self) -> Any:
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(
                pa.BufferReader(self.data) if self.data is not None else str(self.path),
                read_dictionary=self._dictionary_columns(),
                **PARQUET_OPTIONS,
            )
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError.at(f"not a readable Parquet file ({exc})", self.file) from None

    def _dictionary_columns(self) -> list[str] | None:
        """Low-cardinality text columns to read as Arrow dictionaries (no per-row strings)."""
        resolved = self._resolved
        if resolved is None:
            return None
        return [resolved[c] for c in TEXT_COLUMNS if c in resolved and c != "item_id"]

    def _parquet_columns(self) -> dict[str, str]:
        if self._resolved is None:
            schema = self._parquet_file().schema_arrow
            resolved = resolve_columns(schema.names, self.mapping, self.file)
            nested = [
                Problem(Location(self.file, column=name), f"a {schema.field(name).type} column; expected text, numbers")
                for name in resolved.values()
                if pa.types.is_nested(schema.field(name).type) or _binary(schema.field(name).type)
            ]
            if nested:
                raise InputError(nested)
            self._resolved = resolved
        return self._resolved

    def batches(self, columns: Sequence[str] | None = None) -> Iterator[tuple[pa.RecordBatch, int]]:
        """Canonical record batches and the row number offset of each (row = offset + index + 1
        for Parquet; other formats carry their own row numbers in the `__row` column); `progress`
        hears the running row count once the delivery runs past one batch."""
        rows = 0
        for batch, offset in self._batches(columns):
            yield batch, offset
            rows += batch.num_rows
            if self.progress is not None and rows >= self.batch_rows:
                self.progress(rows)

    def _batches(self, columns: Sequence[str] | None = None) -> Iterator[tuple[pa.RecordBatch, int]]:
        if self.kind == "parquet":
            resolved = self._parquet_columns()
            wanted = [c for c in (columns or CANONICAL) if c in resolved]
            pf = self._parquet_file()
            offset = 0
            batches = pf.iter_batches(batch_size=self.batch_rows, columns=[resolved[c] for c in wanted])
            while True:
                try:
                    batch = next(batches, None)
                except (pa.ArrowException, OSError, ValueError) as exc:  # a corrupt page or column chunk
                    raise InputError.at(
                        f"not a readable Parquet file ({exc})", self.file, path=f"rows after {offset:,}"
                    ) from None
                if batch is None:
                    return
                yield pa.RecordBatch.from_arrays(batch.columns, names=wanted), offset
                offset += batch.num_rows
        table = self._load()
        if columns is not None:
            table = table.select([c for c in [*columns, ROW_COLUMN] if c in table.column_names])
        for batch in table.to_batches(max_chunksize=self.batch_rows):
            yield batch, 0

    def _load(self) -> pa.Table:
        if self._table is None:
            if not self.path.exists() and self.data is None:
                raise InputError.at("file not found", str(self.path))
            reader = {
                "csv": self._read_sheet,
                "xlsx": self._read_sheet,
                "jsonl": self._read_jsonl,
                "labelstudio": self._read_labelstudio,
            }.get(self.kind)
            if reader is None:
                raise InputError.at(
                    f"unsupported delivery type {self.path.suffix or '(none)'}; expected .csv, "
                    ".xlsx, .jsonl, .parquet or a Label Studio .json export",
                    self.file,
                )
            with reading(self.file, "the delivery"):
                self._table = reader()
        return self._table

    def _raw(self) -> bytes:
        return read_input(self.path, self.data)

    def _read_sheet(self) -> pa.Table:
        if self.kind == "csv" and self.data is None and self.path.stat().st_size > BIG_TEXT_FILE:
            return self._read_big_csv()
        wanted = set(self.mapping.columns.values())

        def is_header(row: Sequence[Any]) -> bool:
            names = [str(c).strip() for c in row if c is not None and str(c).strip()]
            keys = {ALIASES.get(normalise_header(n)) for n in names}
            return (
                bool(wanted & set(names))
                or {"item_id", "annotator_id"} <= keys
                or (not wanted and len(names) >= 3 and {"label"} <= keys)
            )

        try:
            sheet = read_sheet(self.path, is_header, sheet=self.sheet, data=self.data)
        except InputError as exc:
            if "no header row" not in str(exc):
                raise
            # no recognisable names: take the first row with two or more cells as the header,
            # so the message can say which required columns are missing
            sheet = read_sheet(
                self.path,
                lambda row: sum(c is not None and str(c).strip() != "" for c in row) >= 2,
                sheet=self.sheet,
                data=self.data,
            )
        resolved = resolve_columns(sheet.header, self.mapping, sheet.file, sheet.name)
        self.sheet_name = sheet.name
        return _cells_to_table(sheet.header, sheet.rows, sheet.row_numbers, resolved)

    def _read_big_csv(self) -> pa.Table:
        import csv as pycsv

        from pyarrow import csv

        with self.path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
            first = fh.readline(limits().max_cell_chars)
        delimiter = ";" if first.count(";") > first.count(",") else ","
        names = next(pycsv.reader([first.rstrip("\r\n")], delimiter=delimiter), [])
        resolved = resolve_columns(names, self.mapping, self.file)
        types = {resolved[c]: pa.string() for c in resolved}
        try:
            table = csv.read_csv(
                str(self.path),
                parse_options=csv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
                convert_options=csv.ConvertOptions(
                    column_types=types, include_columns=list(resolved.values()), strings_can_be_null=True
                ),
            )
        except (pa.ArrowException, OSError) as exc:
            raise InputError.at(f"not readable as CSV ({str(exc).splitlines()[0]})", self.file) from None
        cols = {c: as_text(table[resolved[c]]) for c in resolved}
        cols[ROW_COLUMN] = pa.array(np.arange(2, table.num_rows + 2, dtype=np.int64))
        return pa.table(cols)

    def _read_jsonl(self) -> pa.Table:
        records: list[dict[str, Any]] = []
        rows_no: list[int] = []
        problems = []
        text = decode_text(self._raw(), self.file).replace("\r\n", "\n").replace("\r", "\n")
        for line_no, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                record = load_json(line, self.file)
            except InputError as exc:
                problems.append(Problem(Location(self.file, row=line_no), exc.problems[0].message))
                if len(problems) >= 100:
                    break
                continue
            if not isinstance(record, dict):
                problems.append(Problem(Location(self.file, row=line_no), "expected a JSON object"))
                continue
            records.append(record)
            rows_no.append(line_no)
        if problems:
            raise InputError(problems)
        header = list(dict.fromkeys(k for r in records for k in r))
        resolved = resolve_columns(header, self.mapping, self.file)
        rows = [tuple(r.get(h) for h in header) for r in records]
        return _cells_to_table(header, rows, rows_no, resolved)

    def _read_labelstudio(self) -> pa.Table:
        return read_labelstudio(self._raw(), self.file, self.mapping, self.warnings)


def open_delivery(
    path: str | Path,
    mapping: ColumnMapping | None = None,
    *,
    data: bytes | None = None,
    batch_rows: int = BATCH_ROWS,
    sheet: str | None = None,
) -> DeliverySource:
    """Open a delivery; `data` lets the app pass uploaded bytes under the file's display name."""
    source = DeliverySource(Path(path), mapping or ColumnMapping(), data, batch_rows, sheet)
    if source.kind == "unknown":
        raise InputError.at(
            f"unsupported delivery type {source.path.suffix or '(none)'}; expected .csv, .xlsx, "
            ".jsonl, .parquet or a Label Studio .json export",
            source.file,
        )
    if data is None and not source.path.exists():
        raise InputError.at("file not found", str(path))
    _ = source.columns
    return source


def read_delivery_table(source: DeliverySource) -> pa.Table:
    """The whole delivery as one canonical table (for small deliveries: sampling, the app)."""
    batches = [b for b, _ in source.batches()]
    if not batches:
        return pa.table({c: pa.array([], pa.string()) for c in REQUIRED})
    return pa.Table.from_batches(batches)
