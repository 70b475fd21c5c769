"""run_hub touches the database only after what can stop it at start has been read."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import BrokerSettings, HttpSettings, HubSettings
from hub.app import run_hub


def test_hub_missing_its_broker_password_leaves_no_database(tmp_path: Path) -> None:
    # The CLI refuses this config first (test_config_errors); other callers
    # of run_hub (the demo, the tests' stacks) get the same order.
    settings = HubSettings(
        database_url="sqlite:///hub.db",
        http=HttpSettings(port=0),
        broker=BrokerSettings(username="hub", password_file=str(tmp_path / "broker.password")),
    )
    with pytest.raises(FileNotFoundError):
        run_hub(settings, tmp_path)
    assert list(tmp_path.iterdir()) == []
