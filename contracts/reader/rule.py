"""Stage 4: a rule turns a scoped clause into field values. `Flag` covers the common yes/no field
from a table entry; `Custom` wraps a function for fields with richer values."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from contracts.reader.scope import Clause


@dataclass(frozen=True)
class Hit:
    """One value read for one profile field, with the audit clause it belongs to."""

    field: str
    value: Any
    clause: str
    note: str | None = None
    negative: bool = False


@dataclass(frozen=True)
class Flag:
    """A yes/no field: the clause names `topic` (and `context`, when given); a denied clause
    (negated, not yet, left to the vendor) or a `deny` phrase reads as `no`."""

    field: str
    clause: str
    topic: re.Pattern[str]
    context: re.Pattern[str] | None = None
    exclude: re.Pattern[str] | None = None
    deny: re.Pattern[str] | None = None
    deny_on_scope: bool = True
    context_for_no: bool = True
    no_note: str = "read as not granted"
    yes: Any = True
    no: Any = False
    level: Literal["clause", "sentence"] = "clause"

    def read(self, c: Clause) -> list[Hit]:
        """The field's value in this clause, if the clause speaks to it."""
        text = c.text if self.level == "clause" else c.sentence
        if not self.topic.search(text) or (self.exclude is not None and self.exclude.search(text)):
            return []
        has_context = self.context is None or bool(self.context.search(text))
        denied = (self.deny is not None and self.deny.search(text)) or (self.deny_on_scope and c.denied)
        if denied:
            if self.no is None or (self.context_for_no and not has_context):
                return []
            return [Hit(self.field, self.no, self.clause, self.no_note, negative=True)]
        return [Hit(self.field, self.yes, self.clause)] if has_context else []


@dataclass(frozen=True)
class Custom:
    """A rule written as a function of the scoped clause."""

    read_fn: Callable[[Clause], list[Hit]]
    level: Literal["clause", "sentence"] = "clause"

    def read(self, c: Clause) -> list[Hit]:
        """Whatever the function reads."""
        return self.read_fn(c)


Rule = Flag | Custom
