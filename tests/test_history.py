"""Vendor history and the gold set as an asset: drops by hand, breakdowns, the store (access, versions,
nothing saved on bad input) and the commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annogov.cli import main
from annogov.store import Store
from annogov.store.codes import codes_key
from annogov.store.measured import gold_set, list_deliveries, record_delivery, save_gold_set
from governance.quality.annotator_codes import pseudonyms
from governance.quality.reading.delivery import open_delivery
from governance.quality.reading.delivery_counts import count_delivery
from governance.quality.vendors.goldset import coverage, load_gold_set, qualify, seeded_share, with_gold
from governance.quality.vendors.history import (
    DeliveryMeasures,
    StoredDelivery,
    Tally,
    measure_delivery,
    provider_history,
    pseudonymised,
)
from governance.quality.vendors.pilot import load_pilot_spec, run_pilot
from governance.roles import ANNOTATOR_IDS, ROLE_PERMISSIONS, PermissionDenied, Role, User
from ingest import InputError

KEY = bytes(range(32))

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "pilot"
LABELS = ["vehicle", "pedestrian", "cyclist", "traffic_sign", "animal", "e_scooter_rider"]
MANAGER = User(user_id="pm", name="PM", role=Role.PROGRAM_MANAGER)
ANNOTATOR = User(user_id="ann", name="Ann", role=Role.ANNOTATOR)
REVIEWER = User(user_id="rev", name="Rev", role=Role.REVIEWER)


def _delivery(
    i: int, on: str, correct: int, gold: int = 100, version: str = "v1", provider: str = "Acme"
) -> StoredDelivery:
    t = Tally(rows=gold, gold=gold, correct=correct, reviewed=50, failed=1, timed=gold, on_time=gold)
    m = DeliveryMeasures(
        file=f"d{i}.csv",
        items=gold,
        annotations=gold,
        kappa_method="cohen_kappa",
        overall=t,
        categories={"rare": t},
        annotators={"w-1": t},
    )
    return StoredDelivery(
        id=i, provider=provider, label=f"d{i}", delivered_on=on, guideline_version=version, measures=m
    )


def test_drop_flagged_by_hand() -> None:
    # 90/100 -> 80/100: pooled 0.85, z = 0.10 / sqrt(0.85 * 0.15 * 0.02) = 1.98030, p = 0.023835;
    # the same delivery's defect test (1/50 both times) has p = 0.5, on-time (all on time) is untestable,
    # so Holm over two tests: 2 x 0.023835 = 0.04767 < 0.05, flagged
    # 80/100 -> 75/100: pooled 0.775, z = 0.05 / 0.059055 = 0.84667, p = 0.1986: not flagged
    h = provider_history(
        [_delivery(3, "2026-03-01", 75), _delivery(1, "2026-01-01", 90), _delivery(2, "2026-02-01", 80)]
    )
    assert [p.delivery for p in h.points] == ["d1", "d2", "d3"]
    assert h.points[1].drops["accuracy"] == pytest.approx(2 * 0.023835, abs=1e-5)
    assert h.points[2].drops == {} and h.points[0].drops == {}
    assert h.flagged == ["Acme / (all) / d2: accuracy worse (Holm p = 0.0477)"]


def test_holm_family_is_one_delivery_even_when_labels_repeat() -> None:
    # weekly files often share a name (the default label): the second and third deliveries are both
    # 'weekly.csv'; the drop 90 -> 80 is adjusted over its own delivery's two tests (2 x 0.023835),
    # not over four tests of two deliveries (4 x 0.023835 = 0.095, which hid it)
    ds = [_delivery(1, "2026-01-01", 90), _delivery(2, "2026-01-08", 80), _delivery(3, "2026-01-15", 80)]
    ds = [ds[0], *(d.model_copy(update={"label": "weekly.csv"}) for d in ds[1:])]
    h = provider_history(ds)
    assert h.points[1].drops["accuracy"] == pytest.approx(2 * 0.023835, abs=1e-5)
    assert h.flagged == ["Acme / (all) / weekly.csv: accuracy worse (Holm p = 0.0477)"]


def test_breakdowns_and_pseudonyms() -> None:
    ds = [
        _delivery(1, "2026-01-01", 90, version="v1"),
        _delivery(2, "2026-01-08", 70, version="v2"),
        _delivery(3, "2026-01-15", 72, version="v2"),
    ]
    by_version = provider_history(ds, by="guideline_version")
    assert [(p.scope, p.gold, p.accuracy) for p in by_version.points] == [("v1", 100, 0.9), ("v2", 200, 0.71)]
    assert "accuracy" in by_version.points[1].drops
    hidden = provider_history(pseudonymised(ds, key=KEY), by="annotator")
    assert {p.scope for p in hidden.points} == {"A01"} and "w-1" not in str(hidden.model_dump())
    assert {p.scope for p in provider_history(ds, by="annotator").points} == {"w-1"}
    assert {p.scope for p in provider_history(ds, by="category").points} == {"rare"}


def test_measures_against_the_gold_set_agree_with_the_pilot() -> None:
    gold = load_gold_set(EXAMPLE / "gold-set.csv", LABELS)
    report = run_pilot(load_pilot_spec(EXAMPLE / "pilot.yaml"), base_dir=EXAMPLE)
    tessellate = next(p for p in report.providers if p.name == "Tessellate AI Services")
    counts = count_delivery(with_gold(open_delivery(EXAMPLE / "tessellate-delivery.csv"), gold), LABELS)
    m = measure_delivery(counts, gold=gold)
    # every gold ticket was labelled once, so annotation accuracy equals the pilot's item accuracy
    assert {c: (t.correct, t.gold) for c, t in m.categories.items()} == {
        c.category: (c.right, c.items) for c in tessellate.per_category
    }
    assert m.gold_seeded == 190 and m.gold_share == pytest.approx(190 / 524)
    assert m.overall.on_time / m.overall.timed == pytest.approx(tessellate.on_time)


def test_gold_set_coverage_seeded_and_qualification() -> None:
    gold = load_gold_set(EXAMPLE / "gold-set.csv", LABELS)
    rows = {r.category: r for r in coverage(gold, 30, ["unused"])}
    assert (rows["traffic_sign"].items, rows["traffic_sign"].short_by) == (25, 5)
    assert rows["unused"].short_by == 30 and rows["animal"].short_by == 0
    share = seeded_share(gold, ["obj-0001", "nope", *[g.item_id for g in gold.items[:3]]])
    assert share.delivered_items == len({"obj-0001", "nope", *[g.item_id for g in gold.items[:3]]})
    quals = [g for g in gold.items if g.qualification]
    answers = [("new-1", g.item_id, g.label) for g in quals]  # 30 of 30 right
    answers += [
        ("new-2", g.item_id, g.label if i < 25 else "vehicle" if g.label != "vehicle" else "animal")
        for i, g in enumerate(quals)
    ]  # 25 of 30 = 83% < 90%
    answers += [("new-3", quals[0].item_id, quals[0].label)]  # too few
    result = {q.annotator: q for q in qualify(gold, answers, threshold=0.9, min_items=20)}
    assert result["new-1"].qualified and result["new-1"].correct == 30
    assert not result["new-2"].qualified and result["new-2"].correct == 25
    assert not result["new-3"].qualified and "fewer than the 20" in result["new-3"].reason
    # one item answered 25 times is one item, and a repeated item is right only if every answer was
    repeated = [("rep", quals[0].item_id, quals[0].label)] * 25
    repeated += [("rep", g.item_id, g.label) for g in quals[1:20]] + [("rep", quals[1].item_id, "wrong")]
    rep = qualify(gold, repeated, threshold=0.9, min_items=20)[0]
    assert (rep.answered, rep.correct) == (20, 19)
    assert qualify(gold, repeated[:25], min_items=20)[0].answered == 1


def _store(url: str) -> Store:
    s = Store(url)
    program = s.create_program("Tickets")
    s.add_provider(program.id, "Acme")
    return s


@pytest.fixture
def store(db_url: str) -> Store:
    return _store(db_url)


def test_store_round_trip_access_and_versions(store: Store) -> None:
    program = store.find_program("Tickets")
    assert program is not None
    d = _delivery(1, "2026-01-01", 90)
    saved = record_delivery(
        store, MANAGER, program.id, "Acme", d.measures, delivered_on=date(2026, 1, 1), guideline_version="v3"
    )
    assert list_deliveries(store, MANAGER, program.id, reveal=True) == [saved]  # codes unless revealed
    with pytest.raises(PermissionDenied):
        list_deliveries(store, ANNOTATOR, program.id)
    with pytest.raises(PermissionDenied):
        record_delivery(
            store, REVIEWER, program.id, "Acme", d.measures, delivered_on=date(2026, 1, 1), guideline_version="v3"
        )
    gold = load_gold_set(EXAMPLE / "gold-set.csv", LABELS, name="tickets")
    assert save_gold_set(store, MANAGER, program.id, gold).version == 1
    assert save_gold_set(store, MANAGER, program.id, gold, "second").version == 2
    latest = gold_set(store, REVIEWER, program.id, "tickets")
    assert latest is not None and latest.version == 2 and latest.items == gold.items
    first = gold_set(store, REVIEWER, program.id, "tickets", 1)
    assert first is not None and first.version == 1


def test_store_gives_annotator_ids_only_to_those_who_may_see_them(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = store.find_program("Tickets")
    assert program is not None
    store.add_provider(program.id, "Beta")
    for i, (provider, names) in enumerate([("Acme", ["w-1", "w-2"]), ("Acme", ["w-2", "w-3"]), ("Beta", ["w-1"])]):
        t = _delivery(i, "2026-01-01", 90).measures.overall
        m = _delivery(i, "2026-01-01", 90).measures.model_copy(update={"annotators": dict.fromkeys(names, t)})
        on = date(2026, 1, 1 + i)
        record_delivery(store, MANAGER, program.id, provider, m, delivered_on=on, guideline_version="v1")
    # one rule (roles.ANNOTATOR_IDS): a reviewer sees ids in history as in SLA checks and reports
    assert "w-1" in str([d.model_dump() for d in list_deliveries(store, REVIEWER, program.id, reveal=True)])
    assert "w-1" not in str([d.model_dump() for d in list_deliveries(store, REVIEWER, program.id)])
    # take the permission from reviewers in the one table, and history gives them codes
    without = ROLE_PERMISSIONS[Role.REVIEWER] - {ANNOTATOR_IDS}
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.REVIEWER, without)
    seen = list_deliveries(store, REVIEWER, program.id)
    assert "w-" not in str([d.model_dump() for d in seen])
    with store.transaction() as s:
        key = codes_key(s, program.id)
    acme_codes, beta_codes = pseudonyms(["w-1", "w-2", "w-3"], key=key), pseudonyms(["w-1"], key=key)
    assert [set(d.measures.annotators) for d in seen] == [
        {acme_codes["w-1"], acme_codes["w-2"]}, {acme_codes["w-2"], acme_codes["w-3"]}, {beta_codes["w-1"]}
    ]
    # the codes a reviewer gets from the store are the ones a manager sees without --reveal
    assert provider_history(seen, by="annotator") == provider_history(
        list_deliveries(store, MANAGER, program.id), by="annotator"
    )
    acme = [d for d in seen if d.provider == "Acme"]
    assert set(acme[0].measures.annotators) & set(acme[1].measures.annotators)  # w-2 keeps one code
    assert list_deliveries(store, REVIEWER, program.id, "Acme") == acme
    assert pseudonymised(seen, key=key) == seen
    assert list_deliveries(store, MANAGER, program.id, reveal=True) != seen
    with pytest.raises(PermissionDenied):
        list_deliveries(store, REVIEWER, program.id, reveal=True)


def test_unknown_provider_is_located_and_nothing_is_saved(store: Store) -> None:
    program = store.find_program("Tickets")
    assert program is not None
    with pytest.raises(InputError, match="unknown provider 'Nobody'.*'Acme'") as err:
        record_delivery(
            store,
            MANAGER,
            program.id,
            "Nobody",
            _delivery(1, "2026-01-01", 9).measures,
            delivered_on=date(2026, 1, 1),
            guideline_version="v1",
        )
    assert err.value.problems[0].location.file == "d1.csv"
    assert list_deliveries(store, MANAGER, program.id) == []


def test_commands_exit_2_on_bad_input_and_save_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    _store(url).close()
    db = ["--program", "Tickets", "--database", url]
    labels = ",".join(LABELS)
    assert main(["gold", "import", str(EXAMPLE / "gold-set.csv"), *db, "--gold", "g", "--labels", labels]) == 0
    bad = tmp_path / "bad-gold.csv"
    bad.write_text("item_id,category,gold_label\nx1,vehicle,vehicle\nx2,vehicle,refund\n")
    assert main(["gold", "import", str(bad), *db, "--gold", "g", "--labels", labels]) == 2
    assert "bad-gold.csv, row 3, column 'gold_label'" in capsys.readouterr().err
    assert main(["gold", "show", *db, "--gold", "g", "--version", "2"]) == 2  # the bad file saved nothing
    capsys.readouterr()
    args = [
        "history",
        "add",
        str(EXAMPLE / "tessellate-delivery.csv"),
        *db,
        "--guideline-version",
        "v1",
        "--delivered",
        "2026-11-16",
        "--gold",
        "g",
    ]
    assert main([*args, "--provider", "Nobody"]) == 2
    assert "unknown provider 'Nobody'" in capsys.readouterr().err
    assert main([*args, "--provider", "Acme"]) == 0
    capsys.readouterr()
    assert main(["history", "show", *db, "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert out.count('"delivery": "tessellate-delivery.csv"') == 1
    assert main(["gold", "show", *db, "--gold", "g"]) == 1  # traffic_sign has 25 < 30 gold items
    assert "v1" in capsys.readouterr().out


def test_history_is_a_report_part(store: Store) -> None:
    from annogov.services.demo_history import seed_series
    from annogov.services.reporting import program_report, report_bytes

    program = store.find_program("Tickets")
    assert program is not None
    assert seed_series(store, program, ["Acme"], weeks=3, items=60) == 3
    assembled = program_report(store, program, created=date(2026, 12, 4))
    part = next(p for p in assembled.parts if p.key == "history")
    assert part.present and part.detail == "3 deliveries of 1 provider"
    assert assembled.report is not None
    trend = next(s for s in assembled.report.sections if s.title == "Vendor history")
    assert [r[1] for r in trend.rows] == ["week of 03 Aug", "week of 10 Aug", "week of 17 Aug"]
    assert b"%PDF" in report_bytes(assembled.report, "pdf")[:8]


def test_handover_bundle_carries_gold_sets_and_the_calibration_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import hashlib
    import io
    import json
    import zipfile

    from annogov.services.demo_channel import GUIDE_ID, seed_channel
    from annogov.store.channel import ChannelRepository
    from annogov.store.measured import handover_assets
    from governance.channel.guideline_bundle import history_bundle, read_bundle

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    store = _store(url)
    program = store.find_program("Tickets")
    assert program is not None
    seed_channel(store, program)
    gold = load_gold_set(EXAMPLE / "gold-set.csv", LABELS, name="tickets")
    save_gold_set(store, MANAGER, program.id, gold)
    save_gold_set(store, MANAGER, program.id, gold, "again")
    with store.transaction() as s:
        doc = ChannelRepository(s).get_guideline(MANAGER, GUIDE_ID)
    assets = handover_assets(store, MANAGER, program.id)
    with pytest.raises(PermissionDenied):
        handover_assets(store, ANNOTATOR, program.id)
    store.close()
    data = history_bundle(doc, include_pdf=False, assets=assets)
    zf = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(zf.read("manifest.json"))
    assert manifest["assets"] == [
        "assets/calibration-log.json",
        "assets/gold/tickets-v1.csv",
        "assets/gold/tickets-v1.json",
        "assets/gold/tickets-v2.csv",
        "assets/gold/tickets-v2.json",
    ]
    for name in manifest["assets"]:
        assert manifest["sha256"][name] == hashlib.sha256(zf.read(name)).hexdigest()
    rows = zf.read("assets/gold/tickets-v2.csv").decode().splitlines()
    assert len(rows) == 1 + len(gold.items) and rows[0] == "item_id,category,gold_label,qualification"
    assert json.loads(zf.read("assets/calibration-log.json"))
    assert read_bundle(data) == doc
    out = tmp_path / "bundle.zip"
    assert (
        main(
            [
                "guidelines",
                "export",
                "--doc",
                GUIDE_ID,
                "--database",
                url,
                "--format",
                "bundle",
                "--program",
                "Tickets",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "assets/gold/tickets-v2.csv" in zipfile.ZipFile(out).namelist()


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**16), rename=st.booleans(), batch_rows=st.sampled_from([7, 100, 1 << 18]))
def test_measures_ignore_row_order_annotator_names_and_batches(
    tmp_path_factory: pytest.TempPathFactory, seed: int, rename: bool, batch_rows: int
) -> None:
    import csv
    import random

    rows = list(csv.reader((EXAMPLE / "kestrel-delivery.csv").open()))
    header, body = rows[0], rows[1:]
    random.Random(seed).shuffle(body)
    if rename:
        body = [[r[0], "zz-" + r[1][::-1], *r[2:]] for r in body]
    tmp = tmp_path_factory.mktemp("shuffled")
    with (tmp / "kestrel-delivery.csv").open("w", newline="") as fh:
        csv.writer(fh).writerows([header, *body])
    gold = load_gold_set(EXAMPLE / "gold-set.csv", LABELS)

    def measured(path: Path, rows: int = 1 << 18) -> DeliveryMeasures:
        source = with_gold(open_delivery(path, batch_rows=rows), gold)
        return measure_delivery(count_delivery(source, LABELS), gold=gold)

    base, other = measured(EXAMPLE / "kestrel-delivery.csv"), measured(tmp / "kestrel-delivery.csv", batch_rows)
    strip: Any = {"annotators": True, "overall": {"kappa"}, "categories": {"__all__": {"kappa"}}}
    assert base.model_dump(exclude=strip) == other.model_dump(exclude=strip)
    assert base.overall.kappa == pytest.approx(other.overall.kappa, abs=1e-12)
    assert sorted(t.model_dump_json() for t in base.annotators.values()) == sorted(
        t.model_dump_json() for t in other.annotators.values()
    )


def test_gold_seeded_and_qualify_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    _store(url).close()
    db = ["--program", "Tickets", "--database", url, "--gold", "g"]
    assert main(["gold", "import", str(EXAMPLE / "gold-set.csv"), *db, "--labels", ",".join(LABELS)]) == 0
    assert main(["gold", "seeded", str(EXAMPLE / "tessellate-delivery.csv"), *db]) == 0
    assert "190 of 524 delivered items are gold (36.3%" in capsys.readouterr().out
    gold = load_gold_set(EXAMPLE / "gold-set.csv", LABELS)
    quals = [g for g in gold.items if g.qualification]
    answers = tmp_path / "answers.csv"
    lines = ["item_id,annotator_id,label"]
    lines += [f"{g.item_id},new-1,{g.label}" for g in quals]
    lines += [f"{g.item_id},new-2,{g.label if i % 2 else 'vehicle'}" for i, g in enumerate(quals)]
    answers.write_text("\n".join(lines) + "\n")
    assert main(["gold", "qualify", str(answers), *db]) == 1  # new-2 falls short
    out = capsys.readouterr().out
    assert "new-1" in out and "30/30 reaches 90%" in out and "is below 90%" in out
    # a row without annotator is located (was a TypeError traceback), a threshold outside (0, 1] refused
    answers.write_text("\n".join([*lines, f"{quals[0].item_id},,{quals[0].label}"]) + "\n")
    assert main(["gold", "qualify", str(answers), *db]) == 2
    assert f"row {len(lines) + 1}, column 'annotator_id': annotator_id is missing" in capsys.readouterr().err
    assert main(["gold", "show", *db, "--version", "7"]) == 2
    assert "column '--version': gold set 'g' has versions 1, not 7" in capsys.readouterr().err
    assert main(["gold", "show", *db, "--minimum", "-5"]) == 2
    assert "--minimum" in capsys.readouterr().err
    for bad in ("nan", "90", "0"):
        assert main(["gold", "qualify", str(answers), *db, "--threshold", bad]) == 2
        assert "--threshold" in capsys.readouterr().err
