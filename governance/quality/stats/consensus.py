"""Consensus labels from several annotators: majority vote and Dawid-Skene (1979), with each
annotator's confusion matrix and the items most worth adjudicating.

Dawid-Skene is EM over count tables: the E-step adds, per item, the log error rates of the
(annotator, label) pairs it received (one bincount per true class); the M-step is a bincount of
the items' posteriors over (annotator, label). It follows crowd-kit's DawidSkene step for step
(majority-vote start, error rates clipped at 1e-10, stop when the evidence lower bound per
annotation gains less than `tol`), so both give the same posteriors.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from governance.quality.stats.codes import ArrayLike, LabelSet, factorize, keep_mask_codes, long_codes
from ingest import inert

EPS = 1e-10


@dataclass(frozen=True)
class Consensus:
    """Per item: majority and Dawid-Skene labels, posteriors; per annotator: confusion matrices."""

    label_set: LabelSet
    items: np.ndarray
    annotators: list[Any]
    votes: np.ndarray  # (n_items, V) label counts
    majority: np.ndarray  # (n_items,) code, ties to the first label in label-set order
    majority_tie: np.ndarray  # (n_items,) bool
    posterior: np.ndarray  # (n_items, V) Dawid-Skene P(true label | labels)
    errors: np.ndarray  # (A, V, V) P(annotator says l | true t) as [a, l, t]
    prior: np.ndarray  # (V,)
    iterations: int

    @property
    def dawid_skene(self) -> np.ndarray:
        """Most probable label per item (first in label-set order on ties)."""
        return np.argmax(self.posterior, axis=1)

    def adjudicate(self, top: int = 20) -> np.ndarray:
        """Item positions most worth a second look: lowest Dawid-Skene confidence first, then
        majority-vote ties, then items where the two methods disagree."""
        confidence = self.posterior.max(axis=1)
        disagree = self.dawid_skene != self.majority
        order = np.lexsort((~disagree, ~self.majority_tie, confidence))
        return order[:top]

    def to_payload(self, top: int = 20) -> dict[str, Any]:
        """JSON-ready summary: agreement of the methods, the adjudication list, confusion matrices."""
        names = [str(c) for c in self.label_set.categories]
        ds, mv = self.dawid_skene, self.majority
        picks = self.adjudicate(top)
        return {
            "method": "majority vote and Dawid-Skene (1979) EM, crowd-kit's convention",
            "label_set": names,
            "n_items": len(self.items),
            "iterations": self.iterations,
            "methods_agree": float((ds == mv).mean()) if len(ds) else None,
            "majority_ties": int(self.majority_tie.sum()),
            "prior": dict(zip(names, self.prior.round(6).tolist(), strict=True)),
            "adjudicate": [
                {
                    "item": str(self.items[i]),
                    "dawid_skene": names[ds[i]],
                    "confidence": float(self.posterior[i].max()),
                    "majority": names[mv[i]],
                    "majority_tie": bool(self.majority_tie[i]),
                    "votes": {names[k]: int(c) for k, c in enumerate(self.votes[i]) if c},
                }
                for i in picks
            ],
            "confusion": {
                str(a): {
                    "accuracy": float(np.diag(self.errors[j]) @ self.prior),
                    "matrix": {
                        names[t]: dict(zip(names, self.errors[j, :, t].round(6).tolist(), strict=True))
                        for t in range(len(names))
                    },  # fmt: skip
                }
                for j, a in enumerate(self.annotators)
            },
        }


def _log(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(x)


def _patterns(
    item_codes: np.ndarray, ann_codes: np.ndarray, label_codes: np.ndarray, n_items: int, n_annotators: int, v: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Items with the same (annotator, label) set share their posterior: each item's pattern code,
    how many items have each pattern, and the rows of one item per pattern. Patterns are keyed
    exactly when (V + 1)^A fits a float; otherwise every item is its own pattern."""
    if float(v + 1) ** n_annotators >= 2**53:
        return np.arange(n_items), np.ones(n_items), np.arange(len(item_codes))
    powers = np.float64(v + 1) ** np.arange(n_annotators)
    key = np.bincount(item_codes, weights=(label_codes + 1) * powers[ann_codes], minlength=n_items)
    pattern, uniques = factorize(key.astype(np.int64), sort=False)
    first_item = np.zeros(len(uniques), np.int64)
    first_item[pattern[::-1]] = np.arange(n_items)[::-1]
    is_first = np.zeros(n_items, bool)
    is_first[first_item] = True
    return pattern, np.bincount(pattern, minlength=len(uniques)).astype(float), np.flatnonzero(is_first[item_codes])


def dawid_skene(
    item_codes: np.ndarray,
    ann_codes: np.ndarray,
    label_codes: np.ndarray,
    n_items: int,
    n_annotators: int,
    v: int,
    *,
    n_iter: int = 100,
    tol: float = 1e-5,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """EM over one label per (item, annotator): (posterior (n, V), errors (A, V, V), prior, iterations).
    Runs over distinct item patterns weighted by their counts (a count table), one bincount per
    true class, so memory stays linear in rows. Labels nobody used keep prior 0."""
    observed = np.bincount(ann_codes * v + label_codes, minlength=n_annotators * v).reshape(n_annotators, v) > 0
    pattern, weight, rows = _patterns(item_codes, ann_codes, label_codes, n_items, n_annotators, v)
    unit = pattern[item_codes[rows]]
    cell = ann_codes[rows] * v + label_codes[rows]
    n_units, n_cells = len(weight), n_annotators * v
    w_row = weight[unit]
    votes = np.bincount(unit * v + label_codes[rows], minlength=n_units * v).reshape(n_units, v).astype(float)
    probas = votes / votes.sum(axis=1, keepdims=True)
    used = votes.sum(axis=0) > 0
    total, n_annotations = float(weight.sum()), float(w_row.sum())

    def m_step(p: np.ndarray) -> np.ndarray:
        err = np.empty((n_cells, v))
        for t in range(v):
            err[:, t] = np.bincount(cell, weights=w_row * p[unit, t], minlength=n_cells)
        cube = np.where(observed[:, :, None], np.maximum(err.reshape(n_annotators, v, v), EPS), 0.0)
        return cube / cube.sum(axis=1, keepdims=True)

    def e_step(prior: np.ndarray, err: np.ndarray) -> np.ndarray:
        log_err = _log(err).reshape(n_cells, v)
        ll = np.empty((n_units, v))
        for t in range(v):
            ll[:, t] = np.bincount(unit, weights=log_err[cell, t], minlength=n_units)
        ll += _log(np.maximum(prior, EPS))[None, :]
        ll[:, ~used] = -np.inf
        ll -= ll.max(axis=1, keepdims=True)
        lik = np.exp(ll)
        return lik / lik.sum(axis=1, keepdims=True)

    def elbo(p: np.ndarray, prior: np.ndarray, err: np.ndarray) -> float:
        log_err = _log(err).reshape(n_cells, v)
        log_prior = _log(np.maximum(prior, EPS))
        joint = 0.0
        for t in np.flatnonzero(used):
            pt = p[unit, t]
            joint += float((w_row * np.where(pt > 0, pt * (log_err[cell, t] + log_prior[t]), 0.0)).sum())
        clipped = np.maximum(p[:, used], EPS)
        return joint - float(weight @ (clipped * np.log(clipped)).sum(axis=1))

    prior = (weight @ probas) / total
    errors = m_step(probas)
    loss = -np.inf
    done = 0
    for done in range(1, n_iter + 1):  # noqa: B007
        probas = e_step(prior, errors)
        prior = (weight @ probas) / total
        errors = m_step(probas)
        new_loss = elbo(probas, prior, errors) / n_annotations
        if new_loss - loss < tol:
            break
        loss = new_loss
    return probas[pattern], errors, prior, done


def consensus(
    items: ArrayLike,
    annotators: ArrayLike,
    labels: ArrayLike,
    *,
    label_set: LabelSet | Sequence[Hashable] | None = None,
    repeats: str = "first",
    n_iter: int = 100,
    tol: float = 1e-5,
) -> Consensus:
    """Majority vote and Dawid-Skene labels of long rows; a repeated (item, annotator) pair keeps
    its first (or last) row, or raises with `repeats='error'`."""
    coded = long_codes(items, annotators, labels, label_set)
    if len(coded.labels) == 0:
        raise ValueError("no labelled rows: there is nothing to reach a consensus on")
    item_codes, item_values, ann_codes, ann_values = (
        coded.items,
        coded.item_values,
        coded.annotators,
        coded.annotator_values,
    )
    ls, codes = coded.label_set, coded.labels
    keep = keep_mask_codes(item_codes, ann_codes, repeats, item_values, ann_values)
    item_codes, ann_codes, codes = item_codes[keep], ann_codes[keep], codes[keep]
    n, a, v = len(item_values), len(ann_values), ls.size
    votes = np.bincount(item_codes * v + codes, minlength=n * v).reshape(n, v)
    majority = np.argmax(votes, axis=1)
    tie = (votes == votes.max(axis=1, keepdims=True)).sum(axis=1) > 1
    posterior, errors, prior, iterations = dawid_skene(item_codes, ann_codes, codes, n, a, v, n_iter=n_iter, tol=tol)
    return Consensus(
        label_set=ls,
        items=np.asarray(item_values),
        annotators=list(ann_values),
        votes=votes,
        majority=majority,
        majority_tie=tie,
        posterior=posterior,
        errors=errors,
        prior=prior,
        iterations=iterations,
    )


def consensus_csv(result: Consensus) -> str:
    """One row per item: majority and Dawid-Skene labels, confidence, tie; never a formula."""
    names = [str(c) for c in result.label_set.categories]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["item_id", "majority", "majority_tie", "dawid_skene", "confidence"])
    ds, conf = result.dawid_skene, result.posterior.max(axis=1)
    for i, item in enumerate(result.items):
        writer.writerow(
            [inert(str(item)), inert(names[result.majority[i]]), bool(result.majority_tie[i]),
             inert(names[ds[i]]), f"{conf[i]:.6f}"]
        )  # fmt: skip
    return out.getvalue()
