"""Precision and recall of the clause reader on a labelled corpus of clause sentences.

A corpus line is `kind | field=value; field=value | sentence` (or `-` for no proposal); a value
is YAML, so a ramp schedule is written `{start: 2027-01-11, steps: [{week: 1, floor: 2000}]}`. A proposal
counts as right when the sentence expects that field with that value. "Present" proposals are the
ones that say a clause exists (anything but False, "none" or an empty list): a false "present"
hides a risk, so its precision is reported on its own. SLA terms are read into `SlaTermSet` rows
and are measured by the draft tests, not here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

KINDS = ("aff", "neg", "yet", "cond", "time", "dis")
NOT_MEASURED = ("sla.terms", "sla.remedy")
_TBD = re.compile(r"^\s*(?:tbd|tba|to be (?:agreed|determined|defined|confirmed))\b", re.IGNORECASE)

Reading = list[tuple[str, Any]]


@dataclass(frozen=True)
class Example:
    """One labelled sentence: where it is written, its kind and the proposals it should give."""

    source: str
    kind: str
    sentence: str
    expected: frozenset[tuple[str, Any]]


@dataclass
class FieldScore:
    """Counts for one field: right, wrong (proposed but not expected) and missed proposals."""

    right: int = 0
    wrong: int = 0
    missed: int = 0
    present_right: int = 0
    present_wrong: int = 0

    @property
    def precision(self) -> float:
        """Right proposals over all proposals (1.0 when nothing was proposed)."""
        return self.right / (self.right + self.wrong) if self.right + self.wrong else 1.0

    @property
    def recall(self) -> float:
        """Right proposals over expected proposals (1.0 when nothing was expected)."""
        return self.right / (self.right + self.missed) if self.right + self.missed else 1.0

    @property
    def precision_present(self) -> float:
        """Precision over the proposals that say a clause is there."""
        total = self.present_right + self.present_wrong
        return self.present_right / total if total else 1.0


@dataclass
class CorpusScore:
    """Scores per field, their sum, and the sentences the reader got wrong."""

    sentences: int
    fields: dict[str, FieldScore]
    errors: list[tuple[Example, frozenset[tuple[str, Any]]]] = field(default_factory=list)

    @property
    def total(self) -> FieldScore:
        """All fields added up (micro-average)."""
        out = FieldScore()
        for s in self.fields.values():
            out.right += s.right
            out.wrong += s.wrong
            out.missed += s.missed
            out.present_right += s.present_right
            out.present_wrong += s.present_wrong
        return out


def canonical(field_name: str, value: Any) -> Any:
    """A value in the one form both sides are compared in (lists as sorted tuples, numbers as
    rounded floats, an accuracy method as 'stated' or 'tbd')."""
    if field_name == "quality.accuracy_method":
        return "tbd" if _TBD.search(str(value)) else "stated"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, (list, tuple)):
        return tuple(sorted(str(v) for v in value))
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return round(float(value), 4)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def is_present(value: Any) -> bool:
    """Whether a proposal says the clause is there (not False, 'none' or an empty list)."""
    return value not in (False, "none", None, ()) and value != "tbd"


def _expected(text: str, where: str) -> frozenset[tuple[str, Any]]:
    text = text.strip()
    if text == "-":
        return frozenset()
    out = set()
    for part in text.split(";"):
        name, sep, raw = part.partition("=")
        if not sep:
            raise ValueError(f"{where}: expected field=value, got {part.strip()!r}")
        out.add((name.strip(), canonical(name.strip(), yaml.safe_load(raw.strip()))))
    return frozenset(out)


def load_corpus(folder: Path) -> list[Example]:
    """Every labelled line of every .txt file in `folder`, in file and line order."""
    examples = []
    for path in sorted(folder.glob("*.txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            where = f"{path.name}:{number}"
            kind, expected, sentence = (part.strip() for part in line.split("|", 2))
            if kind not in KINDS:
                raise ValueError(f"{where}: unknown kind {kind!r}")
            examples.append(Example(where, kind, sentence, _expected(expected, where)))
    return examples


def score(examples: Iterable[Example], read: Callable[[str], Reading]) -> CorpusScore:
    """Run `read` (sentence -> [(field, value)]) over the corpus and count per field."""
    fields: dict[str, FieldScore] = {}
    errors = []
    n = 0
    for example in examples:
        n += 1
        got = frozenset(
            (name, canonical(name, value)) for name, value in read(example.sentence) if name not in NOT_MEASURED
        )
        for name, value in got:
            s = fields.setdefault(name, FieldScore())
            ok = (name, value) in example.expected
            s.right += ok
            s.wrong += not ok
            if is_present(value):
                s.present_right += ok
                s.present_wrong += not ok
        for name, _value in example.expected - got:
            fields.setdefault(name, FieldScore()).missed += 1
        if got != example.expected:
            errors.append((example, got))
    return CorpusScore(sentences=n, fields=dict(sorted(fields.items())), errors=errors)
