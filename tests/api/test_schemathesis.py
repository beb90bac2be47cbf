"""schemathesis over the published OpenAPI document of a running service: 0 server errors.

Requests are generated from `/api/v1/openapi.json` (paths, bodies and headers, within and
outside the document) and sent with a partner's token to the real `forewarn serve`; each
answer (REST and TAXII) is checked by schemathesis for a 5xx and against the document's
own status codes, media types and schemas. Examples per operation are bounded so that the
run stays short.
(`schemathesis.pytest.from_fixture` does not run under pytest 9, so each operation's strategy
is driven by Hypothesis here.)
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from .service_world import Service

EXAMPLES = 25
"""Examples per operation (and per backend)."""


def test_no_server_errors_and_answers_as_documented(service: Service) -> None:
    schema = schemathesis.openapi.from_url(f"{service.url}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {service.tokens['northwind']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7
    taxii = {op.path for op in operations if op.path.startswith("/taxii2/")}
    assert len(taxii) >= 8, "the TAXII endpoints are in the document, and fuzzed"

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers)

        run()
