"""The contract suite on tinydb:// (the default backend)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nounkit.testing import StorageContract


class TestTinyDB(StorageContract):
    @pytest.fixture
    def storage_url(self, tmp_path: Path) -> str:
        return f"tinydb:///{tmp_path}/store/db.json"
