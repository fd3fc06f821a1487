"""Which Kapture the app talks to: environment first, secrets second, the sandbox by default."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from kapture import basic_token
from services.settings import DEFAULT_DATABASE_URL, SettingsError, load_settings


def test_nothing_configured_means_the_sandbox_and_a_local_sqlite_file() -> None:
    settings = load_settings({}, {})
    assert settings.profile.is_sandbox
    assert settings.profile.name == "Sandbox"
    assert not settings.profile.is_production
    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite:///data/orderdesk.db"


def test_the_environment_wins_over_the_secrets_file() -> None:
    env = {"KAPTURE_BASE_URL": "https://acme-uat.kapturecrm.com/", "KAPTURE_USERNAME": "env-user"}
    secrets = {
        "KAPTURE_BASE_URL": "https://other.kapturecrm.com",
        "KAPTURE_USERNAME": "file-user",
        "KAPTURE_PASSWORD": "from-file",
    }
    profile = load_settings(env, secrets).profile
    assert profile.base_url == "https://acme-uat.kapturecrm.com"
    assert profile.username == "env-user"
    assert profile.password == "from-file"
    assert not profile.is_sandbox


def test_a_subdomain_is_shorthand_for_the_base_url() -> None:
    profile = load_settings({"KAPTURE_SUBDOMAIN": "acme", "KAPTURE_TOKEN": "dG9rZW4="}).profile
    assert profile.base_url == "https://acme.kapturecrm.com"
    assert profile.client_options()["token"] == "dG9rZW4="
    assert profile.is_production


@pytest.mark.parametrize(
    ("host", "production"),
    [
        ("acme.kapturecrm.com", True),
        ("devapi.kapturecrm.com", False),
        ("acme-uat.kapturecrm.com", False),
        ("staging.acme.example", False),
        ("aqua.kapturecrm.com", True),  # "qa" inside a word is no test marker
        ("qatar-airways.kapturecrm.com", True),
        ("devonenergy.kapturecrm.com", True),
        ("test2.acme.example", False),
        ("127.0.0.1:8765", False),  # a sandbox of one's own
        ("[::1]:8765", False),
    ],
)
def test_production_is_recognised_by_host_name(host: str, production: bool) -> None:
    profile = load_settings({"KAPTURE_BASE_URL": f"https://{host}", "KAPTURE_TOKEN": "t"}).profile
    assert profile.is_production is production


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"KAPTURE_USERNAME": "alice", "KAPTURE_PASSWORD": "pw"}, "no Kapture address"),
        ({"KAPTURE_BASE_URL": "https://acme.kapturecrm.com"}, "needs credentials"),
        (
            {"KAPTURE_BASE_URL": "https://acme.kapturecrm.com", "KAPTURE_USERNAME": "alice"},
            "needs credentials",
        ),
        ({"KAPTURE_BASE_URL": "acme.kapturecrm.com", "KAPTURE_TOKEN": "t"}, "is not a web address"),
        (
            {"KAPTURE_BASE_URL": "https://bob:pw@acme.kapturecrm.com", "KAPTURE_TOKEN": "t"},
            "must not contain",
        ),
        ({"KAPTURE_SUBDOMAIN": "acme/../x", "KAPTURE_TOKEN": "t"}, "KAPTURE_SUBDOMAIN must be"),
        (
            {"KAPTURE_BASE_URL": "https://acme.kapturecrm.com?tenant=1", "KAPTURE_TOKEN": "t"},
            "without a \\? or # part",
        ),
        ({"KAPTURE_BASE_URL": "https://acme.kapturecrm.com", "KAPTURE_TOKEN": "“abc”"}, "not a Basic token"),
    ],
)
def test_incomplete_configuration_is_explained(env: dict[str, str], words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        load_settings(env)


def test_secrets_never_show_in_a_repr() -> None:
    env = {
        "KAPTURE_BASE_URL": "https://acme.kapturecrm.com",
        "KAPTURE_USERNAME": "a",
        "KAPTURE_PASSWORD": "S3cret",
    }
    settings = load_settings(env | {"KAPTURE_TOKEN": "T0ken"})
    assert "S3cret" not in repr(settings) and "T0ken" not in repr(settings)
    assert set(settings.profile.secrets) == {"S3cret", "T0ken", basic_token("a", "S3cret")}


def test_a_database_url_is_taken_from_the_environment() -> None:
    url = "postgresql+psycopg://desk@db/orderdesk"
    assert load_settings({"KAPTURE_DATABASE_URL": url}).database_url == url


def test_a_bad_token_is_refused_without_repeating_it() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"KAPTURE_BASE_URL": "https://acme.kapturecrm.com", "KAPTURE_TOKEN": "secret\nvalue"})
    assert "secret" not in str(raised.value)


def test_a_password_keeps_its_spaces() -> None:
    env = {
        "KAPTURE_BASE_URL": "https://acme.kapturecrm.com",
        "KAPTURE_USERNAME": "a",
        "KAPTURE_PASSWORD": " pw ",
    }
    assert load_settings(env).profile.password == " pw "


def test_the_answer_timeout_can_be_set_for_a_slow_tenant() -> None:
    env = {"KAPTURE_BASE_URL": "https://acme.kapturecrm.com", "KAPTURE_TOKEN": "t"}
    assert load_settings(env).profile.timeout == (5.0, 30.0)
    assert load_settings(env | {"KAPTURE_TIMEOUT_SECONDS": "90"}).profile.timeout == (5.0, 90.0)
    with pytest.raises(SettingsError, match="must be seconds"):
        load_settings(env | {"KAPTURE_TIMEOUT_SECONDS": "0"})


def test_the_duplicate_window_defaults_to_ten_minutes_and_can_be_set() -> None:
    assert load_settings({}).duplicate_window == timedelta(minutes=10)
    assert load_settings({"KAPTURE_DUPLICATE_WINDOW_MINUTES": "2.5"}).duplicate_window == timedelta(
        seconds=150
    )
    with pytest.raises(SettingsError, match="must be minutes"):
        load_settings({"KAPTURE_DUPLICATE_WINDOW_MINUTES": "soon"})


def test_the_phone_region_defaults_to_india_and_can_be_set() -> None:
    assert load_settings({}).phone_region == "IN"
    assert load_settings({"KAPTURE_PHONE_REGION": "ae"}).phone_region == "AE"
    assert load_settings({}, {"KAPTURE_PHONE_REGION": "GB"}).phone_region == "GB"
    assert load_settings({"KAPTURE_PHONE_REGION": "US"}, {"KAPTURE_PHONE_REGION": "GB"}).phone_region == "US"


@pytest.mark.parametrize("region", ["XX", "India", "+91", "91", "UK", "001"])
def test_an_unknown_phone_region_is_refused_in_plain_words(region: str) -> None:
    with pytest.raises(SettingsError, match="KAPTURE_PHONE_REGION must be a two-letter region code"):
        load_settings({"KAPTURE_PHONE_REGION": region})


@pytest.mark.parametrize(
    "written",
    [
        {"KAPTURE_SUBDOMAIN": "acme"},
        {"KAPTURE_BASE_URL": "https://acme.kapturecrm.com"},
        {"KAPTURE_BASE_URL": "https://ACME.kapturecrm.com:443/"},
        {"KAPTURE_BASE_URL": "HTTPS://Acme.KaptureCRM.com/"},
    ],
)
def test_one_kapture_written_any_way_is_one_base_url(written: dict[str, str]) -> None:
    """The journal and the duplicate guard compare base URLs as text: two app copies configured
    differently for one Kapture must guard the same orders."""
    profile = load_settings({**written, "KAPTURE_USERNAME": "u", "KAPTURE_PASSWORD": "p"}).profile
    assert profile.base_url == "https://acme.kapturecrm.com"


# One value per setting, from each source, and what the settings make of it.
BY_SETTING = {
    "KAPTURE_BASE_URL": ("https://env.example", "https://file.example", lambda s: s.profile.base_url),
    "KAPTURE_USERNAME": ("env-user", "file-user", lambda s: s.profile.username),
    "KAPTURE_PASSWORD": ("env-pw", "file-pw", lambda s: s.profile.password),
    "KAPTURE_TIMEOUT_SECONDS": ("90", "45", lambda s: s.profile.timeout[1]),
    "KAPTURE_CM_ID": ("7", "8", lambda s: s.profile.cm_id),
    "KAPTURE_DATABASE_URL": ("sqlite:///env.db", "sqlite:///file.db", lambda s: s.database_url),
    "KAPTURE_DUPLICATE_WINDOW_MINUTES": ("3", "4", lambda s: s.duplicate_window),
    "KAPTURE_PHONE_REGION": ("AE", "GB", lambda s: s.phone_region),
}
A_TENANT = {
    "KAPTURE_BASE_URL": "https://acme.kapturecrm.com",
    "KAPTURE_USERNAME": "u",
    "KAPTURE_PASSWORD": "p",
}


@pytest.mark.parametrize("setting", BY_SETTING)
def test_each_setting_is_taken_from_the_environment_before_the_secrets_file(setting: str) -> None:
    from_env, from_file, read = BY_SETTING[setting]
    both = read(load_settings(A_TENANT | {setting: from_env}, A_TENANT | {setting: from_file}))
    assert both == read(load_settings(A_TENANT | {setting: from_env}, A_TENANT))
    assert both != read(load_settings(A_TENANT, A_TENANT | {setting: from_file}))


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
@pytest.mark.parametrize("setting", [*BY_SETTING, "KAPTURE_SUBDOMAIN", "KAPTURE_TOKEN"])
def test_a_blank_variable_lets_the_secrets_file_speak(setting: str, blank: str) -> None:
    file = {
        "KAPTURE_SUBDOMAIN": {"KAPTURE_SUBDOMAIN": "acme", "KAPTURE_TOKEN": "dG9rZW4="},
        "KAPTURE_TOKEN": {"KAPTURE_BASE_URL": "https://acme.kapturecrm.com", "KAPTURE_TOKEN": "dG9rZW4="},
    }.get(setting, A_TENANT | {setting: BY_SETTING.get(setting, ("", ""))[1]})
    assert load_settings({setting: blank}, file) == load_settings({}, file)
    assert load_settings({setting: blank}, file).profile.base_url.startswith("https://")


@pytest.mark.parametrize("setting", [*BY_SETTING, "KAPTURE_SUBDOMAIN", "KAPTURE_TOKEN"])
def test_a_setting_blank_everywhere_is_its_default(setting: str) -> None:
    assert load_settings({setting: " "}, {setting: ""}) == load_settings({}, {})


def test_numbers_and_flags_in_the_secrets_file_read_as_they_are_written() -> None:
    """TOML has numbers: ``KAPTURE_CM_ID = 12345`` must work as well as ``"12345"``."""
    file = {
        "KAPTURE_BASE_URL": "https://acme.kapturecrm.com",
        "KAPTURE_USERNAME": 42,
        "KAPTURE_PASSWORD": 1234,
        "KAPTURE_CM_ID": 12345,
        "KAPTURE_TIMEOUT_SECONDS": 90,
        "KAPTURE_DUPLICATE_WINDOW_MINUTES": 2.5,
    }
    settings = load_settings({}, file)
    assert (settings.profile.username, settings.profile.password) == ("42", "1234")
    assert settings.profile.cm_id == 12345
    assert settings.profile.timeout == (5.0, 90.0)
    assert settings.duplicate_window == timedelta(seconds=150)
    with pytest.raises(SettingsError, match="KAPTURE_PHONE_REGION must be"):
        load_settings({}, {"KAPTURE_PHONE_REGION": True})


def test_other_sections_of_the_secrets_file_are_left_alone() -> None:
    file = {
        "auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "client_secret": "x"},
        "connections": {"db": {"url": "sqlite://"}},
        "SOMETHING_ELSE": "y",
    }
    assert load_settings({}, file) == load_settings({}, {})


def test_only_the_environment_given_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The caller says which environment: pydantic-settings must not read ``os.environ`` behind it."""
    monkeypatch.setenv("KAPTURE_BASE_URL", "https://acme.kapturecrm.com")
    monkeypatch.setenv("KAPTURE_TOKEN", "dG9rZW4=")
    monkeypatch.setenv("KAPTURE_PHONE_REGION", "GB")
    settings = load_settings({}, {})
    assert settings.profile.is_sandbox
    assert settings.phone_region == "IN"


def test_a_subdomain_beside_a_base_url_is_not_read() -> None:
    """The subdomain is shorthand for a base URL: beside one, it is neither used nor checked."""
    env = {"KAPTURE_BASE_URL": "https://acme.kapturecrm.com", "KAPTURE_TOKEN": "dG9rZW4="}
    assert (
        load_settings(env | {"KAPTURE_SUBDOMAIN": "ac/me"}).profile.base_url == "https://acme.kapturecrm.com"
    )


def test_the_sandbox_keeps_its_own_timeout() -> None:
    assert load_settings({"KAPTURE_TIMEOUT_SECONDS": "soon"}).profile.timeout == (5.0, 30.0)
    assert load_settings({"KAPTURE_TIMEOUT_SECONDS": "90"}).profile.timeout == (5.0, 30.0)


def test_a_token_without_an_address_is_told_to_need_the_address() -> None:
    with pytest.raises(SettingsError, match="no Kapture address"):
        load_settings({"KAPTURE_TOKEN": "not a token!"})


def test_sessions_reading_settings_at_once_each_get_their_own() -> None:
    """Streamlit runs each browser session in a thread: one session's settings never leak into another's."""
    barrier = threading.Barrier(4)
    seen: dict[int, set[str]] = {}

    def read(number: int) -> None:
        env = {"KAPTURE_BASE_URL": f"https://tenant{number}.example", "KAPTURE_TOKEN": "dG9rZW4="}
        barrier.wait()
        seen[number] = {load_settings(env, {}).profile.base_url for _ in range(300)}

    threads = [threading.Thread(target=read, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {number: {f"https://tenant{number}.example"} for number in range(4)}


def test_the_time_zone_people_read_by_is_a_known_zone_or_utc() -> None:
    assert load_settings({}).time_zone == ""
    assert load_settings({"KAPTURE_TIME_ZONE": " Asia/Kolkata "}).time_zone == "Asia/Kolkata"
    assert load_settings({}, {"KAPTURE_TIME_ZONE": "Asia/Dubai"}).time_zone == "Asia/Dubai"
    for wrong in ("Mars/Olympus", "../../etc/passwd", "IST+5:30"):
        with pytest.raises(SettingsError, match="KAPTURE_TIME_ZONE must be a time zone name") as refused:
            load_settings({"KAPTURE_TIME_ZONE": wrong})
        assert wrong not in str(refused.value)
