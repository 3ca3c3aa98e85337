"""The worked examples in the README and the guides run as printed: every `$ annogov ...` line of a
console block is run (in order, per document, in a scratch folder holding `examples/`), and every
output line the document shows must appear in what the command printed, in the same order
(standard output and standard error each in order); a
shown exit code (`$ echo $?`, `echo "exit $?"`, `# exit code N`) must be the one returned. A
`...` line stands for output left out. File sizes (`70,870 bytes`) are compared as `N bytes`:
under pytest the PDF comes out a few bytes longer than from the command line (same pages)."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from annogov.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("guide-*.md"))]


@dataclass
class Example:
    """One command line of a console block and what the document shows after it."""

    line: int
    command: str
    shown: list[str] = field(default_factory=list)
    exit_code: int | None = None


def examples(doc: Path) -> list[Example]:
    """The console examples of a document, in order."""
    out: list[Example] = []
    fence: str | None = None
    lines = doc.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        text = lines[i]
        if fence is None and re.match(r"^(```|~~~)", text):
            fence = text[:3]
        elif fence is not None and text.startswith(fence):
            fence = None
            out.append(Example(i + 1, ""))  # what follows the block belongs to no command
        elif fence is not None and text.startswith("$ "):
            command, start = text[2:], i + 1
            while command.endswith("\\"):
                i += 1
                command = command[:-1] + " " + lines[i].strip()
            if command.startswith("echo $?") and out:
                out[-1].exit_code = int(lines[i + 1].strip())
                i += 1
            elif command.startswith("annogov ") and "..." not in command:
                out.append(Example(start, command))
            else:
                out.append(Example(start, ""))  # shown but not run (elided parts); its output is not checked
        elif fence is not None and out and out[-1].command:
            out[-1].shown.append(text)
        i += 1
    return [e for e in out if e.command]


def run(example: Example, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[list[str]]]:
    """Run one command line in-process, with its redirect and its `echo "exit $?"`: the exit code and
    the lines of standard output and of standard error (a terminal interleaves them)."""
    command = re.sub(r"\s+#.*$", "", example.command)
    if m := re.search(r"\s+#\s*exit code (\d+)\s*$", example.command):
        example.exit_code = int(m.group(1))
    echo = '; echo "exit $?"' in command
    command = command.replace('; echo "exit $?"', "")
    target = None
    if " > " in command:
        command, target = (part.strip() for part in command.split(" > ", 1))
    capsys.readouterr()
    code = main(shlex.split(command)[1:])
    printed = capsys.readouterr()
    if target is not None:
        Path(target).write_text(printed.out, encoding="utf-8")
    streams = [[] if target is not None else printed.out.split("\n"), printed.err.split("\n")]
    lines = [[_sizes(line.rstrip()) for line in stream] for stream in streams]
    if echo:
        lines[0].append(f"exit {code}")
    return code, lines


def _sizes(line: str) -> str:
    return re.sub(r"\b\d[\d,]* bytes\b", "N bytes", line)


def _shown(example: Example) -> list[str]:
    return [_sizes(re.sub(r"\s+#\s*exit code \d+\s*$", "", s).rstrip()) for s in example.shown
            if s.strip() and s.strip() != "..." and not s.startswith("    ...")]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_console_examples_run_as_printed(doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "fixtures").symlink_to(ROOT / "tests" / "fixtures")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANNOGOV_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANNOGOV_DATABASE_URL", raising=False)
    problems = []
    for example in examples(doc):
        code, printed = run(example, capsys)
        for shown in example.shown:
            if m := re.search(r"#\s*exit code (\d+)\s*$", shown):
                example.exit_code = int(m.group(1))
        if example.exit_code is not None and code != example.exit_code:
            problems.append(f"line {example.line}: exit {code}, the document shows {example.exit_code}")
        at = [0, 0]
        for want in _shown(example):
            found = [s for s in (0, 1) if want in printed[s][at[s]:]]
            if not found:
                near = [p for s in printed for p in s if p[:12] == want[:12]][:1]
                problems.append(f"line {example.line}: `{example.command[:60]}` did not print {want!r} ({near})")
                break
            s = found[0]
            at[s] = printed[s].index(want, at[s]) + 1
    assert problems == []


def test_every_guide_has_examples() -> None:
    assert all(examples(doc) for doc in DOCS)
