"""Demo customers, vendors and bank accounts (with their linked contacts when the
setup's business-relation codes are set, as marketing_setup/demo.py does).

Idempotent: the number series are created if missing; a demo record whose name already
exists is left alone.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from numbering.models import NoSeries, NoSeriesLine
from relations import services
from relations.models import BankAccount, Customer, SyncedEntity, Vendor

# code: (description, starting no., ending no.)
SERIES = {
    "CUST": (_("Customers"), "C00010", "C99990"),
    "VEND": (_("Vendors"), "V00010", "V99990"),
    "BANK": (_("Bank accounts"), "B010", "B990"),
}

CUSTOMERS = (
    {
        "name": "Nordlys Handel AS",
        "address": "Storgata 12",
        "post_code": "9008",
        "city": "Tromsø",
        "country": "NO",
        "phone_no": "+47 77 60 00 00",
        "email": "post@nordlys-handel.no",
        "vat_registration_no": "NO912345678",
    },
    {
        "name": "Fjordkraft Bygg AS",
        "address": "Bryggen 5",
        "post_code": "5003",
        "city": "Bergen",
        "country": "NO",
        "phone_no": "+47 55 30 00 00",
        "email": "firmapost@fjordkraftbygg.no",
    },
    {
        "name": "Tulpen Groothandel B.V.",
        "address": "Keizersgracht 100",
        "post_code": "1015 AA",
        "city": "Amsterdam",
        "country": "NL",
        "phone_no": "+31 20 555 0100",
        "email": "info@tulpengroothandel.nl",
        "vat_registration_no": "NL123456789B01",
    },
)

VENDORS = (
    {
        "name": "Kontorrekvisita Norge AS",
        "address": "Industriveien 3",
        "post_code": "0580",
        "city": "Oslo",
        "country": "NO",
        "phone_no": "+47 22 00 11 22",
    },
    {
        "name": "Van Dijk Papier B.V.",
        "address": "Havenstraat 8",
        "post_code": "3011 AB",
        "city": "Rotterdam",
        "country": "NL",
    },
)

BANK_ACCOUNTS = (
    {
        "name": "DNB Bank ASA",
        "address": "Dronning Eufemias gate 30",
        "post_code": "0191",
        "city": "Oslo",
        "country": "NO",
        "bank_account_no": "1503.12.34567",
        "iban": "NO9386011117947",
        "swift_code": "DNBANOKK",
        "currency_code": "",
    },
)


def _ensure_series() -> None:
    for code, (description, starting_no, ending_no) in SERIES.items():
        series, created = NoSeries.objects.get_or_create(
            code=code,
            defaults={"description": str(description), "default_nos": True, "manual_nos": True},
        )
        if not created and series.description != str(description):
            # Described in the language of this load (load_demo --language).
            series.description = str(description)
            series.save(update_fields=["description"])
        NoSeriesLine.objects.get_or_create(
            series=series,
            line_no=10000,
            defaults={"starting_no": starting_no, "ending_no": ending_no},
        )


def _load(model: type[SyncedEntity], rows, stdout) -> None:
    for data in rows:
        if model.objects.filter(name=data["name"]).exists():
            continue
        entity = services.entity_create(model=model, data=dict(data))
        stdout.write(f"Created {model._meta.verbose_name} {entity}\n")


@transaction.atomic
def load(stdout) -> None:
    _ensure_series()
    _load(Customer, CUSTOMERS, stdout)
    _load(Vendor, VENDORS, stdout)
    _load(BankAccount, BANK_ACCOUNTS, stdout)
