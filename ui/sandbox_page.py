"""The Sandbox page's parts: which sandbox, how it answers (faults, latency, strictness), its orders.

Everything goes through the sandbox's own control endpoints (``sandbox.control``), never its
memory, so the page works the same for the app's built-in sandbox and for one started apart
(``python -m sandbox``) that KAPTURE_BASE_URL points at.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from sandbox import (
    DEFAULT_PORT,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    PORT_VARIABLE,
    STATE_VARIABLE,
    ControlError,
    SandboxControl,
    SandboxStatus,
    is_loopback,
)
from services.settings import Profile, SettingsError
from ui import resources
from ui.text import code, md

# Each fault in the words of what QA want to see happen.
FAULTS = {
    "none": "Answer as documented",
    "http_500_html": "HTTP 500 with a gateway's HTML page",
    "failed_200": "HTTP 200 with “status”: “failed”",
    "malformed_json": "HTTP 200 with a body cut off mid-JSON",
    "drop_connection": "Read the request, then hang up without a word",
    "slow": "Make the order, but answer too late (after the app gave up)",
}
STRICTNESS = {
    "lenient": "Lenient (the default): takes what most tenants take",
    "strict": "Strict: also refuses booleans sent as text and over-long text",
}
AUTH_ANSWERS = {401: "HTTP 401 (as documented)", 200: "HTTP 200 with “status”: “failed” (as some tenants do)"}
_KNOBS = ("mode", "times", "latency_ms", "slow_seconds", "auth_failure_status", "strictness")


@dataclass(frozen=True)
class Target:
    """The sandbox this page controls, and how the app came to it."""

    control: SandboxControl
    built_in: bool
    profile: Profile
    notes: tuple[str, ...] = ()


def target() -> Target | None:
    """The sandbox the app sends to, or None (said on the page) when it sends to a real Kapture."""
    try:
        profile = resources.active_profile()
        notes = resources.builtin_sandbox()[1] if profile.is_sandbox else ()
    except SettingsError as exc:
        st.error(f"Order Desk is not set up right: {md(exc)}", icon=":material/error:")
        return None
    control = SandboxControl(profile.base_url)
    if profile.is_sandbox:
        return Target(control, True, profile, notes)
    if is_loopback(profile.base_url) and control.is_sandbox():
        return Target(control, False, profile)
    where = "on this computer, but no sandbox answers there" if is_loopback(profile.base_url) else ""
    st.info(
        f"Order Desk sends to {code(profile.base_url)}{f' ({where})' if where else ''}: not a sandbox, so "
        "there is nothing to set here. To try things on a sandbox, start one and point the app at it "
        "(below), or unset KAPTURE_BASE_URL to use the built-in one.",
        icon=":material/info:",
    )
    how_to_connect()
    return None


def where(target: Target, status: SandboxStatus) -> None:
    """Which sandbox, at which address, keeping its orders where."""
    url = target.control.base_url
    if target.built_in:
        st.markdown(f"Orders go to the app's **built-in sandbox** at {code(url)}.")
    else:
        st.markdown(f"Orders go to a **sandbox started apart** at {code(url)} (KAPTURE_BASE_URL).")
    for note in target.notes:
        st.warning(md(note), icon=":material/warning:")
    if status.state_file:
        kept = f"Its orders and ids are kept in {code(status.state_file)} across restarts."
    else:
        kept = "It keeps its orders in memory only: they are gone when it stops, and ids start again."
    st.caption(kept)
    orders, requests, next_id, strictness = st.columns(4)
    orders.metric("Orders kept", status.orders)
    requests.metric("Requests since it started", status.requests)
    next_id.metric("Next order id", str(status.next_order_id or "—"))
    strictness.metric("Tenant", status.strictness.capitalize())


def settings_form(target: Target, status: SandboxStatus) -> None:
    """Fault mode, latency, the bad-login answer and strictness, applied in one click."""
    _show_current(status)
    with st.form("sandbox.knobs", border=True):
        st.markdown("**How it answers**")
        mode, times = st.columns([3, 1])
        mode.selectbox("Fault", list(FAULTS), format_func=FAULTS.get, key="sandbox.mode")
        times.number_input(
            "For the next … requests",
            min_value=0,
            step=1,
            key="sandbox.times",
            help="0: every request until it is set back. The count goes down with each request it hits.",
        )
        latency, slow = st.columns(2)
        latency.number_input(
            "Added latency (ms), every request", 0, 60_000, step=50, key="sandbox.latency_ms"
        )
        slow.number_input(
            "A slow answer comes after (s)",
            0.0,
            600.0,
            step=5.0,
            key="sandbox.slow_seconds",
            help="For the slow fault: the app gives up after its own timeout (30 s unless configured).",
        )
        st.radio(
            "Wrong or missing login is answered with",
            sorted({*AUTH_ANSWERS, int(status.faults.get("auth_failure_status") or 401)}, reverse=True),
            format_func=lambda status: AUTH_ANSWERS.get(status, f"HTTP {status} (set outside this page)"),
            key="sandbox.auth_failure_status",
            horizontal=True,
        )
        st.radio("Tenant", list(STRICTNESS), format_func=STRICTNESS.get, key="sandbox.strictness")
        applied = st.form_submit_button("Apply", type="primary")
    if applied:
        _apply(target.control)
    notice = st.session_state.pop("sandbox.notice", None)
    if notice:
        (st.success if notice[0] == "ok" else st.error)(notice[1])


def orders(target: Target) -> None:
    """What it keeps, newest first, whoever sent it: the app, curl or a script."""
    try:
        kept = target.control.orders()
    except ControlError as exc:
        st.error(md(exc), icon=":material/error:")
        return
    heading, refresh = st.columns([4, 1], vertical_alignment="bottom")
    heading.subheader(f"Orders it keeps ({len(kept)})", anchor=False)
    refresh.button("Refresh", key="sandbox.refresh", icon=":material/refresh:")
    if not kept:
        st.caption("None yet. Send one from the order form, the payload editor, or a terminal (below).")
        return
    rows = [
        {
            "order id": str(order.get("order_id", "")),
            "customer": order.get("customer_name", ""),
            "phone": order.get("phone", ""),
            "email": order.get("email", ""),
            "ERP order id": order.get("erp_order_id", ""),
            "made (tenant time)": order.get("created_at", ""),
            "last changed": order.get("updated_at", ""),
            "sent by": order.get("sent_by", ""),
        }
        for order in reversed(kept[-500:])
    ]
    st.dataframe(rows, hide_index=True, width="stretch")
    if len(kept) > 500:
        st.caption(f"The newest 500 of {len(kept)} are shown.")


def from_a_terminal(target: Target) -> None:
    """A curl command that sends an order to this sandbox: it shows up above."""
    profile = target.profile
    demo = profile.username == DEMO_USERNAME and profile.password == DEMO_PASSWORD and not profile.token
    login = f"-u {DEMO_USERNAME}:{DEMO_PASSWORD}" if demo else '-H "Authorization: Basic $KAPTURE_TOKEN"'
    with st.expander("Send an order from a terminal"):
        st.code(
            f"curl {login} -H 'Content-Type: application/json' \\\n"
            f"  {target.control.base_url}/ms/customer/order/api/v1/add-update \\\n"
            """  -d '{"customer_info": {"customer_name": "Curl Traders", "phone": "9845012345"}}'""",
            language="bash",
        )
        st.caption("Then press Refresh: the order is listed with “curl” as its sender.")


def forget(target: Target) -> None:
    """Forget its orders, requests and faults (ids keep growing), after a tick."""
    with st.expander("Forget its orders"):
        st.caption("Orders, requests and faults are forgotten; ids keep growing, so none is given twice.")
        sure = st.checkbox("Yes, forget every order it keeps", key="sandbox.forget_sure")
        if st.button("Forget", key="sandbox.forget", disabled=not sure):
            try:
                target.control.reset()
            except ControlError as exc:
                st.error(md(exc))
                return
            st.session_state.pop("sandbox.synced", None)
            st.rerun()


def how_to_connect() -> None:
    """How to run a sandbox apart and point the app at it."""
    with st.expander("Use a sandbox started apart"):
        st.markdown(
            f"Start one in a terminal (port {DEFAULT_PORT}, orders kept in `data/sandbox.db`), then "
            "start the app pointed at it with the sandbox's demo login:"
        )
        st.code(
            ".venv/bin/python -m sandbox                      # --strict, --fault slow, --help\n"
            f"KAPTURE_BASE_URL=http://127.0.0.1:{DEFAULT_PORT} KAPTURE_USERNAME={DEMO_USERNAME} "
            f"KAPTURE_PASSWORD={DEMO_PASSWORD} .venv/bin/streamlit run app.py",
            language="bash",
        )
        st.caption(
            f"The built-in sandbox listens on {PORT_VARIABLE} (default {DEFAULT_PORT}, or a free port when "
            f"that is taken) and keeps its orders in {STATE_VARIABLE} (default data/sandbox.db; "
            "“memory”: nowhere)."
        )


def status_of(target: Target) -> SandboxStatus | None:
    """The sandbox's state, or None with the reason on the page."""
    try:
        return target.control.status()
    except ControlError as exc:
        st.error(md(exc), icon=":material/error:")
        return None


def _current(status: SandboxStatus) -> dict[str, object]:
    faults = status.faults
    return {
        "mode": faults.get("mode", "none"),
        "times": faults.get("times") or 0,
        "latency_ms": int(faults.get("latency_ms") or 0),
        "slow_seconds": float(faults.get("slow_seconds") or 0.0),
        "auth_failure_status": faults.get("auth_failure_status", 401),
        "strictness": status.strictness,
    }


def _show_current(status: SandboxStatus) -> None:
    # The form shows the sandbox as it is now: set here, with curl, or by its command line. It is
    # refilled only when the sandbox changed, so a half-filled form survives a rerun.
    state = st.session_state
    current = _current(status)
    if state.get("sandbox.synced") != current:
        for knob in _KNOBS:
            state[f"sandbox.{knob}"] = current[knob]
        state["sandbox.synced"] = current


def _apply(control: SandboxControl) -> None:
    state = st.session_state
    knobs = {knob: state.get(f"sandbox.{knob}") for knob in _KNOBS}
    try:
        control.set_faults(
            mode=knobs["mode"],
            times=int(knobs["times"] or 0) or None,
            latency_ms=int(knobs["latency_ms"] or 0),
            slow_seconds=float(knobs["slow_seconds"] or 0),
            auth_failure_status=int(knobs["auth_failure_status"] or 401),
        )
        control.set_strictness(str(knobs["strictness"]))
    except ControlError as exc:
        state["sandbox.notice"] = ("error", md(exc))
        return
    state["sandbox.notice"] = ("ok", "Applied: the next request is answered this way.")
    state.pop("sandbox.synced", None)
    st.rerun()
