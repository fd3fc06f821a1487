"""Which Kapture the app talks to, and with what: environment first, secrets second, then defaults.

One pydantic-settings model reads both: the environment mapping and the values of
``.streamlit/secrets.toml`` are its two sources, in that order, and each setting's rule is a
validator on its field. Errors are put into words at one boundary (``load_settings``) and never
repeat a setting's value: pydantic's own error text does (``input_value=…``), so it never leaves
this module, not even as an exception's cause.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Annotated, Any, Self
from urllib.parse import SplitResult, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import BeforeValidator, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from kapture.client import DEFAULT_TIMEOUT, base_url_for, basic_token, is_token
from storage.submissions import DEFAULT_PHONE_REGION

DEFAULT_DATABASE_URL = "sqlite:///data/orderdesk.db"
_DEFAULT_WINDOW = timedelta(minutes=10)
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
    duplicate_window: timedelta = _DEFAULT_WINDOW
    phone_region: str = DEFAULT_PHONE_REGION  # where a phone written without +country is from
    time_zone: str = ""  # whose clock people read times by when the browser does not say ("": UTC)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def load_settings(environ: Mapping[str, str], secrets: Mapping[str, Any] | None = None) -> Settings:
    """Settings from the environment, then ``.streamlit/secrets.toml``, then the defaults."""
    reading = _READING.set((environ, secrets or {}))
    try:
        return _Configuration().settings()
    except ValidationError as exc:
        problem = _in_plain_words(exc)
    finally:
        _READING.reset(reading)
    # Raised outside the handler, so the ValidationError (whose text repeats the value) is neither
    # the cause nor the context of what a page shows.
    raise SettingsError(problem)


# Messages never repeat a setting's value: a password pasted into the wrong variable, or inside a
# URL, would otherwise be shown in the sidebar of every page. They name the setting and say what
# it should look like instead.


def _in_plain_words(error: ValidationError) -> str:
    # The first problem, in the words of the rule that found it. Any other error pydantic raises
    # (a type it refuses) is named by its setting alone: its own text may quote the value.
    first = error.errors(include_url=False, include_input=False)[0]
    if first["type"] == "value_error":
        return str(first["ctx"]["error"])
    setting = ".".join(str(part) for part in first["loc"]) or "A setting"
    return f"{setting} is not a value Order Desk can read: check how it is written."


def _text(value: object) -> str:
    return str(value).strip()


# A value as text: a number or a flag in secrets.toml reads as it is written.
_Text = Annotated[str, BeforeValidator(_text)]
# A password is taken as given: spaces at its ends may be part of it.
_AsGiven = Annotated[str, BeforeValidator(str)]

# What one ``load_settings`` call reads. ``settings_customise_sources`` is a class method, so the
# call hands its two mappings over here; a context variable is per thread, and Streamlit runs
# each browser session in a thread of its own.
_READING: ContextVar[tuple[Mapping[str, Any], Mapping[str, Any]]] = ContextVar("settings_reading")


class _Values(dict[str, Any]):
    # pydantic-settings logs each source's values when PYDANTIC_SETTINGS_DEBUG is set; these hold
    # the password and the token.
    def __repr__(self) -> str:
        return f"{{{len(self)} settings, values not shown}}"


class _MappingSource(PydanticBaseSettingsSource):
    """The settings one mapping holds, by their names; a blank value counts as not set."""

    def __init__(self, settings_cls: type[BaseSettings], values: Mapping[str, Any]) -> None:
        super().__init__(settings_cls)
        self._values = values

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """The value under the field's name (its alias), or None."""
        key = field.alias or field_name
        value = self._values.get(key)
        # Blank is unset, so an empty variable lets secrets.toml or the default speak.
        if value is None or (isinstance(value, str) and not value.strip()):
            return None, key, False
        return value, key, False

    def __call__(self) -> dict[str, Any]:
        found = _Values()
        for field_name, field_info in self.settings_cls.model_fields.items():
            value, key, _ = self.get_field_value(field_info, field_name)
            if value is not None:
                found[key] = value
        return found


class _Environment(_MappingSource):
    """The environment's settings."""


class _SecretsFile(_MappingSource):
    """The settings in ``.streamlit/secrets.toml`` (tables arrive as they are, for their own fields)."""


class _Configuration(BaseSettings):
    """What the environment and secrets.toml say, each value checked by its own rule."""

    # The defaults are this module's and right as they are.
    model_config = SettingsConfigDict(frozen=True, validate_default=False, hide_input_in_errors=True)

    # Checked in this order: a later rule may ask whether an earlier setting is set (info.data).
    # A setting that goes unused (the subdomain beside a base URL, the timeout of the sandbox) is
    # not checked, as it is not read.
    base_url: _Text = Field("", alias="KAPTURE_BASE_URL")
    subdomain: _Text = Field("", alias="KAPTURE_SUBDOMAIN")
    username: _Text = Field("", alias="KAPTURE_USERNAME")
    password: _AsGiven = Field("", alias="KAPTURE_PASSWORD", repr=False)
    token: _Text = Field("", alias="KAPTURE_TOKEN", repr=False)
    timeout_seconds: float = Field(DEFAULT_TIMEOUT[1], alias="KAPTURE_TIMEOUT_SECONDS")
    cm_id: int | None = Field(None, alias="KAPTURE_CM_ID")
    database_url: _Text = Field(DEFAULT_DATABASE_URL, alias="KAPTURE_DATABASE_URL")
    duplicate_window: timedelta = Field(_DEFAULT_WINDOW, alias="KAPTURE_DUPLICATE_WINDOW_MINUTES")
    phone_region: str = Field(DEFAULT_PHONE_REGION, alias="KAPTURE_PHONE_REGION")
    time_zone: _Text = Field("", alias="KAPTURE_TIME_ZONE")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The given environment first, then the secrets file; nothing else (not ``os.environ``)."""
        environ, secrets = _READING.get()
        return _Environment(settings_cls, environ), _SecretsFile(settings_cls, secrets)

    @field_validator("base_url")
    @classmethod
    def _base_url_is_an_address(cls, base_url: str) -> str:
        if base_url:
            _base_url_parts(base_url)
        return base_url

    @field_validator("subdomain")
    @classmethod
    def _subdomain_names_a_tenant(cls, subdomain: str, info: ValidationInfo) -> str:
        if subdomain and not info.data.get("base_url"):  # shorthand, read only without a base URL
            _address_of(subdomain)
        return subdomain

    @field_validator("token")
    @classmethod
    def _token_is_basic(cls, token: str, info: ValidationInfo) -> str:
        if token and _addressed(info.data) and not is_token(token.removeprefix("Basic ").strip()):
            raise ValueError("KAPTURE_TOKEN is not a Basic token (letters, digits, + / = only).")
        return token

    @field_validator("timeout_seconds", mode="before")
    @classmethod
    def _timeout_in_seconds(cls, value: object, info: ValidationInfo) -> float:
        # The sandbox keeps the default timeout: the setting is for a real tenant.
        return _seconds(_text(value)) if _addressed(info.data) else DEFAULT_TIMEOUT[1]

    @field_validator("cm_id", mode="before")
    @classmethod
    def _cm_id_is_an_account(cls, value: object) -> int | None:
        return _cm_id(_text(value))

    @field_validator("duplicate_window", mode="before")
    @classmethod
    def _window_in_minutes(cls, value: object) -> timedelta:
        return _minutes(_text(value))

    @field_validator("phone_region", mode="before")
    @classmethod
    def _region_is_known(cls, value: object) -> str:
        return _region(_text(value))

    @field_validator("time_zone")
    @classmethod
    def _zone_is_known(cls, zone: str) -> str:
        return _zone(zone)

    @model_validator(mode="after")
    def _credentials_match_the_address(self) -> Self:
        if not self.address and (self.username or self.password or self.token):
            raise ValueError(
                "Kapture credentials are set but no Kapture address: "
                "set KAPTURE_BASE_URL or KAPTURE_SUBDOMAIN too."
            )
        if self.address and not self.token and not (self.username and self.password):
            raise ValueError(
                f"Kapture at {shown_address(self.address)} needs credentials: set KAPTURE_USERNAME and "
                "KAPTURE_PASSWORD, or KAPTURE_TOKEN."
            )
        return self

    @property
    def address(self) -> str:
        """KAPTURE_BASE_URL, or the address KAPTURE_SUBDOMAIN stands for; empty for the sandbox."""
        return self.base_url or (_address_of(self.subdomain) if self.subdomain else "")

    def settings(self) -> Settings:
        """The app's settings from these values."""
        return Settings(
            profile=self.profile(),
            database_url=self.database_url,
            duplicate_window=self.duplicate_window,
            phone_region=self.phone_region,
            time_zone=self.time_zone,
        )

    def profile(self) -> Profile:
        """The Kapture these values name; the sandbox when they name none."""
        if not self.address:
            # Where and with which login is the sandbox's to say: the app fills both in when it
            # starts one (ui/resources.py), so settings know nothing of the stand-in server.
            return Profile(name="Sandbox", base_url="", is_sandbox=True, cm_id=self.cm_id or 1)
        return Profile(
            name=urlsplit(self.address).hostname or "",
            base_url=canonical_url(self.address),
            username=self.username,
            password=self.password,
            token=self.token,
            timeout=(DEFAULT_TIMEOUT[0], self.timeout_seconds),
            cm_id=self.cm_id,
        )


def _addressed(checked: Mapping[str, Any]) -> bool:
    # A Kapture address is set (the settings checked so far say so): a real tenant, not the sandbox.
    return bool(checked.get("base_url") or checked.get("subdomain"))


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


# The rules, one per setting. Each raises ValueError in words that name the setting and never
# repeat its value; pydantic passes it to load_settings, which shows those words alone.


def _region(text: str) -> str:
    region = text.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(
            "KAPTURE_PHONE_REGION must be a two-letter region code such as IN, AE, GB or US: the "
            "country a phone number written without + and a country code is from."
        )
    return region


def _zone(name: str) -> str:
    if not name:
        return ""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # ValueError: a path-like or malformed key
        raise ValueError(
            "KAPTURE_TIME_ZONE must be a time zone name such as Asia/Kolkata, Asia/Dubai or "
            "Europe/London: the zone people read times in when their browser does not say."
        ) from None
    return name


def _minutes(text: str) -> timedelta:
    try:
        minutes = float(text)
    except ValueError:
        minutes = -1
    if not 0 <= minutes <= 24 * 60:  # NaN fails this too
        raise ValueError("KAPTURE_DUPLICATE_WINDOW_MINUTES must be minutes from 0 to 1440.")
    return timedelta(minutes=minutes)


def _address_of(subdomain: str) -> str:
    try:
        return base_url_for(subdomain)
    except ValueError:  # its message repeats the value: not shown, not chained
        raise ValueError(
            "KAPTURE_SUBDOMAIN must be your Kapture subdomain alone, letters, digits and dashes "
            "(acme for https://acme.kapturecrm.com)."
        ) from None


def _base_url_parts(base_url: str) -> SplitResult:
    # Which part is wrong is said in words; the URL itself may carry a password and is not echoed.
    example = "e.g. https://acme.kapturecrm.com"
    # "@" anywhere is user info, even where a mistyped scheme hides it from the URL parser.
    if "@" in base_url:
        raise ValueError(
            "KAPTURE_BASE_URL must not contain a user name or password (nothing before an @): "
            "set KAPTURE_USERNAME and KAPTURE_PASSWORD, or KAPTURE_TOKEN."
        )
    if _has_invisible(base_url):
        raise ValueError(f"KAPTURE_BASE_URL has spaces or invisible characters in it ({example}).")
    if "?" in base_url or "#" in base_url:
        raise ValueError(f"KAPTURE_BASE_URL must be the address alone, without a ? or # part ({example}).")
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - reading it checks it
    except ValueError:  # its message may repeat the port: not shown, not chained
        raise ValueError(f"KAPTURE_BASE_URL has a bad host name or port ({example}).") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"KAPTURE_BASE_URL is not a web address: it must start with https:// ({example}).")
    if not _plain_host(parts.hostname or ""):
        raise ValueError(
            f"KAPTURE_BASE_URL has no host name, or one with spaces or odd characters ({example})."
        )
    return parts


def _cm_id(text: str) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) <= 0:
        raise ValueError("KAPTURE_CM_ID must be your Kapture account id, a whole number above 0.")
    return int(text)


def _seconds(text: str) -> float:
    if not text:
        return DEFAULT_TIMEOUT[1]
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0
    if not 0.1 <= seconds <= 600:  # NaN fails this too
        raise ValueError("KAPTURE_TIMEOUT_SECONDS must be seconds from 0.1 to 600.")
    return seconds
