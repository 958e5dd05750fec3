"""Demo reference data and setup (reference 1.3 and 3.3).

Descriptions (languages, business relations, sales cycles and their stages, salutations)
are in the language active while loading (`load_demo --language nb|nl|en`), and so are
the salutation formulas for contacts without a language.

Codes cover every salesperson, territory and language code in
/work/shared/data/sample-contacts.csv, so importing that file works after `load_demo`.
Idempotent: rows are created or brought back to these values.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import get_language, pgettext_lazy

from marketing_setup.models import (
    BusinessRelation,
    CorrespondenceType,
    Language,
    MarketingSetup,
    SalesCycle,
    SalesCycleStage,
    Salesperson,
    Salutation,
    SalutationFormula,
    Territory,
)
from marketing_setup.services import marketing_setup_update

# code, name, job title (Norwegian and Dutch sellers first of all; the sample file also
# has British and German customers with their own sellers).
SALESPEOPLE: tuple[tuple[str, str, str], ...] = (
    ("AC", "Anna Conrad", "Vertriebsleiter"),
    ("ADO", "Anna Dietrich", "Vertriebsleiter"),
    ("AGE", "Anouk Gerritsen", "Verkoper"),
    ("AGR", "Anna Graf", "Vertriebsleiter"),
    ("AH", "Anne Haugen", "Selger"),
    ("AKN", "Anne Karlsen", "Selger"),
    ("ALE", "Anouk Linden", "Verkoper"),
    ("APE", "Anna Peters", "Vertriebsleiter"),
    ("AR", "Anne Rustad", "Selger"),
    ("BAR", "Ben Allen", "Sales Manager"),
    ("BW", "Ben Walker", "Sales Manager"),
    ("CH", "Christian Hoffmann", "Vertriebsleiter"),
    ("CHE", "Claudia Hendriks", "Verkoper"),
    ("CHI", "Charlotte Hughes", "Sales Manager"),
    ("CP", "Claudia Peters", "Verkoper"),
    ("DF", "Daan Franssen", "Verkoper"),
    ("DNE", "Dirk Neumann", "Vertriebsleiter"),
    ("DS", "Daan Smit", "Verkoper"),
    ("DW", "David Walker", "Sales Manager"),
    ("EB", "Eirik Berg", "Selger"),
    ("EMA", "Eirik Moen", "Selger"),
    ("EN", "Emily Norris", "Sales Manager"),
    ("ERU", "Eirik Rustad", "Selger"),
    ("ESO", "Eirik Solberg", "Selger"),
    ("FG", "Floor Gerritsen", "Verkoper"),
    ("FJ", "Floor Jansen", "Verkoper"),
    ("GB", "Gunnar Berg", "Selger"),
    ("GE", "George Evans", "Sales Manager"),
    ("GHA", "George Hughes", "Sales Manager"),
    ("GK", "Gabriele Keller", "Vertriebsleiter"),
    ("GRU", "Gabriele Richter", "Vertriebsleiter"),
    ("GW", "Gabriele Weber", "Vertriebsleiter"),
    ("HE", "Hilde Eriksen", "Selger"),
    ("HHE", "Heike Hoffmann", "Vertriebsleiter"),
    ("HKL", "Heike Keller", "Vertriebsleiter"),
    ("HL", "Harriet Lewis", "Sales Manager"),
    ("IH", "Ingrid Haugen", "Selger"),
    ("IHA", "Ingo Hoffmann", "Vertriebsleiter"),
    ("JA", "James Allen", "Sales Manager"),
    ("JC", "Jon Christiansen", "Selger"),
    ("JG", "James Green", "Sales Manager"),
    ("JH", "James Hughes", "Sales Manager"),
    ("JR", "Jeroen Roos", "Verkoper"),
    ("JST", "Jeroen Smit", "Verkoper"),
    ("JTA", "James Taylor", "Sales Manager"),
    ("JVE", "Jeroen Visser", "Verkoper"),
    ("KA", "Kees Aalders", "Verkoper"),
    ("KAN", "Katie Allen", "Sales Manager"),
    ("KB", "Katie Baker", "Sales Manager"),
    ("KJ", "Kari Johansen", "Selger"),
    ("KKA", "Kari Karlsen", "Selger"),
    ("KM", "Katrin Müller", "Vertriebsleiter"),
    ("KTH", "Kari Thorsen", "Selger"),
    ("LC", "Lotte Claassen", "Verkoper"),
    ("LFE", "Lukas Fischer", "Vertriebsleiter"),
    ("LK", "Lukas Keller", "Vertriebsleiter"),
    ("LMA", "Lars Moen", "Selger"),
    ("LRE", "Lucy Roberts", "Sales Manager"),
    ("LST", "Lucy Smith", "Sales Manager"),
    ("MB", "Maarten Bakker", "Verkoper"),
    ("ME", "Marit Eriksen", "Selger"),
    ("MEL", "Marit Larsen", "Selger"),
    ("MF", "Monika Fischer", "Vertriebsleiter"),
    ("MHO", "Maarten Hendriks", "Verkoper"),
    ("MRO", "Monika Richter", "Vertriebsleiter"),
    ("MSO", "Marit Solberg", "Selger"),
    ("ND", "Nina Dietrich", "Vertriebsleiter"),
    ("NHO", "Nicola Hughes", "Sales Manager"),
    ("NJO", "Nicola Jones", "Sales Manager"),
    ("NMA", "Noor Mulder", "Verkoper"),
    ("NRU", "Noor Roos", "Verkoper"),
    ("NST", "Noor Smit", "Verkoper"),
    ("OG", "Ola Gundersen", "Selger"),
    ("PB", "Paul Baker", "Sales Manager"),
    ("PHA", "Petra Hoffmann", "Vertriebsleiter"),
    ("POW", "Paul Owen", "Sales Manager"),
    ("PS", "Pieter Smit", "Verkoper"),
    ("RH", "Ragnhild Haugen", "Selger"),
    ("RLI", "Ragnhild Larsen", "Selger"),
    ("RM", "Ralf Müller", "Vertriebsleiter"),
    ("SAB", "Silje Aas", "Selger"),
    ("SB", "Sanne Bakker", "Verkoper"),
    ("SBE", "Sanne Evers", "Verkoper"),
    ("SFR", "Sarah Fletcher", "Sales Manager"),
    ("SH", "Sanne Hendriks", "Verkoper"),
    ("SHO", "Sanne Oosterhout", "Verkoper"),
    ("SJ", "Silje Johansen", "Selger"),
    ("SL", "Sabine Lange", "Vertriebsleiter"),
    ("SM", "Silje Moen", "Selger"),
    ("SS", "Sarah Smith", "Sales Manager"),
    ("TB", "Thijs Bakker", "Verkoper"),
    ("TFO", "Thomas Fletcher", "Sales Manager"),
    ("TNG", "Tor Nilsen", "Selger"),
    ("TS", "Thomas Smith", "Sales Manager"),
    ("US", "Ute Schmidt", "Vertriebsleiter"),
    ("VS", "Volker Schmidt", "Vertriebsleiter"),
    ("WTR", "Wolfgang Schulz", "Vertriebsleiter"),
    ("YWA", "Yvonne Willems", "Verkoper"),
)

TERRITORIES: tuple[tuple[str, str], ...] = (
    # Norway
    ("OSLO", "Oslo"),
    ("ØST", "Østlandet"),
    ("SØR", "Sørlandet"),
    ("VEST", "Vestlandet"),
    ("MIDT", "Midt-Norge"),
    ("NORD", "Nord-Norge"),
    # The Netherlands
    ("RANDSTAD", "Randstad"),
    ("NOORD", "Noord-Nederland"),
    ("OOST", "Oost-Nederland"),
    ("ZUID", "Zuid-Nederland"),
    ("WEST", "West-Nederland"),
    # United Kingdom
    ("LND", "London"),
    ("SOUTH", "South of England"),
    ("MIDLANDS", "Midlands"),
    ("NORTH", "North of England"),
    ("WALES", "Wales"),
    ("SCOT", "Scotland"),
    ("NI", "Northern Ireland"),
    # Germany
    ("MITTE", "Mitteldeutschland"),
    ("OST", "Ostdeutschland"),
    ("SÜD", "Süddeutschland"),
)

# code, description, Django language code
LANGUAGES: tuple[tuple[str, str, str], ...] = (
    ("NOR", pgettext_lazy("demo data", "Norwegian (Bokmål)"), "nb"),
    ("NLD", pgettext_lazy("demo data", "Dutch"), "nl"),
    ("ENU", pgettext_lazy("demo data", "English (United States)"), "en"),
    ("DEU", pgettext_lazy("demo data", "German"), "de"),
)

BUSINESS_RELATIONS: tuple[tuple[str, str], ...] = (
    ("CUST", pgettext_lazy("demo data", "Customer")),
    ("VEND", pgettext_lazy("demo data", "Vendor")),
    ("BANK", pgettext_lazy("demo data", "Bank Account")),
    ("PROSPECT", pgettext_lazy("demo data", "Prospect")),
    ("PARTNER", pgettext_lazy("demo data", "Partner")),
)

# code: (description, probability calculation, stages:
#        (stage, description, completed %, chances of success %, quote required, allow skip))
SALES_CYCLES = {
    "NEW": (
        pgettext_lazy("demo data", "New customers"),
        SalesCycle.ProbabilityCalculation.MULTIPLY,
        (
            (1, pgettext_lazy("demo data", "Initial contact"), 10, 20, False, False),
            (2, pgettext_lazy("demo data", "Understanding needs"), 25, 35, False, True),
            (3, pgettext_lazy("demo data", "Presentation"), 50, 50, False, True),
            (4, pgettext_lazy("demo data", "Proposal"), 75, 65, True, False),
            (5, pgettext_lazy("demo data", "Sign contract"), 90, 85, False, False),
        ),
    ),
    "EXISTING": (
        pgettext_lazy("demo data", "Existing customers"),
        SalesCycle.ProbabilityCalculation.MULTIPLY,
        (
            (1, pgettext_lazy("demo data", "Initial contact"), 10, 50, False, False),
            (2, pgettext_lazy("demo data", "Proposal"), 50, 70, True, True),
            (3, pgettext_lazy("demo data", "Sign contract"), 90, 90, False, False),
        ),
    ),
}

SALUTATIONS: tuple[tuple[str, str], ...] = (
    ("COMPANY", pgettext_lazy("demo data", "Company")),
    ("F", pgettext_lazy("demo data", "Female")),
    ("M", pgettext_lazy("demo data", "Male")),
    ("UNISEX", pgettext_lazy("demo data", "Unisex")),
)

F = SalutationFormula.NamePart
FORMAL = SalutationFormula.SalutationType.FORMAL
INFORMAL = SalutationFormula.SalutationType.INFORMAL
FULL_NAME = (F.FIRST_NAME, F.MIDDLE_NAME, F.SURNAME)

# (salutation, language code or None for any language, type): (text, name parts)
FORMULAS: dict[tuple[str, str | None, str], tuple[str, tuple[str, ...]]] = {}
for _language in ("ENU",):
    FORMULAS |= {
        ("COMPANY", _language, FORMAL): ("Dear Sirs,", ()),
        ("COMPANY", _language, INFORMAL): ("%1,", (F.COMPANY_NAME,)),
        ("M", _language, FORMAL): ("Dear Mr. %1 %2 %3,", FULL_NAME),
        ("F", _language, FORMAL): ("Dear Ms. %1 %2 %3,", FULL_NAME),
        ("UNISEX", _language, FORMAL): ("Dear %1 %2 %3,", FULL_NAME),
    }
    for _code in ("M", "F", "UNISEX"):
        FORMULAS[(_code, _language, INFORMAL)] = ("Hi %1,", (F.FIRST_NAME,))
FORMULAS |= {
    # Norwegian
    ("COMPANY", "NOR", FORMAL): ("Til %1,", (F.COMPANY_NAME,)),
    ("COMPANY", "NOR", INFORMAL): ("Hei %1,", (F.COMPANY_NAME,)),
    ("M", "NOR", FORMAL): ("Kjære herr %1 %2 %3,", FULL_NAME),
    ("F", "NOR", FORMAL): ("Kjære fru %1 %2 %3,", FULL_NAME),
    ("UNISEX", "NOR", FORMAL): ("Kjære %1 %2 %3,", FULL_NAME),
    ("M", "NOR", INFORMAL): ("Hei %1,", (F.FIRST_NAME,)),
    ("F", "NOR", INFORMAL): ("Hei %1,", (F.FIRST_NAME,)),
    ("UNISEX", "NOR", INFORMAL): ("Hei %1,", (F.FIRST_NAME,)),
    # Dutch: the formal greeting uses the surname; %1 %2 in UNISEX is the middle name
    # (tussenvoegsel, dropped with its space when blank) and the surname.
    ("COMPANY", "NLD", FORMAL): ("Geachte heer/mevrouw,", ()),
    ("COMPANY", "NLD", INFORMAL): ("Beste medewerkers van %1,", (F.COMPANY_NAME,)),
    ("M", "NLD", FORMAL): ("Geachte heer %1,", (F.SURNAME,)),
    ("F", "NLD", FORMAL): ("Geachte mevrouw %1,", (F.SURNAME,)),
    ("UNISEX", "NLD", FORMAL): ("Geachte heer/mevrouw %1 %2,", (F.MIDDLE_NAME, F.SURNAME)),
    ("M", "NLD", INFORMAL): ("Beste %1,", (F.FIRST_NAME,)),
    ("F", "NLD", INFORMAL): ("Beste %1,", (F.FIRST_NAME,)),
    ("UNISEX", "NLD", INFORMAL): ("Beste %1,", (F.FIRST_NAME,)),
    # German
    ("COMPANY", "DEU", FORMAL): ("Sehr geehrte Damen und Herren,", ()),
    ("COMPANY", "DEU", INFORMAL): ("Hallo %1,", (F.COMPANY_NAME,)),
    ("M", "DEU", FORMAL): ("Sehr geehrter Herr %1,", (F.SURNAME,)),
    ("F", "DEU", FORMAL): ("Sehr geehrte Frau %1,", (F.SURNAME,)),
    ("UNISEX", "DEU", FORMAL): ("Guten Tag %1 %2,", (F.FIRST_NAME, F.SURNAME)),
    ("M", "DEU", INFORMAL): ("Hallo %1,", (F.FIRST_NAME,)),
    ("F", "DEU", INFORMAL): ("Hallo %1,", (F.FIRST_NAME,)),
    ("UNISEX", "DEU", INFORMAL): ("Hallo %1,", (F.FIRST_NAME,)),
}

# The formulas for contacts without a language are those of the language loaded in.
LANGUAGE_FOR_DJANGO = {django_language: code for code, _name, django_language in LANGUAGES}


def formulas() -> dict[tuple[str, str | None, str], tuple[str, tuple[str, ...]]]:
    """FORMULAS plus the language-less ones, copied from the active language's (English
    when it has none)."""
    active = (get_language() or "en").split("-")[0]
    fallback = LANGUAGE_FOR_DJANGO.get(active, "ENU")
    result = dict(FORMULAS)
    for (salutation, language, kind), value in FORMULAS.items():
        if language == fallback:
            result[(salutation, None, kind)] = value
    return result


# Setup field -> number series code (created by numbering/demo.py, which runs first).
SETUP_SERIES = {
    "contact_nos": ("CONT", "CT0000001", "CT9999999"),
    "opportunity_nos": ("OPP", "OP000001", "OP999999"),
    "campaign_nos": ("CAMP", None, None),
    "segment_nos": ("SEGM", None, None),
    "task_nos": ("TASK", None, None),
}


def _load_reference_data() -> None:
    for code, name, job_title in SALESPEOPLE:
        Salesperson.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "job_title": job_title,
                "email": f"{code.lower()}@cronus.example",
                "blocked": False,
            },
        )
    for code, description in TERRITORIES:
        Territory.objects.update_or_create(code=code, defaults={"description": description})
    for code, description, django_language in LANGUAGES:
        Language.objects.update_or_create(
            code=code,
            defaults={"description": str(description), "django_language": django_language},
        )
    for code, description in BUSINESS_RELATIONS:
        BusinessRelation.objects.update_or_create(
            code=code, defaults={"description": str(description)}
        )
    for code, (description, calculation, stages) in SALES_CYCLES.items():
        cycle, _created = SalesCycle.objects.update_or_create(
            code=code,
            defaults={
                "description": str(description),
                "probability_calculation": calculation,
                "blocked": False,
            },
        )
        for stage, stage_description, completed, chances, quote, skip in stages:
            SalesCycleStage.objects.update_or_create(
                sales_cycle=cycle,
                stage=stage,
                defaults={
                    "description": str(stage_description),
                    "completed_pct": completed,
                    "chances_of_success_pct": chances,
                    "quote_required": quote,
                    "allow_skip": skip,
                },
            )
    for code, description in SALUTATIONS:
        Salutation.objects.update_or_create(code=code, defaults={"description": str(description)})
    for (salutation, language, salutation_type), (text, parts) in formulas().items():
        names = {f"name_{n}": part for n, part in enumerate(parts, start=1)}
        SalutationFormula.objects.update_or_create(
            salutation_id=salutation,
            language_id=language,
            salutation_type=salutation_type,
            defaults={"text": text, **{f"name_{n}": "" for n in range(1, 6)}, **names},
        )


def _series(code: str, starting_no: str | None, ending_no: str | None):
    from numbering.models import NoSeries, NoSeriesLine

    series = NoSeries.objects.filter(code=code).first()
    if series is None and starting_no:
        # numbering/demo.py normally made it; make the minimum ourselves otherwise.
        series, _created = NoSeries.objects.get_or_create(
            code=code, defaults={"description": code, "default_nos": True}
        )
        NoSeriesLine.objects.get_or_create(
            series=series,
            line_no=10000,
            defaults={"starting_no": starting_no, "ending_no": ending_no},
        )
    return series


@transaction.atomic
def load(stdout) -> None:
    """Reference data, salutations and the Marketing Setup values of the demo company."""
    _load_reference_data()
    data = {
        "inherit_salesperson": True,
        "inherit_territory": True,
        "inherit_country": True,
        "inherit_language": True,
        "inherit_address": True,
        "inherit_communication": True,
        "default_language": Language.objects.get(code="NOR"),
        "default_country": "NO",
        "default_territory": Territory.objects.get(code="OSLO"),
        "default_sales_cycle": SalesCycle.objects.get(code="NEW"),
        "default_correspondence_type": CorrespondenceType.EMAIL,
        "mergefield_language": Language.objects.get(code="ENU"),
        "default_company_salutation": Salutation.objects.get(code="COMPANY"),
        "default_person_salutation": Salutation.objects.get(code="UNISEX"),
        "bus_rel_code_for_customers": BusinessRelation.objects.get(code="CUST"),
        "bus_rel_code_for_vendors": BusinessRelation.objects.get(code="VEND"),
        "bus_rel_code_for_bank_accounts": BusinessRelation.objects.get(code="BANK"),
        "maintain_search_strings": True,
        "autosearch_for_duplicates": True,
        "search_hit_pct": 60,
    }
    for field_name, (code, starting_no, ending_no) in SETUP_SERIES.items():
        data[field_name] = _series(code, starting_no, ending_no)
    marketing_setup_update(setup=MarketingSetup.get(), data=data)
    stdout.write(
        f"Marketing Setup and reference data: {len(SALESPEOPLE)} salespeople, "
        f"{len(TERRITORIES)} territories, {len(LANGUAGES)} languages, "
        f"{len(BUSINESS_RELATIONS)} business relations, {len(SALES_CYCLES)} sales cycles, "
        f"{len(SALUTATIONS)} salutations with {len(formulas())} formulas.\n"
    )
