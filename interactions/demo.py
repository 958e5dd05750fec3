"""Demo interaction groups, templates and setup (reference 6.1-6.3), plus a few entries.

Descriptions are in the language active while loading (`load_demo --language nb|nl|en`);
rows are found by code, so loading again in another language re-describes them."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import pgettext_lazy

from interactions.models import (
    InformationFlow,
    InitiatedBy,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateSetup,
)

GROUPS = {
    "LETTER": pgettext_lazy("demo data", "Letters"),
    "MEETING": pgettext_lazy("demo data", "Meetings"),
    "PHONE": pgettext_lazy("demo data", "Telephone conversations"),
    "PURCHASES": pgettext_lazy("demo data", "Purchase documents"),
    "SALES": pgettext_lazy("demo data", "Sales documents"),
    "SYSTEM": pgettext_lazy("demo data", "System generated entries"),
}

# code: (group, description, setup field)
SYSTEM_TEMPLATES = {
    "S_INVOICE": ("SALES", pgettext_lazy("demo data", "Sales invoice"), "sales_invoices"),
    "S_C_MEMO": ("SALES", pgettext_lazy("demo data", "Sales credit memo"), "sales_credit_memos"),
    "S_ORDER_CF": (
        "SALES",
        pgettext_lazy("demo data", "Sales order confirmation"),
        "sales_order_confirmations",
    ),
    "S_QUOTE": ("SALES", pgettext_lazy("demo data", "Sales quote"), "sales_quotes"),
    "S_B_ORDER": (
        "SALES",
        pgettext_lazy("demo data", "Sales blanket order"),
        "sales_blanket_orders",
    ),
    "S_SHIP": ("SALES", pgettext_lazy("demo data", "Sales shipment note"), "sales_shipment_notes"),
    "S_STATM": ("SALES", pgettext_lazy("demo data", "Sales statement"), "sales_statements"),
    "S_REMIND": ("SALES", pgettext_lazy("demo data", "Sales reminder"), "sales_reminders"),
    "S_RET_ORD": ("SALES", pgettext_lazy("demo data", "Sales return order"), "sales_return_orders"),
    "S_RET_RCP": (
        "SALES",
        pgettext_lazy("demo data", "Sales return receipt"),
        "sales_return_receipts",
    ),
    "S_FIN_CHG": (
        "SALES",
        pgettext_lazy("demo data", "Sales finance charge memo"),
        "sales_finance_charge_memos",
    ),
    "S_DRAFT_IN": (
        "SALES",
        pgettext_lazy("demo data", "Sales draft invoice"),
        "sales_draft_invoices",
    ),
    "P_INVOICE": ("PURCHASES", pgettext_lazy("demo data", "Purchase invoice"), "purch_invoices"),
    "P_C_MEMO": (
        "PURCHASES",
        pgettext_lazy("demo data", "Purchase credit memo"),
        "purch_credit_memos",
    ),
    "P_ORDER": ("PURCHASES", pgettext_lazy("demo data", "Purchase order"), "purch_orders"),
    "P_QUOTE": ("PURCHASES", pgettext_lazy("demo data", "Purchase quote"), "purch_quotes"),
    "P_B_ORDER": (
        "PURCHASES",
        pgettext_lazy("demo data", "Purchase blanket order"),
        "purch_blanket_orders",
    ),
    "P_RECEIPT": ("PURCHASES", pgettext_lazy("demo data", "Purchase receipt"), "purch_receipts"),
    "P_RT_SHIP": (
        "PURCHASES",
        pgettext_lazy("demo data", "Purchase return shipment"),
        "purch_return_shipments",
    ),
    "P_RT_ORD_C": (
        "PURCHASES",
        pgettext_lazy("demo data", "Purchase return order confirmation"),
        "purch_return_order_confirmations",
    ),
    "EMAIL": ("SYSTEM", pgettext_lazy("demo data", "E-mail"), "emails"),
    "EMAIL_D": ("SYSTEM", pgettext_lazy("demo data", "E-mail draft"), "email_draft"),
    "COVERSH": ("LETTER", pgettext_lazy("demo data", "Cover sheet"), "cover_sheets"),
    "MEETINV": ("MEETING", pgettext_lazy("demo data", "Meeting invitation"), "meeting_invitation"),
}


def load(stdout) -> None:
    """Create (or update) the demo groups, templates, setup mapping and a few entries."""
    for code, description in GROUPS.items():
        InteractionGroup.objects.update_or_create(
            code=code, defaults={"description": str(description)}
        )

    setup = InteractionTemplateSetup.get()
    for code, (group, description, field) in SYSTEM_TEMPLATES.items():
        template, _ = InteractionTemplate.objects.update_or_create(
            code=code,
            defaults={
                "group_id": group,
                "description": str(description),
                "unit_cost": Decimal("8"),
                "unit_duration_min": Decimal("1"),
                "information_flow": InformationFlow.OUTBOUND,
                "initiated_by": InitiatedBy.US,
            },
        )
        setattr(setup, field, template)
    calls = {
        "OUTGOING": (
            pgettext_lazy("demo data", "Outgoing telephone call"),
            InformationFlow.OUTBOUND,
            InitiatedBy.US,
        ),
        "INCOMING": (
            pgettext_lazy("demo data", "Incoming telephone call"),
            InformationFlow.INBOUND,
            InitiatedBy.THEM,
        ),
    }
    for code, (description, flow, initiated_by) in calls.items():
        InteractionTemplate.objects.update_or_create(
            code=code,
            defaults={
                "group_id": "PHONE",
                "description": str(description),
                "unit_cost": Decimal("1"),
                "unit_duration_min": Decimal("15"),
                "information_flow": flow,
                "initiated_by": initiated_by,
                "correspondence_type": "",
            },
        )
    setup.outgoing_calls_id = "OUTGOING"
    setup.incoming_calls_id = "INCOMING"
    setup.save()

    logged = _demo_entries()
    stdout.write(
        f"interactions: {len(GROUPS)} groups, {len(SYSTEM_TEMPLATES) + len(calls)} templates, "
        f"{logged} demo entries logged\n"
    )


def _demo_entries() -> int:
    """A phone call and an invoice for the first few contacts (once: not on a re-run)."""
    from contacts.models import Contact
    from interactions.services import interaction_log

    if InteractionLogEntry.objects.filter(document_no__startswith="DEMO-").exists():
        return 0
    logged = 0
    contacts = Contact.objects.select_related("company").order_by("no")[:5]
    templates = InteractionTemplate.objects.in_bulk(["OUTGOING", "S_INVOICE"])
    for n, contact in enumerate(contacts, start=1):
        interaction_log(
            contact=contact,
            template=templates["OUTGOING"],
            subject=str(pgettext_lazy("demo data", "Demo call")),
        )
        interaction_log(
            contact=contact,
            template=templates["S_INVOICE"],
            document_type="sales_invoice",
            document_no=f"DEMO-{n:04d}",
        )
        logged += 2
    return logged
