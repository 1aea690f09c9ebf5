from tests import factories as f
from .helpers import post


def test_scratch(brand, factory):
    c = factory.api()
    r = c.get("/api/v1/materials/abc"); print(r.status_code, r.content[:300])
    r = post(c, "/api/v1/materials", "{not json"); print(r.status_code, r.content)
    r = post(c, "/api/v1/materials", {"name": "x", "composition": {"cotton": "abc"}, "weight_gsm": [1]}); print(r.status_code, r.content)
    r = post(c, "/api/v1/materials", [1]); print(r.status_code, r.content)
    r = c.post("/api/v1/materials"); print(r.status_code, r.content)
    r = c.get("/api/v1/materials?limit=0&kind=wool"); print(r.status_code, r.content)
    r = post(c, "/api/v1/styles/1/routing", {"operations": [{"name": "a", "sam": "x"}]}, method="put"); print(r.status_code, r.content)
    m = f.make_material(factory.org)
    r = c.get(f"/api/v1/materials/{m.pk}"); print(r.status_code, r.content)
    r = c.get("/api/v1/me"); print(r.status_code, r.content)
