"""Every command that reads files, run over the generated hostile corpus with a time and memory
limit: no traceback, no hang, no formula injection in what is written, every refusal located."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ingest.formulas import FORMULA_TRIGGERS, PLAIN_NUMBER
from tests.make_hostile_corpus import DEFAULT_DIR, TARGETS, build

ROOT = Path(__file__).resolve().parents[1]
MEMORY = 3 * 1024**3  # address space per worker: bombs that expand past it fail the test
PER_CASE = 60  # seconds; a hang detector, not a timing assertion
WORKERS = 2


def _jobs(cases: list[dict[str, Any]], scratch: Path) -> list[tuple[str, list[str], str, dict[str, Any]]]:
    jobs = []
    for n, case in enumerate(cases):
        path = DEFAULT_DIR / case["file"]
        for k, template in enumerate(TARGETS[case["target"]]):
            out = str(scratch / f"out-{n}-{k}")
            args = [a.replace("{f}", str(path)).replace("{out}", out) for a in template]
            jobs.append((f"{case['file']} :: {' '.join(template[:1])}#{k}", args, out, case))
    return jobs


def _run(jobs: list[tuple[str, list[str], str, dict[str, Any]]], scratch: Path) -> list[dict[str, Any]]:
    """Run the jobs in WORKERS processes; a worker that dies is restarted after the case it died on."""
    code = os.environ.get("HOSTILE_CODE_ROOT", str(ROOT))  # another checkout's code, to compare before/after
    env = {**os.environ, "PYTHONPATH": f"{code}:{ROOT}", "ANNOGOV_DATA_DIR": str(scratch / "data")}
    pending = [jobs[i::WORKERS] for i in range(WORKERS)]
    results: dict[str, dict[str, Any]] = {}
    while any(pending):
        procs = []
        for w, chunk in enumerate(pending):
            if not chunk:
                continue
            spec = scratch / f"jobs-{w}.json"
            spec.write_text(json.dumps([[j[0], j[1], j[2]] for j in chunk]))
            proc = subprocess.Popen(
                [sys.executable, str(ROOT / "tests" / "hostile_runner.py"), str(spec), str(MEMORY), str(PER_CASE)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            procs.append((w, chunk, proc))
        for w, chunk, proc in procs:
            try:
                stdout, stderr = proc.communicate(timeout=PER_CASE * (len(chunk) + 2))
            except subprocess.TimeoutExpired:
                proc.kill()
                stdout, stderr = proc.communicate()
            done = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
            for r in done:
                results[r["id"]] = r
            rest = chunk[len(done) :]
            if rest and proc.returncode != 0:
                results[rest[0][0]] = {"id": rest[0][0], "rc": None, "died": proc.returncode, "stderr": stderr[-2000:]}
                rest = rest[1:]
            pending[w] = rest
    return [results[j[0]] for j in jobs]


def _injected(text: str) -> list[str]:
    """Cells of CSV text a spreadsheet would run as a formula."""
    bad = []
    csv.field_size_limit(1 << 30)
    for row in csv.reader(io.StringIO(text)):
        bad += [c for c in row if c.startswith(FORMULA_TRIGGERS) and not PLAIN_NUMBER.fullmatch(c)]
    return bad


def located(stderr: str, name: str) -> bool:
    """Whether every problem the command printed names the file (and so its place in it)."""
    lines = stderr.strip().splitlines()
    if not lines:
        return False
    problems = [ln for ln in lines if ln.startswith("  - ")] if "problems in the input" in lines[0] else lines[:1]
    return bool(problems) and all(name in p for p in problems)


def classify(result: dict[str, Any], case: dict[str, Any]) -> str | None:
    """The class of failure of one run, or None when it behaved."""
    if result.get("hang"):
        return "hang"
    if result.get("died") is not None:
        return "crash"
    if result.get("traceback") or "Traceback" in result.get("stderr", ""):
        return "traceback"
    csv_out = result.get("stdout", "") if "csv" in result.get("args", []) else ""
    if _injected(csv_out) or _injected(result.get("written_csv", "")):
        return "injection"
    rc = result.get("rc")
    if case["valid"]:
        return None if rc in (0, 1) else "valid_refused"
    if rc == 2:
        return None if located(result.get("stderr", ""), Path(case["file"]).name) else "unlocated"
    return None  # read and judged (exit 0/1): accepted as data, checked for injection above


@pytest.fixture(scope="module")
def corpus_results(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    cases = build()
    scratch = tmp_path_factory.mktemp("hostile")
    jobs = _jobs(cases, scratch)
    return list(zip((j[3] for j in jobs), _run(jobs, scratch), strict=True))


def test_corpus_is_large_and_covers_every_reader(corpus_results: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    files = {case["file"] for case, _ in corpus_results}
    assert len(files) >= 150
    assert {case["target"] for case, _ in corpus_results} == set(TARGETS)


def test_no_traceback_hang_injection_or_unlocated_refusal(
    corpus_results: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    failures: dict[str, list[str]] = {}
    for case, result in corpus_results:
        kind = classify(result, case)
        if kind is not None:
            detail = (result.get("traceback") or result.get("stderr") or "").strip()
            detail = detail[-300:] if result.get("traceback") else detail.splitlines()[0][:300] if detail else ""
            failures.setdefault(kind, []).append(f"{result['id']}: {detail}")
    summary = {k: len(v) for k, v in failures.items()}
    report = "\n".join(f"[{k}] {line}" for k, lines in failures.items() for line in lines[:15])
    codes: dict[str, int] = {}
    for _, result in corpus_results:
        codes[str(result.get("rc"))] = codes.get(str(result.get("rc")), 0) + 1
    files = len({case["file"] for case, _ in corpus_results})
    print(
        f"hostile corpus: {files} files, {len(corpus_results)} runs, exit codes {codes}, "
        f"failures by class {summary or 0}"
    )
    assert not failures, f"{summary}\n{report}"
