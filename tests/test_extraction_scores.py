"""The extraction's scores on the annotated corpora: any regression fails CI."""

from __future__ import annotations

import pytest

from thidua_crawler import evaluation
from thidua_crawler.evaluation import (
    DEFAULT_CORPUS,
    TARGET_TYPES,
    Score,
    evaluate,
    load,
    main,
    wilson,
)

#: F1 the rules reach on each corpus, per target fact type (the project's goal is >= 0.97).
REACHED = {"passages.json": 1.0, "heldout.json": 1.0}
#: What each corpus holds (passages, distractors): a passage lost or added shows here.
SIZE = {"passages.json": (141, 17), "heldout.json": (12, 3)}


@pytest.fixture(scope="module", params=sorted(REACHED))
def report(request):
    corpus = DEFAULT_CORPUS.parent / request.param
    return request.param, evaluate(load(corpus), timing_rounds=1)


def test_corpus_is_large_and_covers_distractors(report) -> None:
    name, result = report
    assert (result.passages, result.distractors) == SIZE[name]


@pytest.mark.parametrize("fact_type", TARGET_TYPES)
def test_f1_per_fact_type(report, fact_type: str) -> None:
    name, result = report
    score = result.scores[fact_type]
    assert score.f1 >= max(0.97, REACHED[name]), "\n".join(score.errors)


def test_no_false_award_counts_on_distractors(report) -> None:
    _, result = report
    assert result.false_awards_on_distractors == 0


def test_report_names_every_fact_type_and_speed(report) -> None:
    _, result = report
    text = result.format()
    for fact_type in TARGET_TYPES:
        assert fact_type in text
    assert "passages/s" in text and "95% CI" in text


def test_speed_is_passages_timed_over_the_time_taken(monkeypatch) -> None:
    """With a clock that advances 2 s per reading, 3 rounds of 4 passages take 2 s: 6/s."""
    ticks = iter(range(0, 100, 2))
    monkeypatch.setattr(evaluation.time, "perf_counter", lambda: next(ticks))
    assert evaluate(load()[:4], timing_rounds=3).articles_per_second == 6.0


def test_wilson_interval_brackets_the_proportion() -> None:
    low, high = wilson(8, 10)
    assert round(low, 3) == 0.490 and round(high, 3) == 0.943  # the textbook values for 8/10
    assert wilson(0, 0) == (0.0, 1.0)


def test_bootstrap_interval_widens_with_errors() -> None:
    perfect, noisy = Score(), Score()
    for i in range(20):
        perfect.add(f"p{i}", ["a"], ["a"])
        noisy.add(f"p{i}", ["a"], ["a"] if i % 4 else ["b"])
    assert perfect.f1_interval() == (1.0, 1.0)
    low, high = noisy.f1_interval()
    assert low < noisy.f1 < high < 1.0


def test_missing_real_corpus_is_one_line_not_a_failure(tmp_path, capsys) -> None:
    main([str(tmp_path / "dev.json"), "--if-present"])
    assert capsys.readouterr().out.count("\n") == 1
