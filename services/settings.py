"""Which Kapture the app talks to, and with what: environment first, secrets second."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any
from urllib.parse import SplitResult, urlsplit

import phonenumbers

from kapture.client import DEFAULT_TIMEOUT, base_url_for, basic_token, is_token
from storage.submissions import DEFAULT_PHONE_REGION

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

    def at(self, base_url: str, *, username: str | None = None, password: str | None = None) -> Profile:
        """The same profile at another URL (the sandbox once it has a port), with its login if given."""
        login = {"username": username, "password": password}
        return replace(self, base_url=base_url, **{k: v for k, v in login.items() if v is not None})


@dataclass(frozen=True)
class Settings:
    """Everything configurable, read once per run."""

    profile: Profile
    database_url: str = DEFAULT_DATABASE_URL
    duplicate_window: timedelta = timedelta(minutes=10)
    phone_region: str = DEFAULT_PHONE_REGION  # where a phone written without +country is from


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
        phone_region=_region(get("KAPTURE_PHONE_REGION") or DEFAULT_PHONE_REGION),
    )


# Messages never repeat a setting's value: a password pasted into the wrong variable, or inside a
# URL, would otherwise be shown in the sidebar of every page. They name the setting and say what
# it should look like instead.


def shown_address(url: str) -> str:
    """A Kapture address fit to show: scheme, host and port only (no user, password, path or query)."""
    if _has_invisible(url.strip()):  # the URL parser drops tabs and line breaks, joining the parts
        return "an address that is not a web address"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return "an address that is not a web address"
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not _plain_host(host):
        return "an address that is not a web address"
    shown = f"{parts.scheme}://{f'[{host}]' if ':' in host else host}{f':{port}' if port else ''}"
    return shown + ("/…" if parts.path.strip("/") else "")


def canonical_url(url: str) -> str:
    """One spelling per Kapture (scheme and host lower case, no default port, no last /).

    The journal and the duplicate guard compare base URLs as text: two app copies configured as
    ``acme`` and ``https://ACME.kapturecrm.com:443/`` must guard the same orders.
    """
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(scheme)
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    shown_host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown_host}{port}{parts.path.rstrip('/')}"


def same_kapture(first: str, second: str) -> bool:
    """True when two base URLs name the same Kapture (case, default port and a last / aside)."""
    return _identity(first) is not None and _identity(first) == _identity(second)


def _identity(url: str) -> tuple[str, str, int | None, str] | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.scheme.lower(), parts.hostname, port, parts.path.rstrip("/")


def _has_invisible(text: str) -> bool:
    return any(ch.isspace() or not ch.isprintable() for ch in text)


def _plain_host(host: str) -> bool:
    # Letters (any script), digits, dots and dashes; colons for an IPv6 address.
    return bool(host) and all(ch.isalnum() or ch in "-._:" for ch in host)


def _region(text: str) -> str:
    region = text.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise SettingsError(
            "KAPTURE_PHONE_REGION must be a two-letter region code such as IN, AE, GB or US: the "
            "country a phone number written without + and a country code is from."
        )
    return region


def _minutes(text: str) -> timedelta:
    try:
        minutes = float(text)
    except ValueError:
        minutes = -1
    if not 0 <= minutes <= 24 * 60:  # NaN fails this too
        raise SettingsError("KAPTURE_DUPLICATE_WINDOW_MINUTES must be minutes from 0 to 1440.")
    return timedelta(minutes=minutes)


def _profile(get: Any) -> Profile:
    base_url, subdomain = get("KAPTURE_BASE_URL"), get("KAPTURE_SUBDOMAIN")
    username, password, token = get("KAPTURE_USERNAME"), get("KAPTURE_PASSWORD"), get("KAPTURE_TOKEN")
    if not base_url and subdomain:
        try:
            base_url = base_url_for(subdomain)
        except ValueError as exc:  # its message repeats the value: not shown
            raise SettingsError(
                "KAPTURE_SUBDOMAIN must be your Kapture subdomain alone, letters, digits and dashes "
                "(acme for https://acme.kapturecrm.com)."
            ) from exc
    if not base_url:
        if username or password or token:
            raise SettingsError(
                "Kapture credentials are set but no Kapture address: "
                "set KAPTURE_BASE_URL or KAPTURE_SUBDOMAIN too."
            )
        # Where and with which login is the sandbox's to say: the app fills both in when it starts
        # one (ui/resources.py), so settings know nothing of the stand-in server.
        return Profile(
            name="Sandbox",
            base_url="",
            is_sandbox=True,
            cm_id=_cm_id(get("KAPTURE_CM_ID")) or 1,  # the sandbox takes any account id
        )
    parts = _base_url_parts(base_url)
    if token and not is_token(token.removeprefix("Basic ").strip()):
        raise SettingsError("KAPTURE_TOKEN is not a Basic token (letters, digits, + / = only).")
    if not token and not (username and password):
        raise SettingsError(
            f"Kapture at {shown_address(base_url)} needs credentials: set KAPTURE_USERNAME and "
            "KAPTURE_PASSWORD, or KAPTURE_TOKEN."
        )
    return Profile(
        name=parts.hostname,
        base_url=canonical_url(base_url),
        username=username,
        password=password,
        token=token,
        timeout=(DEFAULT_TIMEOUT[0], _seconds(get("KAPTURE_TIMEOUT_SECONDS"))),
        cm_id=_cm_id(get("KAPTURE_CM_ID")),
    )


def _base_url_parts(base_url: str) -> SplitResult:
    # Which part is wrong is said in words; the URL itself may carry a password and is not echoed.
    example = "e.g. https://acme.kapturecrm.com"
    # "@" anywhere is user info, even where a mistyped scheme hides it from the URL parser.
    if "@" in base_url:
        raise SettingsError(
            "KAPTURE_BASE_URL must not contain a user name or password (nothing before an @): "
            "set KAPTURE_USERNAME and KAPTURE_PASSWORD, or KAPTURE_TOKEN."
        )
    if _has_invisible(base_url):
        raise SettingsError(f"KAPTURE_BASE_URL has spaces or invisible characters in it ({example}).")
    if "?" in base_url or "#" in base_url:
        raise SettingsError(f"KAPTURE_BASE_URL must be the address alone, without a ? or # part ({example}).")
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - reading it checks it
    except ValueError as exc:
        raise SettingsError(f"KAPTURE_BASE_URL has a bad host name or port ({example}).") from exc
    if parts.scheme not in ("http", "https"):
        raise SettingsError(
            f"KAPTURE_BASE_URL is not a web address: it must start with https:// ({example})."
        )
    if not _plain_host(parts.hostname or ""):
        raise SettingsError(
            f"KAPTURE_BASE_URL has no host name, or one with spaces or odd characters ({example})."
        )
    return parts


def _cm_id(text: str) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) <= 0:
        raise SettingsError("KAPTURE_CM_ID must be your Kapture account id, a whole number above 0.")
    return int(text)


def _seconds(text: str) -> float:
    if not text:
        return DEFAULT_TIMEOUT[1]
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0
    if not 0.1 <= seconds <= 600:  # NaN fails this too
        raise SettingsError("KAPTURE_TIMEOUT_SECONDS must be seconds from 0.1 to 600.")
    return seconds
