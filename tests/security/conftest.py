import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_login_throttle():
    # The test settings keep axes' counts in the (local memory) cache: start and end clean.
    cache.clear()
    yield
    cache.clear()
