"""The built-in sandbox server, over real HTTP: the API contract, the control endpoints, the CLI."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

import sandbox as sandbox_package
from kapture import KaptureClient, basic_token, vendor_example
from kapture.client import ADD_UPDATE_PATH, PULL_PATH
from sandbox import DEMO_PASSWORD, DEMO_USERNAME, Sandbox
from tests.conftest import stop

ROOT = Path(__file__).resolve().parents[1]
AUTH = "Basic " + basic_token(DEMO_USERNAME, DEMO_PASSWORD)
ID_KEYS = ("order_id", "customer_id", "enquiry_id", "contact_id")


def order_payload(name: str, phone: str = "", email: str = "", **order_info: Any) -> dict[str, Any]:
    """A small add-order body in the vendor's shape."""
    return {
        "customer_info": {"customer_name": name, "phone": phone, "email_id": email},
        "contact_info": [{"contact_person_phone": phone}],
        "order_info": {"update": False, **order_info},
    }


class Api:
    """Plain ``requests`` calls to one sandbox, authenticated unless told otherwise."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()

    def post(self, path: str, body: Any, headers: dict[str, str | None] | None = None) -> requests.Response:
        data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        sent = {"Content-Type": "application/json", "Authorization": AUTH, **(headers or {})}
        return self.session.post(self.url + path, data=data, headers=sent, timeout=10)

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.url + path, timeout=10)

    def add(self, name: str, phone: str = "", email: str = "") -> dict[str, Any]:
        """Add an order that must succeed; the answer's ``Order`` object."""
        response = self.post(ADD_UPDATE_PATH, order_payload(name, phone, email))
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "success", response.text
        return response.json()["Order"]

    def pull(self, body: dict[str, Any]) -> requests.Response:
        return self.post(PULL_PATH, body)

    def set_faults(self, settings: Any) -> requests.Response:
        return self.post("/_sandbox/faults", settings)


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[Api]:
    client = Api(sandbox.url)
    yield client
    client.session.close()


def assert_failed(response: requests.Response, status: int = 400) -> None:
    assert response.status_code == status, response.text
    assert response.json()["status"] == "failed", response.text


# --- add and update -------------------------------------------------------------------------------


def test_ids_grow_from_one_order_to_the_next(api: Api) -> None:
    first = api.add("Asha Traders", phone="9000000001")
    second = api.add("Ravi Stores", phone="9000000002")
    assert second["order_id"] > first["order_id"]
    assert second["enquiry_id"] > first["enquiry_id"]


def test_ids_are_json_numbers(api: Api) -> None:
    order = api.add("Asha Traders")
    assert all(type(order[key]) is int for key in ID_KEYS), order


def test_same_phone_reuses_the_customer_id(api: Api) -> None:
    first = api.add("Asha", phone="+91 93804 91257", email="a@example.com")
    second = api.add("Asha again", phone="919380491257", email="other@example.com")
    assert second["customer_id"] == first["customer_id"]


def test_same_email_reuses_the_customer_id(api: Api) -> None:
    first = api.add("Asha", phone="9000000001", email="Asha@Example.com")
    second = api.add("Asha", phone="9000000002", email="asha@example.com ")
    assert second["customer_id"] == first["customer_id"]


def test_different_phone_gets_a_new_customer_id(api: Api) -> None:
    first = api.add("Asha", phone="9000000001")
    second = api.add("Asha", phone="9000000002")
    assert second["customer_id"] != first["customer_id"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_content_type_other_than_json_is_rejected(
    api: Api, sandbox: Sandbox, content_type: str | None
) -> None:
    response = api.post(ADD_UPDATE_PATH, order_payload("Asha"), headers={"Content-Type": content_type})
    assert_failed(response)
    assert sandbox.state.orders() == []


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b'// a comment\n{"customer_info": {}}',
        b"\xff\xfe{}",
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_body_that_is_not_json_is_rejected(api: Api, body: bytes) -> None:
    assert_failed(api.post(ADD_UPDATE_PATH, body))


@pytest.mark.parametrize("body", [[order_payload("Asha")], "Asha", 42])
def test_json_that_is_not_an_object_is_rejected(api: Api, body: Any) -> None:
    assert_failed(api.post(ADD_UPDATE_PATH, body))


@pytest.mark.parametrize(
    "customer_info",
    [None, "Asha", {}, {"customer_name": ""}, {"customer_name": "   "}, {"phone": "9000000001"}],
    ids=["missing", "a-string", "empty", "blank-name", "spaces-name", "no-name"],
)
def test_missing_customer_or_blank_name_is_rejected(api: Api, sandbox: Sandbox, customer_info: Any) -> None:
    payload = order_payload("placeholder")
    if customer_info is None:
        del payload["customer_info"]
    else:
        payload["customer_info"] = customer_info
    assert_failed(api.post(ADD_UPDATE_PATH, payload))
    assert sandbox.state.orders() == []


def test_contact_info_as_an_object_is_rejected(api: Api) -> None:
    payload = order_payload("Asha") | {"contact_info": {"contact_person_phone": "9000000001"}}
    assert_failed(api.post(ADD_UPDATE_PATH, payload))


@pytest.mark.parametrize("order_info", [None, "ORD-1", ["ORD-1"]])
def test_order_info_that_is_not_an_object_still_gets_an_answer(api: Api, order_info: Any) -> None:
    payload = order_payload("Asha") | {"order_info": order_info}
    response = api.post(ADD_UPDATE_PATH, payload)  # a crash shows as ConnectionError here
    assert response.json()["status"] in ("success", "failed")


def test_update_of_a_known_order_keeps_its_id_and_changes_it(api: Api, sandbox: Sandbox) -> None:
    order_id = api.add("Asha")["order_id"]
    payload = order_payload("Asha Traders", order_id=str(order_id), update=True)
    response = api.post(ADD_UPDATE_PATH, payload)
    assert response.json()["status"] == "success"
    assert response.json()["Order"]["order_id"] == order_id
    [stored] = sandbox.state.orders()
    assert stored.customer_name == "Asha Traders"


def test_update_of_an_unknown_order_is_200_failed(api: Api) -> None:
    api.add("Asha")
    payload = order_payload("Asha", order_id="99999999", update=True)
    assert_failed(api.post(ADD_UPDATE_PATH, payload), status=200)


@pytest.mark.parametrize("order_id", [None, "", "not-a-number"])
def test_update_without_a_usable_order_id_is_rejected(api: Api, order_id: str | None) -> None:
    payload = order_payload("Asha", update=True)
    if order_id is not None:
        payload["order_info"]["order_id"] = order_id
    assert_failed(api.post(ADD_UPDATE_PATH, payload))


@pytest.mark.parametrize("auth", [None, "Basic " + basic_token("demo", "wrong"), "Bearer xyz"])
def test_bad_credentials_are_401_invalid_auth_key(api: Api, sandbox: Sandbox, auth: str | None) -> None:
    response = api.post(ADD_UPDATE_PATH, order_payload("Asha"), headers={"Authorization": auth})
    assert_failed(response, status=401)
    assert response.json()["message"] == "Invalid Auth Key"
    assert sandbox.state.orders() == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/ms/customer/order/api/v1/nope"),
        ("GET", ADD_UPDATE_PATH),
        ("GET", "/"),
        ("POST", "/_sandbox/x"),
    ],
)
def test_unknown_path_is_404(api: Api, method: str, path: str) -> None:
    response = api.post(path, order_payload("Asha")) if method == "POST" else api.get(path)
    assert response.status_code == 404


# --- control endpoints and faults ----------------------------------------------------------------


def test_faults_endpoint_sets_a_fault_that_the_next_request_shows(api: Api) -> None:
    assert api.set_faults({"mode": "failed_200"}).status_code == 200
    response = api.post(ADD_UPDATE_PATH, order_payload("Asha"))
    assert_failed(response, status=200)


def test_http_500_html_fault(api: Api) -> None:
    api.set_faults({"mode": "http_500_html"})
    response = api.post(ADD_UPDATE_PATH, order_payload("Asha"))
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<html>" in response.text


def test_malformed_json_fault(api: Api) -> None:
    api.set_faults({"mode": "malformed_json"})
    response = api.post(ADD_UPDATE_PATH, order_payload("Asha"))
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


def test_drop_connection_fault(api: Api) -> None:
    api.set_faults({"mode": "drop_connection"})
    with pytest.raises(requests.ConnectionError):
        api.post(ADD_UPDATE_PATH, order_payload("Asha"))


def test_slow_fault_stores_the_order_and_answers_late(api: Api, sandbox: Sandbox) -> None:
    api.set_faults({"mode": "slow", "slow_seconds": 0.3})
    started = time.perf_counter()
    response = api.post(ADD_UPDATE_PATH, order_payload("Asha"))
    assert time.perf_counter() - started >= 0.3
    assert response.json()["status"] == "success"
    assert len(sandbox.state.orders()) == 1


@pytest.mark.parametrize(
    "settings",
    [
        {"mode": "explode"},
        {"colour": "red"},
        [1, 2],
        "slow",
        {"latency_ms": "fast"},
        {"mode": "failed_200", "times": "twice"},
    ],
    ids=["unknown-mode", "unknown-key", "a-list", "a-string", "latency-not-a-number", "times-not-a-number"],
)
def test_bad_fault_settings_are_rejected_and_change_nothing(api: Api, settings: Any) -> None:
    assert_failed(api.set_faults(settings))
    assert api.get("/_sandbox/state").json()["faults"]["mode"] == "none"
    assert api.post(ADD_UPDATE_PATH, order_payload("Asha")).json()["status"] == "success"


def test_faults_endpoint_rejects_a_body_that_is_not_json(api: Api) -> None:
    assert_failed(api.set_faults(b"{mode: slow"))


def test_times_makes_a_fault_hit_exactly_n_requests(api: Api) -> None:
    api.set_faults({"mode": "http_500_html", "times": 2})
    statuses = [api.post(ADD_UPDATE_PATH, order_payload("Asha")).status_code for _ in range(4)]
    assert statuses == [500, 500, 200, 200]


def test_latency_delays_the_answer_by_at_least_latency_ms(api: Api) -> None:
    api.set_faults({"latency_ms": 250})
    started = time.perf_counter()
    api.add("Asha")
    assert time.perf_counter() - started >= 0.25


def test_state_reports_counts_and_faults(api: Api) -> None:
    api.add("Asha", phone="9000000001")
    api.add("Ravi", phone="9000000002")
    api.post(ADD_UPDATE_PATH, b"not json")
    api.set_faults({"latency_ms": 1})
    state = api.get("/_sandbox/state").json()
    assert (state["orders"], state["requests"]) == (2, 3)
    assert state["faults"]["latency_ms"] == 1


def test_orders_endpoint_lists_stored_orders_without_payload(api: Api) -> None:
    first = api.add("Asha", phone="9000000001")
    second = api.add("Ravi", phone="9000000002")
    listed = api.get("/_sandbox/orders").json()
    assert [(o["order_id"], o["customer_name"]) for o in listed] == [
        (first["order_id"], "Asha"),
        (second["order_id"], "Ravi"),
    ]
    assert all("payload" not in order for order in listed)


def test_reset_clears_orders_requests_and_faults(api: Api, sandbox: Sandbox) -> None:
    before = api.add("Asha")
    api.set_faults({"mode": "failed_200", "times": 5})
    assert api.post("/_sandbox/reset", {}).json()["status"] == "success"
    state = api.get("/_sandbox/state").json()
    assert (state["orders"], state["requests"], state["faults"]["mode"]) == (0, 0, "none")
    assert api.get("/_sandbox/orders").json() == []
    assert api.add("Ravi")["order_id"] > before["order_id"]  # ids keep growing, like Kapture's


# --- pull-internal -------------------------------------------------------------------------------


@pytest.fixture
def three_orders(api: Api) -> list[dict[str, Any]]:
    return [
        api.add("Asha Traders", phone="98765 43210"),
        api.add("ASHA Textiles", phone="9123456789"),
        api.add("Ravi Stores", phone="9000000003"),
    ]


def pulled_ids(response: requests.Response) -> list[int]:
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "success", response.text
    return [order["order_id"] for order in response.json()["orderList"]]


@pytest.mark.parametrize(
    "cm_id", [None, 0, -3, "7", True], ids=["missing", "zero", "negative", "text", "bool"]
)
def test_pull_needs_a_positive_cm_id(api: Api, cm_id: Any) -> None:
    body = {"phone": "9000000001"} if cm_id is None else {"cmId": cm_id, "phone": "9000000001"}
    assert_failed(api.pull(body))


@pytest.mark.parametrize("filters", [{}, {"phone": ""}, {"name": "   "}, {"limit": "5"}])
def test_pull_without_a_filter_is_rejected(api: Api, filters: dict[str, str]) -> None:
    assert_failed(api.pull({"cmId": 1, **filters}))


def test_pull_date_range_over_24_hours_is_rejected(api: Api) -> None:
    assert_failed(api.pull({"cmId": 1, "createStartDate": "2024-05-01", "createEndDate": "2024-05-03"}))


def test_pull_by_creation_date_finds_todays_orders(api: Api, sandbox: Sandbox, three_orders: list) -> None:
    day = sandbox.state.orders()[0].create_date
    response = api.pull({"cmId": 1, "createStartDate": day, "createEndDate": day})
    assert pulled_ids(response) == [order["order_id"] for order in three_orders]


@pytest.mark.parametrize(
    "dates",
    [
        {"createStartDate": "01/05/2024", "createEndDate": "2024-05-01"},
        {"createStartDate": "2024-05-01", "createEndDate": "tomorrow"},
        {"createStartDate": "yesterday"},
        {"createEndDate": "2024-13-45"},
    ],
    ids=["bad-start", "bad-end", "only-start-bad", "only-end-bad"],
)
def test_pull_bad_date_text_is_rejected(api: Api, dates: dict[str, str]) -> None:
    assert_failed(api.pull({"cmId": 1, **dates}))


@pytest.mark.parametrize("phone", ["9876543210", "98765 43210", " 9876543210 "])
def test_pull_by_phone_compares_digits(api: Api, three_orders: list, phone: str) -> None:
    assert pulled_ids(api.pull({"cmId": 1, "phone": phone})) == [three_orders[0]["order_id"]]


def test_pull_by_name_is_a_case_insensitive_substring(api: Api, three_orders: list) -> None:
    ids = pulled_ids(api.pull({"cmId": 1, "name": "asha"}))
    assert ids == [three_orders[0]["order_id"], three_orders[1]["order_id"]]


def test_pull_by_order_ids_takes_a_comma_list(api: Api, three_orders: list) -> None:
    wanted = f"{three_orders[0]['order_id']}, {three_orders[2]['order_id']}"
    ids = pulled_ids(api.pull({"cmId": 1, "orderIds": wanted}))
    assert ids == [three_orders[0]["order_id"], three_orders[2]["order_id"]]


def test_pull_pages_with_limit_and_offset(api: Api) -> None:
    created = [api.add(f"Shop {n}")["order_id"] for n in range(5)]
    pages = [
        pulled_ids(api.pull({"cmId": 1, "name": "shop", "limit": "2", "offset": str(offset)}))
        for offset in (0, 2, 4)
    ]
    assert pages == [created[0:2], created[2:4], created[4:5]]


@pytest.mark.parametrize("limit", ["many", {"n": 2}, [2]], ids=["text", "object", "list"])
def test_pull_bad_limit_is_rejected(api: Api, three_orders: list, limit: Any) -> None:
    assert_failed(api.pull({"cmId": 1, "name": "asha", "limit": limit}))


def test_pull_answer_lists_orders_under_order_list_without_payload(api: Api, three_orders: list) -> None:
    answer = api.pull({"cmId": 1, "phone": "9123456789"}).json()
    [order] = answer["orderList"]
    assert order["customer_name"] == "ASHA Textiles"
    assert order["order_id"] == three_orders[1]["order_id"]
    assert "payload" not in order


def test_client_adds_then_pulls_by_order_id(sandbox: Sandbox) -> None:
    with KaptureClient(sandbox.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        added = client.add_order(order_payload("आशा ट्रेडर्स", phone="9000000001"))
        assert added.ok, added.explanation
        pulled = client.pull_orders(1, orderIds=added.order_id)
    assert pulled.ok, pulled.explanation
    assert [order["customer_name"] for order in json.loads(pulled.response_text)["orderList"]] == [
        "आशा ट्रेडर्स"
    ]


# --- what the sandbox records --------------------------------------------------------------------


def test_requests_are_recorded_with_method_path_exact_headers_and_body(api: Api, sandbox: Sandbox) -> None:
    body = '{"customer_info":  {"customer_name": "Zoë"} }\n'.encode()
    response = api.post(ADD_UPDATE_PATH, body, headers={"X-Trace-Id": "t-42"})
    [seen] = sandbox.state.requests
    assert (seen.method, seen.path, seen.body) == ("POST", ADD_UPDATE_PATH, body)
    sent = dict(response.request.headers)
    assert {name: value for name, value in seen.headers.items() if name != "Host"} == sent
    assert seen.headers["Host"] == sandbox.url.removeprefix("http://")


def test_requests_are_recorded_even_when_rejected(api: Api, sandbox: Sandbox) -> None:
    api.post(PULL_PATH, b"[]", headers={"Authorization": None})
    assert [(r.path, r.body, "Authorization" in r.headers) for r in sandbox.state.requests] == [
        (PULL_PATH, b"[]", False)
    ]


# --- the standalone CLI --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post_when_up(proc: subprocess.Popen[bytes], url: str, deadline_s: float = 10.0) -> requests.Response:
    """Post an order once the server listens; fail if the process dies or never listens."""
    deadline = time.monotonic() + deadline_s
    while True:
        if proc.poll() is not None:
            pytest.fail(f"the sandbox exited with {proc.returncode}: {proc.stderr.read().decode()}")
        try:
            return requests.post(
                url + ADD_UPDATE_PATH,
                json=order_payload("CLI Customer"),
                headers={"Authorization": AUTH},
                timeout=5,
            )
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                pytest.fail(f"the sandbox did not listen within {deadline_s:g} s")
            time.sleep(0.05)


def test_cli_serves_a_real_add_order() -> None:
    port = free_port()
    command = [sys.executable, "-m", "sandbox", "--port", str(port), "--quiet", "--no-state"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        response = post_when_up(proc, f"http://127.0.0.1:{port}")
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "success"
        assert type(response.json()["Order"]["order_id"]) is int
    finally:
        stop(proc)
        proc.stderr.close()


def test_cli_strict_flag_refuses_a_boolean_sent_as_text() -> None:
    port = free_port()
    command = [sys.executable, "-m", "sandbox", "--port", str(port), "--quiet", "--no-state", "--strict"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert post_when_up(proc, f"http://127.0.0.1:{port}").status_code == 200  # a clean order passes
        body = order_payload("CLI Customer")
        body["customer_info"]["individual"] = "true"
        response = requests.post(f"http://127.0.0.1:{port}{ADD_UPDATE_PATH}", json=body,
                                 headers={"Authorization": AUTH}, timeout=5)  # fmt: skip
        assert_failed(response)
    finally:
        stop(proc)
        proc.stderr.close()


# --- tenant strictness ---------------------------------------------------------------------------


def with_value(path: str, value: Any) -> dict[str, Any]:
    """An add-order body with one field (``section.key``, contacts: the first one) set to ``value``."""
    body = order_payload("Asha Traders", phone="9845012345")
    body["enquiry_info"] = {}
    section, key = path.split(".")
    record = body[section][0] if section == "contact_info" else body[section]
    record[key] = value
    return body


@pytest.fixture
def strict(api: Api, sandbox: Sandbox) -> Api:
    sandbox.set_strictness("strict")
    return api


BOOLEANS_AS_TEXT = [
    ("customer_info.individual", "true"),
    ("customer_info.organization", "false"),
    ("contact_info.matchEmailPhone", "false"),
    ("enquiry_info.update", "false"),
    ("order_info.update", "true"),
    ("customer_info.channel_partner", 1),
]
OVER_LONG = [
    ("customer_info.customer_name", "A" * 256),
    ("customer_info.phone", "9" * 21),
    ("customer_info.email_id", "a" * 245 + "@asha.example"),
    ("contact_info.contact_person_phone", "9" * 21),
    ("order_info.remarks", "r" * 2001),
    ("order_info.erp_order_id", "E" * 256),
]


@pytest.mark.parametrize(("path", "value"), BOOLEANS_AS_TEXT + OVER_LONG)
def test_lenient_tenant_by_default_takes_text_booleans_and_long_fields(
    api: Api, sandbox: Sandbox, path: str, value: Any
) -> None:
    assert api.get("/_sandbox/state").json()["strictness"] == "lenient"
    response = api.post(ADD_UPDATE_PATH, with_value(path, value))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "success"
    assert len(sandbox.state.orders()) == 1


@pytest.mark.parametrize(("path", "value"), BOOLEANS_AS_TEXT)
def test_strict_tenant_refuses_booleans_sent_as_text(
    strict: Api, sandbox: Sandbox, path: str, value: Any
) -> None:
    response = strict.post(ADD_UPDATE_PATH, with_value(path, value))
    assert_failed(response)
    assert path in response.json()["message"]
    assert sandbox.state.orders() == []


@pytest.mark.parametrize(("path", "value"), OVER_LONG)
def test_strict_tenant_refuses_over_long_fields(strict: Api, sandbox: Sandbox, path: str, value: Any) -> None:
    response = strict.post(ADD_UPDATE_PATH, with_value(path, value))
    assert_failed(response)
    assert path in response.json()["message"]
    assert sandbox.state.orders() == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("customer_info.customer_name", "A" * 255),
        ("customer_info.phone", "+91 98450-12345"),
        ("customer_info.email_id", "a" * 241 + "@asha.example"),  # 254 characters
        ("order_info.remarks", "r" * 2000),
        ("customer_info.additional_fields", {"note": "n" * 5000}),  # the tenant's own: not checked
    ],
)
def test_strict_tenant_takes_fields_at_their_limit(strict: Api, path: str, value: Any) -> None:
    response = strict.post(ADD_UPDATE_PATH, with_value(path, value))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "success", response.text


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_strict_tenant_still_refuses_other_content_types(strict: Api, content_type: str | None) -> None:
    response = strict.post(ADD_UPDATE_PATH, order_payload("Asha"), headers={"Content-Type": content_type})
    assert_failed(response)


def test_strict_tenant_takes_what_the_client_sends(sandbox: Sandbox) -> None:
    sandbox.set_strictness("strict")
    with KaptureClient(sandbox.url, username=DEMO_USERNAME, password=DEMO_PASSWORD) as client:
        added = client.add_order(vendor_example())
    assert added.ok, added.explanation


def test_strictness_endpoint_sets_it_and_reset_keeps_it(api: Api) -> None:
    answer = api.post("/_sandbox/strictness", {"strictness": "strict"})
    assert answer.status_code == 200 and answer.json()["strictness"] == "strict"
    assert_failed(api.post(ADD_UPDATE_PATH, with_value("order_info.update", "false")))
    api.post("/_sandbox/reset", {})
    assert api.get("/_sandbox/state").json()["strictness"] == "strict"  # a trait of the tenant
    api.post("/_sandbox/strictness", {"strictness": "lenient"})
    assert api.post(ADD_UPDATE_PATH, with_value("order_info.update", "false")).json()["status"] == "success"


@pytest.mark.parametrize(
    "body", [{"strictness": "paranoid"}, {"strictness": True}, {}, [], {"strictness": "strict", "x": 1}]
)
def test_bad_strictness_is_refused_and_changes_nothing(api: Api, sandbox: Sandbox, body: Any) -> None:
    assert_failed(api.post("/_sandbox/strictness", body))
    assert api.get("/_sandbox/state").json()["strictness"] == "lenient"
    with pytest.raises(ValueError):
        sandbox.set_strictness("paranoid")


# --- independence from the client: the import-linter contract in pyproject.toml --------------------


def test_the_sandbox_and_the_client_agree_on_the_documented_paths() -> None:
    # Two copies written apart (sandbox/contract.py and kapture/client.py): a drift in either fails here.
    assert (sandbox_package.ADD_UPDATE_PATH, sandbox_package.PULL_PATH) == (ADD_UPDATE_PATH, PULL_PATH)


# --- kept across restarts: orders, customers and ids in a state file -------------------------------


def test_a_restarted_sandbox_keeps_its_orders_customers_and_ids(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox.db"
    with sandbox_package.start_sandbox(state_file=state_file) as first:
        made = Api(first.url).add("Asha Traders", phone="+91 98450 12345")
    with sandbox_package.start_sandbox(state_file=state_file) as again:
        api = Api(again.url)
        assert [order.order_id for order in again.state.orders()] == [made["order_id"]]
        later = api.add("Asha Traders again", phone="9845012345")
        assert later["order_id"] == made["order_id"] + 1  # never 23518266 twice
        assert later["customer_id"] == made["customer_id"]  # the same phone is the same customer
        update = order_payload("Asha", order_id=str(made["order_id"]), update=True)
        updated = api.post(ADD_UPDATE_PATH, update)
        assert updated.json()["status"] == "success", updated.text  # an order from before the restart
        pulled = api.pull({"cmId": 1, "orderIds": str(made["order_id"])}).json()["orderList"]
        assert [order["customer_name"] for order in pulled] == ["Asha"]


def test_forgetting_orders_keeps_the_ids_growing_across_restarts(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox.db"
    with sandbox_package.start_sandbox(state_file=state_file) as first:
        made = Api(first.url).add("Asha Traders")
        first.state.reset()
    with sandbox_package.start_sandbox(state_file=state_file) as again:
        assert again.state.orders() == []
        assert Api(again.url).add("Bharat Steel")["order_id"] == made["order_id"] + 1


def test_a_state_file_in_use_by_another_sandbox_is_refused_at_start(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox.db"
    with (
        sandbox_package.start_sandbox(state_file=state_file),
        pytest.raises(sandbox_package.StateFileBusy, match="in use by another sandbox"),
    ):
        sandbox_package.start_sandbox(state_file=state_file)


def test_a_taken_port_is_refused_or_replaced_by_a_free_one_when_asked(sandbox: Sandbox) -> None:
    with pytest.raises(OSError):
        sandbox_package.start_sandbox(port=sandbox.port)
    with sandbox_package.start_sandbox(port=sandbox.port, any_port_if_taken=True) as other:
        assert other.port != sandbox.port
        assert other.wanted_port == sandbox.port
    assert sandbox.wanted_port == 0  # port 0 asked for nothing in particular


def test_defaults_and_variables_for_port_and_state_file() -> None:
    assert sandbox_package.options_from({}) == (8765, "data/sandbox.db")
    assert sandbox_package.options_from({"KAPTURE_SANDBOX_PORT": "0", "KAPTURE_SANDBOX_STATE": "memory"}) == (
        0, None
    )  # fmt: skip
    assert sandbox_package.options_from({"KAPTURE_SANDBOX_STATE": "/tmp/x.db"}) == (8765, "/tmp/x.db")
    for wrong in ("http", "-1", "70000", "8765a"):
        with pytest.raises(ValueError, match="KAPTURE_SANDBOX_PORT must be a port number"):
            sandbox_package.options_from({"KAPTURE_SANDBOX_PORT": wrong})


def test_the_state_answer_names_port_state_file_and_next_id(tmp_path: Path) -> None:
    with sandbox_package.start_sandbox(state_file=tmp_path / "s.db") as running:
        api = Api(running.url)
        made = api.add("Asha Traders")
        state = api.get("/_sandbox/state").json()
    assert state["port"] == running.port
    assert state["state_file"] == str(tmp_path / "s.db")
    assert state["next_order_id"] == made["order_id"] + 1
    assert state["utc_offset_minutes"] == 0


def test_the_control_list_says_who_sent_an_order_and_the_pull_answer_does_not(api: Api) -> None:
    api.post(ADD_UPDATE_PATH, order_payload("Curl Traders"), headers={"User-Agent": "curl/8.5.0"})
    (listed,) = api.get("/_sandbox/orders").json()
    assert listed["sent_by"] == "curl/8.5.0"
    (pulled,) = api.pull({"cmId": 1, "name": "Curl"}).json()["orderList"]
    assert "sent_by" not in pulled and "payload" not in pulled


def test_the_control_client_reads_and_sets_a_sandbox_over_http(sandbox: Sandbox) -> None:
    control = sandbox_package.SandboxControl(sandbox.url)
    assert control.is_sandbox()
    control.set_faults(mode="failed_200", times=1)
    control.set_strictness("strict")
    status = control.status()
    assert (status.faults["mode"], status.faults["times"], status.strictness) == ("failed_200", 1, "strict")
    with pytest.raises(sandbox_package.ControlError, match="refused: Bad strictness"):
        control.set_strictness("picky")
    control.reset()
    assert control.status().faults["mode"] == "none"


def test_the_control_client_says_when_no_sandbox_answers() -> None:
    port = free_port()
    control = sandbox_package.SandboxControl(f"http://127.0.0.1:{port}", timeout=1)
    assert not control.is_sandbox()
    with pytest.raises(sandbox_package.ControlError, match="nothing listens there"):
        control.status()
    assert sandbox_package.is_loopback("http://localhost:8765")
    assert sandbox_package.is_loopback("http://[::1]:8765")
    assert not sandbox_package.is_loopback("https://acme.kapturecrm.com")


def test_cli_keeps_ids_across_a_restart_with_its_state_file(tmp_path: Path) -> None:
    made = []
    for _ in range(2):
        port = free_port()
        command = [sys.executable, "-m", "sandbox", "--port", str(port), "--quiet",
                   "--state-file", str(tmp_path / "cli.db")]  # fmt: skip
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            made.append(post_when_up(proc, f"http://127.0.0.1:{port}").json()["Order"]["order_id"])
        finally:
            stop(proc)
            proc.stderr.close()
    assert made[1] == made[0] + 1


def test_cli_says_when_its_port_is_taken(sandbox: Sandbox, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "sandbox", "--port", str(sandbox.port), "--no-state"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert f"port {sandbox.port} is in use" in done.stderr
