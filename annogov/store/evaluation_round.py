"""Evaluation rounds in the store, with the round's rules checked at every read and write.

`EvaluationRoundRepository(session)` works inside a caller's transaction (`Store.transaction()`);
every method takes the acting `User`. Program managers run rounds (create, close, moderate);
evaluators named on the panel declare conflicts of interest before they may see the providers,
score alone and lock their scores. Individual scores are sealed in SQL: until the round closes a
read returns only the reader's own rows. Tables are built by migration `0240_evaluation_round`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from annogov.store.errors import ConcurrentEditError, NotFoundError
from annogov.store.models import Base, Program, Provider
from governance.roles import Permission, PermissionDenied, User, can, require
from scorecard.dimensions import DIMENSION_KEYS
from scorecard.evaluation_round import (
    RULES,
    CellResult,
    ConsensusRule,
    Moderation,
    PanelMember,
    RoundError,
    RoundInfo,
    RoundResult,
    check_score,
    consensus_of,
)
from scorecard.panel_agreement import DimensionAgreement, ordinal_alpha


class EvalRoundRow(Base):
    """A round: its program, rule, status and providers."""

    __tablename__ = "eval_rounds"
    __table_args__ = (Index("ix_eval_rounds_program", "program_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    providers: Mapped[list[str]] = mapped_column(JSON)
    dimensions: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)  # None: the five (before 0280)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column()
    closed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class EvalPanelRow(Base):
    """An evaluator on a round's panel, their declaration and whether they locked."""

    __tablename__ = "eval_round_panel"

    round_id: Mapped[int] = mapped_column(ForeignKey("eval_rounds.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    declared_at: Mapped[datetime | None] = mapped_column(nullable=True)
    declaration: Mapped[str] = mapped_column(Text, default="")
    conflicts: Mapped[list[str]] = mapped_column(JSON, default=list)
    locked_at: Mapped[datetime | None] = mapped_column(nullable=True)


class EvalScoreRow(Base):
    """One evaluator's sealed score of one provider on one dimension."""

    __tablename__ = "eval_round_scores"

    round_id: Mapped[int] = mapped_column(ForeignKey("eval_rounds.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    provider: Mapped[str] = mapped_column(String(200), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(40), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column()


class EvalModerationRow(Base):
    """A moderated score beside the consensus it replaces, with who and why."""

    __tablename__ = "eval_round_moderations"

    round_id: Mapped[int] = mapped_column(ForeignKey("eval_rounds.id", ondelete="CASCADE"), primary_key=True)
    provider: Mapped[str] = mapped_column(String(200), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(40), primary_key=True)
    consensus: Mapped[float | None] = mapped_column(Float, nullable=True)
    score: Mapped[float] = mapped_column(Float)
    moderated_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    moderated_at: Mapped[datetime] = mapped_column()


def _dimensions(row: EvalRoundRow) -> tuple[str, ...]:
    """The dimensions a round scores: those it was opened with, the five for older rounds."""
    return tuple(row.dimensions) if row.dimensions else DIMENSION_KEYS


def _panel_member(row: EvalPanelRow) -> PanelMember:
    """A panel row as the frozen record every call returns."""
    return PanelMember(user_id=row.user_id, name=row.name, declared_at=row.declared_at,
                       declaration=row.declaration, conflicts=tuple(row.conflicts), locked_at=row.locked_at)


def _sees_every_round(viewer: User) -> bool:
    """Whoever may run rounds sees every round of the program without sitting on its panel."""
    return can(viewer, Permission.RUN_EVALUATION_ROUNDS)


class EvaluationRoundRepository:
    """A program's evaluation rounds in one session; every call checks the acting user against
    the one permission table (`governance.roles`): RUN_EVALUATION_ROUNDS opens, closes and sees
    every round, MODERATE_SCORES moderates, SCORE_OWN declares, scores and locks on a panel."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def _round(self, round_id: int) -> EvalRoundRow:
        row = self.s.get(EvalRoundRow, round_id)
        if row is None:
            raise NotFoundError(f"no evaluation round {round_id}")
        return row

    def _panel(self, round_id: int) -> list[EvalPanelRow]:
        return list(self.s.scalars(select(EvalPanelRow).where(EvalPanelRow.round_id == round_id)
                                   .order_by(EvalPanelRow.name, EvalPanelRow.user_id)))

    def _member(self, actor: User, round_id: int) -> EvalPanelRow:
        row = self.s.get(EvalPanelRow, (round_id, actor.user_id))
        if row is None:
            raise PermissionDenied(f"{actor.user_id} is not on the panel of round {round_id}")
        return row

    def _info(self, row: EvalRoundRow) -> RoundInfo:
        panel = tuple(_panel_member(m) for m in self._panel(row.id))
        return RoundInfo(round_id=row.id, program_id=row.program_id, name=row.name,
                         rule=row.rule,  # type: ignore[arg-type]
                         status=row.status,  # type: ignore[arg-type]
                         providers=tuple(row.providers), panel=panel, dimensions=_dimensions(row),
                         created_by=row.created_by,
                         created_at=row.created_at, closed_by=row.closed_by, closed_at=row.closed_at)

    # the manager ---------------------------------------------------------------------------

    def create_round(self, actor: User, program_id: int, name: str, rule: ConsensusRule,
                     panel: Sequence[User], now: datetime, *,
                     dimensions: Sequence[str] = DIMENSION_KEYS) -> RoundInfo:
        """Open a round over the program's current providers with a named panel, scoring
        `dimensions` (the program rubric's keys, extras included)."""
        require(actor, Permission.RUN_EVALUATION_ROUNDS)
        if rule not in RULES:
            raise RoundError(f"unknown consensus rule {rule!r}; expected one of {', '.join(RULES)}")
        if self.s.get(Program, program_id) is None:
            raise NotFoundError(f"no program {program_id}")
        providers = list(self.s.scalars(select(Provider.name).where(Provider.program_id == program_id)
                                        .order_by(Provider.name)))
        if not providers:
            raise RoundError("the program has no providers to evaluate yet")
        barred = [f"{u.name} ({u.role.value})" for u in panel if not can(u, Permission.SCORE_OWN)]
        if barred:
            raise PermissionDenied(f"{', '.join(barred)} may not score providers, so cannot sit on the panel")
        ids = [u.user_id for u in panel]
        if not panel or len(set(ids)) != len(ids):
            raise RoundError("name each evaluator on the panel once")
        keys = list(dict.fromkeys(dimensions))
        if not set(DIMENSION_KEYS) <= set(keys):
            raise RoundError(f"a round scores at least the five dimensions; {', '.join(keys)} lacks some")
        row = EvalRoundRow(program_id=program_id, name=name.strip() or "Evaluation round", rule=rule,
                           status="open", providers=providers, dimensions=keys, created_by=actor.user_id,
                           created_at=now)
        self.s.add(row)
        self.s.flush()
        for u in panel:
            self.s.add(EvalPanelRow(round_id=row.id, user_id=u.user_id, name=u.name, declaration="",
                                    conflicts=[]))
        self.s.flush()
        return self._info(row)

    def close_round(self, actor: User, round_id: int, now: datetime, *,
                    expected_version: int | None = None) -> RoundInfo:
        """Close the round once every evaluator who scored has locked; scores unseal."""
        require(actor, Permission.RUN_EVALUATION_ROUNDS)
        row = self._round(round_id)
        if expected_version is not None and row.version != expected_version:
            raise ConcurrentEditError([f"evaluation round {row.name!r}"])
        if row.status != "open":
            raise RoundError(f"round {row.name!r} is already closed")
        scorers = set(self.s.scalars(select(EvalScoreRow.user_id).where(EvalScoreRow.round_id == round_id)))
        unlocked = [m.name for m in self._panel(round_id) if m.user_id in scorers and m.locked_at is None]
        if unlocked:
            raise RoundError("cannot close while these evaluators have not locked their scores: "
                             + ", ".join(unlocked))
        row.status, row.closed_by, row.closed_at = "closed", actor.user_id, now
        self.s.flush()
        return self._info(row)

    def moderate(self, actor: User, round_id: int, provider: str, dimension: str, score: float,
                 reason: str, now: datetime) -> CellResult:
        """Set a moderated score beside the consensus, with the reason; the original stays."""
        require(actor, Permission.MODERATE_SCORES)
        row = self._round(round_id)
        if row.status != "closed":
            raise RoundError("scores are moderated after the round closes, once the consensus exists")
        if provider not in row.providers:
            raise RoundError(f"{provider!r} is not evaluated in this round")
        check_score(dimension, score, _dimensions(row))
        if not reason.strip():
            raise RoundError("a moderated score needs the reason for the change")
        cell = self._cell(row, provider, dimension)
        mod = self.s.get(EvalModerationRow, (round_id, provider, dimension))
        if mod is None:
            mod = EvalModerationRow(round_id=round_id, provider=provider, dimension=dimension)
            self.s.add(mod)
        mod.consensus, mod.score = cell.consensus, score
        mod.moderated_by, mod.reason, mod.moderated_at = actor.user_id, reason.strip(), now
        self.s.flush()
        return self._cell(row, provider, dimension)

    # the evaluators ------------------------------------------------------------------------

    def declare(self, actor: User, round_id: int, conflicts: Sequence[str], statement: str,
                now: datetime) -> PanelMember:
        """Declare conflicts of interest (possibly none) before seeing the providers; final."""
        require(actor, Permission.SCORE_OWN)
        row = self._round(round_id)
        member = self._member(actor, round_id)
        if row.status != "open":
            raise RoundError("the round is closed")
        if member.declared_at is not None:
            raise RoundError("the declaration is already made and cannot be changed")
        member.declared_at, member.declaration = now, statement.strip()
        member.conflicts = sorted(set(conflicts))
        self.s.flush()
        return _panel_member(member)

    def providers(self, viewer: User, round_id: int) -> list[tuple[str, bool]]:
        """(provider, conflicted) for a panel member who has declared, or for a manager."""
        row = self._round(round_id)
        if _sees_every_round(viewer) and self.s.get(EvalPanelRow, (round_id, viewer.user_id)) is None:
            return [(p, False) for p in row.providers]
        member = self._member(viewer, round_id)
        if member.declared_at is None:
            raise PermissionDenied("declare any conflict of interest before seeing the providers")
        return [(p, p in member.conflicts) for p in row.providers]

    def score(self, actor: User, round_id: int, provider: str, dimension: str, score: float,
              comment: str, now: datetime) -> None:
        """Record (or change, until locked) the actor's own score of one provider on one dimension."""
        require(actor, Permission.SCORE_OWN)
        row = self._round(round_id)
        member = self._member(actor, round_id)
        if row.status != "open":
            raise RoundError("the round is closed: scores can no longer change")
        if member.declared_at is None:
            raise PermissionDenied("declare any conflict of interest before scoring")
        if member.locked_at is not None:
            raise RoundError("your scores are locked until the round closes")
        if provider not in row.providers:
            raise RoundError(f"{provider!r} is not evaluated in this round")
        if provider in member.conflicts:
            raise PermissionDenied(f"you declared a conflict of interest with {provider}: you may not score it")
        check_score(dimension, score, _dimensions(row))
        cell = self.s.get(EvalScoreRow, (round_id, actor.user_id, provider, dimension))
        if cell is None:
            cell = EvalScoreRow(round_id=round_id, user_id=actor.user_id, provider=provider, dimension=dimension)
            self.s.add(cell)
        cell.score, cell.comment, cell.updated_at = float(score), comment.strip(), now
        self.s.flush()

    def lock(self, actor: User, round_id: int, now: datetime) -> PanelMember:
        """Lock the actor's own scores: no further change, sealed until the round closes."""
        require(actor, Permission.SCORE_OWN)
        row = self._round(round_id)
        member = self._member(actor, round_id)
        if row.status != "open":
            raise RoundError("the round is closed")
        if member.declared_at is None:
            raise PermissionDenied("declare any conflict of interest first")
        if member.locked_at is None:
            member.locked_at = now
            self.s.flush()
        return _panel_member(member)

    # reading -------------------------------------------------------------------------------

    def info(self, viewer: User, round_id: int) -> RoundInfo:
        """Status, panel, declarations and who locked; for the panel and managers (no scores)."""
        row = self._round(round_id)
        if not _sees_every_round(viewer):
            self._member(viewer, round_id)
        return self._info(row)

    def list_rounds(self, viewer: User, program_id: int) -> list[RoundInfo]:
        """The program's rounds a viewer may see: all for managers, their panels' for evaluators."""
        query = select(EvalRoundRow).where(EvalRoundRow.program_id == program_id).order_by(EvalRoundRow.id)
        if not _sees_every_round(viewer):
            query = query.join(EvalPanelRow, EvalPanelRow.round_id == EvalRoundRow.id).where(
                EvalPanelRow.user_id == viewer.user_id)
        return [self._info(r) for r in self.s.scalars(query)]

    def my_scores(self, viewer: User, round_id: int) -> dict[tuple[str, str], tuple[float, str]]:
        """The viewer's own scores: (provider, dimension) -> (score, comment)."""
        self._member(viewer, round_id)
        rows = self.s.scalars(select(EvalScoreRow).where(EvalScoreRow.round_id == round_id,
                                                         EvalScoreRow.user_id == viewer.user_id))
        return {(r.provider, r.dimension): (r.score, r.comment) for r in rows}

    def _scores(self, viewer: User, row: EvalRoundRow) -> list[EvalScoreRow]:
        """Score rows the viewer may read: everyone's once closed, only their own before."""
        query = select(EvalScoreRow).where(EvalScoreRow.round_id == row.id)
        if row.status != "closed":
            query = query.where(EvalScoreRow.user_id == viewer.user_id)
        return list(self.s.scalars(query))

    def _cell(self, row: EvalRoundRow, provider: str, dimension: str) -> CellResult:
        names = {m.user_id: m.name for m in self._panel(row.id)}
        scores = self.s.scalars(select(EvalScoreRow).where(
            EvalScoreRow.round_id == row.id, EvalScoreRow.provider == provider,
            EvalScoreRow.dimension == dimension))
        individual = {names.get(s.user_id, s.user_id): s.score for s in scores}
        mod = self.s.get(EvalModerationRow, (row.id, provider, dimension))
        return CellResult(provider=provider, dimension=dimension, individual=individual,
                          consensus=consensus_of(list(individual.values()), row.rule),  # type: ignore[arg-type]
                          moderation=None if mod is None else Moderation(
                              score=mod.score, by=mod.moderated_by, reason=mod.reason, at=mod.moderated_at))

    def results(self, viewer: User, round_id: int) -> RoundResult:
        """Every cell with individual scores, consensus by the rule and any moderation; only
        after the round closes, for the panel and managers."""
        row = self._round(round_id)
        if not _sees_every_round(viewer):
            self._member(viewer, round_id)
        if row.status != "closed":
            raise PermissionDenied("individual scores stay sealed until the round closes")
        names = {m.user_id: m.name for m in self._panel(row.id)}
        by_cell: dict[tuple[str, str], dict[str, float]] = {}
        for s in self._scores(viewer, row):
            by_cell.setdefault((s.provider, s.dimension), {})[names.get(s.user_id, s.user_id)] = s.score
        mods = {(m.provider, m.dimension): m for m in self.s.scalars(
            select(EvalModerationRow).where(EvalModerationRow.round_id == row.id))}
        cells = []
        for provider in row.providers:
            for dim in _dimensions(row):
                individual = by_cell.get((provider, dim), {})
                mod = mods.get((provider, dim))
                cells.append(CellResult(
                    provider=provider, dimension=dim, individual=individual,
                    consensus=consensus_of(list(individual.values()), row.rule),  # type: ignore[arg-type]
                    moderation=None if mod is None else Moderation(
                        score=mod.score, by=mod.moderated_by, reason=mod.reason, at=mod.moderated_at)))
        return RoundResult(info=self._info(row), cells=cells)

    def agreement(self, viewer: User, round_id: int, *, seed: int = 0) -> list[DimensionAgreement]:
        """Krippendorff's ordinal alpha between the panel per dimension, once the round closed."""
        result = self.results(viewer, round_id)
        evaluators = sorted({e for c in result.cells for e in c.individual})
        out = []
        for dim in result.info.dimensions:
            table = np.full((len(result.info.providers), len(evaluators)), np.nan)
            for c in result.cells:
                if c.dimension == dim:
                    for e, v in c.individual.items():
                        table[result.info.providers.index(c.provider), evaluators.index(e)] = v
            alpha, low, high, pairable = ordinal_alpha(table, seed=seed)
            out.append(DimensionAgreement(
                dimension=dim, alpha=alpha, low=low, high=high,
                providers=int((np.sum(~np.isnan(table), axis=1) >= 2).sum()), pairable_values=pairable,
                reason=None if alpha is not None else "not enough variation or pairs to define agreement"))
        return out


def round_payload(result: RoundResult, agreement: Sequence[DimensionAgreement]) -> dict[str, Any]:
    """A closed round for JSON and reports: cells with the consensus beside the moderated score."""
    payload = result.to_payload()
    payload["agreement"] = [a.model_dump() for a in agreement]
    return payload
