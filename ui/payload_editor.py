"""The payload editor's parts: templates, the text, its checks, sending, the answer, snippets.

The text area is the source of truth (``editor.text``); buttons change it in callbacks, before
the widget is drawn again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from services import drafts, templates
from services.outcomes import ALL, meaning
from services.payloads import (
    SNIPPETS,
    SyntaxProblem,
    form_cannot_show,
    lines_of,
    lint,
    minify,
    parse,
    parse_headers,
    pretty,
    strip_comments,
)
from services.settings import SettingsError
from services.submit import Context, Status, Submitted
from ui import duplicate, once, order_form, order_page, resources
from ui.text import QUOTE_LIMIT, code, md, option
from ui.widgets import SEND_BLOCKERS, nothing_sent, operator_named

TEXT = "editor.text"
HEADERS = "editor.headers"
# The text box and its line numbers share one monospace grid: a line of the gutter is a line of
# text only if both use the same font, size and line height, the text never wraps, and the box
# never scrolls inside. Streamlit's height="content" stops growing at 6.5 times the box's first
# height (429 px: about 20 lines) and scrolls past it, which left the numbers behind; with no
# max-height it grows with every line, and the page scrolls both together.
_LINE_PX = 21
_PAD_PX = 8
_EDITOR_CSS = f"""<style>
.st-key-editor-frame {{ gap: 0 !important; align-items: flex-start; }}
.st-key-editor-frame textarea {{
  font-family: "Source Code Pro", ui-monospace, monospace; font-size: 14px;
  line-height: {_LINE_PX}px; padding: {_PAD_PX}px 12px; white-space: pre; overflow-wrap: normal;
  overflow-x: auto; tab-size: 4; max-height: none !important;
}}
.st-key-editor-frame .editor-gutter {{
  margin: 0; padding: {_PAD_PX + 1}px 8px {_PAD_PX + 1}px 4px; min-width: 3.2em; text-align: right;
  font-family: "Source Code Pro", ui-monospace, monospace; font-size: 14px; line-height: {_LINE_PX}px;
  color: rgba(49, 51, 63, 0.45); user-select: none; background: transparent; white-space: pre;
}}
</style>"""


def _badge(outcome: str, http_status: int | None) -> str:
    """The outcome as a coloured badge, worded and judged by ``services.outcomes``."""
    if outcome not in ALL:  # a row from another version of the app: shown as it is
        return md(outcome)
    meant = meaning(outcome, http_status)
    if meant.succeeded:
        colour = "green"
    elif meant.definite_refusal:
        colour = "red"
    elif not meant.was_sent or outcome == "pending":  # nothing happened, or not yet
        colour = "gray"
    else:
        colour = "orange"
    return f":{colour}-badge[{meant.label}]"


def handed_over() -> None:
    """Why the text is here, when another page opened it in the editor; shown until it is edited."""
    state = st.session_state
    notice = state.get(order_page.EDITOR_NOTICE)
    if notice is None:
        return
    words, text = notice
    if state.get(TEXT) != text:
        del state[order_page.EDITOR_NOTICE]
        return
    st.info(words, icon=":material/info:")


def templates_bar() -> None:
    """Pick a template to load; save, rename or delete saved ones."""
    listing = templates.listing(resources.journal())
    by_name = {t.name: t for t in listing}
    state = st.session_state
    state.setdefault(TEXT, by_name[templates.BUILT_IN].payload)
    pick, load = st.columns([4, 1], vertical_alignment="bottom")
    chosen = pick.selectbox(
        "Template", list(by_name), format_func=option, key="editor.template", persist_state="session"
    )
    load.button("Load", key="editor.load", on_click=_set_text, args=(by_name[chosen].payload,))
    if by_name[chosen].description:
        st.caption(md(by_name[chosen].description))
    with st.expander("Save, rename or delete templates"):
        name, description = st.columns([1, 2])
        name.text_input("Name", key="editor.save_name", placeholder="e.g. Smoke order")
        description.text_input("Description", key="editor.save_description")
        save, rename, delete, _ = st.columns([1, 1, 1, 2])
        template = by_name[chosen]
        save.button("Save", key="editor.save", on_click=_save, help="Save the text below under the name")
        rename.button("Rename selected", key="editor.rename", on_click=_rename, args=(template,))
        delete.button("Delete selected", key="editor.delete", on_click=_delete, args=(template,))
        notice = state.pop("editor.template_notice", None)
        if notice:
            (st.error if notice[0] == "error" else st.success)(notice[1])


def toolbar() -> None:
    """Format, minify, remove comments, and open the payload in the order form."""
    value, problem = parse(st.session_state.get(TEXT, ""))
    columns = st.columns(4)
    columns[0].button(
        "Format", key="editor.format", on_click=_reformat, args=(pretty,), disabled=problem is not None
    )
    columns[1].button(
        "Minify", key="editor.minify", on_click=_reformat, args=(minify,), disabled=problem is not None
    )
    columns[2].button("Remove comments", key="editor.strip", on_click=_strip)
    if columns[3].button("Open in order form", key="editor.to_form", disabled=problem is not None):
        draft = drafts.from_payload(value) if isinstance(value, dict) else None
        if draft is None:
            _form_cannot_show(value)
        elif value.get("order_info", {}).get("update") is True and draft.order_id:
            order_page.open_draft_for_update(draft)  # an update stays an update
            st.switch_page("views/update_order.py")
        else:
            order_form.load("order", draft)
            st.switch_page("views/new_order.py")


def _form_cannot_show(value: Any) -> None:
    fields = form_cannot_show(value)
    lines = lines_of(st.session_state.get(TEXT, ""), fields)
    shown = [f"{code(path)} (line {lines[path]})" if path in lines else code(path) for path in fields[:12]]
    if len(fields) > 12:
        shown.append(f"{len(fields) - 12} more")
    named = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
    st.warning(
        f"The order form has no place for {named}, so the payload stays here. Remove "
        f"{'it' if len(fields) == 1 else 'them'} (or give them values the form can hold) to open it there.",
        icon=":material/info:",
    )


def text_box() -> str:
    """The JSON text, the source of truth, with line numbers beside it."""
    text = str(st.session_state.get(TEXT, ""))
    st.html(_EDITOR_CSS)
    st.markdown("**Payload (JSON)**")
    with st.container(horizontal=True, key="editor.frame"):
        # Digits and <br> only: no outside text, and no line break a markdown surface could misread.
        numbers = "<br>".join(str(n) for n in range(1, text.count("\n") + 2))
        st.html(f'<div class="editor-gutter" aria-hidden="true">{numbers}</div>', width="content")
        return st.text_area(
            "Payload (JSON)",
            key=TEXT,
            height="content",
            persist_state="session",
            label_visibility="collapsed",
        )


def checks(text: str) -> tuple[Any, SyntaxProblem | None]:
    """Syntax problems stop sending (with line, column and a caret); field warnings do not."""
    value, problem = parse(text)
    if problem is not None:
        st.error(f"**This is not valid JSON.** {md(problem)}", icon=":material/error:")
        st.code(problem.pointer(), language=None)
        return None, problem
    findings = lint(value)
    if not findings:
        st.success("Valid JSON, and every field is as documented.", icon=":material/check:")
    else:
        lines = lines_of(text, [finding.path for finding in findings])
        with st.expander(
            f"{len(findings)} warning(s) — sending is still allowed", expanded=len(findings) <= 5
        ):
            for finding in findings:
                where = f"**Line {lines[finding.path]}** · " if finding.path in lines else ""
                st.markdown(f"- {where}{_finding(finding.message)}")
    return value, None


def _finding(message: str) -> str:
    """A lint message as markdown: its `field` names in monospace, every character as written.

    kapture's messages mark field names with backticks; the names come from the payload (outside
    text), so each piece still goes through ``code`` or ``md``: nothing in it can become markup.
    """
    pieces = message.split("`")
    if len(pieces) % 2 == 0:  # a backtick without its pair (a field name holding one): all as written
        return md(message)
    # A field named "" still shows where its name would be.
    return "".join((code(piece) or md('""')) if n % 2 else _spaced(piece) for n, piece in enumerate(pieces))


def _spaced(text: str) -> str:
    # md() trims its text; the spaces around a field name are part of the sentence.
    core = text.strip()
    if not core:
        return " " if text else ""
    return text[: len(text) - len(text.lstrip())] + md(core) + text[len(text.rstrip()) :]


def headers_box() -> tuple[dict[str, str], bool]:
    """Extra request headers for testing; Authorization is never shown nor typed. (headers, all fine)."""
    with st.expander("Request headers", expanded=bool(st.session_state.get(HEADERS, "").strip())):
        st.caption(
            "Always sent: `Content-Type: application/json` and `Authorization` from the connection's login "
            "(never shown). Add headers to test how Kapture answers them, one per line as `Name: value`. "
            "They go with each send from here and into the code below, but the submission log does not "
            "keep them: it keeps the body and Kapture's answer."
        )
        st.text_area(
            "Extra headers",
            key=HEADERS,
            height=90,
            placeholder="e.g. X-Request-Id: qa-42",
            persist_state="session",
        )
    headers, problems = parse_headers(str(st.session_state.get(HEADERS, "")))
    for problem in problems:
        st.error(f"Request headers: {md(problem)}", icon=":material/error:")
    return headers, not problems


def send_bar(text: str, problem: SyntaxProblem | None, headers: dict[str, str] | None = None) -> None:
    """Send the text exactly as written; invalid JSON only with the explicit raw opt-in.

    ``headers`` None means the typed headers are wrong (said above them): nothing can be sent.
    """
    state = st.session_state
    raw = False
    if problem is not None:
        raw = st.checkbox(
            "Send as raw text anyway (Kapture will receive exactly these bytes)", key="editor.raw"
        )
    clicked = st.button(
        "Send to Kapture",
        type="primary",
        key="editor.send",
        icon=":material/send:",
        disabled=(problem is not None and not raw) or headers is None,
    )
    confirm = state.pop("editor.confirm", False)
    if (clicked or confirm) and headers is not None and operator_named():
        _send(text, confirm=confirm, headers=headers)


def answer() -> None:
    """The last answer: outcome, status, time, ids, body pretty and raw, headers."""
    _recover()
    last: Submitted | None = st.session_state.get("editor.last")
    if last is None:
        return
    if last.status is Status.DUPLICATE and last.earlier is not None:
        duplicate.warn(last.earlier, key="editor.send_again", on_confirm=_confirm)
        return
    if last.status is Status.REPEAT:
        st.caption("Already sent: this is its answer. To send the same text again, use “Send again”.")
    row = last.submission
    st.subheader("Answer", anchor=False)
    status = f"HTTP {row.http_status}" if row.http_status else "no HTTP answer"
    took = f"{row.duration_ms:.0f} ms" if row.duration_ms is not None else ""
    st.markdown(f"{_badge(row.outcome, row.http_status)} · {status} · {took} · journal entry #{row.id}")
    if row.message:
        st.markdown(f"Kapture said: “{md(row.message, limit=QUOTE_LIMIT)}”")
    if row.error:
        st.markdown(f"Detail: {md(row.error, limit=QUOTE_LIMIT)}")
    ids = {
        k: getattr(row, k) for k in ("order_id", "customer_id", "enquiry_id", "contact_id") if getattr(row, k)
    }
    if ids:
        st.markdown(" · ".join(f"{key.replace('_', ' ')} {code(value)}" for key, value in ids.items()))
    pretty_tab, raw_tab, headers_tab = st.tabs(["Body", "Raw", "Headers"])
    value, problem = parse(row.response_body)
    with pretty_tab:
        if row.response_body and problem is None:
            st.json(value)
        else:
            st.code(row.response_body or "(empty)", language=None)
    raw_tab.code(row.response_body or "(empty)", language=None)
    with headers_tab:
        headers = last.result.response_headers if last.result else {}
        st.code("\n".join(f"{k}: {v}" for k, v in headers.items()) or "(none)", language=None)
    _send_again(row)


def _send_again(row: Any) -> None:
    """Send the text once more; if the entry went through (or may have), ask first, naming the order."""
    state = st.session_state
    meant = meaning(row.outcome, row.http_status)
    if not meant.may_have_created:  # refused or never sent: sending again cannot make a second order
        st.button(
            "Send again",
            key="editor.resend",
            on_click=_confirm,
            help="Send the same text once more, on purpose",
        )
        return
    st.button("Send again", key="editor.resend", on_click=_ask_again, args=(row.id,))
    if state.get("editor.ask_again") != row.id:
        return
    if meant.succeeded and row.order_id:
        made = f"This payload went through: Kapture made order {code(row.order_id)} (entry #{row.id})."
    elif meant.succeeded:
        made = f"This payload went through (journal entry #{row.id})."
    else:
        made = f"Kapture may have made an order from this payload (entry #{row.id}): check the log first."
    st.warning(
        f"{made} Sending it again repeats it: Kapture may make a second order. Send it again?",
        icon=":material/warning:",
    )
    yes, no, _ = st.columns([1, 1, 3])
    yes.button("Yes, send it again", key="editor.again_yes", type="primary", on_click=_confirm)
    no.button("Cancel", key="editor.again_no", on_click=lambda: state.pop("editor.ask_again", None))


def _ask_again(entry_id: int) -> None:
    st.session_state["editor.ask_again"] = entry_id


def code_snippets(text: str) -> None:
    """curl, Python and Node code sending this payload to this Kapture; credential as placeholder."""
    try:
        base_url = resources.active_profile().base_url
    except SettingsError:
        return
    # The extra headers typed above, as they would be sent (a line with a problem is left out).
    headers, problems = parse_headers(str(st.session_state.get(HEADERS, "")))
    with st.expander("Code that sends this payload (curl, Python, Node)"):
        st.caption(
            "The credential is a placeholder: set KAPTURE_TOKEN to base64 of username:password."
            + (" The extra request headers typed above are included." if headers else "")
            + (" Header lines with a problem are left out." if problems else "")
        )
        makers = SNIPPETS
        for tab, (name, make) in zip(st.tabs(list(makers)), makers.items(), strict=True):
            tab.code(
                make(base_url, text, headers=headers),
                language={"curl": "bash", "Python": "python", "Node": "javascript"}[name],
            )


def _recover() -> None:
    # Streamlit ends a run to start the next when the person touches anything: a send cut short
    # that way has its answer in the journal, under its token.
    if (done := once.recovered("editor")) is not None:
        st.session_state["editor.last"] = done


def _send(text: str, *, confirm: bool, headers: dict[str, str] | None = None) -> None:
    state = st.session_state
    operator = str(state.get("operator") or "").strip()
    state.pop(order_page.EDITOR_NOTICE, None)  # it said what to do next: done
    state.pop("editor.ask_again", None)
    context = Context(source="editor", operator=operator, template=str(state.get("editor.template") or ""))
    # The headers are part of what is sent: the same text with other headers is another send.
    content = text + "".join(f"\n{name}: {value}" for name, value in (headers or {}).items())
    token = once.token("editor", content)
    once.sending("editor", token)  # read back by answer() if this run is cut short while it goes
    try:
        state["editor.last"] = resources.submitter().submit_text(
            text, context=context, token=token, confirm_duplicate=confirm, headers=headers
        )
    except SEND_BLOCKERS as exc:
        nothing_sent(exc)
    once.sent("editor")


def _confirm() -> None:
    # Once more after the answer on screen: a second click on the same button is the same send.
    st.session_state.pop("editor.ask_again", None)
    last: Submitted | None = st.session_state.get("editor.last")
    shown = (last.submission or last.earlier) if last else None
    once.again("editor", shown.id if shown else None)
    st.session_state["editor.confirm"] = True


def _set_text(text: str) -> None:
    st.session_state[TEXT] = text
    st.session_state.pop("editor.last", None)


def _reformat(how) -> None:  # type: ignore[no-untyped-def]
    value, problem = parse(st.session_state.get(TEXT, ""))
    if problem is None:
        st.session_state[TEXT] = how(value)


def _strip() -> None:
    st.session_state[TEXT] = strip_comments(st.session_state.get(TEXT, ""))


def _save() -> None:
    state = st.session_state
    _template_change(
        lambda: templates.save(
            resources.journal(), state.get("editor.save_name", ""), state.get(TEXT, ""),
            state.get("editor.save_description", ""),
        ).name,
        lambda name: f"Saved as “{md(name)}”.",
    )  # fmt: skip


def _rename(template: templates.TemplateView) -> None:
    new_name = st.session_state.get("editor.save_name", "")
    _template_change(
        lambda: templates.rename(resources.journal(), template, new_name).name,
        lambda name: f"Renamed to “{md(name)}”.",
    )


def _delete(template: templates.TemplateView) -> None:
    def delete() -> str:
        templates.delete(resources.journal(), template)
        return templates.BUILT_IN

    _template_change(delete, lambda _: f"Deleted “{md(template.name)}”.")


def _template_change(change: Callable[[], str], done: Callable[[str], str]) -> None:
    """Run a template change; select the template it leaves selected, and say how it went.

    ``done`` words the outcome from the selected name (a function, not a format string: a name
    may hold ``{`` and ``}``).
    """
    state = st.session_state
    try:
        selected = change()
    except templates.TemplateError as exc:
        state["editor.template_notice"] = ("error", md(exc))
        return
    state["editor.template"] = selected
    state["editor.template_notice"] = ("ok", done(selected))
