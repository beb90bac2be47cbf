"""The state that decides who gets what, recorded in the log and recomputed from it.

A signed log proves only what it holds. A partner's age recipient changed in the database, a
pending release cancelled, a planned patch date moved or a sealed bundle swapped with its hash
change who receives what without touching a leaf. So every use case that changes such state
writes a leaf, and `append_audit_many` puts into that leaf the entities' new state as the
database then holds it (`payload["state"]`: section → key → view, `None` once gone), read by
`forewarn.store.state_repo` — the one definition of the views. The `genesis` leaf holds the
whole state where recording began; a `program-import` leaf the state a program file made.

`replay_state` folds the log from its genesis leaf onward; `differences` compares the result
with the database now: every entity whose row differs from what the log last recorded is one
`StateDifference`, and `audit verify` fails on any.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from forewarn.domain import LeafKind, ReleaseState
from forewarn.store.audit_repo import StoredLeaf
from forewarn.store.state_repo import SECTIONS, SecurityStateRepository, State, release_view

STATE_FIELD = "state"
"""Payload field holding the entities a leaf changed, as they were after the change."""

_BY_SUBJECT: dict[LeafKind, str] = {
    LeafKind.PARTNER_ADDED: "partners",
    LeafKind.PARTNER_CHANGE: "partners",
    LeafKind.SUSPENSION: "partners",
    LeafKind.REINSTATEMENT: "partners",
    LeafKind.REMOVAL: "partners",
    LeafKind.RELEASE_CANCELLED: "releases",
    LeafKind.CASE_CREATED: "cases",
    LeafKind.RESCHEDULE: "cases",
    LeafKind.PUBLICATION: "cases",
    LeafKind.ARTIFACT: "artifacts",
}
"""Leaf kinds that change the entity their subject names, and its section."""

WHOLE_STATE_KINDS = frozenset({LeafKind.GENESIS, LeafKind.PROGRAM_IMPORT})
"""Leaf kinds that record every section."""


def touched(kind: LeafKind, subject: str, payload: Mapping[str, Any]) -> dict[str, list[str]]:
    """The entities a leaf of `kind` changed (section → keys); empty for kinds that change none.

    A partner edit that re-sealed bundles changed those releases too; an API token leaf names
    its token, a portal-password leaf its partner's login; a staff leaf its account; a release
    leaf its case's marking (fixed by the case's first release, the same after).
    """
    found: dict[str, list[str]] = {}
    section = _BY_SUBJECT.get(kind)
    if section is not None:
        found[section] = [subject]
    if kind is LeafKind.PARTNER_CHANGE and payload.get("resealed"):
        found["releases"] = [str(r) for r in payload["resealed"]]
    if kind is LeafKind.API_TOKEN and payload.get("token_id"):
        found["api_tokens"] = [str(payload["token_id"])]
    if kind is LeafKind.API_TOKEN and payload.get("credential") == "portal-password":
        found["partner_logins"] = [str(payload["partner"])]
    if kind is LeafKind.STAFF:
        found["staff"] = [subject]
    if kind is LeafKind.RELEASE and payload.get("case"):  # the first one fixes the marking
        found["markings"] = [str(payload["case"])]
    return found


def recorded_state(
    session: Session, kind: LeafKind, subject: str, payload: Mapping[str, Any]
) -> dict[str, dict[str, Any]] | None:
    """What a new leaf records of the state: its touched entities as the database holds them
    now (the whole state for `genesis` and `program-import`), or `None` for kinds that change
    no state (fetches, queries; a release leaf's own payload says the release)."""
    repo = SecurityStateRepository(session)
    if kind in WHOLE_STATE_KINDS:
        return repo.snapshot()
    touches = touched(kind, subject, payload)
    if not touches:
        return None
    session.flush()
    out: dict[str, dict[str, Any]] = {}
    for section, keys in touches.items():
        found = repo.section(section, keys)
        out[section] = {key: found.get(key) for key in keys}
    return out


def state_sha256(state: Mapping[str, Any]) -> str:
    """The hash a genesis leaf commits to: SHA-256 of the state's canonical JSON."""
    text = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class StateDifference:
    """One entity whose row differs from what the log last recorded of it."""

    section: str
    """`partners`, `cases`, `releases`, … (`forewarn.store.state_repo.SECTIONS`)."""
    key: str
    """The entity: a partner name, a case id, a release id, a token id."""
    logged: Any
    """Its view as the log has it (`None`: the log knows no such entity)."""
    database: Any
    """Its view as the database has it (`None`: no such row)."""
    leaf: int | None
    """The leaf that last recorded it, if any."""

    def describe(self) -> str:
        """One line for people."""
        if self.logged is None:
            return f"{self.section} {self.key}: in the database, never in the log"
        if self.database is None:
            return f"{self.section} {self.key}: in the log (leaf {self.leaf}), not in the database"
        changed = []
        if isinstance(self.logged, dict) and isinstance(self.database, dict):
            changed = sorted(
                k
                for k in set(self.logged) | set(self.database)
                if self.logged.get(k) != self.database.get(k)
            )
        return (
            f"{self.section} {self.key}: {', '.join(changed) or 'value'} differ(s) from leaf "
            f"{self.leaf}"
        )


@dataclass(frozen=True, slots=True)
class ReplayedState:
    """The state folded from the log."""

    genesis: int | None
    """Index of the genesis leaf; `None` when the log has none (then nothing is compared)."""
    state: State
    """Section → key → view."""
    sources: dict[tuple[str, str], int]
    """Which leaf last recorded each entity."""
    whole: frozenset[str] = frozenset(SECTIONS)
    """Sections the last whole-state leaf recorded: a row of one of them that the log never
    saw is a difference. A section added to the state later (a log begun before it existed)
    is compared only for the entities a later leaf recorded."""


def replay_state(leaves: Sequence[StoredLeaf]) -> ReplayedState:
    """Fold the log's recorded state from its genesis leaf on."""
    start = next((leaf.index for leaf in leaves if leaf.kind is LeafKind.GENESIS), None)
    state: State = {section: {} for section in SECTIONS}
    sources: dict[tuple[str, str], int] = {}
    if start is None:
        return ReplayedState(None, state, sources)
    whole: frozenset[str] = frozenset()
    for leaf in leaves[start:]:
        payload = json.loads(leaf.payload)
        if leaf.kind is LeafKind.RELEASE:
            _apply(state, sources, leaf.index, {"releases": {leaf.subject: _released(payload)}})
        recorded = payload.get(STATE_FIELD)
        if not isinstance(recorded, dict):
            continue
        if leaf.kind in WHOLE_STATE_KINDS:  # the whole state: what it leaves out is gone
            whole = frozenset(section for section in SECTIONS if section in recorded)
            for section in SECTIONS:
                for key in state[section]:
                    sources[(section, key)] = leaf.index
                state[section] = {}
        _apply(state, sources, leaf.index, recorded)
    return ReplayedState(start, state, sources, whole)


def _released(payload: Mapping[str, Any]) -> dict[str, Any]:
    return release_view(
        ReleaseState.COMPLETE.value,
        str(payload.get("case")),
        str(payload.get("partner")),
        payload.get("manifest_sha256"),
        payload.get("bundle_sha256"),
        payload.get("sealed_sha256"),
    )


def _apply(
    state: State,
    sources: dict[tuple[str, str], int],
    index: int,
    recorded: Mapping[str, Any],
) -> None:
    for section, entities in recorded.items():
        if section not in state or not isinstance(entities, dict):
            continue
        for key, view in entities.items():
            sources[(section, key)] = index
            if view is None:
                state[section].pop(key, None)
            else:
                state[section][key] = view


def differences(replayed: ReplayedState, actual: State) -> list[StateDifference]:
    """Every entity whose database view is not what the log last recorded."""
    if replayed.genesis is None:
        return []
    found: list[StateDifference] = []
    for section in SECTIONS:
        logged, present = replayed.state.get(section, {}), actual.get(section, {})
        keys = set(logged) | set(present)
        if section not in replayed.whole:
            keys = {key for key in keys if (section, key) in replayed.sources}
        for key in sorted(keys):
            if not _same(logged.get(key), present.get(key)):
                leaf = replayed.sources.get((section, key))
                found.append(StateDifference(section, key, logged.get(key), present.get(key), leaf))
    return found


def _same(logged: Any, database: Any) -> bool:
    """Whether a row is as the log recorded it: over the fields the log recorded (a field added
    to a view later is unknown to older leaves, and checked from the next leaf that records it)."""
    if isinstance(logged, dict) and isinstance(database, dict):
        return all(database.get(field) == value for field, value in logged.items())
    return bool(logged == database)


def check_state(session: Session, leaves: Iterable[StoredLeaf]) -> list[StateDifference]:
    """The differences between the log's recorded state and the database's."""
    replayed = replay_state(list(leaves))
    if replayed.genesis is None:
        return []
    return differences(replayed, SecurityStateRepository(session).snapshot())
