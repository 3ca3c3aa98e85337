"""Persistence for annogov: SQLAlchemy 2 models, schema migrations and the `Store` API.

Pages and commands use what this package exports (`Store`, the repositories of the channel and the
evaluation round, the `measured` functions), never its submodules; other modules add their own
tables to `Base` and a migration in `annogov/store/migrations/`.
"""

from annogov.store import channel_models as _channel_models  # noqa: F401  (registers channel tables)
from annogov.store import evaluation_round as _evaluation_round  # noqa: F401  (registers round tables)
from annogov.store import measured
from annogov.store import measured_models as _measured_models  # noqa: F401  (registers measured tables)
from annogov.store.channel import ChannelRepository
from annogov.store.engine import database_url, describe_url, make_engine
from annogov.store.errors import (
    ConcurrentEditError,
    DuplicateError,
    NotFoundError,
    SchemaError,
    StoreError,
)
from annogov.store.evaluation_round import EvaluationRoundRepository
from annogov.store.models import DIMENSION_KEYS, Base, utcnow
from annogov.store.records import (
    AuditRecord,
    CheckResultRecord,
    DeliveryOf,
    DimensionKey,
    DocumentKind,
    DocumentRecord,
    EvaluationRecord,
    ProgramRecord,
    ProviderRecord,
    ScoreEdit,
)
from annogov.store.store import Store

__all__ = [
    "DIMENSION_KEYS",
    "AuditRecord",
    "ChannelRepository",
    "Base",
    "CheckResultRecord",
    "DeliveryOf",
    "ConcurrentEditError",
    "DimensionKey",
    "DocumentKind",
    "DocumentRecord",
    "DuplicateError",
    "EvaluationRecord",
    "EvaluationRoundRepository",
    "NotFoundError",
    "ProgramRecord",
    "ProviderRecord",
    "SchemaError",
    "ScoreEdit",
    "Store",
    "StoreError",
    "database_url",
    "describe_url",
    "make_engine",
    "measured",
    "utcnow",
]
