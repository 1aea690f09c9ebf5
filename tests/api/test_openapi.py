"""The OpenAPI document is a contract: it must equal the committed snapshot, so API changes are deliberate.

After an intended change, refresh the snapshot and commit it with the change:

    UPDATE_OPENAPI_SNAPSHOT=1 .venv/bin/pytest tests/api/test_openapi.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.test import Client

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")


def test_openapi_schema_matches_the_committed_snapshot(db) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()

    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
    assert SNAPSHOT.exists(), f"No snapshot yet: run UPDATE_OPENAPI_SNAPSHOT=1 pytest {__file__}"
    committed = json.loads(SNAPSHOT.read_text())

    assert schema == committed, (
        "The API's OpenAPI schema changed. If the change is intended, refresh the snapshot with "
        "`UPDATE_OPENAPI_SNAPSHOT=1 .venv/bin/pytest tests/api/test_openapi.py` and commit "
        f"{SNAPSHOT.name} with it."
    )


def test_every_operation_declares_its_error_responses(db) -> None:
    schema = Client().get("/api/v1/openapi.json").json()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "401" in codes, f"{method.upper()} {path} does not declare 401"
            problem_codes = {c for c in codes if int(c) >= 400}
            for code in problem_codes:
                assert set(operation["responses"][code]["content"]) == {"application/problem+json"}


def test_the_docs_page_is_served(db) -> None:
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    assert b"/api/v1/openapi.json" in response.content
