"""The JSON API at /api/v1: one NinjaAPI mounting every context's router, token or session auth, and the
problem-details error mapper (core.problems)."""

from seamline.accounts import api as accounts_api
from seamline.accounts.auth import SessionAuth, TokenAuth
from seamline.catalog import api as catalog_api
from seamline.core.problems import OrjsonRenderer, SeamlineAPI, install_problem_handlers
from seamline.cutting import api as cutting_api
from seamline.delivery import api as delivery_api
from seamline.drops import api as drops_api
from seamline.facilities import api as facilities_api
from seamline.fitting import api as fitting_api
from seamline.production import api as production_api

api = SeamlineAPI(
    title="Seamline API",
    version="1",
    description=(
        "Materials, rolls, styles, facilities, production orders and local delivery of one organization."
    ),
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
    renderer=OrjsonRenderer(),
)
install_problem_handlers(api)

api.add_router("/", accounts_api.router)
api.add_router("/facilities", facilities_api.router)
api.add_router("/materials", catalog_api.materials)
api.add_router("/rolls", catalog_api.rolls)
api.add_router("/styles", catalog_api.styles)
api.add_router("/production-orders", production_api.router)
api.add_router("/drops", drops_api.router)
api.add_router("/", cutting_api.router)
api.add_router("/", delivery_api.router)
api.add_router("/", fitting_api.router)
