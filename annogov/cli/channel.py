"""`annogov channel`: the calibration log, its summary and the engineers' insights."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from annogov.cli.args import add_database, add_format, add_input, add_out, wrote
from annogov.cli.registry import summary as command_summary
from annogov.cli.render import table, to_json
from ingest import InputError, Location, Problem, decode_text, load_json, read_input

if TYPE_CHECKING:
    from annogov.store import Store
    from governance.channel import calibration as cal

def read_log(path: str) -> list[cal.CalibrationEntry]:
    """Calibration entries from a JSON file (a list, as `channel log --json` writes it)."""
    from pydantic import TypeAdapter, ValidationError

    from governance.channel import calibration as cal

    name = Path(path).name
    data = load_json(decode_text(read_input(path), name), name)
    try:
        return TypeAdapter(list[cal.CalibrationEntry]).validate_python(data)
    except ValidationError as exc:
        raise InputError(
            Problem(Location(Path(path).name,
                             row=int(e["loc"][0]) + 1 if e["loc"] and isinstance(e["loc"][0], int)
                             else None,
                             column=".".join(str(p) for p in e["loc"][1:]) or None),
                    e["msg"])
            for e in exc.errors()[:50]) from exc


def _thresholds(items: Sequence[str]) -> dict[str, float]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise InputError.at(f"--threshold {item!r}: expected METRIC=NUMBER", "command line")
    return out


def _open(args: argparse.Namespace) -> Store:
    """The database of --database with --program in it (a located error naming the known ones)."""
    from annogov.store import Store

    store = Store(args.database)
    if store.find_program(args.program) is None:
        known = ", ".join(repr(p.name) for p in store.list_programs()) or "none"
        where = store.describe()
        store.close()
        raise InputError.at(f"no program named {args.program!r} (known: {known})", where)
    return store


def _now(args: argparse.Namespace) -> datetime:
    if args.as_of:
        try:
            when = datetime.fromisoformat(args.as_of)
        except ValueError as exc:
            raise InputError.at(f"--as-of {args.as_of!r} is not a date/time", "command line") \
                from exc
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    return datetime.now(UTC)


def _entries(args: argparse.Namespace) -> list[cal.CalibrationEntry]:
    """The visible log, from a LOG file or from the database (--program)."""
    from governance.roles import OPERATOR as CLI_USER

    if (args.log is None) == (args.program is None):
        raise InputError.at("give either --program NAME (database) or a LOG file",
                            "command line")
    if args.log is not None:
        return read_log(args.log)
    from annogov.store.channel import ChannelRepository

    store = _open(args)
    try:
        with store.transaction() as s:
            return ChannelRepository(s).list_entries(CLI_USER, args.program, _now(args))
    finally:
        store.close()


def _log(args: argparse.Namespace) -> int:
    from governance.channel import calibration_queries as calq
    from governance.roles import OPERATOR as CLI_USER

    now = _now(args)
    entries = calq.filter_entries(_entries(args), CLI_USER, now, tags=args.tag,
                                 statuses=args.status, min_age_days=args.older_than,
                                 oldest_first=True)
    if args.format == "json":
        print(to_json([e.model_dump(mode="json") for e in entries]))
        return 0
    rows = [(e.created_at.date().isoformat(), round(e.age_days(now), 1), e.task_id,
             e.status.value, "yes" if e.set_aside else "", ", ".join(e.all_tags),
             f"v{e.guideline.version} r{e.guideline.ruling_number}" if e.guideline else "",
             " ".join(e.description.split())[:60]) for e in entries]
    print(table(["flagged", "age_days", "task", "status", "held", "tags", "guideline",
                 "question"], rows))
    return 0


def _summary(args: argparse.Namespace) -> int:
    from governance.channel import calibration_queries as calq

    summary = calq.calibration_summary(_entries(args), _now(args))
    if args.format == "json":
        print(to_json(summary.model_dump(mode="json")))
        return 0
    rows = [("entries", summary.total), ("open", summary.open), ("resolved", summary.resolved),
            ("promoted into guidelines", summary.promoted),
            ("tasks set aside now", summary.tasks_set_aside),
            ("oldest open entry (days)", summary.oldest_open_age_days),
            ("median days to a ruling", summary.median_days_to_ruling)]
    print(table(["calibration log", "value"], rows))
    if summary.top_tags:
        print()
        print(table(["tag", "entries"], summary.top_tags))
    return 0


def _insights(args: argparse.Namespace) -> int:
    import pandas as pd

    from governance.channel import insights as ins
    from governance.roles import OPERATOR as CLI_USER

    metrics = ins.read_metrics(args.metrics) if args.metrics else None
    if args.delivery:
        from governance.quality.reading.delivery import open_delivery
        from governance.quality.reading.delivery_counts import count_delivery
        from governance.quality.sla.drift import drift

        weekly = ins.metrics_from_drift(drift(count_delivery(open_delivery(args.delivery), None),
                                              "week"))
        metrics = weekly if metrics is None else pd.concat([metrics, weekly], ignore_index=True)
    thresholds = _thresholds(args.threshold)
    min_drop = ins.DEFAULT_MIN_DROP if args.min_drop is None else args.min_drop
    now = _now(args)
    if args.program is not None and args.log is None:
        from annogov.store.channel import ChannelRepository

        store = _open(args)
        try:
            with store.transaction() as s:
                found = ChannelRepository(s).engineer_insights(
                    CLI_USER, args.program, now, metrics, thresholds=thresholds,
                    min_drop=min_drop)
        finally:
            store.close()
    else:
        found = ins.engineer_insights(CLI_USER, _entries(args), [], now, metrics,
                                      thresholds=thresholds, min_drop=min_drop)
    if args.format == "json":
        print(to_json(found.model_dump(mode="json")))
        return 0
    print("Flags that coincide with low or falling metrics")
    print(table(["week", "category", "metric", "value", "drop", "flags", "people", "tags"],
                [(c.week, c.category or "(all)", c.metric, c.value, c.drop, c.flags, c.people,
                  ", ".join(c.tags)) for c in found.metric_coincidences]))
    print("\nTags used by several people")
    print(table(["tag", "people", "flags", "shared insights"],
                [(t.tag, t.people, t.flags, t.shared_insights) for t in found.recurring_tags]))
    print("\nTasks flagged by several people")
    print(table(["task", "people", "open", "tags"],
                [(c.task_id, c.people, c.open_entries, ", ".join(c.tags))
                 for c in found.tasks_flagged_by_several]))
    print("\nQuestions blocking work, oldest first")
    print(table(["age_days", "task", "waiting for", "question"],
                [(q.age_days, q.task_id, q.waiting_for, " ".join(q.description.split())[:60])
                 for q in found.blocking_questions]))
    return 0


def _sections(args: argparse.Namespace) -> int:
    from annogov.cli.guidelines import load_document
    from governance.channel.channel_report import calibration_sections, guideline_history_section
    from governance.roles import OPERATOR as CLI_USER

    sections = calibration_sections(_entries(args), _now(args))
    for path in args.guideline:
        sections.append(guideline_history_section(load_document(path)))
    if args.doc:
        from annogov.store.channel import ChannelRepository

        if not args.program:
            raise InputError.at("--doc needs --program (the database)", "command line")
        store = _open(args)
        try:
            with store.transaction() as s:
                for doc_id in args.doc:
                    sections.append(guideline_history_section(
                        ChannelRepository(s).get_guideline(CLI_USER, doc_id)))
        finally:
            store.close()
    text = json.dumps(sections, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        wrote(args.out, f"{len(sections)} sections")
    else:
        print(text, end="")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `annogov channel log|summary|insights|report-sections`."""
    parser = subparsers.add_parser(
        "channel", help=command_summary("channel"),
        description="Read the annotators' channel of a program from the database.")
    sub = parser.add_subparsers(dest="action", required=True)

    def common(p: argparse.ArgumentParser, printed: bool = True) -> None:
        p.add_argument("--program", help="program name as shown in the app (database), e.g. 'Street scenes'")
        add_input(p, "log", "LOG", "calibration entries JSON (as `log --format json` writes), "
                  "e.g. examples/channel/calibration-log.json; without it, --program reads the database",
                  old="--log", optional=True)
        add_database(p)
        p.add_argument("--as-of", help="date/time to measure ages from, e.g. 2026-12-01T09:00+00:00 (default: now)")
        if printed:  # report-sections always writes JSON
            add_format(p, old_json=True)

    log = sub.add_parser("log", help="the calibration log, oldest first")
    common(log)
    log.add_argument("--status", action="append", default=[], choices=["open", "resolved", "promoted"],
                     help="only entries in this state, e.g. --status open (repeatable)")
    log.add_argument("--tag", action="append", default=[], help="only entries with this tag, e.g. --tag occlusion")
    log.add_argument("--older-than", type=float, metavar="DAYS", help="only entries older than this, e.g. 7")
    log.set_defaults(handler=_log)

    summary = sub.add_parser("summary", help="counts for reports")
    common(summary)
    summary.set_defaults(handler=_summary)

    insights = sub.add_parser("insights", help="recurring tags, multiply-flagged tasks, flags "
                                               "joined with metrics, blocking questions")
    common(insights)
    insights.add_argument("--metrics", metavar="FILE",
                          help="CSV/XLSX with columns category, week, metric, value, e.g. metrics.csv")
    insights.add_argument("--delivery", metavar="FILE", help="delivered annotations: weekly agreement and "
                          "accuracy are computed from it and joined too, e.g. examples/delivery.csv")
    insights.add_argument("--threshold", action="append", default=[], metavar="METRIC=VALUE",
                          help="a metric under VALUE counts as low, e.g. --threshold accuracy=0.9 (repeatable)")
    insights.add_argument("--min-drop", type=float,
                          help="a fall of at least this much from the week before counts, e.g. 0.05 "
                          "(default: 0.1)")
    insights.set_defaults(handler=_insights)

    sections = sub.add_parser(
        "report-sections", help="the log summary and guideline history as report sections "
                                "(for `annogov report --section`)")
    common(sections, printed=False)
    sections.add_argument("--guideline", action="append", default=[], metavar="FILE",
                          help="guideline JSON or bundle whose history to include, e.g. guidelines.json")
    sections.add_argument("--doc", action="append", default=[],
                          help="guideline id in the database whose history to include, e.g. --doc main")
    add_out(sections, "SECTIONS.json", "write the JSON here, e.g. -o sections.json (default: standard output)")
    sections.set_defaults(handler=_sections)
