"""The flow both order pages share: draw the form, submit once per click, show the answer."""

from __future__ import annotations

import contextlib
import json

import streamlit as st

from services import drafts
from services.drafts import Draft, problems, to_payload
from services.outcomes import meaning
from services.payloads import pretty
from services.settings import Profile, SettingsError
from services.submit import Context, Submitted
from ui import desk, once, order_form, resources, result_card, widgets
from ui.text import md
from ui.widgets import SEND_BLOCKERS, nothing_sent, operator_named

EDITOR_NOTICE = "editor.notice"  # (markdown, the editor text it explains): shown while the text is unchanged


def run(ns: str, *, updating: bool) -> None:
    """The form, its submit button and the last answer, for the page namespace ``ns``."""
    state = st.session_state
    widgets.destination(_profile())
    region = _phone_region()
    if (restored := desk.restore(ns)) is not None:  # a refresh or a restart: the form as it was
        order_form.load(ns, restored)
    _recover(ns)
    attempted = state.get(f"{ns}.attempted", False)
    draft = order_form.read(ns)
    shown = problems(draft, update=updating, region=region) if attempted else {}
    draft = order_form.render(ns, shown, for_update=updating, region=region)

    # Asked for by a click (the button's callback) or by a deliberate "send again"; sent in this
    # run, after the button is drawn inactive with "Sending…", so the page says so at once.
    asked = state.pop(f"{ns}.asked", False)
    resend = state.pop(f"{ns}.resend", False)
    # After an order went through, Submit again makes a second order: asked first, naming it.
    taken = _taken(ns) if not updating else None
    if asked and taken and not state.pop(f"{ns}.second_confirmed", False):
        asked, state[f"{ns}.ask_second"] = False, taken
    widgets.sender(ns)
    sending = (asked or resend) and widgets.operator() != ""
    label = "Update order" if updating else "Submit order"
    st.button(
        "Sending to Kapture…" if sending else label,
        type="primary",
        key=f"{ns}.submit",
        icon=":material/hourglass_top:" if sending else ":material/send:",
        disabled=sending,
        on_click=_ask,
        args=(ns,),
    )
    if state.get(f"{ns}.ask_second") and not (asked or resend):
        _ask_second(ns, state[f"{ns}.ask_second"])
    if (asked or resend) and operator_named(above=True):
        state.pop(f"{ns}.ask_second", None)
        state[f"{ns}.attempted"] = True
        with st.spinner("Sending to Kapture… the answer usually comes within a second."):
            _submit(ns, draft, updating=updating, confirm=resend, region=region)
        _answered(ns, state.get(f"{ns}.last"))
        st.rerun()  # draw the answer, the form (with any problem under its field) and Submit again

    if blocked := state.pop(f"{ns}.blocked", None):
        nothing_sent(blocked)
    last: Submitted | None = state.get(f"{ns}.last")
    if last is not None:
        result_card.show(last, updating=updating, on_resend=lambda: _ask_resend(ns))
        if last.submission is not None and last.submission.outcome == "success" and not updating:
            _next_steps(ns, last)
    _for_qa(ns, draft, updating=updating, region=region)
    desk.keep(ns, draft)


def _answered(ns: str, done: Submitted | None) -> None:
    row = done.submission if done is not None else None
    if row is not None and meaning(row.outcome, row.http_status).may_have_created:
        desk.sent(ns, order_form.read(ns))  # a refresh must not bring back an order that may exist already
    once.sent(ns)
    desk.answered(ns)


def _recover(ns: str) -> None:
    """A send whose run was cut short (the person typed or clicked while it went): its answer."""
    state = st.session_state
    token = once.cut_short(ns)
    refreshed = not token and (token := desk.sent_before_refresh(ns)) is not None
    if not token:
        return
    # A page refreshed while its order was on its way: the answer, not silence (it may take a while).
    finding = "Finding the answer to the order sent before the page was reloaded…"
    try:
        with st.spinner(finding) if refreshed else contextlib.nullcontext():
            done = resources.submitter().answer_of(token)
    except SEND_BLOCKERS:
        return
    if done is not None:
        state[f"{ns}.last"] = done
        state[f"{ns}.attempted"] = True
    _answered(ns, done)


def _taken(ns: str) -> str:
    """The order id Kapture gave this form's last send, if it went through ("" otherwise)."""
    last: Submitted | None = st.session_state.get(f"{ns}.last")
    row = last.submission if last is not None else None
    return row.order_id if row is not None and row.outcome == "success" else ""


def _ask_second(ns: str, order_id: str) -> None:
    st.warning(
        f"**Kapture already took this form's order as order {md(order_id)}.** Submitting again makes "
        "a second, new order. To change that order instead, use **Update this order**.",
        icon=":material/content_copy:",
    )
    second, update, _ = st.columns([1, 1, 2])
    second.button("Make a second order", key=f"{ns}.second", on_click=_confirm_second, args=(ns,))
    if update.button("Update this order", key=f"{ns}.second_update", icon=":material/edit:", type="primary"):
        st.session_state["update.open_order_id"] = order_id
        st.switch_page("views/update_order.py")


def _confirm_second(ns: str) -> None:
    state = st.session_state
    state.pop(f"{ns}.ask_second", None)
    last: Submitted | None = state.get(f"{ns}.last")
    once.again(ns, last.submission.id if last and last.submission else None)  # a new act, on purpose
    state[f"{ns}.second_confirmed"] = True
    state[f"{ns}.asked"] = True


def _ask(ns: str) -> None:
    st.session_state[f"{ns}.asked"] = True


def _for_qa(ns: str, draft: Draft, *, updating: bool, region: str | None) -> None:
    # A technical way out, kept below the form and out of staff's way.
    with st.expander("For QA: this order as JSON", icon=":material/data_object:"):
        st.caption("Open exactly what Submit would send in the payload editor, to change or test it.")
        if st.button("Open in payload editor", key=f"{ns}.to_editor"):
            payload = to_payload(draft, update=updating, region=region)
            st.session_state["editor.text"] = pretty(payload.to_payload())
            st.switch_page("views/payload_editor.py")


def _profile() -> Profile | None:
    try:
        return resources.active_profile()
    except SettingsError:  # the sidebar says what is wrong
        return None


def _phone_region() -> str | None:
    try:
        return resources.settings().phone_region
    except SettingsError:  # the sidebar says what is wrong; phones are then checked as typed
        return None


def open_order(order_id: str) -> None:
    """Load an order into the update form: as last sent from here, or blank with its id.

    An order last sent as a payload the form cannot hold (a suite's negatives send a phone as a
    number, ``"true"`` as text) opens in the payload editor instead, saying why.
    """
    order_id = order_id.strip()
    last = drafts.last_sent(resources.journal(), order_id)
    if last.update_text:
        _open_in_editor(order_id, last.update_text)
        return
    draft = last.draft or Draft(order_id=order_id)
    _load_update(draft, known=last.known)


def open_draft_for_update(draft: Draft) -> None:
    """Load an update payload from the editor into the update form (call before it is drawn)."""
    _load_update(draft, known=True)
    st.session_state["update.lookup"] = draft.order_id


def _open_in_editor(order_id: str, sent: str) -> None:
    state = st.session_state
    state["editor.text"] = sent
    state.pop("editor.last", None)
    state[EDITOR_NOTICE] = (
        f"Order {md(order_id)} was last sent with values the order form cannot show (for example a "
        "phone written as a number, or true written as text), so it is open here instead, as an update "
        "of that order. Change what should change, then press **Send to Kapture**.",
        sent,
    )
    st.switch_page("views/payload_editor.py")


def _load_update(draft: Draft, *, known: bool) -> None:
    order_form.load("update", draft)
    once.fresh("update")
    state = st.session_state
    state["update.attempted"] = False
    state.pop("update.last", None)
    state["update.known"] = known
    state["update.opened"] = draft.order_id
    state.pop("update.restored", None)


def _submit(ns: str, draft: Draft, *, updating: bool, confirm: bool, region: str | None) -> None:
    state = st.session_state
    operator = widgets.operator()
    payload = to_payload(draft, update=updating, region=region)
    token = once.token(ns, json.dumps(payload.to_payload(), sort_keys=True))
    # Written before sending: if the person touches anything while it goes, Streamlit ends this
    # run before the answer is stored, and the next run reads it back from the journal (_recover).
    once.sending(ns, token)
    desk.sending(ns, token)  # and for a refresh, which starts a new session
    try:
        state[f"{ns}.last"] = resources.submitter().submit(
            payload,
            operation="update" if updating else "add",
            context=Context(source="form", operator=operator),
            token=token,
            confirm_duplicate=confirm,
        )
    except SEND_BLOCKERS as exc:
        state.pop(f"{ns}.last", None)
        once.sent(ns)
        desk.answered(ns)
        state[f"{ns}.blocked"] = exc  # said under Submit once the page is drawn again


def _ask_resend(ns: str) -> None:
    # A deliberate second send after the answer on screen: past the duplicate guard, once.
    last: Submitted | None = st.session_state.get(f"{ns}.last")
    shown = last.submission or last.earlier if last else None
    once.again(ns, shown.id if shown else None)
    st.session_state[f"{ns}.resend"] = True


def _next_steps(ns: str, last: Submitted) -> None:
    update_col, another_col, _ = st.columns([1, 1, 3])
    if update_col.button("Update this order", key=f"{ns}.go_update", icon=":material/edit:"):
        st.session_state["update.open_order_id"] = last.submission.order_id
        st.switch_page("views/update_order.py")
    another_col.button("Enter another order", key=f"{ns}.another", on_click=_clear, args=(ns,))


def _clear(ns: str) -> None:
    order_form.load(ns, Draft())
    once.fresh(ns)
    state = st.session_state
    state.pop(f"{ns}.ask_second", None)
    state[f"{ns}.attempted"] = False
    state.pop(f"{ns}.last", None)
