"""Variant suites: a base payload and variants (merge patches), run one by one, journaled."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from kapture.variants import Variant, merge_patch, verdict
from kapture.variants import generate_negatives as generate_negatives  # for the suite page
from services.compare import Change, compare, parse_or_text
from services.journal import Journal
from services.submit import Context, Submitter
from storage import named, submissions
from storage.entries import Entry
from storage.models import Suite as SuiteRow
from storage.submissions import SubmissionFilter


class SuiteError(ValueError):
    """A suite could not be saved, loaded or deleted; the message says why."""


@dataclass
class Suite:
    """A base payload and the variants to run against it."""

    name: str
    base: Any
    variants: list[Variant] = field(default_factory=list)
    description: str = ""

    def payload_of(self, variant: Variant) -> Any:
        """The payload a variant sends: the base with the variant's patch applied."""
        return merge_patch(self.base, variant.patch)


@dataclass(frozen=True)
class VariantResult:
    """One variant's run: what was expected, what came back, and whether that passes."""

    variant: Variant
    submission: Entry

    @property
    def passed(self) -> bool:
        return verdict(self.variant.expected, self.submission.outcome)


def names(journal: Journal) -> list[str]:
    """The saved suites' names."""
    with journal.sessions() as session:
        return [row.name for row in named.everything(session, SuiteRow)]


def load(journal: Journal, name: str) -> Suite:
    """A saved suite by name."""
    with journal.sessions() as session:
        row = named.find(session, SuiteRow, name)
        if row is None:
            raise SuiteError(f"There is no suite named “{name}”.")
        variants = [Variant.from_dict(item) for item in json.loads(row.variants)]
        return Suite(row.name, json.loads(row.base), variants, row.description)


def save(journal: Journal, suite: Suite) -> None:
    """Save a suite under its name, replacing a saved one of the same name."""
    names = [variant.name.strip() for variant in suite.variants]
    if not all(names):
        raise SuiteError("Every variant needs a name.")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise SuiteError(f"Two variants cannot share a name: {', '.join(repeated)}.")
    fields = {
        "description": suite.description,
        "base": json.dumps(suite.base, ensure_ascii=False),
        "variants": json.dumps([v.to_dict() for v in suite.variants], ensure_ascii=False),
    }
    try:
        with journal.sessions.begin() as session:
            existing = named.find(session, SuiteRow, suite.name)
            if existing is None:
                named.create(session, SuiteRow, name=suite.name, **fields)
            else:
                named.update(session, SuiteRow, existing.id, **fields)
    except ValueError as exc:
        raise SuiteError(str(exc)) from exc


def delete(journal: Journal, name: str) -> bool:
    """Delete a saved suite; False when there was none of that name."""
    with journal.sessions.begin() as session:
        row = named.find(session, SuiteRow, name)
        if row is None:
            return False
        named.delete(session, SuiteRow, row.id)
        return True


def exists(journal: Journal, name: str) -> bool:
    """Whether a suite of this name is saved."""
    with journal.sessions() as session:
        return named.find(session, SuiteRow, name) is not None


def run_variant(
    submitter: Submitter, suite: Suite, variant: Variant, run_id: str, *, operator: str = ""
) -> VariantResult:
    """Send one variant (as raw text, past the duplicate guard: QA repeat on purpose), journaled.

    The token is the run and the variant: within one run a variant is never sent twice.
    """
    body = json.dumps(suite.payload_of(variant), ensure_ascii=False)
    context = Context(
        source="suite", operator=operator, template=suite.name, variant=variant.name, run_id=run_id
    )
    done = submitter.submit_text(
        body,
        context=context,
        token=hashlib.sha256(f"{run_id}|{variant.name}".encode()).hexdigest(),
        confirm_duplicate=True,
    )
    return VariantResult(variant, done.submission)


def previous_run(journal: Journal, suite_name: str, run_id: str) -> str | None:
    """The run of the same suite just before this one, if any."""
    with journal.sessions() as session:
        run_ids = [rid for rid, _ in submissions.runs(session, template=suite_name)]
    later = run_ids.index(run_id) + 1 if run_id in run_ids else 0
    return run_ids[later] if later < len(run_ids) else None


def answers_of_run(journal: Journal, run_id: str) -> dict[str, Entry]:
    """A run's submissions by variant name (the last send of each variant)."""
    with journal.sessions() as session:
        rows = list(submissions.stream(session, SubmissionFilter(run_id=run_id)))
    return {row.variant: row for row in reversed(rows)}


def changes_between(before: Entry, after: Entry, *, ignore_volatile: bool = True) -> list[Change]:
    """How one variant's answer changed from one run to the next."""
    return compare(
        parse_or_text(before.response_body or before.error),
        parse_or_text(after.response_body or after.error),
        ignore_volatile=ignore_volatile,
    )
