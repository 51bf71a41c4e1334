"""Score the extraction rules against the annotated corpus (``make eval``).

``python -m thidua_crawler.evaluation [corpus/passages.json] [--show-errors]`` prints
precision, recall and F1 per fact type, the false award counts on distractor
passages, and the speed of the extraction alone. Pure: no Scrapy, no database.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from thidua_crawler.extract import EXTRACTOR_VERSION, extract_facts, extract_places
from thidua_crawler.extract.text import fold, normalize

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "passages.json"
#: The fact types the project's targets apply to (F1 >= 0.97 on each).
TARGET_TYPES = ("award_tuples", "award_tuples_ignoring_level", "launch_detection", "launchers",
                "campaign_names", "districts", "communes")


@dataclass
class Score:
    """Multiset matches of one fact type, kept per passage so intervals can resample passages."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)
    per_passage: list[tuple[int, int, int]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        return _f1(self.tp, self.fp, self.fn)

    def add(self, passage: str, gold: Iterable[Any], predicted: Iterable[Any]) -> None:
        g, p = Counter(gold), Counter(predicted)
        both = g & p
        tp, fp, fn = sum(both.values()), sum((p - both).values()), sum((g - both).values())
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn
        self.per_passage.append((tp, fp, fn))
        for item in (p - both).elements():
            self.errors.append(f"{passage}: extra   {item}")
        for item in (g - both).elements():
            self.errors.append(f"{passage}: missing {item}")

    def precision_interval(self) -> tuple[float, float]:
        return wilson(self.tp, self.tp + self.fp)

    def recall_interval(self) -> tuple[float, float]:
        return wilson(self.tp, self.tp + self.fn)

    def f1_interval(self, rounds: int = 2000, seed: int = 20261128) -> tuple[float, float]:
        """95 % percentile bootstrap over passages (facts of one passage are not independent)."""
        if not self.per_passage:
            return (1.0, 1.0)
        rng = random.Random(seed)
        n = len(self.per_passage)
        samples = []
        for _ in range(rounds):
            tp = fp = fn = 0
            for _ in range(n):
                a, b, c = self.per_passage[rng.randrange(n)]
                tp, fp, fn = tp + a, fp + b, fn + c
            samples.append(_f1(tp, fp, fn))
        samples.sort()
        return samples[int(0.025 * rounds)], samples[int(0.975 * rounds) - 1]


def _f1(tp: int, fp: int, fn: int) -> float:
    if tp + fp + fn == 0:
        return 1.0
    return 2 * tp / (2 * tp + fp + fn)


def wilson(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95 % by default); (0, 1) with no trials."""
    if trials == 0:
        return (0.0, 1.0)
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def _award(a: dict[str, Any], level: bool) -> tuple:
    key = (a["count"], a["collectives"], a["individuals"])
    return (a["level"], *key) if level else key


def _award_details(a: dict[str, Any]) -> tuple:
    return (a["count"], tuple(a["forms"]), a["status"], a["part_of"], a["approximate"])


def _launcher(launch: dict[str, Any]) -> tuple:
    who = launch["launcher"]
    return (who["person"], who["position"], who["body"])


def _launch_details(launch: dict[str, Any]) -> tuple:
    day = launch["date"]
    return (launch["kind"], day.isoformat() if isinstance(day, date) else day)


#: fact type -> how to read it from a passage's facts (gold and predicted alike)
FACT_TYPES: dict[str, Callable[[dict[str, Any]], list]] = {
    "award_tuples": lambda f: [_award(a, True) for a in f["award_counts"]],
    "award_tuples_ignoring_level": lambda f: [_award(a, False) for a in f["award_counts"]],
    "award_details": lambda f: [_award_details(a) for a in f["award_counts"]],
    "launch_detection": lambda f: ["launch"] * len(f["campaign_launches"]),
    "launchers": lambda f: [_launcher(lch) for lch in f["campaign_launches"]],
    "campaign_names": lambda f: [fold(normalize(n)) for lch in f["campaign_launches"]
                                 for n in lch["names"]],
    "launch_kind_and_date": lambda f: [_launch_details(lch) for lch in f["campaign_launches"]],
    "districts": lambda f: sorted(f["districts"]),
    "communes": lambda f: sorted(f["communes"]),
}


def predict(passage: dict[str, Any]) -> dict[str, Any]:
    """The facts the rules find in one passage, in the corpus's shape."""
    published = date.fromisoformat(passage["published"])
    args = (passage["title"], passage["sapo"], passage["body"], published)
    facts = extract_facts(*args)
    places = extract_places(*args)
    return {
        **facts,
        "districts": [d["slug"] for d in places["districts"]],
        "communes": [c["name"] for c in places["communes"]],
    }


@dataclass
class Report:
    scores: dict[str, Score]
    passages: int
    distractors: int
    false_awards_on_distractors: int
    articles_per_second: float

    def format(self, show_errors: bool = False, corpus: str = "") -> str:
        lines = [f"extractor {EXTRACTOR_VERSION}: {self.passages} passages "
                 f"({self.distractors} distractors){' from ' + corpus if corpus else ''}", "",
                 f"{'fact type':28} {'TP':>4} {'FP':>3} {'FN':>3} {'P':>5} {'95% CI':>11} "
                 f"{'R':>5} {'95% CI':>11} {'F1':>5} {'95% CI':>11}"]
        for name, s in self.scores.items():
            mark = "" if name in TARGET_TYPES else "  (informational)"
            lines.append(f"{name:28} {s.tp:4d} {s.fp:3d} {s.fn:3d} {s.precision:5.3f} "
                         f"{_interval(s.precision_interval())} {s.recall:5.3f} "
                         f"{_interval(s.recall_interval())} {s.f1:5.3f} "
                         f"{_interval(s.f1_interval())}{mark}")
        lines += ["", "P and R intervals: Wilson; F1 interval: bootstrap over passages (2,000 rounds).",
                  f"false award counts on distractor passages: {self.false_awards_on_distractors}",
                  f"extraction speed: {self.articles_per_second:,.0f} passages/s "
                  f"(places, launches and awards; one core)"]
        if show_errors:
            for name, s in self.scores.items():
                lines += [f"\n[{name}]", *s.errors] if s.errors else []
        return "\n".join(lines)


def _interval(bounds: tuple[float, float]) -> str:
    return f"[{bounds[0]:.2f},{bounds[1]:.2f}]"


def evaluate(passages: list[dict[str, Any]], timing_rounds: int = 5) -> Report:
    scores = {name: Score() for name in FACT_TYPES}
    false_awards = 0
    for passage in passages:
        predicted = predict(passage)
        gold = passage["expected"]
        for name, read in FACT_TYPES.items():
            scores[name].add(passage["id"], read(gold), read(predicted))
        if passage["distractor"]:
            false_awards += len(predicted["award_counts"])
    started = time.perf_counter()
    for _ in range(timing_rounds):
        for passage in passages:
            predict(passage)
    elapsed = time.perf_counter() - started
    return Report(scores, len(passages), sum(p["distractor"] for p in passages), false_awards,
                  timing_rounds * len(passages) / elapsed if elapsed else float("inf"))


def load(path: Path = DEFAULT_CORPUS) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["passages"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show-errors", action="store_true", help="list every mismatch")
    parser.add_argument("--if-present", action="store_true",
                        help="say so in one line and succeed when the corpus file is absent")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        if args.if_present:
            print(f"{args.corpus}: not here, nothing scored (it is not part of the project)")
            return
        parser.error(f"{args.corpus}: no such file")
    print(evaluate(load(args.corpus)).format(args.show_errors, corpus=str(args.corpus)))


if __name__ == "__main__":
    main()
