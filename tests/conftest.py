"""Shared fixtures: the real corpus, the real offline model and the cached default index."""
import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import pytest  # noqa: E402

from index.cli_common import PROJECT_CACHE  # noqa: E402


@pytest.fixture(scope="session")
def assistant():
    from assistant.service import Assistant
    return Assistant.open(None, None, None, PROJECT_CACHE, progress=False)
