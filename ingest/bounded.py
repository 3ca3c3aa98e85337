"""The bounded reading layer: bytes, text, CSV, xlsx, zip archives, JSON and YAML read under the
named limits of `ingest.limits`, every parser failure turned into a located `InputError`."""

from __future__ import annotations

import csv
import io
import json
import os
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.parsers.expat import ExpatError

import yaml

from ingest.errors import InputError, column_letter
from ingest.limits import limits, over_limit

_SMALL_MEMBER = 1024 * 1024
_DELIMITERS = (",", ";", "\t", "|")

PARSER_ERRORS: tuple[type[BaseException], ...] = (
    ValueError, TypeError, KeyError, IndexError, AttributeError, LookupError, ArithmeticError,
    OSError, EOFError, zipfile.BadZipFile, csv.Error, yaml.YAMLError, struct.error, zlib.error,
    AssertionError, NotImplementedError, ElementTree.ParseError, ExpatError,
)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


@contextmanager
def reading(file: str, what: str = "this file") -> Iterator[None]:
    """Around a reader: any exception a parser raises on malformed content becomes a located
    `InputError` naming the file (readers locate finer problems themselves first)."""
    try:
        yield
    except InputError:
        raise
    except RecursionError:
        raise over_limit("max_depth", "the content is nested too deeply", file) from None
    except MemoryError:
        raise InputError.at(f"{what} is too large to read in memory", file) from None
    except FileNotFoundError:
        raise InputError.at("no such file", file) from None
    except (IsADirectoryError, PermissionError) as exc:
        raise InputError.at(f"cannot open the file ({exc.strerror})", file) from None
    except PARSER_ERRORS as exc:
        raise InputError.at(f"cannot read {what}: {_reason(exc)}", file) from None


def read_input(path: str | Path, data: bytes | None = None, *, limit: str = "max_bytes") -> bytes:
    """The file's bytes (or `data`, uploaded bytes shown under `path`'s name), refused above `limit`;
    a file that cannot be opened raises the OSError the command line reports as 'cannot open'."""
    path = Path(path)
    cap = getattr(limits(), limit)
    if data is None:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > cap:
                raise over_limit(limit, f"the file is {size:,} bytes", path.name)
            data = fh.read(cap + 1)
    if len(data) > cap:
        raise over_limit(limit, f"the file is {len(data):,} bytes", path.name)
    return data


def decode_text(raw: bytes, file: str, *, strict: bool = True) -> str:
    """Bytes -> text: a UTF-8/16/32 byte-order mark decides, UTF-16 without one is recognised by its
    NUL bytes, otherwise UTF-8; `strict` refuses bytes that are not UTF-8 at their line."""
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
    ):
        if raw.startswith(bom):
            return _decode(raw[len(bom):], codec, file, strict)
    head = raw[:4096]
    if len(head) >= 4 and head.count(b"\x00") * 3 > len(head):
        codec = "utf-16-le" if head[1::2].count(b"\x00") > head[0::2].count(b"\x00") else "utf-16-be"
        return _decode(raw, codec, file, strict)
    return _decode(raw, "utf-8", file, strict)


def _decode(raw: bytes, codec: str, file: str, strict: bool) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        if not strict:
            return raw.decode(codec, errors="replace")
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.at(
            f"not {codec.upper()} text (byte 0x{raw[exc.start]:02X}); save the file as UTF-8", file, row=line
        ) from None


def check_zip(raw: bytes, file: str, what: str = "archive") -> zipfile.ZipFile:
    """Open a zip archive (xlsx, docx, bundle) refusing bombs: too many members, members named
    twice, too many unpacked bytes, or a member that unpacks far beyond its packed size."""
    lim = limits()
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error) as exc:
        raise InputError.at(f"not a readable {what} (not a valid zip archive: {_reason(exc)})", file) from None
    if len(infos) > lim.max_zip_members:
        raise over_limit("max_zip_members", f"the {what} holds {len(infos):,} files", file)
    twice = [name for name, n in Counter(i.filename for i in infos).items() if n > 1]
    if twice:
        raise InputError.at(f"the {what} holds {twice[0]!r} more than once", file, path=twice[0])
    total = sum(i.file_size for i in infos)
    if total > lim.max_zip_bytes:
        raise over_limit("max_zip_bytes", f"the {what} unpacks to {total:,} bytes", file)
    for info in infos:
        if info.file_size > _SMALL_MEMBER and info.file_size > lim.max_zip_ratio * max(info.compress_size, 1):
            raise over_limit(
                "max_zip_ratio",
                f"{info.filename!r} unpacks {info.file_size // max(info.compress_size, 1):,} times its packed size",
                file,
                path=info.filename,
            )
    return zf


def _delimiter(text: str) -> str:
    """The delimiter that splits the first rows into the most rows of one width above 1."""
    sample = text[:65536]
    best, best_score = ",", (0, 0)
    for delim in _DELIMITERS:
        try:
            rows = []
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delim):
                if any(c.strip() for c in row):
                    rows.append(len(row))
                if len(rows) >= 30:
                    break
        except csv.Error:
            continue
        if len(sample) < len(text) and len(rows) > 1:
            rows = rows[:-1]
        widths = Counter(w for w in rows if w > 1)
        if not widths:
            continue
        width, count = max(widths.items(), key=lambda kv: (kv[1], kv[0]))
        if (count, width) > best_score:
            best, best_score = delim, (count, width)
    return best


def csv_rows(text: str, file: str, *, delimiter: str | None = None) -> list[tuple[str, ...]]:
    """CSV text (any line endings, stray CRs in quoted fields) -> rows, under the row, column and
    cell-length limits; the delimiter is detected among , ; tab | unless given."""
    lim = limits()
    csv.field_size_limit(lim.max_cell_chars)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or _delimiter(text))
    rows: list[tuple[str, ...]] = []
    try:
        for row in reader:
            if len(rows) >= lim.max_rows:
                raise over_limit("max_rows", "the file has more rows", file, row=reader.line_num)
            if len(row) > lim.max_columns:
                raise over_limit("max_columns", f"this row has {len(row):,} columns", file, row=reader.line_num)
            rows.append(tuple(row))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise over_limit("max_cell_chars", "a field is longer", file, row=reader.line_num) from None
        raise InputError.at(f"not readable as CSV ({_reason(exc)})", file, row=reader.line_num) from None
    return rows


def open_workbook(raw: bytes, file: str, *, data_only: bool = True) -> Any:
    """An openpyxl read-only workbook from checked bytes; a damaged file is a located refusal."""
    import openpyxl  # defusedxml installed: openpyxl parses safely

    check_zip(raw, file, "xlsx workbook")
    try:
        return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=data_only)
    except Exception as exc:  # zip/xml errors from a damaged or renamed file
        raise InputError.at(f"not a readable xlsx workbook ({_reason(exc)})", file) from None


def sheet_rows(ws: Any, file: str) -> list[tuple[Any, ...]]:
    """A read-only worksheet's values row by row, under the row, column and cell-length limits
    (the sheet's stated dimensions are ignored: a forged one must not pad every row)."""
    lim = limits()
    ws.reset_dimensions()
    rows: list[tuple[Any, ...]] = []
    with reading(file, "the workbook"):
        for row in ws.iter_rows(values_only=True):
            number = len(rows) + 1
            if number > lim.max_rows:
                raise over_limit("max_rows", "the sheet has more rows", file, sheet=ws.title, row=number)
            if len(row) > lim.max_columns:
                raise over_limit("max_columns", f"this row has {len(row):,} columns", file, sheet=ws.title, row=number)
            for i, value in enumerate(row):
                if isinstance(value, str) and len(value) > lim.max_cell_chars:
                    raise over_limit(
                        "max_cell_chars", f"this cell has {len(value):,} characters", file,
                        sheet=ws.title, row=number, column=column_letter(i),
                    )
            rows.append(tuple(row))
    return rows


def _depth(value: Any) -> int:
    """Nesting depth of parsed JSON/YAML, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in node.values())
        elif isinstance(node, list):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in node)
    return deepest


def load_json(text: str, file: str) -> Any:
    """JSON text -> data, refused past `max_depth`; a syntax error names its line."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError.at(f"not valid JSON ({exc.msg} at character {exc.colno})", file, row=exc.lineno) from None
    except RecursionError:
        raise over_limit("max_depth", "the JSON is nested too deeply", file) from None
    except ValueError as exc:
        raise InputError.at(f"not valid JSON ({_reason(exc)})", file) from None
    if _depth(value) > limits().max_depth:
        raise over_limit("max_depth", "the JSON is nested too deeply", file)
    return value


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader counting aliases and nesting as it composes, so neither a billion-laughs
    document nor a deeply nested one gets built."""

    def __init__(self, stream: str, file: str) -> None:
        super().__init__(stream)
        self._file, self._aliases, self._level = file, 0, 0
        self._limits = limits()

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        mark = self.peek_event().start_mark
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > self._limits.max_yaml_aliases:
                raise over_limit("max_yaml_aliases", "the YAML uses too many aliases", self._file, row=mark.line + 1)
        self._level += 1
        try:
            if self._level > self._limits.max_depth:
                raise over_limit("max_depth", "the YAML is nested too deeply", self._file, row=mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._level -= 1


def _expanded(node: yaml.Node, seen: dict[int, int]) -> int:
    """How many values `node` stands for once every alias is written out (aliases share nodes)."""
    key = id(node)
    if key not in seen:
        seen[key] = 1
        if isinstance(node, yaml.SequenceNode):
            seen[key] += sum(_expanded(child, seen) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            seen[key] += sum(_expanded(k, seen) + _expanded(v, seen) for k, v in node.value)
    return seen[key]


def load_yaml(text: str, file: str) -> Any:
    """YAML text -> data with the safe loader under the alias and depth limits; errors name their line."""
    loader = _BoundedLoader(text, file)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded(node, {}) > limits().max_yaml_nodes:
            raise over_limit("max_yaml_nodes", "the YAML's aliases expand to too many values", file)
        return loader.construct_document(node)
    except InputError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        row = None if mark is None else mark.line + 1
        raise InputError.at(f"not valid YAML ({exc.problem or exc.context})", file, row=row) from None
    except yaml.YAMLError as exc:
        raise InputError.at(f"not valid YAML ({_reason(exc)})", file) from None
    except RecursionError:
        raise over_limit("max_depth", "the YAML is nested too deeply", file) from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date like 2026-13-45
        raise InputError.at(f"not valid YAML ({_reason(exc)})", file) from None
    finally:
        loader.dispose()


def load_document(path: str | Path, data: bytes | None = None, *, kind: str | None = None) -> Any:
    """A settings document (JSON, or YAML for any other suffix) read whole under `max_document_bytes`."""
    path = Path(path)
    raw = read_input(path, data, limit="max_document_bytes")
    text = decode_text(raw, path.name)
    if (kind or ("json" if path.suffix.lower() == ".json" else "yaml")) == "json":
        return load_json(text, path.name)
    return load_yaml(text, path.name)
