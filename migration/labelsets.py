"""Label sets, flat or hierarchical, from CSV, xlsx or JSON, checked for duplicates and cycles."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from ingest import (
    InputError,
    Location,
    Problem,
    decode_text,
    load_json,
    normalise_header,
    read_input,
    read_sheet,
    reading,
)

_LABEL_KEYS = {"label", "labels", "class", "name", "category"}
_PARENT_KEYS = {"parent", "parent_label", "parent_class"}


class LabelSet(BaseModel):
    """Labels in file order with their parents (None for a root)."""

    source: str = ""
    labels: list[str]
    parents: dict[str, str | None] = Field(default_factory=dict)

    def __contains__(self, label: object) -> bool:
        return label in self.parents or label in self.labels

    def path(self, label: str) -> str:
        """The label's path from its root, e.g. 'vehicle/truck'."""
        parts = [label]
        parent = self.parents.get(label)
        while parent is not None and len(parts) <= len(self.labels):
            parts.append(parent)
            parent = self.parents.get(parent)
        return "/".join(reversed(parts))

    def resolve(self, text: str) -> str | None:
        """A label by its name or its full path; None if it is not in the set."""
        if text in self.parents:
            return text
        leaf = text.rsplit("/", 1)[-1]
        if leaf in self.parents and self.path(leaf) == text:
            return leaf
        return None

    def checksum(self) -> str:
        """sha256 over the labels and parents, independent of the file format."""
        canonical = json.dumps([[lab, self.parents.get(lab)] for lab in self.labels])
        return hashlib.sha256(canonical.encode()).hexdigest()


def _entries_from_json(path: Path, data: bytes | None) -> list[tuple[str, str | None, Location]]:
    doc = load_json(decode_text(read_input(path, data), path.name), path.name)
    if isinstance(doc, dict) and "labels" in doc:
        doc = doc["labels"]
    out: list[tuple[str, str | None, Location]] = []
    problems: list[Problem] = []
    if isinstance(doc, dict):
        def walk(node: dict[str, Any], parent: str | None, trail: str) -> None:
            for name, children in node.items():
                where = Location(path.name, column=f"{trail}{name}")
                out.append((str(name), parent, where))
                if isinstance(children, dict):
                    walk(children, str(name), f"{trail}{name}/")
                elif children not in (None, [], {}):
                    problems.append(Problem(where, "a tree node's value must be an object"))
        walk(doc, None, "")
    elif isinstance(doc, list):
        for i, item in enumerate(doc):
            where = Location(path.name, column=f"labels[{i}]")
            if isinstance(item, str):
                out.append((item, None, where))
            elif isinstance(item, dict) and isinstance(item.get("label"), str):
                parent = item.get("parent")
                out.append((item["label"], str(parent) if parent else None, where))
            else:
                problems.append(Problem(where, "expected a label string or {label, parent}"))
    else:
        problems.append(Problem(Location(path.name), "expected a list of labels or a tree object"))
    if problems:
        raise InputError(problems)
    return out


def _is_label_header(row: Sequence[Any]) -> bool:
    return any(normalise_header(c) in _LABEL_KEYS for c in row)


def _entries_from_sheet(path: Path, data: bytes | None) -> list[tuple[str, str | None, Location]]:
    sheet = read_sheet(path, _is_label_header, data=data)
    keys = [normalise_header(h) for h in sheet.header]
    label_col = next(i for i, k in enumerate(keys) if k in _LABEL_KEYS)
    parent_col = next((i for i, k in enumerate(keys) if k in _PARENT_KEYS), None)
    out = []
    problems = []
    for row, number in zip(sheet.rows, sheet.row_numbers, strict=True):
        where = Location(sheet.file, sheet.name, number, sheet.header[label_col])
        value = row[label_col]
        if value is None or not str(value).strip():
            problems.append(Problem(where, "empty label"))
            continue
        parent = row[parent_col] if parent_col is not None else None
        parent_text = str(parent).strip() if parent is not None and str(parent).strip() else None
        out.append((str(value).strip(), parent_text, where))
    if problems:
        raise InputError(problems)
    return out


def load_label_set(path: str | Path, *, data: bytes | None = None) -> LabelSet:
    """Read a label set; paths such as 'vehicle/truck' imply their parents."""
    path = Path(path)
    with reading(path.name, "the label set"):
        if path.suffix.lower() == ".json":
            entries = _entries_from_json(path, data)
        else:
            entries = _entries_from_sheet(path, data)
        return build_label_set(entries, source=path.name)


def build_label_set(
    entries: Sequence[tuple[str, str | None, Location]], source: str = ""
) -> LabelSet:
    """Validate (label, parent, where) entries: duplicates, unknown parents, cycles, all at once."""
    problems: list[Problem] = []
    labels: list[str] = []
    parents: dict[str, str | None] = {}
    seen: dict[str, Location] = {}
    implied: list[tuple[str, str | None]] = []
    for raw, parent, where in entries:
        parts = [p.strip() for p in raw.split("/")]
        if any(not p for p in parts):
            problems.append(Problem(where, f"label path {raw!r} has an empty segment"))
            continue
        label = parts[-1]
        if len(parts) > 1:
            if parent is not None and parent != parts[-2]:
                problems.append(
                    Problem(where,
                            f"path {raw!r} says parent {parts[-2]!r}, column says {parent!r}")
                )
            parent = parts[-2]
            implied += [(parts[i], parts[i - 1] if i else None) for i in range(len(parts) - 1)]
        if label in seen:
            problems.append(Problem(where, f"duplicate label {label!r} (first at {seen[label]})"))
            continue
        seen[label] = where
        labels.append(label)
        parents[label] = parent
    for label, parent in implied:
        if label not in parents:
            labels.append(label)
            parents[label] = parent
    for label in labels:
        parent = parents[label]
        if parent is not None and parent not in parents:
            where = seen.get(label, Location(source))
            problems.append(
                Problem(where, f"parent {parent!r} of {label!r} is not in the label set"))
    problems += _cycles(labels, parents, seen, source)
    if problems:
        raise InputError(problems)
    return LabelSet(source=source, labels=labels, parents=parents)


def _cycles(
    labels: list[str], parents: dict[str, str | None], seen: dict[str, Location], source: str
) -> list[Problem]:
    problems = []
    reported: set[str] = set()
    for start in labels:
        trail: list[str] = []
        node: str | None = start
        while node is not None and node in parents and node not in trail:
            trail.append(node)
            node = parents[node]
        if node is not None and node in trail:
            cycle = trail[trail.index(node):]
            if not reported.intersection(cycle):
                reported.update(cycle)
                text = " -> ".join([*cycle, node])
                where = seen.get(node, Location(source))
                problems.append(Problem(where, f"hierarchy cycle: {text}"))
    return problems
