"""Creating and changing opportunities (reference, section 8).

- Number: blank → drawn from Marketing Setup's Opportunity Nos. in the inserting
  transaction; typed → allowed only where that series has Manual Nos. (as contacts, 5.6).
- Sales cycle: a new opportunity without one gets the setup's Default Sales Cycle Code
  when it exists and is not blocked; with neither it is refused (it could not move
  through stages). A blocked cycle cannot be chosen.
- Contact company: follows the contact (the company itself, or a person's company).
- Salesperson: blank → the creating user's from User Setup, else the contact's salesperson.
- Status (simple rules): choosing a stage starts a not-started opportunity; Won/Lost stamp
  Date Closed (and set chances to 100/0); reopening clears it and takes the stage's
  chances again. A stage's chances of success are taken over when the stage changes
  (not while the opportunity is closed).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import Contact
from contacts.services import contact_refuse_if_privacy_blocked
from marketing_setup.models import MarketingSetup, SalesCycle
from marketing_setup.services import user_salesperson
from numbering.records import record_lock
from numbering.services import series_check_manual, series_next_number, series_peek
from opportunities.models import Opportunity

EDITABLE_FIELDS = (
    "description",
    "contact",
    "salesperson",
    "sales_cycle",
    "current_stage",
    "status",
    "priority",
    "creation_date",
    "estimated_value",
    "chances_of_success_pct",
    "estimated_closing_date",
    "date_closed",
)


def default_sales_cycle(setup: MarketingSetup | None = None) -> SalesCycle | None:
    """The setup's default sales cycle if set and not blocked, else None (8)."""
    setup = setup or MarketingSetup.get()
    cycle = setup.default_sales_cycle
    if cycle is None or cycle.blocked:
        return None
    return cycle


def sales_cycle_check(cycle: SalesCycle | None) -> None:
    """Refuse a blocked sales cycle."""
    if cycle is not None and cycle.blocked:
        raise ValidationError(
            {"sales_cycle": _("Sales cycle %(code)s is blocked.") % {"code": cycle.code}},
            code="blocked",
        )


def _assign(opportunity: Opportunity, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key not in EDITABLE_FIELDS:
            raise ValidationError(
                _("Unknown opportunity field: %(field)s.") % {"field": key}, code="unknown"
            )
        setattr(opportunity, key, value)


def _apply_rules(opportunity: Opportunity, old: Opportunity | None, *, user=None) -> None:
    contact: Contact | None = opportunity.contact
    if old is None and not opportunity.salesperson_id:
        own = user_salesperson(user)  # User Setup first, as in BC (8)
        if own is not None:
            opportunity.salesperson_id = own.pk
    if contact is None:
        if old is None or old.contact_id is not None:
            raise ValidationError({"contact": _("Choose a contact.")}, code="required")
    else:
        opportunity.contact_company_id = contact.pk if contact.is_company else contact.company_id
        if (
            not opportunity.salesperson_id
            and contact.salesperson_id
            and old is None
            and not contact.salesperson.blocked
        ):
            opportunity.salesperson_id = contact.salesperson_id
    if (
        opportunity.salesperson_id
        and (old is None or old.salesperson_id != opportunity.salesperson_id)
        and opportunity.salesperson.blocked
    ):
        raise ValidationError(
            {
                "salesperson": _("Salesperson %(code)s is blocked and cannot be used.")
                % {"code": opportunity.salesperson_id}
            },
            code="blocked",
        )
    if old is None or old.sales_cycle_id != opportunity.sales_cycle_id:
        sales_cycle_check(opportunity.sales_cycle)
        if (
            old is not None
            and opportunity.current_stage_id == old.current_stage_id
            and opportunity.current_stage_id
            and opportunity.current_stage.sales_cycle_id != opportunity.sales_cycle_id
        ):
            opportunity.current_stage = None  # the old cycle's stage goes with it
    stage_changed = opportunity.current_stage_id and (
        old is None or old.current_stage_id != opportunity.current_stage_id
    )
    if stage_changed:
        opportunity.chances_of_success_pct = opportunity.current_stage.chances_of_success_pct
        if opportunity.status == Opportunity.Status.NOT_STARTED:
            opportunity.status = Opportunity.Status.IN_PROGRESS
    if opportunity.is_open:
        opportunity.date_closed = None
        if old is not None and not old.is_open and not stage_changed:
            # Reopened: the 100 / 0 of the closed status gives way to the stage's chances.
            stage = opportunity.current_stage
            opportunity.chances_of_success_pct = stage.chances_of_success_pct if stage else 0
    else:
        if not opportunity.date_closed:
            opportunity.date_closed = timezone.localdate()
        if old is None or old.status != opportunity.status or stage_changed:
            # A stage's chances never replace a closed opportunity's 100 / 0.
            opportunity.chances_of_success_pct = (
                100 if opportunity.status == Opportunity.Status.WON else 0
            )


def _assign_number(opportunity: Opportunity, setup: MarketingSetup) -> None:
    if opportunity.no:
        try:
            # Its own checks (length): the full_clean before this one leaves the number out.
            opportunity.no = Opportunity._meta.get_field("no").clean(opportunity.no, opportunity)
            series_check_manual(setup.opportunity_nos_id or "")
        except ValidationError as error:
            raise ValidationError({"no": error.messages}) from None
        if Opportunity.objects.filter(no=opportunity.no).exists():
            raise ValidationError(
                {"no": _("Opportunity %(no)s already exists.") % {"no": opportunity.no}},
                code="unique",
            )
        opportunity.no_series = ""
        return
    if not setup.opportunity_nos_id:
        raise ValidationError(
            {"no": _("Opportunity Nos. must have a value in Marketing Setup.")}, code="no_series"
        )
    try:
        number = series_next_number(setup.opportunity_nos_id)
        while Opportunity.objects.filter(no=number).exists():  # typed by hand earlier
            number = series_next_number(setup.opportunity_nos_id)
    except ValidationError as error:
        raise ValidationError({"no": error.messages}) from None
    opportunity.no = number
    opportunity.no_series = setup.opportunity_nos_id


def _build(data: dict[str, Any], setup: MarketingSetup, *, user=None) -> Opportunity:
    data = dict(data)
    opportunity = Opportunity(no=(data.pop("no", "") or "").strip())
    if not data.get("sales_cycle"):
        data["sales_cycle"] = default_sales_cycle(setup)
        if data["sales_cycle"] is None:
            # Without a cycle it could never move through stages (8): refuse it.
            raise ValidationError(
                {
                    "sales_cycle": _(
                        "Choose a sales cycle. The opportunity has none, and Marketing Setup "
                        "has no Default Sales Cycle Code that is not blocked."
                    )
                },
                code="no_sales_cycle",
            )
    _assign(opportunity, data)
    _apply_rules(opportunity, None, user=user)
    opportunity.full_clean(exclude=["no"])
    return opportunity


def opportunity_validate_create(*, data: dict[str, Any], user=None) -> None:
    """Raise the errors `opportunity_create` would raise, without saving or drawing a
    number (for forms that validate first, such as the admin's)."""
    setup = MarketingSetup.get()
    opportunity = _build(data, setup, user=user)
    if opportunity.no or not setup.opportunity_nos_id:
        _assign_number(opportunity, setup)  # only checks, nothing drawn
    else:
        try:
            series_peek(setup.opportunity_nos_id)
        except ValidationError as error:
            raise ValidationError({"no": error.messages}) from None


@transaction.atomic
def opportunity_create(*, data: dict[str, Any], user=None) -> Opportunity:
    """Create an opportunity: number, default sales cycle, contact company, rules above.
    The salesperson, when not given, is `user`'s from User Setup, else the contact's."""
    setup = MarketingSetup.get()
    opportunity = _build(data, setup, user=user)
    if opportunity.contact_id:
        contact_refuse_if_privacy_blocked(opportunity.contact, what=_("opportunities"))
    _assign_number(opportunity, setup)
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_update(*, opportunity: Opportunity, data: dict[str, Any], user=None) -> Opportunity:
    """Change an opportunity (its number stays); the row is locked first (RecordGone
    when it was deleted meanwhile)."""
    record_lock(opportunity)
    old = Opportunity.objects.get(pk=opportunity.pk)
    data = {k: v for k, v in data.items() if k != "no"}
    _assign(opportunity, data)
    _apply_rules(opportunity, old)
    opportunity.full_clean()
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_close(*, opportunity: Opportunity, won: bool, user=None) -> Opportunity:
    """Close an open opportunity as won or lost (a closed one stays as it was closed)."""
    record_lock(opportunity, refresh=True)  # two users closing at once: one wins
    if not opportunity.is_open:
        raise ValidationError(
            _("Opportunity %(no)s is already closed.") % {"no": opportunity.no},
            code="closed",
        )
    status = Opportunity.Status.WON if won else Opportunity.Status.LOST
    return opportunity_update(opportunity=opportunity, data={"status": status}, user=user)


def contact_check_delete(contact: Contact) -> None:
    """Refuse to delete a contact (or a company whose persons) with open opportunities (2.8)."""
    if Opportunity.objects.open().filter(contact=contact).exists():
        raise ValidationError(
            _(
                "You cannot delete contact %(no)s because it has one or more opportunities "
                "that are not started or in progress."
            )
            % {"no": contact.no},
            code="open_opportunities",
        )


@transaction.atomic
def opportunities_rehome_after_company_change(
    *, person: Contact, old_company_id: int | None, new_company_id: int | None
) -> int:
    """A saved person moved company (reference 2.4, "re-home history"); returns the count.

    Had a previous company: the opportunities recorded against (old company, person)
    now belong to the old company itself. Had none: the person's opportunities with a
    blank contact company get the new company.
    """
    now = timezone.now()  # update() skips auto_now
    if old_company_id:
        return Opportunity.objects.filter(contact=person, contact_company_id=old_company_id).update(
            contact_id=old_company_id, contact_company_id=old_company_id, updated_at=now
        )
    if new_company_id:
        return Opportunity.objects.filter(contact=person, contact_company__isnull=True).update(
            contact_company_id=new_company_id, updated_at=now
        )
    return 0
