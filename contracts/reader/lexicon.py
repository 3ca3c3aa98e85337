"""Words and patterns every rule shares: the parties, the data, numbers, durations, dates, places."""

from __future__ import annotations

import re
from datetime import date

BUYER = r"(?:client|customer|buyer|purchaser)"
VENDOR = r"(?:vendor|provider|supplier|contractor|service provider)"
DATA = (
    r"(?:labell?ed data|labels|annotations|annotated data|deliverables?|work product|"
    r"output data|datasets?|training data|data)"
)
W = r"(?:[\w'’,-]+\s+)"
NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty-five": 45, "sixty": 60, "ninety": 90,
}  # fmt: skip
NUM = r"(\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"


def rx(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern."""
    return re.compile(pattern, re.IGNORECASE)


def number(token: str) -> int:
    """'14' or 'fourteen' -> 14."""
    return int(token) if token.isdigit() else NUMBER_WORDS[token.lower()]


DATA_WORD = rx(rf"\b{DATA}\b")
DURATION = rx(rf"\b{NUM}\s*(?:calendar\s+|business\s+|working\s+)?(days?|weeks?|months?)\b")


def days(match: re.Match[str]) -> int:
    """A DURATION match in days (a month is 30 days)."""
    n, unit = number(match.group(1)), match.group(2).lower()
    return n * (7 if unit.startswith("week") else 30 if unit.startswith("month") else 1)


_MONTH_NAMES = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
]  # fmt: skip
_MONTH_RX = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_DATES = [
    rx(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
    rx(rf"\b(\d{{1,2}})\s+({_MONTH_RX})\s+(\d{{4}})\b"),
    rx(rf"\b({_MONTH_RX})\s+(\d{{1,2}}),?\s+(\d{{4}})\b"),
]


def _month(name: str) -> int:
    return next(i for i, m in enumerate(_MONTH_NAMES, start=1) if m.startswith(name[:3].lower()))


def find_dates(text: str) -> list[tuple[int, date]]:
    """Every date written in `text` with its position, in reading order."""
    found: list[tuple[int, date]] = []
    for i, pattern in enumerate(_DATES):
        for m in pattern.finditer(text):
            try:
                if i == 0:
                    d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                elif i == 1:
                    d = date(int(m.group(3)), _month(m.group(2)), int(m.group(1)))
                else:
                    d = date(int(m.group(3)), _month(m.group(1)), int(m.group(2)))
            except (ValueError, StopIteration):
                continue
            found.append((m.start(), d))
    return sorted(found)


# Places a contract names for where data lives or which law governs it: canonical name -> pattern.
# Abbreviations are matched case-sensitively so "us" and "eu" in running text are not places.
PLACES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("EU", re.compile(r"\bEU\b|\bEEA\b|\b[Ee]uropean\s+(?:[Uu]nion|[Ee]conomic\s+[Aa]rea)\b")),
    ("United Kingdom", re.compile(r"\bUK\b|\b[Uu]nited\s+[Kk]ingdom\b|\bGreat\s+Britain\b")),
    ("England and Wales", rx(r"\bEngland\s+and\s+Wales\b|\bEnglish\s+law\b")),
    ("United States", re.compile(r"\bUS\b|\bUSA\b|\b[Uu]nited\s+[Ss]tates\b")),
    ("Delaware", rx(r"\bDelaware\b")),
    ("New York", rx(r"\bNew\s+York\b")),
    ("California", rx(r"\bCalifornia\b")),
    ("Germany", rx(r"\bGermany\b|\bGerman\s+law\b")),
    ("France", rx(r"\bFrance\b|\bFrench\s+law\b")),
    ("Ireland", rx(r"\bIreland\b|\bIrish\s+law\b")),
    ("Netherlands", rx(r"\bNetherlands\b|\bDutch\s+law\b")),
    ("Switzerland", rx(r"\bSwitzerland\b|\bSwiss\s+law\b")),
    ("India", rx(r"\bIndia\b")),
    ("Philippines", rx(r"\bPhilippines\b")),
    ("Kenya", rx(r"\bKenya\b")),
    ("Canada", rx(r"\bCanada\b")),
    ("Singapore", rx(r"\bSingapore\b")),
    ("Japan", rx(r"\bJapan\b")),
    ("Australia", rx(r"\bAustralia\b")),
)


def places(text: str) -> list[str]:
    """Places named in `text`, in the table's order ('England and Wales' hides 'United Kingdom'
    only when both are the same words)."""
    return [name for name, pattern in PLACES if pattern.search(text)]
