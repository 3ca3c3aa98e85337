"""Write docs/contract-clauses.md from the code: every clause `contracts.audit.CLAUSES` lists, every
finding code the audit's checks emit (read from their source), the red flag and consequence the
default rubric gives each code, and the profile fields the draft reader proposes per clause (read by
running the reader over the labelled corpus). `tests/test_docs_reference.py` fails when the file
differs from what this renders, so the reference cannot drift from the audit.

Run: python scripts/make_contract_clauses_doc.py
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "contract-clauses.md"
SOURCES = ("contracts/audit.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "contracts").glob("audit_*.py")))
CORPORA = ("tests/fixtures/contract_corpus", "tests/fixtures/contract_corpus_heldout")

WHY: dict[str, str] = {
    "data_ownership": "Labels you do not own cannot go to a successor: the program starts again from nothing.",
    "export_right": "Export only at the end (or on request) means you cannot check a successor against the "
    "data, nor leave mid-term without a fight.",
    "export_formats": "A proprietary format makes a successor convert or rebuild the labels; an open, "
    "documented one (COCO, JSONL, CSV, Label Studio JSON, Pascal VOC, YOLO) travels.",
    "guidelines": "The guidelines and the small edge-case rulings are what make labels consistent; kept by "
    "the vendor's team, they leave with it.",
    "quality_metrics": "A metric, a target and a gold set you can hand to the next vendor are the yardstick "
    "that outlives the contract; an accuracy figure with no method can be met without real quality.",
    "accuracy_spec": "One aggregate accuracy hides a failing rare category; a QA sample of at least 10% of "
    "every category, a stated method and a buyer-owned gold set make the promise checkable.",
    "transition": "A successor needs the labelled data, guidelines, gold set, edge-case log and calibration "
    "log, a handover proportionate to the volume (30 days; 60 from 100,000 items a month; 90 from "
    "500,000: annogov's rule of thumb) and an orderly wind-down with throughput kept.",
    "sla_terms": "Accuracy, turnaround and ramp each need a term and a remedy, or a breach costs the vendor "
    "nothing; with a measured agreement, an accuracy target above (1 + a) / 2 is questioned.",
    "pilot": "A paid pilot before commitment is the cheapest way to measure a provider on your own data.",
    "scale_up": "A program that must grow 2x-3x within four weeks needs that in writing.",
    "scope_change": "New classes and task types will come; without a process each one is a renegotiation.",
    "minimum_commitment": "A long fixed term ties you in past a typical model-development cycle.",
    "pricing_model": "Per-unit pricing rewards speed over quality unless breaches of the quality terms cost "
    "the vendor money.",
    "worker_protection": "Quality remedies belong on the vendor (service credits), never on its workers: pay "
    "deductions, suspensions tied to accuracy and unpaid retraining or rework turn accuracy pressure "
    "into lost pay for the people doing the labelling.",
    "soc2": "A SOC 2 Type II report covers a period of operation; Type I is a point-in-time design review, "
    "and a period that ended more than 12 months before the evaluation date is stale.",
    "iso27001": "A certificate only counts for the delivery centres its scope names, and only while its "
    "audits are current.",
    "dpa": "Personal data in the labelling stream needs a data processing agreement.",
    "subprocessors": "Each subprocessor is another place your data goes: you need the list, their locations "
    "and a right to object to changes.",
    "data_residency": "Where data is stored and processed, and which law governs, decide which regulators "
    "and courts you deal with.",
    "deletion": "At exit your data must be deleted, backups and subprocessors included, and confirmed by a "
    "signed certificate.",
    "export_controls": "Annotation of controlled data across borders needs an export-control and sanctions "
    "clause.",
    "endpoint_controls": "Annotators' workstations are where data leaks: managed devices, no personal devices "
    "or personal cloud storage.",
}


def _text(node: ast.expr, src: str, names: dict[str, Any]) -> str:
    """A reason or ask as written: constants kept, simple constant names filled in, the rest '…'."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        out = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                out.append(str(part.value))
            elif isinstance(part, ast.FormattedValue):
                expr = ast.get_source_segment(src, part.value) or ""
                spec = "".join(str(getattr(v, "value", "")) for v in getattr(part.format_spec, "values", []))
                out.append(format(names[expr], spec) if expr in names else "…")
        return "".join(out)
    if isinstance(node, ast.BinOp):
        return _text(node.left, src, names) + _text(node.right, src, names)
    return "…"


def _emits(source: str) -> dict[str, list[dict[str, Any]]]:
    """Per check function of one module, the `emit(status, reason, ask, ...)` calls it makes and
    the `audit_*.X(p, emit)` checks it hands its emit to."""
    src = (ROOT / source).read_text(encoding="utf-8")
    module = __import__(source.removesuffix(".py").replace("/", "."), fromlist=["_"])
    names = {k: v for k, v in vars(module).items() if k.isupper() and isinstance(v, int | float | str)}
    out: dict[str, list[dict[str, Any]]] = {}
    for fn in ast.walk(ast.parse(src)):
        if not isinstance(fn, ast.FunctionDef):
            continue
        found: list[dict[str, Any]] = []
        for call in ast.walk(fn):
            if not isinstance(call, ast.Call):
                continue
            if isinstance(call.func, ast.Name) and call.func.id == "emit" and len(call.args) >= 3:
                kw = {k.arg: k.value for k in call.keywords}
                status = call.args[0]
                assert isinstance(status, ast.Constant)
                found.append({
                    "status": status.value,
                    "reason": _text(call.args[1], src, names),
                    "ask": _text(call.args[2], src, names),
                    "code": getattr(kw.get("code"), "value", None),
                    "severity": getattr(kw.get("severity"), "value", None),
                    "red_flag": getattr(kw.get("red_flag"), "value", False) is True,
                })
            elif (isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
                  and f"contracts/{call.func.value.id}.py" in SOURCES
                  and any(isinstance(a, ast.Name) and a.id == "emit" for a in call.args)):
                found.append({"delegate": (f"contracts/{call.func.value.id}.py", call.func.attr)})
        if found:
            out[fn.name] = found
    return out


def findings() -> dict[str, list[dict[str, Any]]]:
    """Every finding the audit can emit, per clause key, in the order `audit_profile` checks them."""
    from contracts.audit import CLAUSE_BY_KEY

    checks = {source: _emits(source) for source in SOURCES}

    def expand(module: str, name: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for e in checks[module].get(name, []):
            out += expand(*e["delegate"]) if "delegate" in e else [e]
        return out

    src = (ROOT / SOURCES[0]).read_text(encoding="utf-8")
    audit_fn = next(n for n in ast.walk(ast.parse(src)) if isinstance(n, ast.FunctionDef) and n.name == "audit_profile")
    per_clause: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for call in ast.walk(audit_fn):
        if not (isinstance(call, ast.Call) and len(call.args) >= 2 and isinstance(call.args[1], ast.Call)
                and getattr(call.args[1].func, "id", "") == "emitter"):
            continue
        arg = call.args[1].args[0]
        assert isinstance(arg, ast.Constant)
        clause = str(arg.value)
        module, name = ((f"contracts/{getattr(call.func.value, 'id', '')}.py", call.func.attr)
                        if isinstance(call.func, ast.Attribute) else (SOURCES[0], getattr(call.func, "id", "")))
        for e in expand(module, name):
            code = f"{clause}.{e['code'] or e['status']}"
            severity = e["severity"] or CLAUSE_BY_KEY[clause].severity_if_missing
            per_clause[clause].append(dict(e, code=code, severity=severity))
    return per_clause


def reader_fields() -> dict[str, list[str]]:
    """The profile fields the draft reader proposes, per clause, as it reads the labelled corpus."""
    from contracts.reader.measure import load_corpus
    from contracts.reader.table import read

    fields: dict[str, set[str]] = defaultdict(set)
    for folder in CORPORA:
        for example in load_corpus(ROOT / folder):
            for hit in read(example.sentence):
                fields[hit.clause].add(hit.field)
    return {k: sorted(v) for k, v in fields.items()}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render() -> str:
    """The whole reference as Markdown."""
    from annogov.services.linking import contract_policy
    from contracts.audit import CLAUSES

    policy = contract_policy()
    found = findings()
    fields = reader_fields()
    lines = [
        "# Contract clause reference",
        "",
        "<!-- Generated by scripts/make_contract_clauses_doc.py from contracts/audit.py, contracts/audit_checks.py,",
        "     the default rubric and the draft reader; tests/test_docs_reference.py keeps it in step. -->",
        "",
        "Every clause `annogov contract-audit` (and the Contract audit page) looks for, what it means for",
        "keeping the program portable, and what annogov does with it. Each clause is **present**, **weak** or",
        "**missing**: the worst of its findings, with that finding's severity. Each finding has a stable",
        "code (`<clause>.<what>`), the reason in plain words and the question to put to the vendor. A",
        "finding the default rubric maps to a red flag carries that flag's one policy from the rubric's",
        "policy table ([rubric.md](rubric.md)), the same consequence `annogov score --contract` applies; a",
        "program's own rubric may map differently. **Portability** clauses count towards the lock-in",
        "summary; a missing **critical** clause makes the audit exit 1. How to run the audit and read a",
        "draft: [guide-procurement.md](guide-procurement.md#audit-a-contract-annogov-contract-audit).",
        "",
        "A draft (.txt, .md, .docx, .pdf) is read sentence by sentence; the reader proposes the profile",
        "fields listed per clause below, each quoting its passage, and nothing counts until a person",
        "confirms it. Placeholders `…` stand for values the audit fills in (dates, rates, names).",
        "",
        "| clause | title | dimension | if missing | portability |",
        "| --- | --- | --- | --- | --- |",
    ]
    for c in CLAUSES:
        lines.append(f"| [`{c.key}`](#{c.key}) | {c.title} | {c.dimension} | "
                     f"{c.severity_if_missing} | {'yes' if c.portability else ''} |")
    for c in CLAUSES:
        lines += ["", f"## {c.key}", "", f"**{c.title}** ({c.dimension}). {WHY[c.key]}", ""]
        if c.key in fields:
            lines += ["Read from a draft: " + ", ".join(f"`{f}`" for f in fields[c.key]) + ".", ""]
        lines += ["| finding | status | severity | red flag and its policy | annogov says | ask the vendor |",
                  "| --- | --- | --- | --- | --- | --- |"]
        seen: set[tuple[str, str]] = set()
        for e in found.get(c.key, []):
            if (e["code"], e["reason"]) in seen:
                continue
            seen.add((e["code"], e["reason"]))
            consequence = policy.get(e["code"])
            flag = f"`{consequence.red_flag}`: {consequence.policy}" if consequence else ""
            if e["red_flag"] and not consequence:
                flag = "red flag"
            lines.append(f"| `{e['code']}` | {e['status']} | {e['severity']} | {_cell(flag)} | "
                         f"{_cell(e['reason'])} | {_cell(e['ask'])} |")
    if "volume" in fields:
        lines += ["", "## Read from a draft for the checks above",
                  "", "The monthly volume (" + ", ".join(f"`{f}`" for f in fields["volume"])
                  + ") sets the handover the `transition` clause needs."]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Write the reference."""
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
