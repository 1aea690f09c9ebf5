"""Schemathesis against the API's own OpenAPI document (/api/v1/openapi.json), in process through the WSGI
application (no network), with every check, as a brand's token: each answer must be one the document
declares for the operation, in the shape it declares, and none may be a server error.

Bounded so the whole run takes about a minute on two cores: SEAMLINE_FUZZ_EXAMPLES (default 20) generated
requests per operation in the fuzzing phase, besides the schema's examples and the coverage phase's
boundary values. The seed is fixed so a run repeats (SEAMLINE_FUZZ_SEED picks another). `make fuzz` runs
this file alone; `make test` runs it with the rest.

A failure names the operation and the check, with a curl command that replays it against `seamline serve`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tests import factories as f
from tests.drops.helpers import make_drop

from .conftest import TALLY

EXAMPLES = int(os.environ.get("SEAMLINE_FUZZ_EXAMPLES", "20"))
SEED = int(os.environ.get("SEAMLINE_FUZZ_SEED", "13"))
DROP_SLUG = "fuzz-drop"

# Valid input may still break a rule no JSON Schema can say (a ZIP the geocoder knows, a SKU of the style, a
# move the order's state allows): the services answer those 400 or 422, and that is an answer as documented.
POSITIVE_STATUSES = ["2xx", "3xx", "400", "401", "403", "404", "409", "422", "429"]


def _counting(app: Any) -> Any:
    """The WSGI app, counting every answer's status in TALLY."""

    def counted(environ: dict, start_response: Any) -> Any:
        def start(status: str, headers: list, *args: Any) -> Any:
            TALLY.statuses[int(status.split()[0])] += 1
            return start_response(status, headers, *args)

        return app(environ, start)

    return counted


CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": EXAMPLES},
        "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES}},
        # The live drop of `world`: the public pre-order is the write most worth breaking.
        "parameters": {"slug": DROP_SLUG},
    }
)
APP = _counting(get_wsgi_application())
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP, config=CONFIG)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """A brand (whose token the fuzzer sends) with a material, a style, a live drop and an order at a
    factory that holds a roll: small ids, so generated ids often name real records.

    Made once for every operation and committed, as the server would see it (each request in its own
    transaction); the database is flushed afterwards, as pytest-django's transactional tests do.
    """
    with django_db_blocker.unblock(), override_settings(SEAMLINE_PREORDER_RATE="off"):
        cache.clear()  # the limit has its own tests; here it would only hide the service behind 429s
        brand, factory = f.make_org("brand"), f.make_org("factory")
        facility = f.make_facility(factory)
        material = f.make_material(brand)
        f.make_roll(facility, material)
        style = f.make_style(brand, material=material)
        f.make_order(brand, factory, style)
        make_drop(brand, factory, slug=DROP_SLUG)
        try:
            yield f.make_token(brand)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            cache.clear()


@pytest.fixture
def db(world: str, django_db_blocker: Any) -> Iterator[str]:
    """pytest-django's `db` for this module: the shared world's token, the database open to this
    operation's requests, and no transaction of the test's own around them (named `db` so pytest-django
    sets up the test database for these tests)."""
    with django_db_blocker.unblock():
        yield world


@schema.parametrize()
@settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented_and_never_with_a_server_error(case: Any, db: str) -> None:
    TALLY.operations.add(case.operation.label)
    try:
        case.call_and_validate(headers={"Authorization": f"Bearer {db}"})
    except BaseException as exc:  # schemathesis reports its failures as a BaseExceptionGroup
        first_line = (str(exc).strip() or type(exc).__name__).splitlines()[0]
        TALLY.failed.setdefault(case.operation.label, first_line)
        raise
