"""Demo interaction groups, templates and setup (reference 6.1-6.3), plus a few entries."""

from __future__ import annotations

from decimal import Decimal

from interactions.models import (
    InformationFlow,
    InitiatedBy,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateSetup,
)

GROUPS = {
    "LETTER": "Letters",
    "MEETING": "Meetings",
    "PHONE": "Telephone conversations",
    "PURCHASES": "Purchase documents",
    "SALES": "Sales documents",
    "SYSTEM": "System generated entries",
}

# code: (group, description, setup field)
SYSTEM_TEMPLATES = {
    "S_INVOICE": ("SALES", "Sales invoice", "sales_invoices"),
    "S_C_MEMO": ("SALES", "Sales credit memo", "sales_credit_memos"),
    "S_ORDER_CF": ("SALES", "Sales order confirmation", "sales_order_confirmations"),
    "S_QUOTE": ("SALES", "Sales quote", "sales_quotes"),
    "S_B_ORDER": ("SALES", "Sales blanket order", "sales_blanket_orders"),
    "S_SHIP": ("SALES", "Sales shipment note", "sales_shipment_notes"),
    "S_STATM": ("SALES", "Sales statement", "sales_statements"),
    "S_REMIND": ("SALES", "Sales reminder", "sales_reminders"),
    "S_RET_ORD": ("SALES", "Sales return order", "sales_return_orders"),
    "S_RET_RCP": ("SALES", "Sales return receipt", "sales_return_receipts"),
    "S_FIN_CHG": ("SALES", "Sales finance charge memo", "sales_finance_charge_memos"),
    "S_DRAFT_IN": ("SALES", "Sales draft invoice", "sales_draft_invoices"),
    "P_INVOICE": ("PURCHASES", "Purchase invoice", "purch_invoices"),
    "P_C_MEMO": ("PURCHASES", "Purchase credit memo", "purch_credit_memos"),
    "P_ORDER": ("PURCHASES", "Purchase order", "purch_orders"),
    "P_QUOTE": ("PURCHASES", "Purchase quote", "purch_quotes"),
    "P_B_ORDER": ("PURCHASES", "Purchase blanket order", "purch_blanket_orders"),
    "P_RECEIPT": ("PURCHASES", "Purchase receipt", "purch_receipts"),
    "P_RT_SHIP": ("PURCHASES", "Purchase return shipment", "purch_return_shipments"),
    "P_RT_ORD_C": (
        "PURCHASES",
        "Purchase return order confirmation",
        "purch_return_order_confirmations",
    ),
    "EMAIL": ("SYSTEM", "E-mail", "emails"),
    "EMAIL_D": ("SYSTEM", "E-mail draft", "email_draft"),
    "COVERSH": ("LETTER", "Cover sheet", "cover_sheets"),
    "MEETINV": ("MEETING", "Meeting invitation", "meeting_invitation"),
}


def load(stdout) -> None:
    """Create (or update) the demo groups, templates, setup mapping and a few entries."""
    for code, description in GROUPS.items():
        InteractionGroup.objects.update_or_create(code=code, defaults={"description": description})

    setup = InteractionTemplateSetup.get()
    for code, (group, description, field) in SYSTEM_TEMPLATES.items():
        template, _ = InteractionTemplate.objects.update_or_create(
            code=code,
            defaults={
                "group_id": group,
                "description": description,
                "unit_cost": Decimal("8"),
                "unit_duration_min": Decimal("1"),
                "information_flow": InformationFlow.OUTBOUND,
                "initiated_by": InitiatedBy.US,
            },
        )
        setattr(setup, field, template)
    calls = {
        "OUTGOING": ("Outgoing telephone call", InformationFlow.OUTBOUND, InitiatedBy.US),
        "INCOMING": ("Incoming telephone call", InformationFlow.INBOUND, InitiatedBy.THEM),
    }
    for code, (description, flow, initiated_by) in calls.items():
        InteractionTemplate.objects.update_or_create(
            code=code,
            defaults={
                "group_id": "PHONE",
                "description": description,
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
        interaction_log(contact=contact, template=templates["OUTGOING"], subject="Demo call")
        interaction_log(
            contact=contact,
            template=templates["S_INVOICE"],
            document_type="sales_invoice",
            document_no=f"DEMO-{n:04d}",
        )
        logged += 2
    return logged
