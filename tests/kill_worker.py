"""Subprocess for the kill -9 tests: migrate or save, and SIGKILL itself after the Nth SQL statement.

`python -m tests.kill_worker migrate URL N` or `... save URL N LOG`; N = 0 never kills and prints
how many statements ran. Each save is appended to LOG (flushed and fsynced) only after it returned.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

import sqlalchemy as sa

from annogov.store import Store

_count = 0


def _arm(after: int) -> None:
    """Count every statement any engine runs; die hard right after statement `after`."""

    def _after(*_args: Any) -> None:
        global _count
        _count += 1
        if after and _count == after:
            os.kill(os.getpid(), signal.SIGKILL)

    sa.event.listen(sa.engine.Engine, "after_cursor_execute", _after)


def main(argv: list[str]) -> None:
    """Entry point; see the module docstring."""
    mode, url, after = argv[0], argv[1], int(argv[2])
    if mode == "save":
        store = Store(url)
        program = store.find_program("Kill") or store.create_program("Kill")
        _arm(after)
        with open(argv[3], "a", encoding="utf-8") as log:
            for i in range(12):
                name = f"doc{i % 3}"
                current = store.get_document("rubric", program.id, name)
                record = store.save_document(
                    "rubric", program.id, name, {"i": i}, expected_version=0 if current is None else current.version
                )
                log.write(f"{name} {record.version} {i}\n")
                log.flush()
                os.fsync(log.fileno())
    else:
        _arm(after)
        Store(url)
    print(_count)


if __name__ == "__main__":
    main(sys.argv[1:])
