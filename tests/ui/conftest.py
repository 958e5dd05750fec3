import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in nb/nl leaves its language active in the thread: reset it."""
    yield
    translation.activate("en")
