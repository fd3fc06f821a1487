"""Code that sends a payload the way the vendor's samples do: curl, Python, Node.

The credential is always the placeholder ``$KAPTURE_TOKEN`` (read from the environment by
the code), never a real value: these functions are not even given one. Like the client, the
code never follows a redirect: a redirected POST is sent again elsewhere, token and order included.
"""

from __future__ import annotations

import json
import shlex
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from kapture.client import ADD_UPDATE_PATH

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


def curl(base_url: str, body: str | dict[str, Any], path: str = ADD_UPDATE_PATH) -> str:
    """A curl command; the URL and the body are quoted for the shell."""
    return (
        f"# export {TOKEN_VARIABLE}=<base64 of username:password>\n"
        f"# {_NO_REDIRECTS} (so: no --location)\n"
        f"curl {shlex.quote(endpoint(base_url, path))} \\\n"
        "  --header 'Content-Type: application/json' \\\n"
        f'  --header "Authorization: Basic ${TOKEN_VARIABLE}" \\\n'
        f"  --data-raw {shlex.quote(_text(body))}"
    )


def python(base_url: str, body: str | dict[str, Any], path: str = ADD_UPDATE_PATH) -> str:
    """A Python script with requests, as in the vendor's sample."""
    return (
        f"# {TOKEN_VARIABLE}=<base64 of username:password> python send_order.py\n"
        "import os\n\nimport requests\n\n"
        f"url = {endpoint(base_url, path)!r}\n"
        f"payload = {_text(body)!r}\n"
        "headers = {\n"
        "    'Content-Type': 'application/json',\n"
        f"    'Authorization': 'Basic ' + os.environ[{TOKEN_VARIABLE!r}],\n"
        "}\n\n"
        f"# {_NO_REDIRECTS}\n"
        "response = requests.post(\n"
        "    url, headers=headers, data=payload.encode('utf-8'), timeout=(5, 30), allow_redirects=False\n"
        ")\n"
        "print(response.status_code, response.text)\n"
    )


def node(base_url: str, body: str | dict[str, Any], path: str = ADD_UPDATE_PATH) -> str:
    """A Node.js (18+) script with fetch."""
    return (
        f"// Save as send-order.mjs; run: {TOKEN_VARIABLE}=<base64 of user:password> node send-order.mjs\n"
        f"const url = {json.dumps(endpoint(base_url, path))};\n"
        f"const body = {json.dumps(_text(body), ensure_ascii=False)};\n\n"
        f"// {_NO_REDIRECTS}\n"
        "const response = await fetch(url, {\n"
        '  method: "POST",\n'
        "  headers: {\n"
        '    "Content-Type": "application/json",\n'
        f"    Authorization: `Basic ${{process.env.{TOKEN_VARIABLE}}}`,\n"
        "  },\n"
        "  body,\n"
        '  redirect: "manual",\n'
        "  signal: AbortSignal.timeout(30_000),\n"
        "});\n"
        "console.log(response.status, await response.text());\n"
    )


SNIPPETS = {"curl": curl, "Python": python, "Node": node}


def _text(body: str | dict[str, Any]) -> str:
    return body if isinstance(body, str) else json.dumps(body, indent=2, ensure_ascii=False)
