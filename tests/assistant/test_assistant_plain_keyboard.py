"""A question typed without å, ä and ö is read as the Swedish it spells, also where the
chat-spelling rewrite has already put some of them back ("nar" -> "när")."""

from __future__ import annotations

import pytest

from assistant.ask import Assistant
from tests.assistant.conftest import assistant_over

PAGE = """<html><head><title>Förskolor - Åsby kommun</title></head><body>
<main><h1>Förskolor i Åsby</h1>
<p>Förskolan Solgläntan i Åsby öppnar den 15 augusti 2027 med plats för 90 barn.</p>
<p>Åsby kommun har i dag elva förskolor.</p></main>
</body></html>"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return assistant_over(tmp_path_factory, {"asby-forskolor.html": PAGE})


def test_a_question_typed_without_ring_or_dots_is_answered(assistant: Assistant) -> None:
    answer = assistant.ask("Nar oppnar forskolan Solglantan i Asby kommun?")
    assert not answer.refused, answer.text
    assert "15 augusti 2027" in answer.text
    assert answer.standalone_question == "När öppnar förskolan Solgläntan i Åsby kommun?"
