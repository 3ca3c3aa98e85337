"""The switching-cost scenario: figures a program manager knows, each a point or a range, with help.

Default figures are illustrative for a mid-size image-labelling program; the kappa 0.80 baseline
for complex work follows the provider-evaluation article. The first-week rework share of 0.25 is an
assumption: the nearest published figure is intra-annotator inconsistency (annotators asked again
about the same items contradict their own earlier label on roughly a quarter of them; Abercrombie et
al. 2023, arXiv:2301.10684, as the article reports it), which is not a rework rate. Replace them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from migration.correlation import RankCorrelation, correlation_problems
from migration.distributions import Estimate

AREAS: tuple[str, ...] = (
    "taxonomy_migration", "reannotation", "retraining", "sla_gap", "knowledge_loss",
)


def _est(low: float, ml: float, high: float, help: str, unit: str,
         minimum: float = 0.0, maximum: float | None = None, label: str | None = None) -> Any:
    """An Estimate field with its help text, unit and allowed bounds."""
    extra: dict[str, Any] = {"unit": unit, "minimum": minimum}
    if maximum is not None:
        extra["maximum"] = maximum
    if label:
        extra["label"] = label
    return Field(default=Estimate(low=low, most_likely=ml, high=high), description=help,
                 json_schema_extra=extra)


class Section(BaseModel):
    """A group of estimates; checks each against its field's bounds."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    @field_validator("*")
    @classmethod
    def _within_bounds(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, Estimate) or info.field_name is None:
            return value
        extra = cls.model_fields[info.field_name].json_schema_extra
        assert isinstance(extra, dict)
        minimum = extra.get("minimum")
        maximum = extra.get("maximum")
        if isinstance(minimum, int | float) and value.low < minimum:
            raise ValueError(f"must be at least {minimum}; low is {value.low}")
        if isinstance(maximum, int | float) and value.high > maximum:
            raise ValueError(f"must be at most {maximum}; high is {value.high}")
        if extra.get("positive") and value.low <= 0:
            raise ValueError(f"must be above 0; low is {value.low}")
        return value


def _positive(field: Any) -> Any:
    field.json_schema_extra["positive"] = True
    return field


class Volume(Section):
    """How much the program labels in a normal week."""

    weekly_labels: Estimate = _positive(_est(
        25_000, 25_000, 25_000,
        "Labels the program accepts in an ordinary week at full speed. Sets the monthly fee of "
        "each vendor and the volume that calibration rework applies to.", "labels/week"))


Pricing = Literal["per_label", "staffing"]
PRICING_FIELDS: dict[str, tuple[str, ...]] = {
    "per_label": ("price_per_label", "first_pass_yield"),
    "staffing": ("ftes", "hours_per_month", "hourly_rate", "milestone_payments"),
}


class Vendor(Section):
    """A vendor's price (per label, or a staffed team by the hour plus milestones) and its yield."""

    pricing: Pricing = Field(
        "per_label",
        description="per_label: invoiced per label; staffing: a managed team billed as FTEs x "
        "hours per month x hourly rate, plus milestone payments.")
    price_per_label: Estimate = _est(
        0.10, 0.10, 0.10,
        "What the vendor invoices for one label, before any rework.", "currency/label")
    first_pass_yield: Estimate = _positive(_est(
        0.90, 0.90, 0.90,
        "Share of labels accepted by QA on the first pass. Rejected labels are redone and paid "
        "again, so one usable label costs price / first-pass yield.", "share", maximum=1.0))
    ftes: Estimate = _positive(_est(
        10, 10, 10,
        "Staffing pricing: full-time people the vendor staffs on the program (managed teams run "
        "from 2 to 100 or more). The team is sized to deliver the program's weekly volume, its "
        "own rework included.", "FTEs", label="FTEs"))
    hours_per_month: Estimate = _positive(_est(
        160, 160, 160,
        "Staffing pricing: billable hours per FTE per month (160 is a full-time month).",
        "hours/month", maximum=744))
    hourly_rate: Estimate = _est(
        30, 30, 30,
        "Staffing pricing: what the vendor bills for one FTE hour.", "currency/hour")
    milestone_payments: Estimate = _est(
        0, 0, 0,
        "Staffing pricing: milestone payments due within the stay-versus-switch horizon, in "
        "total; spread evenly over the horizon's months in the monthly fee.", "currency")

    def used_fields(self) -> tuple[str, ...]:
        """The estimates this vendor's pricing puts into the model."""
        return PRICING_FIELDS[self.pricing]


class TaxonomyMigration(Section):
    """Mapping the old label set onto the new one and redoing what no rule can relabel."""

    mapping_hours: Estimate = _est(
        40, 80, 160,
        "People-hours to map old classes onto new ones, settle the classes that do not line up "
        "and rewrite the guideline sections they touch.", "hours")
    hourly_rate: Estimate = _est(
        85, 110, 140,
        "Loaded hourly cost of the people doing taxonomy and guideline work (also used for "
        "writing down undocumented rulings).", "currency/hour")
    reannotation_items: Estimate = _est(
        5_000, 12_000, 20_000,
        "Items of split classes that a person must label again because no rule can choose "
        "among the new classes. Taken from a taxonomy result when one is given.", "items")


class Reannotation(Section):
    """Reconciling existing labels with the new vendor's reading of the guidelines."""

    affected_items: Estimate = _est(
        20_000, 50_000, 100_000,
        "Already-labelled items the new vendor must relabel or verify because its reading of the "
        "class boundaries differs from the old team's.", "items")
    revision_cycles: Estimate = _est(
        1.0, 1.3, 2.0,
        "How many full passes over the affected items it takes before the batch is accepted, "
        "rework included; each pass is billed once at the per-label price (items x passes x "
        "price: 100 items x 2 passes x 1.00 = 200).", "passes", minimum=1.0)
    disagreement_share: Estimate = _est(
        0.10, 0.20, 0.30,
        "Share of relabelled items whose new label disagrees with the old one and goes to "
        "adjudication.", "share", maximum=1.0)
    adjudication_cost_per_item: Estimate = _est(
        0.30, 0.50, 0.80,
        "Cost of one old-versus-new disagreement settled by a senior reviewer.", "currency/item")
    gold_set_items: Estimate = _est(
        500, 1_000, 2_000,
        "Size of the gold-standard set that must be rebuilt under the new guidelines.", "items")
    expert_minutes_per_item: Estimate = _est(
        2, 3, 5,
        "Minutes an expert spends to settle one gold item.", "minutes/item")
    expert_hourly_rate: Estimate = _est(
        60, 90, 150,
        "Hourly cost of the domain experts who rebuild the gold set.", "currency/hour")


class Retraining(Section):
    """Training runs needed before the model recovers from the change in labels."""

    runs: Estimate = _est(
        1, 2, 4,
        "Extra training cycles the change forces (retrain on relabelled data, then again once "
        "the new vendor's labels have settled).", "runs")
    compute_cost_per_run: Estimate = _est(
        2_000, 5_000, 12_000, "Compute bill of one training run.", "currency/run")
    engineering_cost_per_run: Estimate = _est(
        3_000, 6_000, 10_000,
        "Engineering time of one run: data preparation, launch, debugging.", "currency/run")
    evaluation_cost_per_run: Estimate = _est(
        1_000, 2_500, 5_000,
        "Evaluating one run against the benchmarks and sign-off.", "currency/run")


class SlaGap(Section):
    """The handover weeks when throughput drops but the program's fixed cost does not."""

    gap_weeks: Estimate = _est(
        2, 4, 8,
        "Weeks between the old vendor winding down and the new one reaching normal throughput.",
        "weeks")
    throughput_share: Estimate = _est(
        0.30, 0.50, 0.80,
        "Average share of normal weekly throughput delivered during the gap.", "share",
        maximum=1.0)
    fixed_weekly_cost: Estimate = _est(
        6_000, 8_000, 10_000,
        "Program cost that continues whatever is delivered: program management, tooling, "
        "internal reviewers. The share of it that buys nothing during the gap is the gap's cost.",
        "currency/week")
    delay_cost_per_week: Estimate = _est(
        0, 0, 0,
        "What a week of delay costs the business (a later launch, penalties); leave 0 if the "
        "program has no dated milestone.", "currency/week")


class KnowledgeLoss(Section):
    """Rebuilding the old team's calibration and its unwritten edge-case rulings."""

    calibration_weeks: Estimate = _est(
        3, 6, 12,
        "Weeks of calibration until inter-annotator agreement is back at the baseline.", "weeks")
    recovery_shape: Estimate = _positive(_est(
        1, 1, 1,
        "How the agreement shortfall closes: 1 is a straight line, 2 closes fast early then "
        "slowly, 0.5 stays low longer. The shortfall at week t is (1 - t/T)^shape of the reset.",
        "shape"))
    calibration_weekly_cost: Estimate = _est(
        1_500, 2_500, 4_000,
        "Cost per week of calibration sessions: reviewers' and leads' time, extra QA sampling.",
        "currency/week")
    initial_rework_share: Estimate = _est(
        0.15, 0.25, 0.35,
        "Share of labels that need rework in the first week after the switch; it falls along "
        "the recovery curve. The default 0.25 is an assumption, not a measured rework rate: the "
        "nearest published figure is that annotators asked again about the same items contradict "
        "their own earlier label on roughly a quarter of them (intra-annotator inconsistency, "
        "Abercrombie et al. 2023, arXiv:2301.10684). Use your own pilot's rework share.",
        "share", maximum=1.0)
    undocumented_rulings: Estimate = _est(
        50, 150, 400,
        "Edge-case rulings the old team applied that exist only in people's heads.", "rulings")
    hours_per_ruling: Estimate = _est(
        0.5, 1.0, 2.0,
        "Hours to rediscover, decide and write down one ruling.", "hours/ruling")
    baseline_agreement: float = Field(
        0.80, gt=0, le=1,
        description="Agreement (e.g. Cohen's kappa) the old team held; 0.80 is a common bar for "
        "complex work. Shown on the recovery curve.")
    reset_agreement: float = Field(
        0.60, ge=-1, le=1,
        description="Agreement the new team starts from. Shown on the recovery curve.")

    @model_validator(mode="after")
    def _reset_below_baseline(self) -> KnowledgeLoss:
        if self.reset_agreement > self.baseline_agreement:
            raise ValueError("reset_agreement must not exceed baseline_agreement")
        return self


class StayVsSwitch(Section):
    """The comparison window for staying with the current vendor."""

    horizon_months: float = Field(
        18, gt=0, le=240,
        description="Months of labelling left in the program; switching must pay back within it.")


def _vendor(price: tuple[float, float, float], fpy: tuple[float, float, float]) -> Any:
    return Field(default_factory=lambda: Vendor(price_per_label=Estimate(
        low=price[0], most_likely=price[1], high=price[2]),
        first_pass_yield=Estimate(low=fpy[0], most_likely=fpy[1], high=fpy[2])))


class Scenario(BaseModel):
    """Everything the switching-cost model needs."""

    model_config = ConfigDict(extra="forbid")

    name: str = "Provider switch"
    currency: str = Field("USD", min_length=1, max_length=8)
    volume: Volume = Field(default_factory=Volume)
    current_vendor: Vendor = _vendor((0.12, 0.12, 0.12), (0.88, 0.92, 0.95))
    new_vendor: Vendor = _vendor((0.09, 0.10, 0.11), (0.75, 0.85, 0.92))
    taxonomy_migration: TaxonomyMigration = Field(default_factory=TaxonomyMigration)
    reannotation: Reannotation = Field(default_factory=Reannotation)
    retraining: Retraining = Field(default_factory=Retraining)
    sla_gap: SlaGap = Field(default_factory=SlaGap)
    knowledge_loss: KnowledgeLoss = Field(default_factory=KnowledgeLoss)
    stay_vs_switch: StayVsSwitch = Field(default_factory=StayVsSwitch)
    correlation: RankCorrelation | None = Field(
        None, description="Rank correlation between ranged inputs (Iman-Conover); none = independent")

    @model_validator(mode="after")
    def _correlated_inputs_exist(self) -> Scenario:
        problems = correlation_problems(self.correlation, self.estimates()) if self.correlation else []
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def estimates(self) -> dict[str, Estimate]:
        """Every estimate keyed 'section.field', in a fixed order (the order draws are made)."""
        out: dict[str, Estimate] = {}
        for section in SECTIONS:
            model = getattr(self, section)
            names = model.used_fields() if isinstance(model, Vendor) else type(model).model_fields
            for name in names:
                value = getattr(model, name)
                if isinstance(value, Estimate):
                    out[f"{section}.{name}"] = value
        return out

    def with_estimate(self, key: str, estimate: Estimate) -> Scenario:
        """A copy with one estimate replaced."""
        section, name = key.split(".")
        part = getattr(self, section).model_copy(update={name: estimate})
        return self.model_copy(update={section: part})

    def collapsed(self) -> Scenario:
        """A copy with every range collapsed onto its most likely value."""
        out = self
        for key, est in self.estimates().items():
            out = out.with_estimate(key, est.collapsed())
        return out


SECTIONS: tuple[str, ...] = (
    "volume", "current_vendor", "new_vendor", *AREAS, "stay_vs_switch",
)


class ParameterInfo(BaseModel):
    """One parameter as the app and reports list it."""

    key: str
    section: str
    name: str
    label: str
    unit: str
    help: str
    low: float
    most_likely: float
    high: float
    distribution: str
    is_range: bool
    used: bool = True


_SECTION_PREFIX = {"current_vendor": "Current vendor: ", "new_vendor": "New vendor: "}


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _all_estimates(scenario: Scenario) -> dict[str, Estimate]:
    """Every estimate, including a vendor's figures its pricing does not use, in section order."""
    out: dict[str, Estimate] = {}
    for section in SECTIONS:
        model = getattr(scenario, section)
        for name in type(model).model_fields:
            value = getattr(model, name)
            if isinstance(value, Estimate):
                out[f"{section}.{name}"] = value
    return out


def parameter_catalogue(scenario: Scenario | None = None, *, unused: bool = False) -> list[ParameterInfo]:
    """Every estimate the model uses with its help text, unit and current values (defaults without
    a scenario); `unused=True` adds the vendors' figures of the other pricing (`used=False`)."""
    scenario = scenario or Scenario()
    used = scenario.estimates()
    out = []
    for key, est in (_all_estimates(scenario) if unused else used).items():
        section, name = key.split(".")
        field = type(getattr(scenario, section)).model_fields[name]
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        out.append(ParameterInfo(
            key=key, section=section, name=name,
            label=_SECTION_PREFIX.get(section, "") + str(extra.get("label") or _label(name)),
            unit=str(extra.get("unit", "")),
            help=_SECTION_PREFIX.get(section, "") + (field.description or ""),
            low=est.low, most_likely=est.most_likely, high=est.high,
            distribution=est.distribution, is_range=not est.is_point, used=key in used))
    return out


def section_help() -> dict[str, str]:
    """One line per section for headings in the app and reports."""
    return {s: (Scenario.model_fields[s].annotation.__doc__ or "").strip()  # type: ignore[union-attr]
            for s in SECTIONS}
