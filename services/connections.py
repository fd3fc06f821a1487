"""The client for a Kapture profile: made here, so pages never build one (they keep one per profile)."""

from __future__ import annotations

from kapture import KaptureClient
from services.settings import Profile

__all__ = ["KaptureClient", "connect"]


def connect(profile: Profile) -> KaptureClient:
    """A new client for the profile: its address, credential and timeouts, connections kept alive."""
    return KaptureClient(**profile.client_options())
