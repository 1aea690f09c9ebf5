"""The pre-order rate limit counted in Redis (REDIS_URL): one count for every server process."""

import os

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from seamline.core.ratelimit import Rate, RateLimited, throttle

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}
    }
    cache = caches["default"]
    try:
        cache.clear()
    except Exception as exc:  # redis.ConnectionError
        message = f"Redis is not reachable at {REDIS} ({exc}); start it: redis-server --daemonize yes"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)  # .ci/run starts Redis: here it must be there
        pytest.skip(message)
    yield cache
    cache.clear()


def test_the_limit_is_counted_in_redis(redis_cache):
    request = RequestFactory().post("/api/v1/drops/x/preorders", REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        throttle(request, scope="preorder", rate=Rate(3, 60))
    with pytest.raises(RateLimited) as err:
        throttle(request, scope="preorder", rate=Rate(3, 60))
    assert 1 <= err.value.retry_after <= 60
    # The count sits in Redis itself, where another server process reads the same key.
    keys = redis_cache._cache.get_client().keys("*ratelimit:preorder:203.0.113.7*")
    assert len(keys) == 1
    other = RequestFactory().post("/", REMOTE_ADDR="203.0.113.8")
    throttle(other, scope="preorder", rate=Rate(3, 60))  # another client has its own window
