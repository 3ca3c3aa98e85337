"""Agreement on bounding boxes: boxes of two annotators (or an annotator and gold) on the same
image and category are matched one to one by the Hungarian assignment that maximises total IoU
(pairs with IoU 0 never match); a matched pair with IoU >= t is a true positive at t.

Per category: mean IoU of matched pairs, box F1 at IoU 0.5 and 0.75 (2 TP / (boxes of both)),
and, against gold, tightness: mean IoU and the median area ratio (annotator / gold; above 1 is
loose, below 1 tight).

Units: a box is in pixels ('px') or in percent of its image ('percent', Label Studio without the
image's size). Percent boxes become pixels wherever the image's size is known from any file read
(`in_pixels`). Two sides are compared on an image only in one unit: percent boxes of the same image
on both sides are comparable (both are that image's pixel coordinates scaled by 100/W across and
100/H down, so every area scales by the same 10^4/(W H) and IoU and area ratios are unchanged), but
percent against pixels is refused with a located error, never silently compared."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict
from scipy.optimize import linear_sum_assignment

from ingest import InputError, Location, Problem

COLUMNS = ["image", "annotator", "category", "x1", "y1", "x2", "y2", "unit", "width", "height", "file", "where"]
THRESHOLDS = (0.5, 0.75)
BOX_METRICS = ("box_mean_iou", "box_f1_50", "box_f1_75")


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every box in a (n, 4) with every box in b (m, 4), boxes as x1, y1, x2, y2."""
    a, b = np.asarray(a, float).reshape(-1, 4), np.asarray(b, float).reshape(-1, 4)
    w = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    h = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    inter = w * h
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / union, 0.0)


def match(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-to-one matching maximising total IoU: (rows of a, rows of b, their IoU), IoU > 0 only."""
    iou = iou_matrix(a, b)
    if iou.size == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0)
    rows, cols = linear_sum_assignment(iou, maximize=True)
    keep = iou[rows, cols] > 0
    return rows[keep], cols[keep], iou[rows[keep], cols[keep]]


class BoxScores(BaseModel):
    """Box agreement of one category (or overall)."""

    model_config = ConfigDict(frozen=True)

    category: str
    boxes_a: int
    boxes_b: int
    matched: int
    mean_iou: float | None
    f1_50: float | None
    f1_75: float | None
    area_ratio: float | None = None


class BoxReport(BaseModel):
    """Per category and overall, between annotators (all pairs pooled) or against gold."""

    model_config = ConfigDict(frozen=True)

    against: str
    method: str
    overall: BoxScores
    categories: list[BoxScores]

    def metric(self, name: str, category: str | None = None) -> tuple[float | None, int]:
        """An SLA metric's value (box_mean_iou, box_f1_50, box_f1_75) and its sample size."""
        scores = (
            self.overall if category is None else next((c for c in self.categories if c.category == category), None)
        )
        if scores is None:
            return None, 0
        value = {"box_mean_iou": scores.mean_iou, "box_f1_50": scores.f1_50, "box_f1_75": scores.f1_75}[name]
        return value, scores.boxes_a + scores.boxes_b

    def to_payload(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return self.model_dump(mode="json")


def _scores(name: str, parts: list[tuple[int, int, np.ndarray, np.ndarray]]) -> BoxScores:
    n_a = sum(p[0] for p in parts)
    n_b = sum(p[1] for p in parts)
    iou = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0)
    ratio = np.concatenate([p[3] for p in parts]) if parts else np.zeros(0)
    total = n_a + n_b

    def f1(t: float) -> float | None:
        return 2 * int((iou >= t).sum()) / total if total else None

    return BoxScores(
        category=name,
        boxes_a=n_a,
        boxes_b=n_b,
        matched=len(iou),
        mean_iou=float(iou.mean()) if len(iou) else None,
        f1_50=f1(0.5),
        f1_75=f1(0.75),
        area_ratio=float(np.median(ratio)) if len(ratio) else None,
    )


def _area(b: np.ndarray) -> np.ndarray:
    return (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])


def _compare(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, list[tuple[int, int, np.ndarray, np.ndarray]]]:
    """Per category: (boxes in a, boxes in b, IoU of matched pairs, area ratios a / b)."""
    out: dict[str, list[tuple[int, int, np.ndarray, np.ndarray]]] = {}
    coords = ["x1", "y1", "x2", "y2"]
    ga = {k: g[coords].to_numpy(float) for k, g in a.groupby(["image", "category"], sort=False)}
    gb = {k: g[coords].to_numpy(float) for k, g in b.groupby(["image", "category"], sort=False)}
    for key in ga.keys() | gb.keys():
        boxes_a = ga.get(key, np.zeros((0, 4)))
        boxes_b = gb.get(key, np.zeros((0, 4)))
        rows, cols, iou = match(boxes_a, boxes_b)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = _area(boxes_a[rows]) / _area(boxes_b[cols])
        out.setdefault(str(key[1]), []).append((len(boxes_a), len(boxes_b), iou, ratio[np.isfinite(ratio)]))
    return out


def in_pixels(frame: pd.DataFrame, sizes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every row with its image's size where any row (or the `sizes` table: image, width, height,
    file, where) states it, and percent boxes of those images converted to pixels; one image stated
    with two different sizes is refused (located)."""
    known = frame[frame["width"].notna() & frame["height"].notna()]
    if sizes is not None:
        known = pd.concat([sizes, known[sizes.columns]], ignore_index=True)
    sizes = known.drop_duplicates(["image", "width", "height"])
    clash = sizes[sizes["image"].duplicated(keep=False)]
    if len(clash):
        raise InputError(
            Problem(Location(str(r.file), path=str(r.where)), f"image {r.image!r} is {r.width:g} x {r.height:g} "
                    "pixels here but has another size elsewhere: boxes of differently sized copies cannot be compared")
            for r in clash.head(50).itertuples()
        )  # fmt: skip
    size = sizes.set_index("image")[["width", "height"]]
    out = frame.copy()
    out["width"] = out["image"].map(size["width"])
    out["height"] = out["image"].map(size["height"])
    convert = (out["unit"] == "percent") & out["width"].notna()
    for col, dim in (("x1", "width"), ("x2", "width"), ("y1", "height"), ("y2", "height")):
        out.loc[convert, col] = out.loc[convert, col] * out.loc[convert, dim] / 100
    out.loc[convert, "unit"] = "px"
    return out


def _unit_problems(a: pd.DataFrame, b: pd.DataFrame) -> list[Problem]:
    """Percent boxes on an image where the other side (or the same side) has pixel boxes: located."""
    both = pd.concat([a, b])
    both = both[both["unit"].notna()]
    problems: list[Problem] = []
    if both["unit"].nunique() < 2:
        return problems
    for image, rows in both.groupby("image", sort=True):
        if rows["unit"].nunique() < 2:
            continue
        pixel_files = sorted(set(rows.loc[rows["unit"] == "px", "file"].astype(str)))
        for r in rows[rows["unit"] == "percent"].drop_duplicates("file").itertuples():
            problems.append(Problem(Location(str(r.file), path=str(r.where)), (
                f"this box on image {image!r} is in percent of the image (the export has no original_width/"
                f"original_height) and would be compared with pixel boxes from {', '.join(pixel_files)}: "
                "export from Label Studio with the image sizes (open the images once so the export carries "
                "original_width/original_height), give gold with image sizes (COCO 'images' width/height, "
                "CVAT <image width= height=>), or give a table of image, width, height (--image-sizes) "
                "so percent boxes become pixels")))  # fmt: skip
    return problems


def box_agreement(
    boxes: pd.DataFrame, gold: pd.DataFrame | None = None, sizes: pd.DataFrame | None = None
) -> BoxReport:
    """Between every pair of annotators (pooled), or each annotator against gold, on the images both
    sides were shown: boxes on an image only one side drew on are unmatched (a row without category
    marks an image shown without boxes). Percent boxes are first put in pixels wherever a file gives
    the image's size (or the `sizes` table, `box_readers.read_image_sizes`); percent against pixels
    on one image is an `InputError` (see the module's note)."""
    if gold is not None:
        both = in_pixels(pd.concat([boxes.assign(_gold=False), gold.assign(_gold=True)], ignore_index=True), sizes)
        boxes, gold = both[~both["_gold"]], both[both["_gold"]]
    else:
        boxes = in_pixels(boxes, sizes)
    per_cat: dict[str, list[tuple[int, int, np.ndarray, np.ndarray]]] = {}
    problems: list[Problem] = []
    if gold is not None:
        for _, mine in boxes.groupby("annotator", sort=True):
            shared = set(mine["image"]) & set(gold["image"])
            problems += _unit_problems(mine[mine["image"].isin(shared)], gold[gold["image"].isin(shared)])
            for cat, parts in _compare(mine[mine["image"].isin(shared)], gold[gold["image"].isin(shared)]).items():
                per_cat.setdefault(cat, []).extend(parts)
        against = "gold (images both labelled)"
    else:
        names = sorted(boxes["annotator"].unique())
        for first, second in combinations(names, 2):
            a, b = boxes[boxes["annotator"] == first], boxes[boxes["annotator"] == second]
            shared = set(a["image"]) & set(b["image"])
            problems += _unit_problems(a[a["image"].isin(shared)], b[b["image"].isin(shared)])
            for cat, parts in _compare(a[a["image"].isin(shared)], b[b["image"].isin(shared)]).items():
                per_cat.setdefault(cat, []).extend(parts)
        against = "annotators (all pairs, images both labelled)"
    if problems:
        raise InputError(list({(p.location, p.message): p for p in problems}.values())[:50])
    cats = [_scores(c, per_cat[c]) for c in sorted(per_cat)]
    every = [p for c in sorted(per_cat) for p in per_cat[c]]
    return BoxReport(
        against=against,
        method="Hungarian matching maximising total IoU per image and category; TP at IoU >= 0.5 / 0.75; "
        "F1 = 2 TP / (boxes of both sides); area ratio = median of matched annotator / reference areas",
        overall=_scores("(all)", every),
        categories=cats,
    )
