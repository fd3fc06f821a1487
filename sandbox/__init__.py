"""A stand-in Kapture order API on loopback, for trying the app and for tests.

Written from the vendor's pages (``../shared/kapture-api/``) on its own: this package imports
nothing from ``kapture/``, so the client and the sandbox can disagree, and a contract test between
them can find it. It speaks the documented contract: ``add-update`` and ``pull-internal`` behind
Basic auth, the documented success and ``failed`` bodies, ids that grow like Kapture's.

``start_sandbox()`` runs it in a thread and returns a ``Sandbox`` (its URL, its demo login,
its state); ``python -m sandbox --port 8765`` runs it standalone (``--help`` lists the flags).

Fault knobs (``Sandbox.set_faults`` or ``POST /_sandbox/faults``) show every way a real tenant
can misbehave; they apply before authentication, like trouble in front of the real server:

    none             answer as documented
    http_500_html    HTTP 500 with a gateway's HTML page
    failed_200       HTTP 200 with ``"status": "failed"``
    malformed_json   HTTP 200 with a body cut off mid-JSON
    drop_connection  read the request, then close the socket without a word
    slow             process the order, but answer only after ``slow_seconds``

Other control endpoints: ``GET /_sandbox/state`` (counts, faults, strictness), ``GET
/_sandbox/orders``, ``POST /_sandbox/reset`` (orders, requests and faults; not the tenant's
zone or strictness), ``POST /_sandbox/strictness`` with ``{"strictness": "lenient" | "strict"}``.

CHOICES — where the vendor's pages are silent, the sandbox chose:

- Demo login ``demo`` / ``sandbox``; the first ids continue the documented example's ids.
- Wrong or missing credentials: HTTP 401 with the documented ``Invalid Auth Key`` body (the
  ``auth_failure_status`` knob answers another status, e.g. 200, as some tenants do).
- Malformed requests are HTTP 400 with a ``failed`` body: a Content-Type other than
  ``application/json`` (in every mode), a body that is not JSON or not a JSON object, a broken
  Content-Length or chunked body, a body over 10 MiB, a missing ``customer_info`` or blank
  ``customer_name``, ``contact_info`` that is not a list of objects, ``enquiry_info`` /
  ``order_info`` that are not objects, an update without a whole-number ``order_id``.
- An update of an order it does not know: HTTP 200 with ``failed``. Only a JSON ``true`` in
  ``order_info.update`` makes an update; its answer's ``action_event`` is ``UPDATE_ORDER``.
- Customers are matched by phone (its last ten digits: ``+91 98450-12345`` is ``9845012345``)
  or by e-mail (case and outer spaces aside); a match reuses the customer id.
- Days are UTC unless a tenant time zone is set (``set_time_zone``, ``--utc-offset-minutes``):
  orders are filed under the tenant's local day and ``createStartDate`` / ``createEndDate``
  (``YYYY-MM-DD``, at most one day apart) compare with it.
- Pull: ``cmId`` must be a whole number above 0 (any one is accepted); at least one non-blank
  filter besides ``limit`` / ``offset``; ``limit`` 100 and ``offset`` 0 by default, whole numbers
  0 or more, as numbers or text. Applied filters: ``name`` (case-insensitive part),
  ``phone`` (last ten digits), ``email`` (case-insensitive), ``orderIds`` / ``customerIds`` /
  ``enquiryIds`` (comma lists), ``erpOrderId`` (exact), the two creation dates; the other
  documented filters are accepted and ignored. The answer lists orders under ``orderList``.
- Unknown paths are 404 with an HTML page, as a gateway answers.
- Tenant strictness, ``lenient`` by default (``set_strictness``, ``--strict``, ``POST
  /_sandbox/strictness``). A strict tenant also refuses, with HTTP 400 and ``failed``:
  a documented boolean field (``individual``, ``organization``, ``channel_partner``,
  ``matchEmailPhone``, each section's ``update``) that is not a JSON ``true``/``false``
  (``"true"`` as text included), and text longer than its limit in any section's own fields:
  phones 20 characters (``phone``, ``contact_person_phone``, ``additional_contact_phone``),
  ``country_code`` 8, ``pincode`` 12, e-mails 254 (RFC 5321), ``address`` 1000, ``remarks`` /
  ``customer_remarks`` / ``dealDetails`` 2000, any other field 255. Values inside
  ``additional_fields`` / ``associate_fields`` are the tenant's own and are not checked.
"""

from __future__ import annotations

from sandbox.contract import ADD_UPDATE_PATH, PULL_PATH, basic_token
from sandbox.control import ControlError, SandboxControl, SandboxStatus, is_loopback
from sandbox.faults import Fault, Faults, Strictness, tenant_zone
from sandbox.server import (
    DEFAULT_PORT,
    DEFAULT_STATE_FILE,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    PORT_VARIABLE,
    STATE_VARIABLE,
    ReceivedRequest,
    Sandbox,
    SandboxState,
    StoredOrder,
    options_from,
    start_sandbox,
)
from sandbox.store import StateFileBusy

__all__ = [
    "ADD_UPDATE_PATH",
    "DEFAULT_PORT",
    "DEFAULT_STATE_FILE",
    "DEMO_PASSWORD",
    "DEMO_USERNAME",
    "PORT_VARIABLE",
    "PULL_PATH",
    "STATE_VARIABLE",
    "ControlError",
    "Fault",
    "Faults",
    "ReceivedRequest",
    "Sandbox",
    "SandboxControl",
    "SandboxState",
    "SandboxStatus",
    "StateFileBusy",
    "StoredOrder",
    "Strictness",
    "basic_token",
    "is_loopback",
    "options_from",
    "start_sandbox",
    "tenant_zone",
]
