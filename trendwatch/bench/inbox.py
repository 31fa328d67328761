"""Inbox triage: quality on the hand-written development set, and throughput.

``python -m trendwatch.bench.inbox [--set dev|holdout|blind|all] [--no-speed] [--mistakes]``

Three labelled files written for the project: ``bench/data/inbox_devset.tsv`` (380, the one
the rules were tuned on), ``inbox_holdout.tsv`` (92, written before tuning; looked at once,
after which only general rules changed) and ``inbox_blind.tsv`` (60, written after tuning,
its first run reported as the unseen figure): brand-
directed posts in five languages and six domains, with sarcasm, questions that are
complaints, praise with a problem, leads and off-topic posts. Reported per file: complaint
precision/recall/F1 (complaint against everything else, the measure the published results
on brand tweets use), the per-category confusion matrix, accuracy per language, urgency
accuracy on complaints; throughput in messages/s of the offline classifier in one process
(the pipeline triages in the collecting process, which shares the machine's 2 cores), plus
two processes side by side for the machine's figure.

If ``../shared/eval`` holds a labelled customer-care set (``customer-care/*.tsv`` with the
columns above), it is reported too; otherwise that part is skipped and says so.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from trendwatch.bench.datasets import default_eval_dir
from trendwatch.config.schema import CATEGORIES
from trendwatch.inbox.message import InboundMessage
from trendwatch.inbox.triage import OfflineClassifier

SETS = {"dev": "inbox_devset.tsv", "holdout": "inbox_holdout.tsv", "blind": "inbox_blind.tsv"}
TARGET_PR = 0.80
TARGET_RATE = 500.0


@dataclass(frozen=True)
class Labelled:
    message: InboundMessage
    category: str
    urgency: str
    lang: str
    domain: str


def read_set(path: Path | Any, name: str) -> list[Labelled]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
            if row["category"] not in CATEGORIES:
                raise ValueError(f"{name}:{number}: unknown category {row['category']!r}")
            message = InboundMessage(
                id=f"{name}-{number}", external_id=f"{name}-{number}", source=name,
                platform="x", url="", author=f"user{number}", text=row["text"], lang=None,
                received_at=datetime(2026, 3, 2, 9, tzinfo=UTC))
            rows.append(Labelled(message, row["category"], row["urgency"], row["lang"],
                                 row["domain"]))
    return rows


def load(name: str) -> list[Labelled]:
    return read_set(files("trendwatch.bench") / "data" / SETS[name], name)


def evaluate(rows: list[Labelled], classifier: OfflineClassifier | None = None) -> dict[str, Any]:
    classifier = classifier or OfflineClassifier()
    predicted = classifier.classify([r.message for r in rows])
    confusion = {c: dict.fromkeys(CATEGORIES, 0) for c in CATEGORIES}
    by_lang: dict[str, Counter] = {}
    tp = fp = fn = 0
    urgency_right = urgency_total = 0
    lang_right = 0
    mistakes = []
    for row, triage in zip(rows, predicted, strict=True):
        confusion[row.category][triage.category] += 1
        counts = by_lang.setdefault(row.lang, Counter())
        counts["n"] += 1
        counts["right"] += triage.category == row.category
        lang_right += triage.lang == row.lang
        gold_c, pred_c = row.category == "complaint", triage.category == "complaint"
        tp += gold_c and pred_c
        fp += pred_c and not gold_c
        fn += gold_c and not pred_c
        if gold_c and pred_c:
            urgency_total += 1
            urgency_right += triage.urgency == row.urgency
        if triage.category != row.category:
            mistakes.append({"text": row.message.text, "gold": row.category,
                             "predicted": triage.category, "reasons": list(triage.reasons)})
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "messages": len(rows),
        "complaint": {"precision": round(precision, 3), "recall": round(recall, 3),
                      "f1": round(f1, 3), "tp": tp, "fp": fp, "fn": fn},
        "accuracy": round(sum(confusion[c][c] for c in CATEGORIES) / max(len(rows), 1), 3),
        "confusion": confusion,   # gold category → predicted category → count
        "accuracy_by_language": {lang: round(c["right"] / c["n"], 3)
                                 for lang, c in sorted(by_lang.items())},
        "language_detection": round(lang_right / max(len(rows), 1), 3),
        "urgency_on_complaints": round(urgency_right / urgency_total, 3) if urgency_total else None,
        "mistakes": mistakes,
    }


def _rate(messages: list[InboundMessage], seconds: float = 3.0) -> float:
    classifier = OfflineClassifier()
    classifier.classify(messages[:50])          # compile the patterns, load the models
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        # fresh texts each round: the normaliser's cache must not make repeats free
        batch = [InboundMessage(**{**m.__dict__, "text": f"{m.text} #{done + i}"})
                 for i, m in enumerate(messages)]
        classifier.classify(batch)
        done += len(batch)
    return done / (time.perf_counter() - started)


def _rate_in_child(_: int) -> float:
    return _rate([r.message for r in load("dev")])


def throughput(rows: list[Labelled]) -> dict[str, Any]:
    one = _rate([r.message for r in rows])
    with ProcessPoolExecutor(2) as pool:
        two = sum(pool.map(_rate_in_child, range(2)))
    return {"one_process_msgs_per_s": round(one, 1), "two_processes_msgs_per_s": round(two, 1)}


def external() -> dict[str, Any]:
    folder = default_eval_dir() / "customer-care"
    found = sorted(folder.glob("*.tsv")) if folder.is_dir() else []
    if not found:
        return {"skipped": f"no labelled customer-care set in {folder} (see its README)"}
    return {path.name: evaluate(read_set(path, path.stem)) for path in found}


def format_confusion(confusion: dict[str, dict[str, int]]) -> str:
    head = "gold \\ predicted".ljust(18) + "".join(c[:9].rjust(10) for c in CATEGORIES)
    lines = [head]
    for gold in CATEGORIES:
        lines.append(gold.ljust(18) + "".join(str(confusion[gold][p]).rjust(10) for p in CATEGORIES))
    return "\n".join(lines)


def figures(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name in ("blind", "holdout", "dev"):
        result = report.get(name)
        if not result:
            continue
        c = result["complaint"]
        rows.append({"figure": f"inbox complaint precision ({name}, {result['messages']} msgs)",
                     "value": c["precision"], "unit": "", "baseline": f"recall {c['recall']}, "
                     f"F1 {c['f1']}", "ratio": None, "target": f"≥ {TARGET_PR}"})
        rows.append({"figure": f"inbox complaint recall ({name})", "value": c["recall"],
                     "unit": "", "baseline": "published supervised F1 on brand tweets ~0.79",
                     "ratio": None, "target": f"≥ {TARGET_PR}"})
    speed = report.get("throughput")
    if speed:
        rows.append({"figure": "inbox triage throughput (offline, 1 process)",
                     "value": speed["one_process_msgs_per_s"], "unit": "msgs/s",
                     "baseline": f"2 processes {speed['two_processes_msgs_per_s']} msgs/s",
                     "ratio": round(speed["one_process_msgs_per_s"] / TARGET_RATE, 2),
                     "target": f"≥ {TARGET_RATE:g}"})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trendwatch.bench.inbox", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=["dev", "holdout", "blind", "all"], default="all")
    parser.add_argument("--no-speed", action="store_true", help="skip the throughput run")
    parser.add_argument("--mistakes", action="store_true", help="print every misclassification")
    args = parser.parse_args(argv)
    names = ["dev", "holdout", "blind"] if args.set == "all" else [args.set]
    report: dict[str, Any] = {}
    for name in names:
        result = evaluate(load(name))
        report[name] = result
        c = result["complaint"]
        print(f"{name}: {result['messages']} messages · complaint P {c['precision']} R "
              f"{c['recall']} F1 {c['f1']} · accuracy {result['accuracy']} · by language "
              f"{result['accuracy_by_language']} · urgency on complaints "
              f"{result['urgency_on_complaints']}")
        print(format_confusion(result["confusion"]))
        if args.mistakes:
            for m in result["mistakes"]:
                print(f"  {m['gold']} → {m['predicted']}: {m['text']}\n      {m['reasons']}")
    report["external"] = external()
    print(f"external: {json.dumps(report['external'])[:300]}")
    if not args.no_speed:
        report["throughput"] = throughput(load("dev"))
        print(f"throughput: {report['throughput']}")
    Path("data/bench").mkdir(parents=True, exist_ok=True)
    for result in report.values():
        if isinstance(result, dict):
            result.pop("mistakes", None)
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
