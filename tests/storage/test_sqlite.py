"""The contract suite on sqlite://."""

from __future__ import annotations

from pathlib import Path

import pytest

from nounkit.testing import StorageContract


class TestSQLite(StorageContract):
    @pytest.fixture
    def storage_url(self, tmp_path: Path) -> str:
        return f"sqlite:///{tmp_path}/db.sqlite"
