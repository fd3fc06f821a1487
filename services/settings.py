"""Which Kapture the app talks to, and with what: environment first, secrets second."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from kapture.client import DEFAULT_TIMEOUT, base_url_for, basic_token, is_token
from kapture.sandbox import DEMO_PASSWORD, DEMO_USERNAME

DEFAULT_DATABASE_URL = "sqlite:///data/orderdesk.db"
# A host label that is one of these words (devapi, acme-uat, test2…) marks a test tenant; any
# other real tenant counts as production (qatar-airways, devonenergy), so a doubt errs loud.
_TEST_LABEL = re.compile(r"(dev|devapi|test|testing|uat|qa|stage|staging|preprod|sandbox|demo|localhost)\d*")
_LABEL_SEPARATORS = re.compile(r"[.\-_]")


class SettingsError(ValueError):
    """The configuration is incomplete or contradictory."""


@dataclass(frozen=True)
class Profile:
    """One Kapture to talk to: where, and the credential (never shown, never stored)."""

    name: str
    base_url: str
    username: str = ""
    password: str = field(default="", repr=False)
    token: str = field(default="", repr=False)
    is_sandbox: bool = False
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    cm_id: int | None = None  # the tenant's account id, for the Pull Order API ("Check in Kapture")

    @property
    def is_production(self) -> bool:
        """A real tenant whose host name does not say dev, test, UAT, staging…"""
        host = (urlsplit(self.base_url).hostname or "").lower()
        if self.is_sandbox or _is_loopback(host):
            return False
        return not any(_TEST_LABEL.fullmatch(label) for label in _LABEL_SEPARATORS.split(host))

    @property
    def secrets(self) -> tuple[str, ...]:
        """The values that must never be written anywhere (the pair's Basic token included)."""
        derived = basic_token(self.username, self.password) if self.password else ""
        return tuple(value for value in (self.password, self.token, derived) if value)

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for ``KaptureClient``."""
        credential = (
            {"token": self.token} if self.token else {"username": self.username, "password": self.password}
        )
        return {"base_url": self.base_url, "timeout": self.timeout, **credential}

    def at(self, base_url: str) -> Profile:
        """The same profile at another URL (the sandbox once it has a port)."""
        return replace(self, base_url=base_url)


@dataclass(frozen=True)
class Settings:
    """Everything configurable, read once per run."""

    profile: Profile
    database_url: str = DEFAULT_DATABASE_URL
    duplicate_window: timedelta = timedelta(minutes=10)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def load_settings(environ: Mapping[str, str], secrets: Mapping[str, Any] | None = None) -> Settings:
    """Settings from the environment, then ``.streamlit/secrets.toml``, then the defaults."""
    secrets = secrets or {}

    def get(name: str) -> str:
        value = environ.get(name)
        if value is None or not value.strip():
            value = secrets.get(name)
        if value is None or not str(value).strip():
            return ""
        # A password is taken as given: spaces at its ends may be part of it.
        return str(value) if name == "KAPTURE_PASSWORD" else str(value).strip()

    return Settings(
        profile=_profile(get),
        database_url=get("KAPTURE_DATABASE_URL") or DEFAULT_DATABASE_URL,
        duplicate_window=_minutes(get("KAPTURE_DUPLICATE_WINDOW_MINUTES") or "10"),
    )


def _minutes(text: str) -> timedelta:
    try:
        minutes = float(text)
    except ValueError:
        minutes = -1
    if not 0 <= minutes <= 24 * 60:
        raise SettingsError(f"KAPTURE_DUPLICATE_WINDOW_MINUTES “{text}” must be minutes from 0 to 1440.")
    return timedelta(minutes=minutes)


def _profile(get: Any) -> Profile:
    base_url, subdomain = get("KAPTURE_BASE_URL"), get("KAPTURE_SUBDOMAIN")
    username, password, token = get("KAPTURE_USERNAME"), get("KAPTURE_PASSWORD"), get("KAPTURE_TOKEN")
    if not base_url and subdomain:
        try:
            base_url = base_url_for(subdomain)
        except ValueError as exc:
            raise SettingsError(f"KAPTURE_SUBDOMAIN: {exc}") from exc
    if not base_url:
        if username or password or token:
            raise SettingsError(
                "Kapture credentials are set but no Kapture address: "
                "set KAPTURE_BASE_URL or KAPTURE_SUBDOMAIN too."
            )
        return Profile(
            name="Sandbox",
            base_url="",
            username=DEMO_USERNAME,
            password=DEMO_PASSWORD,
            is_sandbox=True,
            cm_id=_cm_id(get("KAPTURE_CM_ID")) or 1,  # the sandbox takes any account id
        )
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"KAPTURE_BASE_URL “{base_url}” is not a web address (https://…).")
    if parts.username or parts.password:
        raise SettingsError(
            "KAPTURE_BASE_URL must not contain a user name or password: use KAPTURE_USERNAME."
        )
    if parts.query or parts.fragment:
        raise SettingsError(f"KAPTURE_BASE_URL “{base_url}” must not have a ? or # part.")
    if token and not is_token(token.removeprefix("Basic ").strip()):
        raise SettingsError("KAPTURE_TOKEN is not a Basic token (letters, digits, + / = only).")
    if not token and not (username and password):
        raise SettingsError(
            f"Kapture at {base_url} needs credentials: set KAPTURE_USERNAME and KAPTURE_PASSWORD, "
            "or KAPTURE_TOKEN."
        )
    return Profile(
        name=parts.hostname,
        base_url=base_url.rstrip("/"),
        username=username,
        password=password,
        token=token,
        timeout=(DEFAULT_TIMEOUT[0], _seconds(get("KAPTURE_TIMEOUT_SECONDS"))),
        cm_id=_cm_id(get("KAPTURE_CM_ID")),
    )


def _cm_id(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or int(text) <= 0:
        raise SettingsError(
            f"KAPTURE_CM_ID “{text}” must be your Kapture account id, a whole number above 0."
        )
    return int(text)


def _seconds(text: str) -> float:
    if not text:
        return DEFAULT_TIMEOUT[1]
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0
    if not 0.1 <= seconds <= 600:
        raise SettingsError(f"KAPTURE_TIMEOUT_SECONDS “{text}” must be seconds from 0.1 to 600.")
    return seconds
