"""Settings errors are shown in the sidebar of every page: they must never repeat a secret.

A password typed into the Kapture address (``htps://user:secret@…``, ``?password=…``, ``#token``),
or pasted into the wrong variable, must not come back in the message that says the setting is
wrong — from the environment or from ``.streamlit/secrets.toml``.
"""

from __future__ import annotations

import logging
import traceback
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import BaseModel, Field, ValidationError

from services.journal import JournalUnavailable, open_journal
from services.settings import SettingsError, load_settings, shown_address

SECRETS = ("meera", "S3cretPw", "s3cretpw")  # the user name counts: it is half the credential
TOKEN = {"KAPTURE_TOKEN": "dG9rZW4="}
ROOT = Path(__file__).resolve().parents[2]

MISTYPED_URLS = [
    "htps://meera:S3cretPw@acme.kapturecrm.com",
    "https//meera:S3cretPw@acme.kapturecrm.com",
    "https:/meera:S3cretPw@acme.kapturecrm.com",
    "https:meera:S3cretPw@acme.kapturecrm.com",
    "https://meera:S3cretPw@acme.kapturecrm.com",
    "https://meera@acme.kapturecrm.com/S3cretPw",
    "meera:S3cretPw@acme.kapturecrm.com",
    "ftp://meera:S3cretPw@acme.kapturecrm.com",
    "https://acme.kapturecrm.com\\@meera:S3cretPw",
    "acme.kapturecrm.com?password=S3cretPw",
    "https://acme.kapturecrm.com?password=S3cretPw",
    "https://acme.kapturecrm.com/?user=meera&token=S3cretPw",
    "htps://acme.kapturecrm.com/?password=S3cretPw",
    "https://acme.kapturecrm.com#S3cretPw",
    "https://acme.kapturecrm.com/#access_token=S3cretPw",
    "https://acme.kapturecrm.com:S3cretPw",
    "https://meera:S3cretPw",
    "https://meera:S3cretPw/",
    "https://acme.kapturecrm.com%40meera:S3cretPw",
    "https://acme.kapturecrm.com;password=S3cretPw",
    "https://acme.kapturecrm.com S3cretPw",
    "https://acme.kapturecrm.com\nS3cretPw",
    "https://acme.kapturecrm.com\tmeera\tS3cretPw",
    "https://[::1:S3cretPw]",
    "https:///meera/S3cretPw",
    "javascript:S3cretPw",
    "S3cretPw",
]


def assert_no_secret(message: str) -> None:
    for secret in SECRETS:
        assert secret not in message, f"{secret!r} shown in: {message}"


def assert_refused_in_plain_words(refused: SettingsError) -> None:
    """Neither the message nor the traceback a page could draw (causes included) repeats a secret."""
    assert_no_secret(str(refused))
    assert refused.__cause__ is None and refused.__context__ is None  # pydantic's text repeats values
    assert_no_secret("".join(traceback.format_exception(refused)))


@pytest.mark.parametrize("url", MISTYPED_URLS)
@pytest.mark.parametrize("source", ["environment", "secrets.toml"])
def test_a_mistyped_base_url_is_refused_without_repeating_its_secrets(url: str, source: str) -> None:
    settings = {"KAPTURE_BASE_URL": url, **TOKEN}
    with pytest.raises(SettingsError) as refused:
        load_settings(settings, {}) if source == "environment" else load_settings({}, settings)
    assert "KAPTURE_BASE_URL" in str(refused.value)  # it still says which setting to fix
    assert_refused_in_plain_words(refused.value)


@pytest.mark.parametrize("url", MISTYPED_URLS)
def test_an_address_shown_anywhere_keeps_no_secret(url: str) -> None:
    assert_no_secret(shown_address(url))


def test_an_address_is_shown_by_scheme_host_and_port_only() -> None:
    shown = shown_address("https://meera:S3cretPw@acme.kapturecrm.com:8443/S3cretPw/?x=S3cretPw#S3cretPw")
    assert shown == "https://acme.kapturecrm.com:8443/…"
    assert shown_address("http://[::1]:8765") == "http://[::1]:8765"


@pytest.mark.parametrize("source", ["environment", "secrets.toml"])
@pytest.mark.parametrize(
    ("settings", "setting"),
    [
        ({"KAPTURE_SUBDOMAIN": "meera:S3cretPw@acme", **TOKEN}, "KAPTURE_SUBDOMAIN"),
        ({"KAPTURE_SUBDOMAIN": "https://meera:S3cretPw@acme.kapturecrm.com", **TOKEN}, "KAPTURE_SUBDOMAIN"),
        ({"KAPTURE_BASE_URL": "https://acme.kapturecrm.com", "KAPTURE_TOKEN": "S3cretPw!"}, "KAPTURE_TOKEN"),
        (
            {"KAPTURE_BASE_URL": "https://acme.kapturecrm.com", "KAPTURE_TOKEN": "meera:S3cretPw"},
            "KAPTURE_TOKEN",
        ),
        ({"KAPTURE_CM_ID": "S3cretPw"}, "KAPTURE_CM_ID"),
        (
            {"KAPTURE_TIMEOUT_SECONDS": "S3cretPw", "KAPTURE_BASE_URL": "https://a.example", **TOKEN},
            "TIMEOUT",
        ),
        ({"KAPTURE_DUPLICATE_WINDOW_MINUTES": "S3cretPw"}, "KAPTURE_DUPLICATE_WINDOW_MINUTES"),
        ({"KAPTURE_PHONE_REGION": "S3cretPw"}, "KAPTURE_PHONE_REGION"),
        # A password, a user name or a token without an address: refused for the missing address.
        ({"KAPTURE_PASSWORD": "S3cretPw", "KAPTURE_USERNAME": "meera"}, "KAPTURE_BASE_URL"),
        ({"KAPTURE_TOKEN": "S3cretPw"}, "KAPTURE_BASE_URL"),
        # The address is right but has a path: the "needs credentials" message names the host only.
        (
            {"KAPTURE_BASE_URL": "https://acme.kapturecrm.com/S3cretPw", "KAPTURE_USERNAME": "meera"},
            "credentials",
        ),
    ],
    ids=[
        "subdomain",
        "subdomain-url",
        "token",
        "token-pair",
        "cm-id",
        "timeout",
        "window",
        "region",
        "pair-no-address",
        "token-no-address",
        "path",
    ],
)
def test_a_secret_pasted_into_the_wrong_setting_is_not_repeated(
    settings: dict[str, str], setting: str, source: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(settings, {}) if source == "environment" else load_settings({}, settings)
    assert setting in str(refused.value)
    assert_refused_in_plain_words(refused.value)


def test_a_value_of_a_kind_no_rule_expects_is_named_by_its_setting_alone() -> None:
    """Errors of pydantic's own (not the rules' words) name the setting and keep its value out."""
    from services.settings import _in_plain_words

    class Table(BaseModel):
        number: int = Field(alias="KAPTURE_SOMETHING")

    with pytest.raises(ValidationError) as raised:
        Table.model_validate({"KAPTURE_SOMETHING": "S3cretPw"})
    assert "S3cretPw" in str(raised.value)  # pydantic's text repeats it, hence the words of our own
    words = _in_plain_words(raised.value)
    assert "KAPTURE_SOMETHING" in words
    assert_no_secret(words)


def test_the_settings_debug_log_keeps_the_values_out(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """pydantic-settings logs what each source read when PYDANTIC_SETTINGS_DEBUG is set."""
    monkeypatch.setenv("PYDANTIC_SETTINGS_DEBUG", "1")
    caplog.set_level(logging.DEBUG, logger="pydantic_settings")
    environ = {"KAPTURE_BASE_URL": "https://acme.kapturecrm.com", "KAPTURE_USERNAME": "meera"}
    load_settings(environ, {"KAPTURE_PASSWORD": "S3cretPw"})
    load_settings({"KAPTURE_BASE_URL": "https://acme.kapturecrm.com", "KAPTURE_TOKEN": "S3cretPw"}, {})
    assert_no_secret(caplog.text)


# KAPTURE_DATABASE_URL is checked where the journal opens it (services/journal.py).


def test_the_database_password_is_hidden_when_the_log_cannot_open() -> None:
    with pytest.raises(JournalUnavailable) as refused:
        open_journal("postgresql+psycopg://meera:S3cretPw@127.0.0.1:1/orderdesk", pending_grace=timedelta(0))
    assert "S3cretPw" not in str(refused.value)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://meera@127.0.0.1:1/orderdesk?password=S3cretPw",
        "postgresql+psycopg://meera@127.0.0.1:1/orderdesk?passwrd=S3cretPw",  # the driver repeats it
        "postgresql+psycopg://meera:S3cretPw@127.0.0.1:port/orderdesk",  # a port that is not a number
        "mysql://meera:S3cretPw@127.0.0.1:1/orderdesk",  # a driver that is not installed
    ],
)
def test_a_database_url_that_cannot_open_is_said_plainly_without_its_secrets(url: str) -> None:
    with pytest.raises(JournalUnavailable) as refused:
        open_journal(url, pending_grace=timedelta(0))
    assert "S3cretPw" not in str(refused.value)
    assert "cannot be opened" in str(refused.value)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # a SQLite file has no password
def test_the_settings_page_names_the_database_without_a_password_in_its_query(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """psycopg takes ``?password=`` as the password: the page must not show it."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KAPTURE_DATABASE_URL", database_url + "?password=S3cretPw")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.switch_page("views/settings.py")
    at.run()
    assert not at.exception
    shown = "\n".join(str(element.value) for element in [*at.markdown, *at.caption, *at.error, *at.info])
    assert "Kept in" in shown
    assert "S3cretPw" not in shown
