"""Fixtures shared by the site-wide tests: one real object behind every URL parameter."""

from tests.crm_site.test_security import objects  # noqa: F401
