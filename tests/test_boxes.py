"""Bounding boxes: Hungarian matching against brute force, IoU/F1/tightness on known cases, the
three readers on the same boxes, located errors, and box terms in the SLA check."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annogov.cli import main
from governance.quality.reading.box_readers import (
    read_boxes,
    read_coco,
    read_cvat,
    read_image_sizes,
    read_label_studio,
)
from governance.quality.reading.boxes import COLUMNS, box_agreement, iou_matrix, match
from ingest import InputError

ROOT = Path(__file__).resolve().parents[1]


def _random_boxes(rng: np.random.Generator, n: int) -> np.ndarray:
    xy = rng.uniform(0, 50, (n, 2))
    wh = rng.uniform(5, 30, (n, 2))
    return np.column_stack([xy, xy + wh])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 100_000), n=st.integers(0, 5), m=st.integers(0, 5))
def test_matching_equals_brute_force(seed: int, n: int, m: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = _random_boxes(rng, n), _random_boxes(rng, m)
    rows, cols, iou = match(a, b)
    full = iou_matrix(a, b)
    best = 0.0
    small, large = (n, m) if n <= m else (m, n)
    for perm in itertools.permutations(range(large), small):
        pairs = zip(range(small), perm, strict=True) if n <= m else zip(perm, range(small), strict=True)
        best = max(best, sum(full[i, j] for i, j in pairs))
    assert iou.sum() == pytest.approx(best, abs=1e-12)
    assert len(set(rows)) == len(rows) and len(set(cols)) == len(cols) and (iou > 0).all()


def test_iou_of_known_boxes() -> None:
    a = np.array([[0, 0, 10, 10]])
    b = np.array([[5, 0, 15, 10], [20, 20, 30, 30]])
    assert iou_matrix(a, b)[0].tolist() == pytest.approx([50 / 150, 0.0])


def _frame(rows: list[tuple[str, str, str, float, float, float, float]]) -> pd.DataFrame:
    nan = float("nan")
    return pd.DataFrame([(*r, "px", nan, nan, "made.json", "") for r in rows], columns=COLUMNS)


def test_agreement_and_tightness_per_category() -> None:
    boxes = _frame(
        [("i1", "a", "car", 0, 0, 10, 10), ("i1", "b", "car", 0, 0, 10, 10),  # IoU 1
         ("i1", "a", "car", 20, 0, 30, 10), ("i1", "b", "car", 22, 0, 32, 10),  # IoU 8/12
         ("i1", "a", "person", 0, 20, 10, 30)]  # unmatched
    )  # fmt: skip
    report = box_agreement(boxes)
    car = next(c for c in report.categories if c.category == "car")
    assert car.mean_iou == pytest.approx((1 + 8 / 12) / 2) and car.f1_50 == 1.0 and car.f1_75 == 0.5
    person = next(c for c in report.categories if c.category == "person")
    assert person.f1_50 == 0.0 and person.mean_iou is None
    gold = _frame([("i1", "gold", "car", 0, 0, 5, 10), ("i1", "gold", "car", 20, 0, 30, 10)])
    tight = box_agreement(boxes[boxes["annotator"] == "a"], gold)
    assert next(c for c in tight.categories if c.category == "car").area_ratio == pytest.approx(1.5)


def _write_all(tmp: Path) -> tuple[Path, Path, Path]:
    coco = {
        "images": [{"id": 1, "file_name": "img1.jpg"}],
        "categories": [{"id": 3, "name": "car"}],
        "annotations": [{"image_id": 1, "category_id": 3, "bbox": [10, 20, 30, 40]}],
    }
    (tmp / "ann1.json").write_text(json.dumps(coco))
    (tmp / "ann1.xml").write_text(
        '<annotations><image id="0" name="img1.jpg" width="200" height="100">'
        '<box label="car" xtl="10" ytl="20" xbr="40" ybr="60"/></image></annotations>'
    )
    ls = [{"id": 1, "data": {"image": "img1.jpg"}, "annotations": [{"completed_by": {"email": "ann1"}, "result": [
        {"type": "rectanglelabels", "original_width": 200, "original_height": 100,
         "value": {"x": 5, "y": 20, "width": 15, "height": 40, "rectanglelabels": ["car"]}}]}]}]  # fmt: skip
    (tmp / "ls.json").write_text(json.dumps(ls))
    return tmp / "ann1.json", tmp / "ann1.xml", tmp / "ls.json"


def test_three_formats_read_the_same_box(tmp_path: Path) -> None:
    coco, cvat, ls = _write_all(tmp_path)
    frames = [read_coco(coco), read_cvat(cvat), read_label_studio(ls), read_boxes(ls)]
    for f in frames:
        assert f[["image", "annotator", "category"]].values.tolist() == [["img1.jpg", "ann1", "car"]]
        assert f[["x1", "y1", "x2", "y2"]].values.tolist() == [pytest.approx([10, 20, 40, 60])]


def test_bad_files_give_located_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"annotations": [{"image_id": 1, "bbox": [1, 2, 3]}, {"bbox": [0, 0, -5, 1]}]}))
    with pytest.raises(InputError) as err:
        read_coco(bad)
    text = str(err.value)
    assert "annotations[0]" in text and "annotations[1]" in text and "negative width" in text
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><annotations>&a;</annotations>')
    with pytest.raises(InputError, match="refused"):
        read_cvat(bomb)
    with pytest.raises(InputError, match="limit"):
        read_coco(bad, max_bytes=10)
    assert main(["boxes", str(bad)]) == 2


_BOX = {"x": 1, "y": 1, "width": 3, "height": 3, "rectanglelabels": ["car"]}


def _rect(value: object) -> dict[str, object]:
    return {"type": "rectanglelabels", "value": value}


@pytest.mark.parametrize(
    ("doc", "where"),
    [
        ({"images": [{"id": [1]}], "annotations": [{"image_id": 1, "bbox": [0, 0, 1, 1]}]}, "images[0]"),
        ({"annotations": [{"image_id": [1], "category_id": 1, "bbox": [0, 0, 1, 1]}]}, "annotations[0]"),
        ({"categories": {"id": 1}, "annotations": []}, "categories"),
        ([{"data": {"image": "a"}, "annotations": 5}], "[0]"),
        ([{"data": {"image": ["a"]}, "annotations": []}], "[0]"),
        ([{"annotations": [{"completed_by": 1, "result": {"x": 1}}]}], "[0].annotations[0]"),
        ([{"annotations": [{"completed_by": [1], "result": []}]}], "[0].annotations[0]"),
        ([{"annotations": [{"result": [_rect([1, 2])]}]}], "result[0]"),
        ([{"annotations": [{"result": [_rect({**_BOX, "rectanglelabels": {"a": 1}})]}]}], "result[0]"),
    ],
)
def test_malformed_json_structures_are_located(tmp_path: Path, doc: object, where: str) -> None:
    """Lists where ids belong, objects where lists belong: located errors, never a traceback."""
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError) as err:
        read_boxes(path)
    assert where in str(err.value)


def test_label_studio_label_given_as_a_string(tmp_path: Path) -> None:
    """A single label written as a string is that label, not its first letter."""
    path = tmp_path / "ls.json"
    result = _rect({**_BOX, "rectanglelabels": "car"})
    path.write_text(json.dumps([{"data": {"image": "a"}, "annotations": [{"completed_by": 7, "result": [result]}]}]))
    assert read_boxes(path)["category"].tolist() == ["car"]


def test_box_terms_in_sla_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    coco, cvat, _ = _write_all(tmp_path)
    other = json.loads(coco.read_text())
    other["annotations"][0]["bbox"] = [12, 20, 30, 40]
    (tmp_path / "ann2.json").write_text(json.dumps(other))
    terms = tmp_path / "terms.yaml"
    terms.write_text(
        "terms:\n"
        "  - {id: iou, metric: box_mean_iou, threshold: 0.8, min_sample: 1}\n"
        "  - {id: f1, metric: box_f1_75, threshold: 0.99, min_sample: 1, scope: each_category}\n"
    )
    delivery = str(ROOT / "examples" / "delivery.csv")
    argv = ["sla-check", "--terms", str(terms), delivery, "--format", "json"]
    assert main([*argv, "--boxes", str(coco), str(tmp_path / "ann2.json")]) == 0
    payload = json.loads(capsys.readouterr().out)
    iou, f1 = payload["terms"]
    assert iou["status"] == "pass" and iou["value"] == pytest.approx(28 / 32)
    assert f1["status"] == "pass"
    assert main(argv) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["terms"][0]["status"] == "inconclusive"
    assert main(["boxes", str(coco), str(tmp_path / "ann2.json"), "--box-gold", str(cvat)]) == 0
    assert "gold" in capsys.readouterr().out


def test_an_image_shown_but_left_empty_counts_its_missed_boxes(tmp_path: Path) -> None:
    """Annotator a was shown img1 and img2 (COCO 'images', CVAT <image>, a Label Studio task with an
    empty result) and boxed only img1: gold's box on img2 is a miss, so F1 is 2 x 1 / 3, not 1. An
    image gold never covered does not count against the annotator."""
    coco = {
        "images": [{"id": 1, "file_name": "img1.jpg"}, {"id": 2, "file_name": "img2.jpg"}],
        "categories": [{"id": 3, "name": "car"}],
        "annotations": [{"image_id": 1, "category_id": 3, "bbox": [0, 0, 10, 10]}],
    }
    (tmp_path / "a.json").write_text(json.dumps(coco))
    (tmp_path / "a.xml").write_text(
        '<annotations><image id="0" name="img1.jpg"><box label="car" xtl="0" ytl="0" xbr="10" ybr="10"/>'
        '</image><image id="1" name="img2.jpg"/></annotations>'
    )
    box = {**_rect({**_BOX, "x": 0, "y": 0, "width": 5, "height": 10}), "original_width": 200, "original_height": 100}
    tasks = [
        {"data": {"image": "img1.jpg"}, "annotations": [{"completed_by": "a", "result": [box]}]},
        {"data": {"image": "img2.jpg"}, "annotations": [{"completed_by": "a", "result": []}]},
    ]
    (tmp_path / "a-ls.json").write_text(json.dumps(tasks))
    gold = _frame([("img1.jpg", "gold", "car", 0, 0, 10, 10), ("img2.jpg", "gold", "car", 5, 5, 9, 9),
                   ("img3.jpg", "gold", "car", 1, 1, 4, 4)])  # fmt: skip
    for name in ("a.json", "a.xml", "a-ls.json"):
        frame = read_boxes(tmp_path / name)
        report = box_agreement(frame.assign(annotator="a"), gold)
        assert (report.overall.boxes_a, report.overall.boxes_b, report.overall.matched) == (1, 2, 1), name
        assert report.overall.f1_50 == pytest.approx(2 / 3), name


def test_cvat_video_exports_and_rotated_boxes_are_refused_in_words(tmp_path: Path) -> None:
    """A CVAT-for-video file used to read as zero boxes; a rotated box as an axis-aligned one."""
    video = tmp_path / "video.xml"
    video.write_text('<annotations><track id="0" label="car"><box frame="0" xtl="1" ytl="1" xbr="5" ybr="5"/>'
                     "</track></annotations>")  # fmt: skip
    with pytest.raises(InputError, match="CVAT for video"):
        read_cvat(video)
    rotated = tmp_path / "rotated.xml"
    rotated.write_text('<annotations><image id="0" name="a.jpg"><box label="car" xtl="1" ytl="1" xbr="5" ybr="5" '
                       'rotation="30.0"/><box label="car" xtl="1" ytl="1" xbr="5" ybr="5" rotation="0.0"/></image>'
                       "</annotations>")  # fmt: skip
    with pytest.raises(InputError, match=r"box\[0\].*rotated") as err:
        read_cvat(rotated)
    assert "box[1]" not in str(err.value)


def test_hostile_box_json_is_a_located_refusal(tmp_path: Path) -> None:
    for name, text in {
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "bigint.json": '{"annotations": [' + "9" * 6000 + "]}",
        "bom.json": "\ufeff" + "{not json",
    }.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as err:
            read_boxes(path)
        assert all(p.location.file == name for p in err.value.problems)


def _ls(path: Path, image: str, value: dict[str, float], size: tuple[int, int] | None) -> Path:
    """A one-box Label Studio export (task 11, annotation 22), with the image's size or without."""
    result: dict[str, object] = _rect({**value, "rectanglelabels": ["car"]})
    if size:
        result |= {"original_width": size[0], "original_height": size[1]}
    tasks = [
        {"id": 11, "data": {"image": image}, "annotations": [{"id": 22, "completed_by": "ls", "result": [result]}]}
    ]
    path.write_text(json.dumps(tasks))
    return path


def _coco_gold(path: Path, bbox: list[float], size: tuple[int, int] | None) -> Path:
    image: dict[str, object] = {"id": 1, "file_name": "img.jpg"}
    if size:
        image |= {"width": size[0], "height": size[1]}
    path.write_text(json.dumps({"images": [image], "categories": [{"id": 1, "name": "car"}],
                                "annotations": [{"image_id": 1, "category_id": 1, "bbox": bbox}]}))  # fmt: skip
    return path


def test_percent_boxes_become_pixels_where_the_size_is_known(tmp_path: Path) -> None:
    """Gold (0, 0)-(100, 50) px on a 200 x 100 image; Label Studio's box x 25%, y 0, 50% x 50% is
    (50, 0)-(150, 50) px: intersection 50 x 50 = 2500, union 5000 + 5000 - 2500 = 7500, IoU 1/3 --
    the same as the pixel box against gold, whether the size comes from Label Studio or from gold."""
    value = {"x": 25, "y": 0, "width": 50, "height": 50}
    pixel = _coco_gold(tmp_path / "px.json", [50, 0, 100, 50], None).read_text()
    (tmp_path / "ann.json").write_text(pixel)
    reference = box_agreement(
        read_boxes(tmp_path / "ann.json"), read_boxes(_coco_gold(tmp_path / "g.json", [0, 0, 100, 50], None), "gold")
    )
    assert reference.overall.mean_iou == pytest.approx(1 / 3)
    cases = [((200, 100), None), (None, (200, 100)), ((200, 100), (200, 100))]
    for ls_size, gold_size in cases:
        boxes = read_boxes(_ls(tmp_path / "ls.json", "img.jpg", value, ls_size))
        gold = read_boxes(_coco_gold(tmp_path / "gold.json", [0, 0, 100, 50], gold_size), "gold")
        report = box_agreement(boxes, gold)
        assert report.overall.mean_iou == pytest.approx(1 / 3), (ls_size, gold_size)
        assert report.overall.area_ratio == pytest.approx(1.0)


def test_percent_against_pixels_without_a_size_is_refused_where_it_is(tmp_path: Path) -> None:
    """Neither side gives img.jpg's size: the percent box (25..75 of 100) would be read as pixels of
    a 100 x 100 image. Refused, naming the file, the task and annotation ids and what to do."""
    boxes = read_boxes(_ls(tmp_path / "ls.json", "img.jpg", {"x": 25, "y": 0, "width": 50, "height": 50}, None))
    assert boxes["unit"].tolist() == ["percent"]
    gold = read_boxes(_coco_gold(tmp_path / "gold.json", [0, 0, 100, 50], None), "gold")
    with pytest.raises(InputError) as err:
        box_agreement(boxes, gold)
    (problem,) = err.value.problems
    assert problem.location.file == "ls.json" and "task 11, annotation 22" in str(problem.location)
    assert "percent" in problem.message and "gold.json" in problem.message and "original_width" in problem.message
    assert main(["boxes", "--boxes", str(tmp_path / "ls.json"), "--box-gold", str(tmp_path / "gold.json")]) == 2
    with pytest.raises(InputError, match="percent"):  # between annotators too
        box_agreement(pd.concat([boxes, gold.assign(annotator="b")]))


def test_percent_boxes_of_the_same_image_compare_without_a_size(tmp_path: Path) -> None:
    """Both sides in percent of img.jpg: (0, 0)-(50, 50) against (25, 0)-(75, 50) has IoU 1/3 in
    percent as in pixels of any W x H image (every area scales by 10^4 / (W H))."""
    a = read_boxes(_ls(tmp_path / "a.json", "img.jpg", {"x": 0, "y": 0, "width": 50, "height": 50}, None), "a")
    b = read_boxes(_ls(tmp_path / "b.json", "img.jpg", {"x": 25, "y": 0, "width": 50, "height": 50}, None), "b")
    assert box_agreement(pd.concat([a, b])).overall.mean_iou == pytest.approx(1 / 3)
    sized = read_boxes(
        _ls(tmp_path / "c.json", "img.jpg", {"x": 25, "y": 0, "width": 50, "height": 50}, (640, 480)), "b"
    )
    assert box_agreement(pd.concat([a, sized])).overall.mean_iou == pytest.approx(1 / 3)  # a converted by c's size


def test_one_image_with_two_sizes_is_refused(tmp_path: Path) -> None:
    boxes = read_boxes(_ls(tmp_path / "ls.json", "img.jpg", {"x": 0, "y": 0, "width": 5, "height": 5}, (640, 480)))
    gold = read_boxes(_coco_gold(tmp_path / "gold.json", [0, 0, 10, 10], (320, 240)), "gold")
    with pytest.raises(InputError, match="another size"):
        box_agreement(boxes, gold)


def test_an_image_size_table_turns_percent_boxes_into_pixels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The refused pair above, with a table saying img.jpg is 200 x 100: IoU 1/3 as pixel against
    pixel; a bad size in the table is located by row and column."""
    ls = _ls(tmp_path / "ls.json", "img.jpg", {"x": 25, "y": 0, "width": 50, "height": 50}, None)
    gold = _coco_gold(tmp_path / "gold.json", [0, 0, 100, 50], None)
    table = tmp_path / "sizes.csv"
    table.write_text("image,width,height\nimg.jpg,200,100\nother.jpg,640,480\n")
    argv = ["boxes", "--boxes", str(ls), "--box-gold", str(gold), "--image-sizes", str(table), "--format", "json"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["overall"]["mean_iou"] == pytest.approx(1 / 3)
    table.write_text("image,width,height\nimg.jpg,200,100\nother.jpg,wide,480\n,1,1\n")
    with pytest.raises(InputError) as err:
        read_image_sizes(table)
    assert [(p.location.row, p.location.column) for p in err.value.problems] == [(3, "B"), (4, "A")]
    assert main(argv) == 2 and "sizes.csv, row 3" in capsys.readouterr().err
    table.write_text("image,width,height\nimg.jpg,640,480\n")  # disagrees with the size gold now states
    sized_gold = _coco_gold(tmp_path / "gold.json", [0, 0, 100, 50], (200, 100))
    with pytest.raises(InputError, match="another size"):
        box_agreement(read_boxes(ls), read_boxes(sized_gold, "gold"), read_image_sizes(table))
