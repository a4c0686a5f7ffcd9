"""Shared test set-up: Qt runs offscreen unless a test starts its own X server."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The tests must never touch the developer's real keyring, data or settings.
os.environ.pop("YC_API_KEY", None)
os.environ.pop("YC_IAM_TOKEN", None)
os.environ.pop("YC_FOLDER_ID", None)

pytest_plugins = [
    "tests.fixtures.fake_server",
    "tests.fixtures.keyring_service",
]
