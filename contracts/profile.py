"""A contract profile as data: what a contract says about portability, SLAs, commercials, security.

Every field may be left unknown (None or empty): the audit reads "not stated" as missing, which is
what a procurement lead needs to hear before signing.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from contracts.sla_terms import SlaTermSet

ExportTiming = Literal["any_time", "on_request", "contract_end", "none"]
PricingModel = Literal["per_unit", "per_hour_managed_team", "milestone", "hybrid"]
Soc2Type = Literal["type_ii", "type_i", "none"]
Party = Literal["buyer", "vendor"]
WORKER_PENALTIES = ("pay deduction", "suspension", "unpaid retraining", "unpaid rework")

OPEN_FORMATS: dict[str, str] = {
    "coco": "COCO JSON",
    "jsonl": "JSON Lines",
    "json": "JSON",
    "csv": "CSV",
    "tsv": "TSV",
    "label_studio_json": "Label Studio JSON",
    "pascal_voc": "Pascal VOC XML",
    "yolo": "YOLO text",
    "kitti": "KITTI",
    "cvat_xml": "CVAT XML",
    "parquet": "Apache Parquet",
    "tfrecord": "TFRecord",
    "conll": "CoNLL",
    "openlabel": "ASAM OpenLABEL",
    "geojson": "GeoJSON",
}

_FORMAT_ALIASES: dict[str, str] = {
    "coco_json": "coco",
    "ms_coco": "coco",
    "json_lines": "jsonl",
    "ndjson": "jsonl",
    "label_studio": "label_studio_json",
    "labelstudio": "label_studio_json",
    "labelstudio_json": "label_studio_json",
    "voc": "pascal_voc",
    "pascal_voc_xml": "pascal_voc",
    "yolo_txt": "yolo",
    "cvat": "cvat_xml",
    "asam_openlabel": "openlabel",
    "open_label": "openlabel",
}

_TIMING_ALIASES: dict[str, str] = {
    "anytime": "any_time",
    "at_any_time": "any_time",
    "end": "contract_end",
    "at_contract_end": "contract_end",
    "on_termination": "contract_end",
    "never": "none",
    "no": "none",
}
_PRICING_ALIASES: dict[str, str] = {
    "per_label": "per_unit",
    "per_annotation": "per_unit",
    "per_task": "per_unit",
    "unit": "per_unit",
    "per_hour": "per_hour_managed_team",
    "hourly": "per_hour_managed_team",
    "managed_team": "per_hour_managed_team",
    "per_managed_team_hour": "per_hour_managed_team",
    "milestone_based": "milestone",
    "fixed_price": "milestone",
}
_SOC2_ALIASES: dict[str, str] = {
    "type_2": "type_ii",
    "ii": "type_ii",
    "2": "type_ii",
    "type2": "type_ii",
    "typeii": "type_ii",
    "type_1": "type_i",
    "i": "type_i",
    "1": "type_i",
    "type1": "type_i",
    "typei": "type_i",
    "no": "none",
}

PRICING_INCENTIVES: dict[str, str] = {
    "per_unit": "Pays for volume: easy to compare, but rewards speed over quality unless breaches "
    "of the quality terms cost the vendor money.",
    "per_hour_managed_team": "Pays for a managed team's time: aligns the vendor with sustained "
    "quality on complex, long-running work, but gives no reason to get faster; watch productivity.",
    "milestone": "Pays for accepted deliverables of a fixed scope: good for bounded projects, "
    "but every change of scope becomes a negotiation.",
    "hybrid": "Mixes unit and time or milestone fees: can balance speed and quality if each part "
    "has its own measurable terms.",
}


def format_key(name: str) -> str:
    """A format name as typed ('Label Studio JSON', 'MS-COCO') -> a canonical key."""
    key = _norm_token(name)
    return _FORMAT_ALIASES.get(key, key)


def is_open_format(name: str) -> bool:
    """Whether a named export format is an open, documented standard a successor can read."""
    return format_key(name) in OPEN_FORMATS


def _norm_token(value: object) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(value).strip().lower()).strip("_")


def _choice(value: object, aliases: dict[str, str], prefixes: tuple[str, ...] = ()) -> object:
    """A typed choice ('At contract end', 'SOC 2 Type 2') as its canonical token; blank is not stated."""
    if value is None or value == "":
        return None
    token = _norm_token(value)
    for prefix in prefixes:
        token = token.removeprefix(prefix)
    return aliases.get(token, token)


_NOTHING = {"none", "no", "nil", "n/a", "na", "-"}


def _split_list(value: object) -> object:
    """'COCO, JSONL' -> ['COCO', 'JSONL']; None and answers meaning nothing ('none', 'n/a', 'no')
    become an empty list, so 'worker penalties: none' is not read as a penalty called 'none'."""
    if isinstance(value, str):
        value = re.split(r"[,;\n]", value)
    if isinstance(value, list):
        return [p.strip() if isinstance(p, str) else p for p in value if not _means_nothing(p)]
    return [] if value is None else value


def _means_nothing(part: object) -> bool:
    return isinstance(part, str) and part.strip().lower().rstrip(".") in _NOTHING | {""}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DataRights(_Section):
    """Who owns the labelled data and how it can be taken out."""

    buyer_owns_data: bool | None = Field(None, description="The buyer owns all labelled data and derived annotations")
    export_timing: ExportTiming | None = Field(
        None, description="When the buyer may export: any_time, on_request, contract_end or none"
    )
    export_formats: list[str] = Field(default_factory=list, description="Export formats named in the contract")

    @field_validator("export_formats", mode="before")
    @classmethod
    def _as_list(cls, value: object) -> object:
        return _split_list(value)

    @field_validator("export_timing", mode="before")
    @classmethod
    def _timing(cls, value: object) -> object:
        return _choice(value, _TIMING_ALIASES)


class Guidelines(_Section):
    """Annotation guidelines and edge-case rulings as project assets."""

    delivered_as_asset: bool | None = Field(
        None, description="Guidelines are delivered to the buyer as a project asset"
    )
    versioned: bool | None = Field(None, description="Guidelines carry versions and a change log")
    edge_case_rulings: bool | None = Field(
        None, description="Edge-case rulings and decision rules are documented and delivered"
    )


class QualityMetrics(_Section):
    """How quality is defined and whether a successor can use the same yardstick."""

    agreement_metric: str | None = Field(
        None, description="Agreement statistic tracked, e.g. Cohen's kappa, Krippendorff's alpha"
    )
    agreement_target: float | None = Field(None, ge=0, le=1, description="Agreement target, e.g. 0.80")
    agreement_by_task_type: bool | None = Field(
        None, description="Agreement is tracked and reported separately for each task type"
    )
    gold_set_defined: bool | None = Field(None, description="A gold-standard set is defined")
    transferable_to_successor: bool | None = Field(
        None, description="Metrics definitions and the gold set may be handed to a successor"
    )
    accuracy_target: float | None = Field(None, ge=0, le=1, description="Quoted accuracy as a fraction, e.g. 0.995")
    accuracy_method: str | None = Field(
        None, description="How accuracy is measured: sampling, denominator, pre/post QA ('tbd' is not a method)"
    )
    per_category_accuracy: bool | None = Field(
        None, description="Accuracy figures are stated per category, not only as one aggregate"
    )
    qa_rate_per_category: float | None = Field(
        None, ge=0, le=1, description="Share of each category's items the QA review samples, e.g. 0.10"
    )
    gold_set_owner: Party | None = Field(None, description="Who owns the gold set: buyer or vendor")


class Transition(_Section):
    """The offboarding clause: what is handed over, how fast, and whether throughput holds."""

    clause_present: bool | None = Field(None, description="The contract has a transition / offboarding clause")
    handover_artefacts: list[str] = Field(
        default_factory=list, description="Artefacts handed over, e.g. data, guidelines, gold set"
    )
    timeline_days: int | None = Field(None, ge=0, description="Handover period in days")
    throughput_continuity: bool | None = Field(
        None, description="The vendor keeps delivering at the agreed throughput during the switch"
    )
    wind_down: bool | None = Field(
        None, description="An orderly wind-down: open work is finished at the agreed terms after notice"
    )

    @field_validator("handover_artefacts", mode="before")
    @classmethod
    def _as_list(cls, value: object) -> object:
        return _split_list(value)


class Commercial(_Section):
    """Pilot, scale-up, scope change, commitment and the pricing model."""

    pilot_available: bool | None = Field(None, description="A pilot is offered before commitment")
    scale_up_multiple: float | None = Field(
        None, gt=0, description="Volume multiple the vendor commits to on request, e.g. 2 or 3"
    )
    scale_up_weeks: int | None = Field(None, ge=0, description="Weeks within which the scale-up is reached")
    scope_change_process: bool | None = Field(
        None, description="A written change-order process (timeline and price impact)"
    )
    minimum_commitment_stated: bool | None = Field(None, description="Minimum volume, spend or term is stated")
    minimum_term_months: int | None = Field(None, ge=0, description="Minimum fixed term in months, if any")
    pricing_model: PricingModel | None = Field(None, description="per_unit, per_hour_managed_team, milestone or hybrid")
    quality_penalties: bool | None = Field(
        None, description="Quality breaches cost the vendor money (service credits, rework at the vendor's cost)"
    )
    monthly_volume: int | None = Field(None, ge=0, description="Expected or committed items labelled per month")
    worker_penalties: list[str] = Field(
        default_factory=list,
        description="Penalties passed on to individual workers: pay deduction, suspension, unpaid retraining, "
        "unpaid rework",
    )
    remedies_on_vendor: bool | None = Field(
        None, description="The contract says quality remedies fall on the vendor, never on individual workers"
    )

    @field_validator("worker_penalties", mode="before")
    @classmethod
    def _as_list(cls, value: object) -> object:
        return _split_list(value)

    @field_validator("pricing_model", mode="before")
    @classmethod
    def _pricing(cls, value: object) -> object:
        return _choice(value, _PRICING_ALIASES)


class Security(_Section):
    """Certifications and data-handling commitments."""

    soc2_type: Soc2Type | None = Field(None, description="SOC 2 report type: type_ii, type_i, none")
    soc2_period_end: date | None = Field(None, description="End of the SOC 2 audit period")
    iso27001_certified: bool | None = Field(None, description="ISO/IEC 27001 certificate held")
    iso27001_covers_delivery_centres: bool | None = Field(
        None, description="The ISO 27001 scope includes the delivery centres doing the work"
    )
    iso27001_last_audit: date | None = Field(
        None, description="Date of the last ISO 27001 certification or surveillance audit"
    )
    dpa: bool | None = Field(None, description="A data processing agreement is signed or offered")
    subprocessors_disclosed: bool | None = Field(
        None, description="Subprocessors are listed and changes need notice or approval"
    )
    endpoint_controls: list[str] = Field(
        default_factory=list, description="Workstation controls, e.g. USB blocking, no downloads"
    )
    subprocessor_locations: bool | None = Field(None, description="The subprocessor list names where each one works")
    subprocessor_objection: bool | None = Field(None, description="The buyer may object to a new subprocessor")
    data_residency: list[str] = Field(
        default_factory=list, description="Where the data is stored and processed, e.g. EU, India"
    )
    jurisdictions: list[str] = Field(
        default_factory=list, description="Law and courts that govern the contract, e.g. England and Wales"
    )
    deletion_on_exit: bool | None = Field(None, description="The vendor deletes all buyer data at the end")
    deletion_confirmed: bool | None = Field(None, description="Deletion is confirmed in writing (a certificate)")
    export_controls: bool | None = Field(
        None, description="Export-control and sanctions compliance is committed for the data and staff"
    )

    @field_validator("endpoint_controls", "data_residency", "jurisdictions", mode="before")
    @classmethod
    def _as_list(cls, value: object) -> object:
        return _split_list(value)

    @field_validator("soc2_type", mode="before")
    @classmethod
    def _soc2(cls, value: object) -> object:
        return _choice(value, _SOC2_ALIASES, prefixes=("soc_2_", "soc2_"))


class ContractProfile(BaseModel):
    """Everything the audit reads about one vendor contract (or a draft of it)."""

    model_config = ConfigDict(extra="forbid")

    vendor: str = Field(min_length=1)
    contract: str | None = None
    data: DataRights = DataRights()
    guidelines: Guidelines = Guidelines()
    quality: QualityMetrics = QualityMetrics()
    transition: Transition = Transition()
    sla: SlaTermSet | None = Field(None, description="The contract's measurable terms; the same model `sla-check` uses")
    commercial: Commercial = Commercial()
    security: Security = Security()


