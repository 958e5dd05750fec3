"""The learned model (Fellegi–Sunter with EM, term frequencies, decisions): no database."""

import random

import pytest

from duplicates import linkage
from duplicates import matching as m
from duplicates import normalise as norm


@pytest.mark.parametrize(
    ("value", "country", "national"),
    [
        ("+45 33 12 34 56", "DK", "33123456"),
        ("33 12 34 56", "DK", "33123456"),
        ("08-123 456 78", "SE", "812345678"),
        ("+46 8 123 456 78", "SE", "812345678"),
        ("02 123 45 67", "BE", "21234567"),
        ("+32 (0)2 123 45 67", "BE", "21234567"),
        ("01 5123456", "AT", "15123456"),
        ("0043 1 5123456", "AT", "15123456"),
    ],
)
def test_phones_are_read_in_the_contacts_country(value, country, national):
    assert norm.normalise_phone(value, country) == national


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Vestergade 12", "Vesterg. 12"),  # Denmark
        ("Industrivej 4", "Industriv. 4"),
        ("Drottninggatan 3", "Drottningg. 3"),  # Sweden
        ("Sveavägen 44", "Sveav. 44"),
        ("Kerkstraat 1", "Kerkstr. 1"),  # Netherlands / Belgium
        ("Brusselsesteenweg 12", "Brusselsestwg. 12"),
        ("Avenue Louise 54", "Av. Louise 54"),
        ("Chaussée de Wavre 5", "Chée de Wavre 5"),
        ("Hauptstraße 4", "Hauptstr. 4"),  # Austria / Germany
        ("Kirchengasse 7", "Kircheng. 7"),
        ("Storgata 12 B", "Storgt. 12b"),  # Norway
        ("Bryggeveien 2", "Bryggevn. 2"),
        ("12 Main Road", "12 Main Rd"),  # United Kingdom
    ],
)
def test_street_types_are_abbreviated_alike_in_every_country(a, b):
    assert norm.normalise_address(a) == norm.normalise_address(b)


def test_several_e_mail_addresses_in_one_field():
    addresses, domains = norm.email_parts("Post@Hansen.dk; ola@gmail.com, info@mail.hansen.dk")
    assert addresses == ("post@hansen.dk", "ola@gmail.com", "info@mail.hansen.dk")
    assert domains == ("hansen.dk",)  # public mail providers say nothing


def test_renamed_legal_forms_are_one_family():
    assert norm.legal_forms("Peeters Bouw BVBA") == norm.legal_forms("Peeters Bouw BV")
    assert norm.legal_forms("Jensen VVS IVS") == norm.legal_forms("Jensen VVS ApS")
    assert norm.normalise_name("Nordic Bygg Aktiebolag") == norm.normalise_name("Nordic Bygg AB")


def _profile(**fields):
    return m.Profile.of({"no": fields.pop("no", "X"), **fields})


def test_vat_slip_is_evidence_for_and_two_valid_numbers_against():
    base = {"name": "Hansen VVS ApS", "city": "Aarhus", "country": "DK"}
    right = _profile(**base, vat_registration_no="DK13585628")
    slip = _profile(**base, vat_registration_no="DK13585682")  # two digits swapped: fails
    other = _profile(**base, vat_registration_no="DK10150817")  # another valid number
    assert m.vat_level(right, slip) == linkage.LEVELS["vat"].index("slip")
    assert m.vat_level(right, other) == linkage.LEVELS["vat"].index("other_valid")
    model = linkage.default_model()
    assert model.weights["vat"][1] > 0 > model.weights["vat"][3]
    scorer = m.Scorer(model)
    assert scorer.match(right, slip).score > scorer.match(right, other).score


def test_monotone_pools_levels_that_break_the_order():
    m_ = [0.5, 0.1, 0.3, 0.1]
    u = [0.001, 0.01, 0.01, 0.979]
    out = linkage.monotone(m_, u)
    ratios = [a / b for a, b in zip(out, u, strict=True)]
    assert ratios == sorted(ratios, reverse=True)
    assert sum(out) == pytest.approx(sum(m_))


def _synthetic(seed=3, pairs=4000, share=0.2):
    """Vectors drawn from known m and u (a true share of `share`)."""
    rng = random.Random(seed)
    true_m = {
        "name": (0.7, 0.2, 0.05, 0.03, 0.02),
        "place": (0.6, 0.1, 0.1, 0.15, 0.05),
        "phone": (0.9, 0.1),
        "vat": (0.95, 0.03, 0.015, 0.005),
        "email": (0.5, 0.4, 0.1),
        "entity": (0.97, 0.02, 0.01),
    }
    vectors = []
    for _ in range(pairs):
        same = rng.random() < share
        probs = true_m if same else linkage.DEFAULT_U
        vectors.append(
            (
                tuple(
                    rng.choices(range(len(probs[c])), weights=probs[c])[0]
                    for c in linkage.COMPARISONS
                ),
                same,
            )
        )
    return vectors, true_m


def test_em_recovers_m_from_unlabelled_pairs():
    vectors, true_m = _synthetic()
    session = linkage.Session("all", frozenset(), [v for v, _same in vectors])
    result = linkage.estimate(
        [session],
        u=linkage.DEFAULT_U,
        companies=10_000,
        candidates=[(v, frozenset({"all"})) for v, _same in vectors],
        total_candidates=len(vectors),
    )
    for c in ("name", "phone", "place"):
        assert result.model.m[c][0] == pytest.approx(true_m[c][0], abs=0.08)
    share = result.sessions["all"][1]
    assert share == pytest.approx(0.2, abs=0.03)


def test_decisions_reweigh_the_fields():
    """A user who keeps marking same-address pairs as two companies teaches the model so."""
    model = linkage.default_model()
    address = model.weights["place"][0]
    name_different = model.weights["name"][4]
    labelled = []
    for _ in range(15):  # same address, different names: two companies
        labelled.append(([("place", address), ("name", name_different)], False))
    for _ in range(15):  # same name and phone: one company
        labelled.append(([("name", model.weights["name"][0]), ("phone", 15.0)], True))
    calibrated = linkage.calibrate(model, labelled, companies=10_000)
    assert calibrated.scale["place"] < 1.0
    assert calibrated.labelled_pairs == 30
    assert linkage.calibrate(model, labelled[:5], companies=10_000) is model  # too few


def test_a_common_name_counts_less_than_a_rare_one():
    profiles = [_profile(no=f"R{i}", name="Regnskap AS", city=f"Town{i % 7}") for i in range(40)]
    profiles += [
        _profile(no="K1", name="Kristiansund Ventilasjon AS", city="Oslo"),
        _profile(no="K2", name="Kristiansund Ventilasjon AS", city="Bergen"),
    ]
    profiles += [_profile(no=f"F{i}", name=f"Firma{i} Bygg AS", city="Oslo") for i in range(200)]
    model = linkage.default_model()
    model.totals = {"name": len(profiles), "token": len(profiles)}
    scorer = m.Scorer(model, m.frequencies_of(profiles), len(profiles))
    common = scorer.match(profiles[0], profiles[1])
    rare = scorer.match(profiles[40], profiles[41])
    assert rare.weight > common.weight + 3


def test_search_hit_pct_is_the_probability_threshold():
    assert linkage.score_of(linkage.min_weight_for(60)) >= 60
    assert linkage.score_of(linkage.min_weight_for(60) - 0.1) < 60
    assert linkage.min_weight_for(10) < linkage.min_weight_for(60) < linkage.min_weight_for(100)


def test_model_round_trips_through_json():
    data = linkage.default_model().to_json() | {"scale": {"name": 1.2}, "intercept": -1.5}
    model = linkage.Model.from_json(data)
    assert model.weights["name"][0] == pytest.approx(
        1.2 * linkage.default_model().weights["name"][0]
    )
    again = linkage.Model.from_json(model.to_json())
    assert again.weights == model.weights
    assert again.prior == model.prior
