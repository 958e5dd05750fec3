"""Companies for duplicate tests: two near-identical companies in one town."""

from tests.factories import CompanyFactory


def cannon_pair():
    """Two records of one company that moved within Oslo (the reference misses them)."""
    kept = CompanyFactory(
        name="Cannon Group AS",
        address="Storgata 1",
        post_code="0155",
        city="Oslo",
        phone_no="22 33 44 55",
        vat_registration_no="NO 912 345 678 MVA",
        email="post@cannon.no",
    )
    other = CompanyFactory(
        name="Cannon Group A/S",
        address="Kirkeveien 20",
        post_code="0368",
        city="Oslo",
        phone_no="+47 22 33 44 55",
        vat_registration_no="912345678",
    )
    return kept, other
