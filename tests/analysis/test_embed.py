"""Real-model tests (slow): the packaged MiniLM through torch and through int8 ONNX."""

import numpy as np
import pytest

from trendwatch.analysis.embed.base import HashingEmbedder, resolve_model_path
from trendwatch.analysis.embed.sentence import SentenceTransformerEmbedder, make_embedder
from trendwatch.errors import AnalysisError

TEXTS = ["Central bank raises interest rates", "Die Zentralbank erhöht die Zinsen",
         "Wildfire spreads near the city", "Best espresso machines of the year", "ok"]


@pytest.fixture(scope="session")
def onnx_embedder(tmp_path_factory):
    from trendwatch.analysis.embed.onnx import OnnxEmbedder

    return OnnxEmbedder.load_or_export("all-MiniLM-L6-v2", tmp_path_factory.mktemp("models"))


def test_packaged_model_resolves_to_a_local_folder():
    assert resolve_model_path("all-MiniLM-L6-v2").endswith("model")
    assert resolve_model_path("some/other-model") == "some/other-model"


def test_hashing_by_name():
    assert isinstance(make_embedder("hashing-64"), HashingEmbedder)
    with pytest.raises(AnalysisError):
        make_embedder("x", backend="gpu")


@pytest.mark.slow
def test_torch_embedder_is_normalised_and_semantic(torch_embedder):
    X = torch_embedder.embed(TEXTS)
    assert X.shape == (5, 384) and X.dtype == np.float32
    assert np.allclose(np.linalg.norm(X, axis=1), 1, atol=1e-4)
    assert X[0] @ X[1] > X[0] @ X[3]


@pytest.mark.slow
def test_onnx_matches_torch(torch_embedder, onnx_embedder):
    a, b = torch_embedder.embed(TEXTS), onnx_embedder.embed(TEXTS)
    cos = (a * b).sum(axis=1)
    assert cos.mean() >= 0.99 and cos.min() >= 0.95
    assert onnx_embedder.model_id == torch_embedder.model_id
    assert onnx_embedder.embed([]).shape == (0, 384)


@pytest.mark.slow
def test_unknown_model_offline_is_a_clear_error():
    with pytest.raises(AnalysisError, match="cannot load embedding model"):
        SentenceTransformerEmbedder("/nonexistent/model-dir").embed(["x"])
