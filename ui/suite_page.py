"""Variant suites: a base payload, variants as merge patches, a run with progress, and its results."""

from __future__ import annotations

import time
import uuid

import streamlit as st

from sandbox import ControlError, SandboxControl, is_loopback
from services import suites, templates
from services.payloads import parse, pretty
from services.settings import SettingsError
from services.suites import Suite, Variant, VariantResult, generate_negatives
from ui import resources
from ui.text import md, option
from ui.widgets import SEND_BLOCKERS, nothing_sent, operator_named

NEW = "(a new suite)"
EXPECTATIONS = {"success": "success", "failure": "failure", "any": "any outcome"}
STRENGTHS = {
    "strong": "strong: the vendor's pages say so",
    "weak": "weak: the sandbox's choice where the vendor's pages are silent; a real tenant may differ",
    "yours": "yours: set by hand",
    "none": "none: any outcome passes",
}


def picker() -> None:
    """Choose a saved suite to open, or start a new one."""
    journal = resources.journal()
    options = [NEW, *suites.names(journal)]
    choice = st.selectbox("Suite", options, format_func=option, key="suite.pick")
    st.button("Open", key="suite.open", on_click=_open, args=(choice,))
    notice = st.session_state.pop("suite.notice", None)
    if notice:
        st.error(md(notice))


def editor() -> Suite | None:
    """Name, base payload and variants; returns the suite as edited, or None while the base is not JSON."""
    state = st.session_state
    state.setdefault("suite.base", templates.listing(resources.journal())[0].payload)
    state.setdefault("suite.rows", [])
    name, description = st.columns([1, 2])
    name.text_input(
        "Suite name", key="suite.name", persist_state="session", placeholder="e.g. Add order negatives"
    )
    description.text_input("Description", key="suite.description", persist_state="session")
    with st.expander("Base payload", expanded=False):
        use_template, use_editor, _ = st.columns([1, 1, 2])
        use_template.button("Use the vendor example", key="suite.base_vendor", on_click=_base_from_vendor)
        use_editor.button(
            "Use the payload editor's text", key="suite.base_editor", on_click=_base_from_editor
        )
        st.text_area("Base payload (JSON)", key="suite.base", persist_state="session", height=260)
    base, problem = parse(state["suite.base"])
    if problem is not None:
        st.error(f"The base payload is not valid JSON. {md(problem)}", icon=":material/error:")
        return None
    st.subheader("Variants", anchor=False)
    st.caption(
        "Each variant is a JSON Merge Patch (RFC 7396) over the base: keys to change, `null` to remove one."
    )
    variants = [_variant_row(row) for row in state["suite.rows"]]
    add, generate, _ = st.columns([1, 1, 2])
    add.button(
        "Add a variant",
        key="suite.add",
        on_click=_add_rows,
        args=([Variant("new variant", {}, "any")],),
        kwargs={"opened": True},
    )
    generate.button("Generate negatives", key="suite.generate", on_click=_propose, args=(base,))
    _proposals()
    if None in variants:
        st.error("A variant's patch is not valid JSON (marked above): fix it before saving or running.")
        return None
    names = [variant.name.strip() for variant in variants]
    if not all(names) or len(set(names)) < len(names):
        st.error("Every variant needs its own name: fix the blank or repeated ones before saving or running.")
        return None
    return Suite(
        str(state.get("suite.name") or "").strip(), base, variants, str(state.get("suite.description") or "")
    )


def save_bar(suite: Suite | None) -> None:
    """Save the suite (asking before it replaces another of that name), or delete it."""
    state = st.session_state
    journal = resources.journal()
    save, delete, sure, _ = st.columns([1, 1, 2, 1], vertical_alignment="center")
    clicked = save.button("Save suite", key="suite.save", disabled=suite is None)
    name = suite.name if suite is not None else ""
    replacing = clicked and state.get("suite.opened") != name and suites.exists(journal, name)
    if replacing:
        st.warning(
            f"A suite named “{md(name)}” is already saved. Replace it with this one?",
            icon=":material/warning:",
        )
        st.button("Yes, replace it", key="suite.replace")
    if (clicked and not replacing) or state.get("suite.replace"):
        try:
            suites.save(journal, suite)
            state["suite.opened"] = name
            st.success(f"Saved “{md(name)}”.")
        except suites.SuiteError as exc:
            st.error(md(exc))
    saved_name = state.get("suite.opened")
    confirmed = sure.checkbox("Yes, delete it", key="suite.delete_sure", disabled=not saved_name)
    if delete.button("Delete suite", key="suite.delete", disabled=not (saved_name and confirmed)):
        if suites.delete(journal, saved_name):
            st.success(f"Deleted “{md(saved_name)}”.")
        else:
            st.warning(f"There was no saved suite named “{md(saved_name)}”.")
        state.pop("suite.opened", None)


def runner(suite: Suite | None) -> None:
    """Run the suite one variant at a time, with a progress bar; a click on Stop ends the run."""
    state = st.session_state
    # Still set here: the last run did not reach its end, because a click (Stop, or any other)
    # started this run of the page. That click stops it; it never starts a second run.
    interrupted = state.pop("suite.running", None)
    if interrupted:
        done = len(state.get("suite.results", []))
        st.warning(f"The run was stopped after {done} variant(s).", icon=":material/stop_circle:")
    delay, _ = st.columns([1, 3])
    delay.number_input(
        "Pause between variants (seconds)", 0.0, 30.0, 0.0, 0.5, key="suite.delay", persist_state="session"
    )
    run, stop, _ = st.columns([1, 1, 3])
    start = run.button(
        "Run suite",
        type="primary",
        key="suite.run",
        disabled=not suite or not suite.variants or not suite.name,
    )
    stop.button("Stop", key="suite.stop", help="Stops after the variant being sent")
    if suite is not None and not suite.name:
        st.caption("Name the suite to run it.")
    elif suite is not None and not suite.variants:
        st.caption("Add variants (or generate negatives) to run the suite.")
    if start and not interrupted and suite is not None and operator_named():
        _run(suite, float(state.get("suite.delay") or 0))


def results() -> None:
    """The last run's results, and how its answers changed since the run before."""
    state = st.session_state
    rows: list[VariantResult] = state.get("suite.results", [])
    if not rows:
        return
    passed = sum(result.passed for result in rows)
    st.subheader(f"Results: {passed} of {len(rows)} passed", anchor=False)
    st.caption(_by_strength(rows))
    st.dataframe(
        [
            {
                "variant": r.variant.name,
                "expected": r.variant.expected,
                "expectation": r.variant.strength,
                "actual": r.submission.outcome,
                "result": "pass" if r.passed else "FAIL",
                "order id": r.submission.order_id,
                "message": r.submission.message or r.submission.error,
                "time (ms)": round(r.submission.duration_ms or 0),
                "expectation rests on": r.variant.why,
            }
            for r in rows
        ],
        hide_index=True,
        width="stretch",
    )
    _against_previous_run(state["suite.run_id"], state["suite.run_name"])


def _by_strength(rows: list[VariantResult]) -> str:
    """How the strong and the weak expectations fared, so a weak FAIL reads as a finding, not a bug."""
    parts = []
    for strength in STRENGTHS:
        mine = [r for r in rows if r.variant.strength == strength]
        if mine:
            parts.append(f"{strength}: {sum(r.passed for r in mine)} of {len(mine)} passed")
    legend = " · ".join(f"**{words.split(':')[0]}**:{words.split(':', 1)[1]}" for words in STRENGTHS.values())
    return f"By expectation — {'; '.join(parts)}. {legend}."


def _run(suite: Suite, delay: float) -> None:
    state = st.session_state
    run_id = f"suite-{uuid.uuid4().hex[:12]}"
    state["suite.results"], state["suite.run_id"], state["suite.run_name"] = [], run_id, suite.name
    state["suite.running"] = True  # still set on the next run if this one was stopped midway
    progress = st.progress(0.0, text="Starting…")
    operator = str(state.get("operator") or "").strip()
    try:
        submitter = resources.submitter()
        for number, variant in enumerate(suite.variants, start=1):
            state["suite.results"].append(
                suites.run_variant(submitter, suite, variant, run_id, operator=operator)
            )
            progress.progress(
                number / len(suite.variants),
                text=f"{number} of {len(suite.variants)}: {md(variant.name, limit=100)}",
            )
            if delay and number < len(suite.variants):
                time.sleep(delay)
    except SEND_BLOCKERS as exc:  # the run stops where it is; what was sent is in the results
        nothing_sent(exc)
    state.pop("suite.running", None)
    progress.empty()


def _against_previous_run(run_id: str, suite_name: str) -> None:
    journal = resources.journal()
    previous = suites.previous_run(journal, suite_name, run_id)
    if previous is None:
        st.caption("This is the suite's first run: nothing to compare with yet.")
        return
    before, after = suites.answers_of_run(journal, previous), suites.answers_of_run(journal, run_id)
    ignore = st.checkbox("Ignore ids and timestamps", value=True, key="suite.ignore_volatile")
    lines = []
    for variant, now in after.items():
        then = before.get(variant)
        if then is None:
            lines.append({"variant": variant, "before": "—", "now": now.outcome, "changes": "new variant"})
            continue
        changes = suites.changes_between(then, now, ignore_volatile=ignore)
        described = "; ".join(f"{c.kind} {c.path}" for c in changes[:5]) + (" …" if len(changes) > 5 else "")
        lines.append(
            {"variant": variant, "before": then.outcome, "now": now.outcome, "changes": described or "none"}
        )
    with st.expander("Compared with the previous run", expanded=True):
        st.dataframe(lines, hide_index=True, width="stretch")


def _variant_row(row: str) -> Variant | None:
    state = st.session_state
    name_now = state.get(f"suite.{row}.name") or ""
    expected_now = state.get(f"suite.{row}.expected")
    expecting = EXPECTATIONS.get(expected_now, "?")
    strength = _row_variant(row, {}).strength if expected_now in EXPECTATIONS else "none"
    shown = f" ({strength})" if strength in ("strong", "weak") else ""
    title = f"{md(name_now, limit=100) or 'unnamed variant'} — expect {expecting}{shown}"
    # A stable key and a fixed `expanded`: renaming the variant changes the title, and must neither
    # collapse the panel nor hide the patch box being written (rows QA add open, generated ones not).
    opened = row in state.get("suite.open_rows", ())
    with st.expander(title, expanded=opened, key=f"suite.{row}.panel"):
        name, expected, remove = st.columns([3, 2, 1], vertical_alignment="bottom")
        name.text_input("Variant", key=f"suite.{row}.name", persist_state="session")
        expected.selectbox(
            "Expected",
            list(EXPECTATIONS),
            format_func=EXPECTATIONS.get,
            key=f"suite.{row}.expected",
            persist_state="session",
        )
        remove.button("Remove", key=f"suite.{row}.remove", on_click=_remove_row, args=(row,))
        st.text_area("Patch (JSON)", key=f"suite.{row}.patch", persist_state="session", height=90)
        grounds = state.get(f"suite.{row}.grounds")
        if grounds and grounds[0] == expected_now:
            st.caption(f"Expectation {md(strength)}: {md(grounds[2])}.")
    patch, problem = parse(state[f"suite.{row}.patch"])
    if problem is not None:
        st.error(f"“{md(state[f'suite.{row}.name'])}”: the patch is not valid JSON. {md(problem)}")
        return None
    return _row_variant(row, patch)


def _row_variant(row: str, patch: object) -> Variant:
    """The row's variant; a generated expectation keeps its grounds until QA change it (then it is theirs)."""
    state = st.session_state
    expected = state[f"suite.{row}.expected"]
    grounds = state.get(f"suite.{row}.grounds")
    if grounds and grounds[0] == expected:
        return Variant(state[f"suite.{row}.name"], patch, expected, grounds[1], grounds[2])
    return Variant(state[f"suite.{row}.name"], patch, expected)


def _proposals() -> None:
    state = st.session_state
    proposals: list[Variant] = state.get("suite.proposals", [])
    if not proposals:
        return
    with st.container(border=True):
        st.markdown(f"**{len(proposals)} proposed variants** — untick the ones you do not want.")
        tenant = state.get("suite.proposals_for", "lenient")
        st.caption(
            f"Each expects what a {md(tenant)} tenant answers ({md(_tenant_source())}). **Strong** "
            "expectations rest on the vendor's pages; **weak** ones on the sandbox's choices where the "
            "pages are silent (hover for why)."
        )
        for index, variant in enumerate(proposals):
            st.checkbox(
                f"{md(variant.name)} — expect {EXPECTATIONS[variant.expected]} ({variant.strength})",
                value=True,
                key=f"suite.proposal.{index}",
                help=md(variant.why),
            )
        keep, drop, _ = st.columns([1, 1, 3])
        keep.button("Add the ticked ones", key="suite.keep", on_click=_keep_proposals, type="primary")
        drop.button("Discard", key="suite.discard", on_click=lambda: state.pop("suite.proposals", None))


def _open(choice: str) -> None:
    state = st.session_state
    try:
        suite = None if choice == NEW else suites.load(resources.journal(), choice)
    except suites.SuiteError as exc:  # deleted meanwhile: say so, keep what is on screen
        state["suite.notice"] = str(exc)
        return
    for key in [k for k in state if str(k).startswith("suite.") and k not in ("suite.pick",)]:
        del state[key]
    if suite is None:
        return
    state["suite.opened"] = suite.name
    state["suite.name"], state["suite.description"] = suite.name, suite.description
    state["suite.base"] = pretty(suite.base)
    state["suite.rows"] = []
    _add_rows(suite.variants)


def _add_rows(variants: list[Variant], *, opened: bool = False) -> None:
    state = st.session_state
    rows = list(state.get("suite.rows", []))
    open_rows = set(state.get("suite.open_rows", ()))
    for variant in variants:
        row = uuid.uuid4().hex[:8]
        state[f"suite.{row}.name"] = variant.name
        state[f"suite.{row}.expected"] = variant.expected
        state[f"suite.{row}.patch"] = pretty(variant.patch)
        if variant.grounds:
            state[f"suite.{row}.grounds"] = (variant.expected, variant.grounds, variant.why)
        if opened:
            open_rows.add(row)
        rows.append(row)
    state["suite.rows"] = rows
    state["suite.open_rows"] = open_rows


def _remove_row(row: str) -> None:
    st.session_state["suite.rows"] = [r for r in st.session_state["suite.rows"] if r != row]


def _propose(base: object) -> None:
    state = st.session_state
    tenant = _tenant_strictness()
    state["suite.proposals_for"] = tenant
    state["suite.proposals"] = generate_negatives(base, strictness=tenant) if isinstance(base, dict) else []


def _tenant_strictness() -> str:
    """How strict the sandbox the app sends to is now; a real tenant is taken as lenient (the default)."""
    try:
        profile = resources.active_profile()
    except SettingsError:
        return "lenient"
    if not (profile.is_sandbox or is_loopback(profile.base_url)):
        return "lenient"
    try:
        return SandboxControl(profile.base_url, timeout=1).status().strictness
    except ControlError:
        return "lenient"


def _tenant_source() -> str:
    try:
        profile = resources.active_profile()
    except SettingsError:
        return "the sandbox's default"
    if profile.is_sandbox or is_loopback(profile.base_url):
        return "the sandbox, as it is set now on the Sandbox page"
    return "the sandbox's default; this Kapture's own strictness is not known"


def _keep_proposals() -> None:
    state = st.session_state
    proposals = state.pop("suite.proposals", [])
    _add_rows([v for index, v in enumerate(proposals) if state.get(f"suite.proposal.{index}", True)])


def _base_from_vendor() -> None:
    st.session_state["suite.base"] = templates.listing(resources.journal())[0].payload


def _base_from_editor() -> None:
    st.session_state["suite.base"] = st.session_state.get("editor.text", st.session_state["suite.base"])
