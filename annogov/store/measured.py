"""Measured deliveries and gold sets in the store; every call takes the acting user and checks it.

Reading needs `VIEW_INSIGHTS` (reviewers, ML engineers, program managers); recording a delivery or a
gold set version needs `EDIT_GUIDELINES` (ML engineers, program managers); real annotator ids are
returned only to those who may see annotator figures (`roles.may_see_annotator_ids`, the rule SLA checks
and reports follow too); everyone else gets pseudonymous codes from the store itself
(`governance.quality.vendors.history.pseudonymised`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from annogov.store.codes import codes_key
from annogov.store.errors import ConcurrentEditError
from annogov.store.measured_models import GoldSetVersion, MeasuredDelivery
from annogov.store.models import Program, Provider
from governance.quality.vendors.goldset import GoldSet
from governance.quality.vendors.history import DeliveryMeasures, StoredDelivery, pseudonymised
from governance.roles import ANNOTATOR_IDS, Permission, User, require
from ingest import InputError

if TYPE_CHECKING:
    from annogov.store.store import Store


def record_delivery(
    store: Store,
    actor: User,
    program_id: int,
    provider: str,
    measures: DeliveryMeasures,
    *,
    delivered_on: date,
    guideline_version: str,
    label: str | None = None,
) -> StoredDelivery:
    """Store one delivery's measures for a provider of the program; an unknown provider is a located
    error naming the known ones, and nothing is saved."""
    require(actor, Permission.EDIT_GUIDELINES)
    with store.transaction() as s:
        rec, name = insert_delivery(
            s, actor.user_id, program_id, provider, measures,
            delivered_on=delivered_on, guideline_version=guideline_version, label=label,
        )
        return _stored(rec, name)


def insert_delivery(
    s: Session,
    created_by: str,
    program_id: int,
    provider: str,
    measures: DeliveryMeasures,
    *,
    delivered_on: date,
    guideline_version: str,
    label: str | None = None,
) -> tuple[MeasuredDelivery, str]:
    """Add the delivery row inside the caller's transaction (the caller has checked the actor): shared by
    `record_delivery` and a saved SLA check, so both validate the provider and version the same way. The
    same delivery again (provider, date, guideline version, file and identical measures, e.g. re-checked
    against revised terms) returns the stored row: one delivery is one point in the history."""
    if s.get(Program, program_id) is None:
        raise InputError.at(f"no program with id {program_id}", "program")
    row = s.scalar(select(Provider).where(Provider.program_id == program_id, Provider.name == provider))
    if row is None:
        known = s.scalars(select(Provider.name).where(Provider.program_id == program_id).order_by(Provider.name))
        raise InputError.at(
            f"unknown provider {provider!r}; the program has {', '.join(repr(k) for k in known) or 'no providers'}",
            measures.file,
            column="provider",
        )
    if not guideline_version.strip():
        raise InputError.at("the guideline version is blank", measures.file, column="guideline_version")
    figures = measures.model_dump(mode="json")
    same = s.scalars(
        select(MeasuredDelivery).where(
            MeasuredDelivery.program_id == program_id,
            MeasuredDelivery.provider_id == row.id,
            MeasuredDelivery.delivered_on == delivered_on.isoformat(),
            MeasuredDelivery.guideline_version == guideline_version.strip()[:100],
            MeasuredDelivery.file == measures.file[:500],
        )
    )
    for earlier in same:
        if earlier.measures == figures:
            return earlier, row.name
    rec = MeasuredDelivery(
        program_id=program_id,
        provider_id=row.id,
        label=(label or measures.file)[:200],
        delivered_on=delivered_on.isoformat(),
        guideline_version=guideline_version.strip()[:100],
        file=measures.file[:500],
        measures=figures,
        created_by=created_by,
    )
    s.add(rec)
    s.flush()
    return rec, row.name


def _stored(rec: MeasuredDelivery, provider: str) -> StoredDelivery:
    return StoredDelivery(
        id=rec.id,
        provider=provider,
        label=rec.label,
        delivered_on=rec.delivered_on,
        guideline_version=rec.guideline_version,
        measures=DeliveryMeasures.model_validate(rec.measures),
    )


def list_deliveries(
    store: Store, actor: User, program_id: int, provider: str | None = None, *, reveal: bool = False
) -> list[StoredDelivery]:
    """The program's stored deliveries (optionally one provider's), by provider, date and id; annotator
    ids as the program's codes unless `reveal` is asked by an actor who may see them (`roles.may_see_annotator_ids`)."""
    require(actor, Permission.VIEW_INSIGHTS)
    if reveal:
        require(actor, ANNOTATOR_IDS)
    with store.transaction() as s:
        query = (
            select(MeasuredDelivery, Provider.name)
            .join(Provider, Provider.id == MeasuredDelivery.provider_id)
            .where(MeasuredDelivery.program_id == program_id)
        )
        if provider is not None:
            query = query.where(Provider.name == provider)
        rows = s.execute(query.order_by(Provider.name, MeasuredDelivery.delivered_on, MeasuredDelivery.id)).all()
        stored = [_stored(rec, name) for rec, name in rows]
        return stored if reveal else pseudonymised(stored, key=codes_key(s, program_id))


_VERSION_ATTEMPTS = 5


def save_gold_set(store: Store, actor: User, program_id: int, gold: GoldSet, note: str = "") -> GoldSet:
    """Store the gold set as the next version of its name in the program; returns it with that version
    (an import that loses the race for a version number to a concurrent one takes the next)."""
    require(actor, Permission.EDIT_GUIDELINES)
    for _ in range(_VERSION_ATTEMPTS):
        try:
            with store.transaction() as s:
                if s.get(Program, program_id) is None:
                    raise InputError.at(f"no program with id {program_id}", "program")
                current = s.scalar(
                    select(func.max(GoldSetVersion.version)).where(
                        GoldSetVersion.program_id == program_id, GoldSetVersion.name == gold.name
                    )
                )
                saved = gold.model_copy(update={"version": (current or 0) + 1})
                s.add(
                    GoldSetVersion(
                        program_id=program_id,
                        name=gold.name,
                        version=saved.version,
                        data=saved.model_dump(mode="json"),
                        note=note[:500],
                        created_by=actor.user_id,
                    )
                )
                s.flush()
                return saved
        except IntegrityError:
            continue
    raise ConcurrentEditError([f"gold set {gold.name!r}: other imports kept taking the next version"])


def gold_set(store: Store, actor: User, program_id: int, name: str, version: int | None = None) -> GoldSet | None:
    """A stored gold set version (the latest when `version` is None), or None."""
    require(actor, Permission.VIEW_INSIGHTS)
    with store.transaction() as s:
        query = select(GoldSetVersion).where(GoldSetVersion.program_id == program_id, GoldSetVersion.name == name)
        if version is not None:
            query = query.where(GoldSetVersion.version == version)
        row = s.scalar(query.order_by(GoldSetVersion.version.desc()).limit(1))
        return None if row is None else GoldSet.model_validate(row.data)


def gold_set_versions(store: Store, actor: User, program_id: int) -> list[tuple[str, int, str, str]]:
    """(name, version, created by, note) of every stored gold set version of the program."""
    require(actor, Permission.VIEW_INSIGHTS)
    with store.transaction() as s:
        rows = s.scalars(
            select(GoldSetVersion)
            .where(GoldSetVersion.program_id == program_id)
            .order_by(GoldSetVersion.name, GoldSetVersion.version)
        ).all()
        return [(r.name, r.version, r.created_by, r.note) for r in rows]


def handover_assets(store: Store, actor: User, program_id: int) -> dict[str, bytes]:
    """What goes with the guidelines at hand-over: every gold set version of the program and the
    calibration log the actor may see, as files for `governance.channel.guideline_bundle.history_bundle(assets=)`."""
    import json

    from annogov.store.channel import ChannelRepository
    from annogov.store.models import utcnow
    from governance.quality.vendors.goldset import bundle_assets

    require(actor, Permission.VIEW_INSIGHTS)
    files: dict[str, bytes] = {}
    for name, version, _, _ in gold_set_versions(store, actor, program_id):
        gold = gold_set(store, actor, program_id, name, version)
        if gold is not None:
            files.update(bundle_assets(gold))
    with store.transaction() as s:
        program = s.get(Program, program_id)
        if program is None:
            raise InputError.at(f"no program with id {program_id}", "program")
        entries = ChannelRepository(s).list_entries(actor, program.name, utcnow())
    if entries:
        log = [e.model_dump(mode="json") for e in entries]
        files["calibration-log.json"] = json.dumps(log, indent=2, ensure_ascii=False).encode()
    return files
