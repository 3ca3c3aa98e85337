"""The program's key for pseudonymous annotator codes, made on first use inside the caller's session."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from annogov.store.models import ProgramSecret
from governance.quality.annotator_codes import new_key


def codes_key(s: Session, program_id: int) -> bytes:
    """The program's key; a new random one is stored the first time (a concurrent first use wins once)."""
    row = s.get(ProgramSecret, program_id)
    if row is None:
        try:
            with s.begin_nested():
                row = ProgramSecret(program_id=program_id, codes_key=new_key().hex())
                s.add(row)
        except IntegrityError:
            row = s.get(ProgramSecret, program_id, populate_existing=True)
            assert row is not None
    return bytes.fromhex(row.codes_key)
