"""evals/fit_units.py: unit labels from expected facts and the logistic fit of the unit score."""

from assistant.generation import Source
from assistant.types import Chunk, Hit
from assistant.unitscore import FEATURES
from evals.fit_units import Example, fit_model, unit_rows

TABLE = ("Kommunen har två finansiella mål:\n"
         "Mål: Årets resultat; Målvärde: minst 2,0 %\nMål: Soliditet; Målvärde: minst 25 %\n"
         "Resultatet blir 26 miljoner kronor.")


def _example(facts: tuple[tuple[str, ...], ...]) -> Example:
    chunk = Chunk(chunk_id="c1", doc_id="d1", text=TABLE, position=0, title="Budget")
    source = Source(1, Hit(chunk=chunk, score=1.0, dense_score=0.8))
    return Example("x-1", "Hur hög soliditet ska kommunen ha?", (source,), "sv", facts)


def test_the_row_holding_the_fact_is_positive_and_its_table_is_not() -> None:
    rows = unit_rows(_example((("25 %",),)))
    assert len(rows) == 4  # two rows, the table, the sentence; one part
    assert [label for _, label in rows] == [0, 1, 0, 0]
    assert all(len(features) == len(FEATURES) for features, _ in rows)


def test_the_table_is_positive_when_only_it_holds_all_asked_facts() -> None:
    labels = [label for _, label in unit_rows(_example((("2,0 %",), ("25 %",))))]
    assert labels == [1, 1, 1, 0]


def test_the_fit_gives_an_informative_feature_a_positive_weight() -> None:
    rows = []
    for case in range(10):
        for k in range(6):
            positive = k == 0
            features = [0.0] * len(FEATURES)
            features[0] = (0.9 if positive else 0.2) + 0.01 * case + 0.005 * k
            features[1] = 0.1 * ((case + k) % 3)  # noise
            rows.append((tuple(features), int(positive)))
    groups = [i // 6 for i in range(len(rows))]
    model, _c, auc = fit_model(rows, groups)
    assert model.weights[0] > 0
    assert auc > 0.9
    assert model.probability(rows[0][0]) > model.probability(rows[1][0])
