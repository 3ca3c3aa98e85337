"""The store's check results: saved with the delivery they measured, listed with codes where ids are hidden."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from annogov.store.access import CHECK_PERMISSIONS, by_kind, requires
from annogov.store.codes import codes_key
from annogov.store.measured import insert_delivery
from annogov.store.measured_models import MeasuredDelivery
from annogov.store.models import (
    CheckResult,
    Program,
    Provider,
)
from annogov.store.records import (
    CheckResultRecord,
    DeliveryOf,
)
from annogov.store.store_base import StoreBase, _get
from governance.privacy import (
    OwnFigures,
    annotator_rows,
    own_figures,
    pseudonymise_report,
    pseudonymise_sla_payload,
)
from governance.reports.model import ReportInput
from governance.roles import Permission, may_see_annotator_ids

_P = Permission
SLA_CHECK_KIND = "sla_check"


class StoreChecks(StoreBase):
    """Check outcomes of a program and what they show each user."""

    @requires(by_kind(CHECK_PERMISSIONS))
    def add_check_result(
        self,
        program_id: int,
        kind: str,
        payload: dict[str, Any],
        *,
        label: str = "",
        delivery: DeliveryOf | None = None,
    ) -> CheckResultRecord:
        """Keep the outcome of a check (kind e.g. "sla") with a label such as the delivery name; with
        `delivery`, the check is that provider's delivery and its measures join the vendor history in
        the same transaction (an unknown provider or a blank guideline version saves nothing)."""
        with self.transaction() as s:
            _get(s, Program, program_id, "program")
            measured = None
            if delivery is not None:
                measured, _ = insert_delivery(
                    s,
                    self.actor_id,
                    program_id,
                    delivery.provider,
                    delivery.measures,
                    delivered_on=delivery.delivered_on,
                    guideline_version=delivery.guideline_version,
                    label=delivery.label or label or None,
                )
            row = CheckResult(
                program_id=program_id,
                kind=kind,
                label=label[:200],
                payload=payload,
                created_by=self.actor_id,
                delivery_id=None if measured is None else measured.id,
            )
            s.add(row)
            s.flush()
            return _check_record(row, measured, delivery.provider if delivery else None)

    @requires(_P.VIEW_PROGRAM_DATA)
    def list_check_results(
        self, program_id: int, kind: str | None = None, *, limit: int = 100
    ) -> list[CheckResultRecord]:
        """Stored check outcomes, newest first, with the provider and guideline version of the delivery
        they recorded (None for checks saved without one); SLA checks carry annotator codes, not ids,
        for an actor who may not see annotator ids (`roles.may_see_annotator_ids`)."""
        with self.transaction() as s:
            query = (
                select(CheckResult, MeasuredDelivery, Provider.name)
                .outerjoin(MeasuredDelivery, MeasuredDelivery.id == CheckResult.delivery_id)
                .outerjoin(Provider, Provider.id == MeasuredDelivery.provider_id)
                .where(CheckResult.program_id == program_id)
            )
            if kind is not None:
                query = query.where(CheckResult.kind == kind)
            query = query.order_by(CheckResult.created_at.desc(), CheckResult.id.desc())
            records = [_check_record(r, m, name) for r, m, name in s.execute(query.limit(limit))]
            if may_see_annotator_ids(self.actor):
                return records
            key = codes_key(s, program_id)
        return [
            r.model_copy(update={"payload": pseudonymise_sla_payload(r.payload, key=key)})
            if r.kind == SLA_CHECK_KIND
            else r
            for r in records
        ]

    @requires(_P.EXPORT_REPORTS)
    def pseudonymise_report(self, program_id: int, report: ReportInput) -> ReportInput:
        """The report with annotator ids in the program's codes (the same codes as its stored checks
        and history show); the key stays in the store."""
        with self.transaction() as s:
            return pseudonymise_report(report, key=codes_key(s, program_id))

    @requires(_P.VIEW_OWN_FIGURES)
    def own_figures(self, program_id: int) -> OwnFigures | None:
        """The acting annotator's rows of the latest SLA check and the team aggregate (None: no check)."""
        assert self.actor is not None
        with self.transaction() as s:
            query = (
                select(CheckResult)
                .where(CheckResult.program_id == program_id, CheckResult.kind == SLA_CHECK_KIND)
                .order_by(CheckResult.created_at.desc(), CheckResult.id.desc())
            )
            row = s.scalars(query.limit(1)).first()
            if row is None:
                return None
            return own_figures(row.label, annotator_rows(row.payload), self.actor.data_id)


def _check_record(row: CheckResult, delivery: MeasuredDelivery | None, provider: str | None) -> CheckResultRecord:
    """A check result with the provider, guideline version and date of its delivery, if it has one."""
    record = CheckResultRecord.model_validate(row)
    if delivery is None:
        return record
    return record.model_copy(
        update={
            "provider": provider,
            "guideline_version": delivery.guideline_version,
            "delivered_on": delivery.delivered_on,
        }
    )
