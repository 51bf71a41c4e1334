"""The extraction's scores on the annotated corpora: any regression fails CI."""

from __future__ import annotations

import pytest

from thidua_crawler.evaluation import DEFAULT_CORPUS, TARGET_TYPES, evaluate, load

#: F1 the rules reach on each corpus, per target fact type (the project's goal is >= 0.97).
REACHED = {"passages.json": 1.0, "heldout.json": 1.0}


@pytest.fixture(scope="module", params=sorted(REACHED))
def report(request):
    corpus = DEFAULT_CORPUS.parent / request.param
    return request.param, evaluate(load(corpus), timing_rounds=1)


def test_corpus_is_large_and_covers_distractors(report) -> None:
    name, result = report
    if name == "passages.json":
        assert result.passages >= 40
        assert result.distractors >= 8


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
    assert "passages/s" in text and result.articles_per_second > 0
