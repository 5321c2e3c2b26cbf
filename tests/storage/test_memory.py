"""The contract suite on memory://."""

from __future__ import annotations

import pytest

from nounkit.testing import StorageContract


class TestMemory(StorageContract):
    @pytest.fixture
    def storage_url(self) -> str:
        return "memory://"
