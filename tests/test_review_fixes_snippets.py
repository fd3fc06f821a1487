"""Review fixes (issue 11 follow-ups): the editor's code snippets carry the extra request headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from kapture import snippets
from sandbox import Sandbox
from tests.test_snippets import MAKERS, RUNNERS, SANDBOX_TOKEN, answer_printed, payload, run_curl

HEADERS = {"X-Request-Id": "qa-42", "X-Quoted": 'it\'s "$HOME" `id` \\ %s'}


@pytest.mark.parametrize("kind", RUNNERS)
def test_executed_snippet_sends_the_extra_headers_beside_the_login(
    sandbox: Sandbox, tmp_path: Path, kind: str
) -> None:
    result = RUNNERS[kind](MAKERS[kind](sandbox.url, payload("Asha"), headers=HEADERS), tmp_path)
    assert result.returncode == 0, result.stderr
    assert answer_printed(kind, result.stdout)["status"] == "success", result.stdout
    [seen] = sandbox.state.requests
    got = {name.lower(): value for name, value in seen.headers.items()}
    assert got["x-request-id"] == "qa-42"
    assert got["x-quoted"] == HEADERS["X-Quoted"]  # quoted for its language: sent as typed
    assert got["authorization"] == f"Basic {SANDBOX_TOKEN}"  # the token still from the environment
    assert got["content-type"] == "application/json"


@pytest.mark.parametrize("kind", RUNNERS)
def test_a_content_type_typed_replaces_the_json_one_as_the_client_does(
    sandbox: Sandbox, tmp_path: Path, kind: str
) -> None:
    code = MAKERS[kind](sandbox.url, payload("Asha"), headers={"content-type": "text/plain"})
    assert code.lower().count("content-type") == 1
    result = RUNNERS[kind](code, tmp_path)
    assert result.returncode == 0, result.stderr
    [seen] = sandbox.state.requests
    assert {n.lower(): v for n, v in seen.headers.items()}["content-type"] == "text/plain"


def test_the_curl_snippet_sends_a_header_with_an_empty_value(sandbox: Sandbox, tmp_path: Path) -> None:
    result = run_curl(snippets.curl(sandbox.url, payload("Asha"), headers={"X-Empty": ""}), tmp_path)
    assert result.returncode == 0, result.stderr
    [seen] = sandbox.state.requests
    assert {n.lower(): v for n, v in seen.headers.items()}.get("x-empty") == ""


@pytest.mark.parametrize("kind", MAKERS)
@pytest.mark.parametrize("name", ["Authorization", "authorization", "Host"])
def test_a_credential_or_a_clients_own_header_is_never_written_in(kind: str, name: str) -> None:
    with pytest.raises(ValueError, match="set by Order Desk itself"):
        MAKERS[kind]("https://acme.kapturecrm.com", payload("Asha"), headers={name: "Basic c2VjcmV0"})


def test_a_hostile_header_value_runs_nothing_in_the_shell(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    code = snippets.curl("http://127.0.0.1:9", payload("Asha"), headers={"X-A": f"'$(touch {marker})'"})
    run_curl(code, tmp_path)  # port 9: refused at once, if curl gets that far
    assert not marker.exists(), "the header ran a shell command"
