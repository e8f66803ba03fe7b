"""What a test needs from the machine (Chromium, nginx and ffmpeg, collected static files)."""

import os
from typing import NoReturn

import pytest


def missing(message: str) -> NoReturn:
    """The test cannot run here: it skips, except under CI (CI=true), where nothing that needs
    PostgreSQL, Redis, Chromium or the media tools may skip, so it fails."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
