"""Worker for the hostile-corpus test: runs `annogov` commands in this process under a memory limit,
one JSON line per case: exit code, stderr, whether a traceback escaped, and the outputs written.

`python tests/hostile_runner.py JOBS.json MEMORY_BYTES PER_CASE_SECONDS` (JOBS: [[id, argv, out], ...]).
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import signal
import sys
import traceback
from pathlib import Path
from types import FrameType


class Hang(BaseException):
    """Raised by the alarm when one case runs past its time."""


def _alarm(_sig: int, _frame: FrameType | None) -> None:
    raise Hang()


def main(argv: list[str]) -> None:
    """Run every job; results go to stdout as they finish (so a killed worker loses one case)."""
    jobs = json.loads(Path(argv[0]).read_text())
    memory, seconds = int(argv[1]), int(argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    from annogov.cli import main as annogov

    signal.signal(signal.SIGALRM, _alarm)
    out = sys.stdout
    for case_id, args, scratch in jobs:
        err, std = io.StringIO(), io.StringIO()
        result: dict[str, object] = {"id": case_id, "args": args}
        signal.alarm(seconds)
        try:
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(std):
                result["rc"] = annogov(args)
        except Hang:
            result["rc"], result["hang"] = None, True
        except SystemExit as exc:
            result["rc"] = exc.code
        except BaseException as exc:  # what a user would see as a traceback
            result["rc"], result["traceback"] = None, "".join(traceback.format_exception(exc))[-3000:]
        finally:
            signal.alarm(0)
        result["stderr"] = err.getvalue()[:100_000]
        result["stdout"] = std.getvalue()[:200_000]
        written = Path(scratch + ".csv")
        result["written_csv"] = written.read_text(errors="replace")[:200_000] if written.exists() else ""
        out.write(json.dumps(result) + "\n")
        out.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
