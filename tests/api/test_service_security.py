"""Security from the outside: headers, limits, TLS, the bind check, and secrets kept out of logs."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from typer.testing import CliRunner

from forewarn.cli.app import app

from .service_world import NORTHWIND, PAST, Service, serving


def bearer(service: Service, caller: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {service.tokens[caller]}"}


def test_partner_data_carries_the_security_headers_and_is_never_cached(service: Service) -> None:
    with service.client() as client:
        answer = client.get("/api/v1/cases", headers=bearer(service, "northwind"))
        refused = client.get("/api/v1/cases")
    for response in (answer, refused):
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in response.headers  # plain HTTP on loopback
        assert "server" not in response.headers
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Bearer")


def test_the_openapi_document_is_published(service: Service) -> None:
    with service.client() as client:
        spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {
        "/api/v1/cases",
        "/api/v1/cases/{case_id}/bundle",
        "/api/v1/cases/{case_id}/ack",
    } <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_a_large_body_is_refused_before_it_is_read(service: Service) -> None:
    with service.client() as client:
        answer = client.post(
            f"/api/v1/cases/{PAST}/feedback",
            headers={**bearer(service, "northwind"), "Content-Type": "application/json"},
            content=b'{"verdict": "works", "comment": "' + b"x" * 100_000 + b'"}',
        )
    assert answer.status_code == 413
    assert answer.json()["type"] == "urn:forewarn:problem:too-large"


def test_bad_input_is_a_problem_document_never_a_traceback(service: Service) -> None:
    with service.client() as client:
        broken = client.post(
            f"/api/v1/cases/{PAST}/ack",
            headers={**bearer(service, "northwind"), "Content-Type": "application/json"},
            content=b"{not json",
        )
        nul_case = client.get("/api/v1/cases/%00", headers=bearer(service, "northwind"))
    assert broken.status_code == 422
    assert broken.headers["content-type"] == "application/problem+json"
    assert "Traceback" not in broken.text
    assert nul_case.status_code == 404


def test_tokens_never_reach_the_server_log(service: Service) -> None:
    with service.client() as client:
        for caller in service.tokens:
            client.get("/api/v1/me", headers=bearer(service, caller))
            client.get("/api/v1/cases", params={"x": "1"}, headers=bearer(service, caller))
    log = service.log.read_text()
    assert '"GET /api/v1/me HTTP/1.1" 200' in log  # the access log is on
    assert not [c for c, secret in service.tokens.items() if secret in log]
    assert "fwp_" not in log and "Bearer" not in log


def test_a_plain_http_bind_off_loopback_is_refused(tmp_path: Path) -> None:
    runner = CliRunner()
    where = ["--db", f"sqlite:///{tmp_path / 'none.db'}", "--key-file", str(tmp_path / "k")]
    for flags, words in (
        (["--host", "0.0.0.0"], "refusing to serve plain HTTP on 0.0.0.0"),
        (["--host", "192.0.2.7"], "refusing to serve plain HTTP"),
        (["--tls-cert", str(tmp_path / "cert.pem")], "TLS needs both"),
    ):
        result = runner.invoke(app, [*where, "serve", *flags])
        assert result.exit_code == 2, result.output
        assert words in result.stderr
        assert "Traceback" not in result.output


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


@pytest.mark.parametrize("service", ["sqlite"], indirect=True)
def test_tls_hsts_and_rate_limits(service: Service, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    trust = ssl.create_default_context(cafile=str(cert))
    flags = ("--tls-cert", str(cert), "--tls-key", str(key), "--rate", "1", "--burst", "3")
    with (
        serving(
            service.settings,
            tmp_path / "tls.log",
            *flags,
            "--auth-failure-burst",
            "2",
            scheme="https",
            verify=trust,
        ) as url,
        httpx.Client(base_url=url, verify=trust, timeout=30) as client,
    ):
        statuses = [
            client.get("/api/v1/me", headers=bearer(service, "northwind")) for _ in range(4)
        ]
        contoso = client.get("/api/v1/me", headers=bearer(service, "contoso"))
        # a TAXII client's Basic credentials spend the same token's budget, whatever the user
        taxii = [client.get("/taxii2/", auth=(user, service.tokens["contoso"])) for user in "abc"]
        guesses = [
            client.get("/api/v1/me", headers={"Authorization": f"Bearer fwp_{i:043d}"})
            for i in range(3)
        ]
        after_guesses = client.get("/api/v1/program")
    assert [s.status_code for s in statuses] == [200, 200, 200, 429]
    assert statuses[0].json()["partner"] == NORTHWIND
    assert statuses[0].headers["strict-transport-security"].startswith("max-age=")
    assert int(statuses[3].headers["retry-after"]) >= 1
    assert statuses[3].json()["type"] == "urn:forewarn:problem:too-many-requests"
    assert contoso.status_code == 200  # another token has its own budget
    assert [t.status_code for t in taxii] == [200, 200, 429]
    assert taxii[2].headers["content-type"] == "application/taxii+json;version=2.1"
    assert [g.status_code for g in guesses] == [401, 401, 429]  # guessing tokens is throttled
    assert after_guesses.status_code == 200
