"""The contract suite on postgresql://, against a real server (see conftest.py)."""

from __future__ import annotations

import pytest

from nounkit.testing import StorageContract


class TestPostgres(StorageContract):
    @pytest.fixture
    def storage_url(self, postgres_url: str) -> str:
        return postgres_url
