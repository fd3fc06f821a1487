"""The app's frame and home page, run as Streamlit runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_order_pages import read

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def run_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=15)
    at.run()
    assert not at.exception
    return at


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [
        e.value for e in (*at.info, *at.warning, *at.error, *at.caption)
    ]
    return read("\n".join(str(p) for p in parts))


@pytest.fixture(autouse=True)
def no_kapture_configured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KAPTURE_DATABASE_URL", f"sqlite:///{tmp_path / 'journal.db'}")
    for name in (
        "KAPTURE_BASE_URL",
        "KAPTURE_SUBDOMAIN",
        "KAPTURE_USERNAME",
        "KAPTURE_PASSWORD",
        "KAPTURE_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)


def test_with_nothing_configured_the_home_page_says_sandbox() -> None:
    at = run_app()
    assert at.title[0].value == "Kapture Order Desk"
    text = page_text(at)
    assert "**Sandbox**" in text
    assert "orders are not sent to Kapture" in text
    assert "demo login **demo**" in text


def test_a_configured_tenant_is_named_and_its_password_is_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPTURE_BASE_URL", "https://acme.kapturecrm.com")
    monkeypatch.setenv("KAPTURE_USERNAME", "alice")
    monkeypatch.setenv("KAPTURE_PASSWORD", "S3cret-pass")
    at = run_app()
    text = page_text(at)
    assert "https://acme.kapturecrm.com" in text
    assert "Production Kapture" in text
    assert "alice" in text
    assert "S3cret-pass" not in text


def test_a_broken_configuration_is_explained_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPTURE_BASE_URL", "https://acme.kapturecrm.com")
    at = run_app()
    assert any("needs credentials" in read(e.value) for e in at.error)


def test_an_unreachable_journal_is_explained_without_its_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPTURE_DATABASE_URL", "postgresql://desk:Db-Secret@127.0.0.1:9/orderdesk")
    at = run_app()
    errors = read(" ".join(e.value for e in at.error))
    assert "The submission log at postgresql://desk:***@127.0.0.1:9/orderdesk cannot be opened" in errors
    assert "Db-Secret" not in errors
