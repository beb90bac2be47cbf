"""The security-relevant state as the database holds it: what decides who gets what.

One plain-JSON view per section, keyed by the entity's name or id, read in one query each:

| section | key | value |
|---|---|---|
| `policy` | `rules`, `token_domains` | SHA-256 of the policy rules; the host tokens' domains |
| `tiers` | tier name | rank, lead time, artifact kinds |
| `partners` | partner name | status, tier, age recipient, e-mails, country, NDA dates |
| `cases` | case id | status, planned patch date, actual patch instant |
| `artifacts` | case id | artifact name → kind, minimum tier, SHA-256 |
| `releases` | release id | delivered or cancelled: case, partner and the three hashes |
| `markings` | case id | SHA-256 of how its copies are marked (scheme, code, channels, domains) |
| `api_tokens` | token id | partner, scopes, expiry, revoked or not, the stored hash of its secret |
| `partner_logins` | partner name | SHA-256 of its portal password hash and sealed TOTP secret |
| `staff` | account name | role, disabled or not, SHA-256 of its password hash and TOTP secret |

Pending releases are not in it: the plan derives them from the rest (and every release run
brings the pending rows back in step with it before delivering). Credentials are in it because
they decide who can fetch: a token hash or a portal password hash set by SQL lets its setter
act as the partner. A secret itself never is (a token's secret is 32 random bytes: its stored
hash reveals nothing); what changes at each sign-in (a TOTP step, a last login) is left out.
The audit log records the same views (`forewarn.program.audit_state`), so `audit verify` can
compare the two.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from forewarn.domain import ReleaseState
from forewarn.store.api_models import ApiTokenRow
from forewarn.store.models import ArtifactRow, CaseRow, PartnerRow, ProgramRow, TierRow
from forewarn.store.release_models import BundleRow, CaseMarkingRow, ReleaseRow
from forewarn.store.staff_models import PartnerLoginRow, StaffAccountRow

SECTIONS = (
    "policy",
    "tiers",
    "partners",
    "cases",
    "artifacts",
    "markings",
    "releases",
    "api_tokens",
    "partner_logins",
    "staff",
)
"""Every section of the state, in the order reports list them."""

_Q = TypeVar("_Q", bound=Select[*tuple[Any, ...]])

State = dict[str, dict[str, Any]]
"""Section → key → canonical JSON value."""


def _stamp(value: Any) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _day(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _digest(value: str | bytes) -> str:
    return hashlib.sha256(value.encode() if isinstance(value, str) else value).hexdigest()


def rules_sha256(rules: Any) -> str:
    """The policy rules' hash (or any JSON value's), over their canonical JSON."""
    text = json.dumps(rules, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class SecurityStateRepository:
    """Reads the security-relevant state (see the module docstring); writes nothing."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def snapshot(self) -> State:
        """Every section, whole."""
        return {section: self.section(section) for section in SECTIONS}

    def section(self, section: str, keys: Collection[str] | None = None) -> dict[str, Any]:
        """One section, or only the entities named by `keys` (absent ones are left out)."""
        reader = getattr(self, f"_{section}")
        found: dict[str, Any] = reader(keys)
        return found

    @staticmethod
    def _only(query: _Q, column: Any, keys: Collection[str] | None) -> _Q:
        return query if keys is None else query.where(column.in_(list(keys)))

    def _policy(self, keys: Collection[str] | None) -> dict[str, Any]:
        row = self.session.get(ProgramRow, 1)
        if row is None:
            return {}
        found = {"rules": rules_sha256(row.rules), "token_domains": list(row.token_domains or [])}
        return found if keys is None else {k: v for k, v in found.items() if k in keys}

    def _tiers(self, keys: Collection[str] | None) -> dict[str, Any]:
        query = self._only(select(TierRow), TierRow.name, keys)
        return {
            row.name: {
                "rank": row.rank,
                "lead_time_seconds": row.lead_time_seconds,
                "artifact_kinds": sorted(row.artifact_kinds),
            }
            for row in self.session.scalars(query)
        }

    def _partners(self, keys: Collection[str] | None) -> dict[str, Any]:
        query = self._only(
            select(PartnerRow).options(selectinload(PartnerRow.emails)), PartnerRow.name, keys
        )
        return {
            row.name: {
                "status": row.status,
                "tier": row.tier.name,
                "age_recipient": row.age_recipient,
                "emails": [e.email for e in row.emails],
                "country": row.country,
                "nda_date": _day(row.nda_date),
                "nda_expires": _day(row.nda_expires),
            }
            for row in self.session.scalars(query).unique()
        }

    def _cases(self, keys: Collection[str] | None) -> dict[str, Any]:
        query = self._only(select(CaseRow), CaseRow.id, keys)
        return {
            row.id: {
                "status": row.status,
                "patch_planned": _day(row.patch_planned),
                "patch_actual": _stamp(row.patch_actual_at),
            }
            for row in self.session.scalars(query)
        }

    def _artifacts(self, keys: Collection[str] | None) -> dict[str, Any]:
        columns = (ArtifactRow.case_id, ArtifactRow.name, ArtifactRow.kind, TierRow.name)
        query = select(*columns, ArtifactRow.sha256).join(
            TierRow, TierRow.id == ArtifactRow.min_tier_id
        )
        out: dict[str, Any] = {}
        for case_id, name, kind, tier, sha256 in self.session.execute(
            self._only(query, ArtifactRow.case_id, keys)
        ):
            out.setdefault(case_id, {})[name] = {"kind": kind, "min_tier": tier, "sha256": sha256}
        return out

    def _releases(self, keys: Collection[str] | None) -> dict[str, Any]:
        query = (
            select(
                ReleaseRow.id,
                ReleaseRow.state,
                ReleaseRow.case_id,
                PartnerRow.name,
                ReleaseRow.manifest_sha256,
                ReleaseRow.bundle_sha256,
                BundleRow.sealed_sha256,
            )
            .join(PartnerRow, PartnerRow.id == ReleaseRow.partner_id)
            .outerjoin(BundleRow, BundleRow.release_id == ReleaseRow.id)
            .where(ReleaseRow.state != ReleaseState.PENDING.value)
        )
        out: dict[str, Any] = {}
        for release_id, state, case_id, partner, manifest, bundle, sealed in self.session.execute(
            self._only(query, ReleaseRow.id, keys)
        ):
            out[release_id] = release_view(state, case_id, partner, manifest, bundle, sealed)
        return out

    def _api_tokens(self, keys: Collection[str] | None) -> dict[str, Any]:
        query = self._only(select(ApiTokenRow), ApiTokenRow.id, keys)
        return {
            row.id: {
                "partner": row.partner.name,
                "scopes": sorted(row.scopes.split()),
                "expires_at": _stamp(row.expires_at),
                "revoked": row.revoked_at is not None,
                "secret_sha256": row.secret_sha256,
            }
            for row in self.session.scalars(query)
        }

    def _markings(self, keys: Collection[str] | None) -> dict[str, Any]:
        if keys is not None:  # a release leaf's case: in the identity map once fixed
            rows = [self.session.get(CaseMarkingRow, key) for key in keys]
        else:
            rows = list(self.session.scalars(select(CaseMarkingRow)))
        # a digest: release leaves carry it, and a partner's proof of its release shows its
        # leaf, which must not tell which channels or domains the copies are marked in
        return {
            row.case_id: {
                "marking_sha256": rules_sha256(
                    [
                        row.scheme,
                        row.n_partners,
                        row.max_colluders,
                        repr(row.epsilon),
                        row.channels,
                        row.token_domains,
                    ]
                )
            }
            for row in rows
            if row is not None
        }

    def _partner_logins(self, keys: Collection[str] | None) -> dict[str, Any]:
        query = select(PartnerRow.name, PartnerLoginRow.password_hash, PartnerLoginRow.totp_sealed)
        query = query.join(PartnerRow, PartnerRow.id == PartnerLoginRow.partner_id)
        return {
            name: {"password_sha256": _digest(password), "totp_sha256": _digest(totp)}
            for name, password, totp in self.session.execute(
                self._only(query, PartnerRow.name, keys)
            )
        }

    def _staff(self, keys: Collection[str] | None) -> dict[str, Any]:
        query = self._only(select(StaffAccountRow), StaffAccountRow.name, keys)
        return {
            row.name: {
                "role": row.role,
                "disabled": row.disabled_at is not None,
                "password_sha256": _digest(row.password_hash),
                "totp_sha256": _digest(row.totp_sealed),
            }
            for row in self.session.scalars(query)
        }


def release_view(
    state: str,
    case_id: str,
    partner: str,
    manifest_sha256: str | None,
    bundle_sha256: str | None,
    sealed_sha256: str | None,
) -> dict[str, Any]:
    """A delivered or cancelled release as the state records it (one shape for both sides)."""
    if state == ReleaseState.CANCELLED.value:
        return {"state": state, "case": case_id, "partner": partner}
    return {
        "state": state,
        "case": case_id,
        "partner": partner,
        "manifest_sha256": manifest_sha256,
        "bundle_sha256": bundle_sha256,
        "sealed_sha256": sealed_sha256,
    }
