"""Target realism: the best mean accuracy two annotators can reach given how often they agree.

If each of two annotators is at least t accurate, each error breaks at most one agreement, so they
agree on at least 2t - 1 of the items. Read backwards: pairwise agreement a (take the upper end of
its interval, to give the vendor the benefit of the doubt) caps their mean accuracy at (1 + a) / 2.
A target above that asks for more than the humans doing the work can deliver, and the gap is paid
for in rework and penalties by the annotators; agreement below the target alone proves nothing.
"""

from __future__ import annotations

from pydantic import BaseModel


class RealismCheck(BaseModel):
    """One scope's accuracy target against what its measured agreement allows."""

    scope: str
    agreement: float
    agreement_upper: float
    best_accuracy: float
    target: float
    flagged: bool
    note: str | None = None


def best_mean_accuracy(agreement_upper: float) -> float:
    """(1 + a) / 2: the highest mean accuracy of two annotators who agree on a share a of items."""
    return (1.0 + agreement_upper) / 2.0


def check_target(scope: str, target: float, agreement: float, agreement_upper: float | None = None) -> RealismCheck:
    """Flag an accuracy target only when it lies above (1 + a) / 2, with the arithmetic in the note."""
    upper = agreement if agreement_upper is None else max(agreement, agreement_upper)
    best = best_mean_accuracy(upper)
    flagged = target > best + 1e-12
    note = None
    if flagged:
        measured = f"{agreement:.1%}" + (f" (95% interval up to {upper:.1%})" if agreement_upper is not None else "")
        note = (
            f"target realism: in {scope} annotators agree on {measured} of item pairs; two annotators "
            f"each at least t accurate agree on at least 2t - 1 of items, so their mean accuracy can "
            f"reach at most (1 + {upper:.3f}) / 2 = {best:.1%}, below the {target:.1%} target; "
            "revisit the guideline or the target"
        )
    return RealismCheck(
        scope=scope,
        agreement=agreement,
        agreement_upper=upper,
        best_accuracy=best,
        target=target,
        flagged=flagged,
        note=note,
    )
