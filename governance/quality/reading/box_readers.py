"""Bounding boxes from COCO JSON, CVAT XML (for images 1.1) and Label Studio JSON exports, as one
frame: image, annotator, category, x1, y1, x2, y2, unit ('px', or 'percent' of the image), the
image's width and height when the file states them, file and where (a locator for error messages).
Percent boxes (Label Studio without `original_width`/`original_height`) become pixels wherever the
image's size is known (`boxes.in_pixels`). An image the annotator was shown but drew no box on is
one row without category and coordinates, so the boxes others (or gold) drew there count as missed.

Untrusted files: size-limited before parsing, XML parsed with defusedxml, every malformed box
reported with its location (`ingest.InputError`), never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import pandas as pd

from governance.quality.reading.boxes import COLUMNS, in_pixels
from ingest import InputError, Location, Problem, decode_text, load_json, normalise_header, read_input, read_sheet
from ingest.errors import column_letter

_MAX_PROBLEMS = 50


def _read(path: Path, max_bytes: int | None) -> bytes:
    """The export's bytes under the `max_bytes` limit (or an explicit cap); a missing file is located."""
    if not path.is_file():
        raise InputError.at("file not found", str(path))
    if max_bytes is not None and path.stat().st_size > max_bytes:
        raise InputError.at(f"{path.stat().st_size:,} bytes is above the {max_bytes:,}-byte limit", path.name)
    return read_input(path)


class _Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.rows: list[tuple[Any, ...]] = []
        self.seen: dict[tuple[str, str], str] = {}
        self.sizes: dict[str, tuple[float, float]] = {}
        self.problems: list[Problem] = []

    def size(self, where: str, image: Any, width: Any, height: Any) -> None:
        """The image's size in pixels as the file states it; absent sizes are simply unknown."""
        if width is None and height is None:
            return
        w, h = _number(str(width)), _number(str(height))
        if w is None or h is None or not (0 < w < float("inf") and 0 < h < float("inf")):
            self.problem(where, "image width and height must be positive numbers (pixels)")
        elif self.sizes.setdefault(str(image), (w, h)) != (w, h):
            self.problem(where, f"image {image!s:.200} is given another size earlier in the file")

    def saw(self, where: str, image: Any, annotator: Any) -> None:
        """The annotator was shown this image, boxes or not (an image with none still counts)."""
        self.seen.setdefault((str(image), str(annotator)), where)

    def problem(self, where: str, message: str) -> None:
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append(Problem(Location(self.file, path=where), message))

    def add(
        self, where: str, image: Any, annotator: Any, category: Any, x1: Any, y1: Any, x2: Any, y2: Any,
        unit: str = "px",
    ) -> None:  # fmt: skip
        try:
            box = [float(v) for v in (x1, y1, x2, y2)]
        except (TypeError, ValueError):
            self.problem(where, "box coordinates are not numbers")
            return
        if any(v != v or abs(v) == float("inf") for v in box):
            self.problem(where, "box coordinates must be finite")
        elif box[2] < box[0] or box[3] < box[1]:
            self.problem(where, "box has negative width or height")
        elif category is None or str(category).strip() == "":
            self.problem(where, "box has no label")
        else:
            w, h = self.sizes.get(str(image), (float("nan"), float("nan")))
            self.rows.append((str(image), str(annotator), str(category), *box, unit, w, h, self.file, where))

    def frame(self) -> pd.DataFrame:
        """The boxes read, percent boxes of images whose size the file states in pixels."""
        if self.problems:
            raise InputError(self.problems)
        boxed = {(r[0], r[1]) for r in self.rows}
        nan = float("nan")
        empty = [
            (i, a, None, *[nan] * 4, None, *self.sizes.get(i, (nan, nan)), self.file, w)
            for (i, a), w in self.seen.items()
            if (i, a) not in boxed
        ]
        return in_pixels(pd.DataFrame(self.rows + empty, columns=COLUMNS))


def _scalar(value: Any) -> bool:
    """An id or name usable as a key: a string, number or absent (never a list or object)."""
    return value is None or isinstance(value, (str, int, float))


def _json(data: bytes, file: str) -> Any:
    """JSON through the bounded layer: depth limit, located syntax errors, huge integers refused."""
    return load_json(decode_text(data, file), file)


def read_coco(path: Path | str, annotator: str | None = None, max_bytes: int | None = None) -> pd.DataFrame:
    """COCO detection JSON: `bbox` [x, y, width, height]; images by file name; the annotator is
    the file's stem unless given (COCO files carry one annotator's boxes)."""
    path = Path(path)
    doc = _json(_read(path, max_bytes), path.name)
    if not isinstance(doc, dict) or not isinstance(doc.get("annotations"), list):
        raise InputError.at("a COCO file needs an 'annotations' list", path.name)
    out = _Collector(path.name)
    names = _index(out, doc.get("categories"), "categories", "name")
    images = _index(out, doc.get("images"), "images", "file_name")
    who = annotator or path.stem
    for k, name in enumerate(images.values()):
        out.saw(f"images[{k}]", name, who)
    for k, entry in enumerate(doc.get("images") or []):
        if isinstance(entry, dict) and _scalar(entry.get("id")) and entry.get("id") in images:
            out.size(f"images[{k}]", images[entry["id"]], entry.get("width"), entry.get("height"))
    for k, ann in enumerate(doc["annotations"]):
        where = f"annotations[{k}]"
        bbox = ann.get("bbox") if isinstance(ann, dict) else None
        if not isinstance(bbox, list) or len(bbox) != 4:
            out.problem(where, "needs 'bbox' as [x, y, width, height]")
            continue
        if not (_scalar(ann.get("image_id")) and _scalar(ann.get("category_id"))):
            out.problem(where, "'image_id' and 'category_id' must be numbers or strings")
            continue
        image = images.get(ann.get("image_id"), ann.get("image_id"))
        category = names.get(ann.get("category_id"), ann.get("category_id"))
        try:
            x, y, w, h = (float(v) for v in bbox)
        except (TypeError, ValueError):
            out.problem(where, "box coordinates are not numbers")
            continue
        out.add(where, image, who, category, x, y, x + w, y + h)
    return out.frame()


def _index(out: _Collector, entries: Any, section: str, field: str) -> dict[Any, Any]:
    """COCO's images or categories as id -> file name or name; malformed entries are problems."""
    if entries is None:
        return {}
    if not isinstance(entries, list):
        out.problem(section, f"'{section}' must be a list")
        return {}
    index: dict[Any, Any] = {}
    for k, entry in enumerate(entries):
        if not isinstance(entry, dict) or not _scalar(entry.get("id")) or not _scalar(entry.get(field)):
            out.problem(f"{section}[{k}]", f"needs an 'id' and '{field}' as numbers or strings")
            continue
        index[entry.get("id")] = entry.get(field, entry.get("id"))
    return index


def read_cvat(path: Path | str, annotator: str | None = None, max_bytes: int | None = None) -> pd.DataFrame:
    """CVAT 'for images 1.1' XML: <image name=...><box label= xtl= ytl= xbr= ybr=/>; parsed with
    defusedxml (no entities, no external references)."""
    path = Path(path)
    raw = _read(path, max_bytes)
    try:
        root = SafeET.fromstring(raw)
    except SafeET.ParseError as exc:
        raise InputError.at(f"not valid XML ({exc})", path.name) from None
    except Exception as exc:  # defusedxml refuses entities and external references
        raise InputError.at(f"XML refused: {type(exc).__name__}", path.name) from None
    if root.find(".//track") is not None and root.find(".//image") is None:
        raise InputError.at("a CVAT for video export (<track>); export as 'CVAT for images 1.1'", path.name)
    who = annotator or path.stem
    out = _Collector(path.name)
    for i, image in enumerate(root.iter("image")):
        name = image.get("name") or image.get("id") or str(i)
        out.saw(f"image[{i}] {name}", name, who)
        out.size(f"image[{i}] {name}", name, image.get("width"), image.get("height"))
        for j, box in enumerate(image.iter("box")):
            where = f"image[{i}] {name}, box[{j}]"
            if float(_number(box.get("rotation")) or 0) % 360:
                out.problem(where, "rotated box: IoU here is for axis-aligned boxes")
                continue
            out.add(where, name, who, box.get("label"), box.get("xtl"), box.get("ytl"), box.get("xbr"), box.get("ybr"))
    return out.frame()


def _number(text: str | None) -> float | None:
    """A numeric attribute, None when absent or not a number (the box check reports the latter)."""
    try:
        return None if text is None else float(text)
    except ValueError:
        return None


def read_label_studio(path: Path | str, max_bytes: int | None = None) -> pd.DataFrame:
    """Label Studio JSON export: tasks with annotations whose `rectanglelabels` results give x, y,
    width, height in percent of the image; with the result's `original_width`/`original_height`
    they become pixels, without them they stay percent (unit 'percent'); the annotator is
    `completed_by` (e-mail or id)."""
    path = Path(path)
    doc = _json(_read(path, max_bytes), path.name)
    if not isinstance(doc, list):
        raise InputError.at("a Label Studio export is a list of tasks", path.name)
    out = _Collector(path.name)
    for t, task in enumerate(doc):
        if not isinstance(task, dict):
            out.problem(f"[{t}]", "a task must be an object")
            continue
        data = task.get("data") or {}
        image = data.get("image") if isinstance(data, dict) else None
        image = image or task.get("id", t)
        annotations = task.get("annotations") or []
        if not isinstance(annotations, list) or not _scalar(image):
            out.problem(f"[{t}]", "a task needs 'annotations' as a list and its image as a string")
            continue
        for a, ann in enumerate(annotations):
            results = ann.get("result") or [] if isinstance(ann, dict) else None
            who = ann.get("completed_by") if isinstance(ann, dict) else None
            if isinstance(who, dict):
                who = who.get("email") or who.get("id")
            if not isinstance(results, list) or not _scalar(who):
                out.problem(f"[{t}].annotations[{a}]", "an annotation needs 'result' as a list and 'completed_by'")
                continue
            who = who if who is not None else f"annotation-{a}"
            out.saw(f"[{t}].annotations[{a}]", image, who)
            ids = _ids(task, ann)
            for r, res in enumerate(results):
                if isinstance(res, dict) and res.get("type") == "rectanglelabels":
                    _ls_box(out, f"[{t}].annotations[{a}].result[{r}]{ids}", image, who, res)
    return out.frame()


def _ids(task: dict[str, Any], ann: dict[str, Any]) -> str:
    """' (task 12, annotation 34)' from the export's own ids, so a located box can be found in Label Studio."""
    named = [
        f"{k} {v}" for k, v in (("task", task.get("id")), ("annotation", ann.get("id"))) if _scalar(v) and v is not None
    ]
    return f" ({', '.join(named)})" if named else ""


def _ls_box(out: _Collector, where: str, image: Any, who: Any, res: dict[str, Any]) -> None:
    """One rectangle result: pixels when the result states the image's size, percent otherwise."""
    v = res.get("value")
    labels = v.get("rectanglelabels") if isinstance(v, dict) else None
    labels = [labels] if isinstance(labels, str) else labels or [None]
    if not isinstance(v, dict) or not isinstance(labels, list) or not _scalar(labels[0]):
        out.problem(where, "needs 'value' with x, y, width, height and 'rectanglelabels'")
        return
    try:
        x, y, w, h = (float(v[k]) for k in ("x", "y", "width", "height"))
    except (KeyError, TypeError, ValueError):
        out.problem(where, "needs numeric x, y, width and height")
        return
    out.size(where, image, res.get("original_width"), res.get("original_height"))
    out.add(where, image, who, labels[0], x, y, x + w, y + h, unit="percent")


def read_boxes(path: Path | str, annotator: str | None = None, max_bytes: int | None = None) -> pd.DataFrame:
    """Any of the three formats, told apart by extension and content."""
    path = Path(path)
    if path.suffix.lower() == ".xml":
        return read_cvat(path, annotator, max_bytes)
    if path.suffix.lower() != ".json":
        raise InputError.at("box exports are COCO .json, CVAT .xml or Label Studio .json", path.name)
    head = _read(path, max_bytes).lstrip()[:1]
    if head == b"[":
        frame = read_label_studio(path, max_bytes)
        return frame.assign(annotator=annotator) if annotator else frame
    return read_coco(path, annotator, max_bytes)


def _sizes_header(row: Any) -> bool:
    names = {normalise_header(str(c)) for c in row if c is not None}
    return {"image", "width", "height"} <= names


def read_image_sizes(path: Path | str, data: bytes | None = None) -> pd.DataFrame:
    """A table (CSV or xlsx) of image, width, height in pixels, for percent boxes whose export
    states no size; each bad row is located (file, row, column)."""
    path = Path(path)
    sheet = read_sheet(path, _sizes_header, data=data)
    col = {normalise_header(h): k for k, h in enumerate(sheet.header)}
    rows, problems = [], []
    for cells, number in zip(sheet.rows, sheet.row_numbers, strict=True):
        image, width, height = (cells[col[k]] if col[k] < len(cells) else None for k in ("image", "width", "height"))
        w, h = _number(str(width)), _number(str(height))
        if image is None or str(image).strip() == "":
            problems.append(Problem(Location(sheet.file, sheet.name, number, column_letter(col["image"])), "no image"))
        elif w is None or h is None or not (0 < w < float("inf") and 0 < h < float("inf")):
            where = Location(sheet.file, sheet.name, number, column_letter(col["width" if w is None else "height"]))
            problems.append(Problem(where, "width and height must be positive numbers (pixels)"))
        else:
            rows.append((str(image).strip(), w, h, sheet.file, f"row {number}"))
    if problems:
        raise InputError(problems[:_MAX_PROBLEMS])
    return pd.DataFrame(rows, columns=["image", "width", "height", "file", "where"])
