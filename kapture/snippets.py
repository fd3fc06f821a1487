"""Code that sends a payload the way the vendor's samples do: curl, Python, Node.

The credential is always the placeholder ``$KAPTURE_TOKEN`` (read from the environment by
the code), never a real value: these functions are not even given one, and refuse an
Authorization among the extra headers as the client does. Extra headers (QA's, from the editor)
are written in as the client sends them: a Content-Type given replaces the JSON one. Like the
client, the code never follows a redirect: a redirected POST is sent again elsewhere, token and
order included.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from kapture.client import ADD_UPDATE_PATH, extra_headers

TOKEN_VARIABLE = "KAPTURE_TOKEN"
_NO_REDIRECTS = "A redirect is not followed: it would send the order and the token to another address"


def endpoint(base_url: str, path: str = ADD_UPDATE_PATH) -> str:
    """The full URL, with any ``user:password@`` stripped from the base."""
    parts = urlsplit(base_url.rstrip("/"))
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path + path, "", ""))


def curl(
    base_url: str,
    body: str | dict[str, Any],
    path: str = ADD_UPDATE_PATH,
    *,
    headers: Mapping[str, str] | None = None,
) -> str:
    """A curl command; the URL, the headers and the body are quoted for the shell."""
    # curl drops a header given as "Name:" with nothing after it; "Name;" sends it empty.
    lines = "".join(
        f"  --header {shlex.quote(f'{name}: {value}' if value else f'{name};')} \\\n"
        for name, value in _headers(headers).items()
    )
    return (
        f"# export {TOKEN_VARIABLE}=<base64 of username:password>\n"
        f"# {_NO_REDIRECTS} (so: no --location)\n"
        f"curl {shlex.quote(endpoint(base_url, path))} \\\n"
        f"{lines}"
        f'  --header "Authorization: Basic ${TOKEN_VARIABLE}" \\\n'
        f"  --data-raw {shlex.quote(_text(body))}"
    )


def python(
    base_url: str,
    body: str | dict[str, Any],
    path: str = ADD_UPDATE_PATH,
    *,
    headers: Mapping[str, str] | None = None,
) -> str:
    """A Python script with requests, as in the vendor's sample."""
    lines = "".join(f"    {name!r}: {value!r},\n" for name, value in _headers(headers).items())
    return (
        f"# {TOKEN_VARIABLE}=<base64 of username:password> python send_order.py\n"
        "import os\n\nimport requests\n\n"
        f"url = {endpoint(base_url, path)!r}\n"
        f"payload = {_text(body)!r}\n"
        "headers = {\n"
        f"{lines}"
        f"    'Authorization': 'Basic ' + os.environ[{TOKEN_VARIABLE!r}],\n"
        "}\n\n"
        f"# {_NO_REDIRECTS}\n"
        "response = requests.post(\n"
        "    url, headers=headers, data=payload.encode('utf-8'), timeout=(5, 30), allow_redirects=False\n"
        ")\n"
        "print(response.status_code, response.text)\n"
    )


def node(
    base_url: str,
    body: str | dict[str, Any],
    path: str = ADD_UPDATE_PATH,
    *,
    headers: Mapping[str, str] | None = None,
) -> str:
    """A Node.js (18+) script with fetch."""
    lines = "".join(
        f"    {json.dumps(name)}: {json.dumps(value)},\n" for name, value in _headers(headers).items()
    )
    return (
        f"// Save as send-order.mjs; run: {TOKEN_VARIABLE}=<base64 of user:password> node send-order.mjs\n"
        f"const url = {json.dumps(endpoint(base_url, path))};\n"
        f"const body = {json.dumps(_text(body), ensure_ascii=False)};\n\n"
        f"// {_NO_REDIRECTS}\n"
        "const response = await fetch(url, {\n"
        '  method: "POST",\n'
        "  headers: {\n"
        f"{lines}"
        f"    Authorization: `Basic ${{process.env.{TOKEN_VARIABLE}}}`,\n"
        "  },\n"
        "  body,\n"
        '  redirect: "manual",\n'
        "  signal: AbortSignal.timeout(30_000),\n"
        "});\n"
        "console.log(response.status, await response.text());\n"
    )


SNIPPETS = {"curl": curl, "Python": python, "Node": node}


def _headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    # As the client builds them: JSON's Content-Type, replaced by one given; Authorization refused.
    return {"Content-Type": "application/json", **extra_headers(headers or {})}


def _text(body: str | dict[str, Any]) -> str:
    return body if isinstance(body, str) else json.dumps(body, indent=2, ensure_ascii=False)
