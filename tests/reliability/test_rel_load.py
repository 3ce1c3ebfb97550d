"""Load: 20 concurrent clients through the HTTP API (extractive generator, Chroma server),
alone and while another process re-ingests. CI runs 10 s each; `styrdok reliability` 60 s."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from evals.reliability.runs import Deployment, ReIngester, deploy, measure_load

pytestmark = pytest.mark.server
CLIENTS, SECONDS = 20, 10


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, fixture_corpus: Path,
               vision_page: Path) -> Iterator[Deployment]:
    deployed = deploy(tmp_path_factory.mktemp("load"), [fixture_corpus, vision_page.parent],
                      apps=1, embedder="fake")
    yield deployed
    deployed.stop()


def test_twenty_clients_get_every_answer(deployment: Deployment) -> None:
    """20 clients ask in a loop for 10 s: every request is answered 200 with text (0 lost)."""
    result = measure_load(deployment.apps[0].url, CLIENTS, SECONDS)
    assert result.requests >= CLIENTS
    assert result.errors == 0, (result.error_samples, deployment.errors_logged())


def test_load_while_ingesting(deployment: Deployment) -> None:
    """The same load while another process re-ingests a changed document in a loop: still 0
    errors, and the ingests themselves all succeed."""
    with ReIngester(deployment) as ingester:
        result = measure_load(deployment.apps[0].url, CLIENTS, SECONDS)
    assert result.errors == 0, (result.error_samples, deployment.errors_logged())
    assert ingester.runs >= 1 and not ingester.failures
