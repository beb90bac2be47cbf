"""Every route the service mounts names the test that checks who may call it.

A route added without an entry here fails this test, so a new partner or staff endpoint cannot
ship without joining an authorisation test (issue 16: the partner service's endpoints join the
authorisation matrix). Each entry names a test function that must exist in the named module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from forewarn.api.app import ROOT_ROUTERS, ROUTERS
from forewarn.api.settings import API_PREFIX

HERE = Path(__file__).resolve().parent
MATRIX = "test_authorization_matrix.py::test_only_what_is_due_reaches_whom"
STAFF = "test_portal.py::test_staff_pages_refuse_anonymous_and_partners"
PARTNER_PAGES = "test_portal.py::test_partner_pages_refuse_anonymous_and_staff"
TAXII_BY_ID = (
    "test_taxii.py::"
    "test_an_object_and_its_versions_are_reached_only_through_the_callers_due_collection"
)
COLLECTIONS = "test_taxii.py::test_before_the_wave_and_other_partners_collections_are_not_found"
READ_ONLY = "test_taxii.py::test_read_only_and_negotiated"
CSRF = "test_portal.py::test_a_post_without_the_csrf_token_is_refused"
SIGN_IN = "test_portal.py::test_bad_passwords_lock_the_account_out"
PASSWORD = "test_portal.py::test_a_partner_signs_in_with_its_portal_password_and_a_code"
HOME = "test_portal.py::test_the_portal_home_sends_each_visitor_to_its_pages"
PUBLIC_KEY = (
    "test_partner_checkpoint.py::test_a_kept_checkpoint_is_proven_extended_by_the_partner_cli"
)
STATIC = "test_portal.py::test_static_files_are_the_listed_two_and_nothing_beside_them"
DISCOVERY = "test_taxii.py::test_discovery_and_api_root"

COVERED = {
    "GET /api/v1/program": PUBLIC_KEY,  # public: the program's public key, for pinning
    "GET /api/v1/me": MATRIX,
    "GET /api/v1/checkpoint": MATRIX,
    "GET /api/v1/checkpoint/consistency": MATRIX,
    "GET /api/v1/cases": MATRIX,
    "GET /api/v1/cases/{case_id}": MATRIX,
    "GET /api/v1/cases/{case_id}/bundle": MATRIX,
    "POST /api/v1/cases/{case_id}/ack": MATRIX,
    "POST /api/v1/cases/{case_id}/feedback": MATRIX,
    "GET /portal/static/{name}": STATIC,  # public: style sheet and script
    "GET /portal/": HOME,
    "GET /portal/login": SIGN_IN,
    "POST /portal/login": SIGN_IN,
    "POST /portal/login/password": PASSWORD,
    "POST /portal/logout": "test_portal.py::test_signing_out_ends_the_session",
    "GET /portal/cases": PARTNER_PAGES,
    "GET /portal/cases/{case_id}": PARTNER_PAGES,
    "GET /portal/checkpoint.json": PARTNER_PAGES,
    "GET /portal/checkpoint/consistency.json": PARTNER_PAGES,
    "GET /portal/cases/{case_id}/bundle": PARTNER_PAGES,
    "POST /portal/cases/{case_id}/ack": CSRF,
    "GET /portal/staff/login": "test_portal.py::test_a_totp_code_works_once_and_mfa_is_required",
    "POST /portal/staff/login": "test_portal.py::test_a_totp_code_works_once_and_mfa_is_required",
    "GET /portal/staff/": STAFF,
    "GET /portal/staff/partners": STAFF,
    "GET /portal/staff/cases": STAFF,
    "GET /portal/staff/cases/{case_id}/plan": STAFF,
    "GET /portal/staff/cases/{case_id}/status": STAFF,
    "GET /portal/staff/audit": STAFF,
    "GET /portal/staff/reports": STAFF,
    "GET /portal/staff/reports/{case_id}": STAFF,
    "GET /portal/staff/accounts": STAFF,
    "POST /portal/staff/accounts/disable": (
        "test_portal.py::test_an_admin_disables_an_account_audited_under_the_admins_name"
    ),
    "GET /taxii2/": DISCOVERY,
    "GET /taxii2/feed/": MATRIX,
    "GET /taxii2/feed/collections/": MATRIX,
    "GET /taxii2/feed/collections/{collection_id}/": MATRIX,
    "GET /taxii2/feed/collections/{collection_id}/objects/": MATRIX,
    "POST /taxii2/feed/collections/{collection_id}/objects/": READ_ONLY,
    "GET /taxii2/feed/collections/{collection_id}/objects/{object_id}/": TAXII_BY_ID,
    "DELETE /taxii2/feed/collections/{collection_id}/objects/{object_id}/": READ_ONLY,
    "GET /taxii2/feed/collections/{collection_id}/objects/{object_id}/versions/": TAXII_BY_ID,
    "GET /taxii2/feed/collections/{collection_id}/manifest/": MATRIX,
    "GET /taxii2/feed/status/{status_id}/": READ_ONLY,
}
"""`METHOD path` of every mounted route → `module::test` that checks its callers."""


def mounted() -> set[str]:
    """`METHOD path` of every route the app mounts (the partner API under its prefix)."""
    found: set[str] = set()
    for routers, prefix in ((ROUTERS, API_PREFIX), (ROOT_ROUTERS, "")):
        for router in routers:
            for route in router.routes:
                assert isinstance(route, APIRoute), route
                found.update(f"{method} {prefix}{route.path}" for method in route.methods)
    return found


def test_every_mounted_route_names_the_test_of_its_callers() -> None:
    routes = mounted()
    assert routes - set(COVERED) == set(), "routes without an authorisation test"
    assert set(COVERED) - routes == set(), "entries for routes the app no longer mounts"


@pytest.mark.parametrize("where", sorted(set(COVERED.values())))
def test_each_named_test_exists(where: str) -> None:
    module, name = where.split("::")
    tree = ast.parse((HERE / module).read_text(encoding="utf-8"))
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert name in defined, where
