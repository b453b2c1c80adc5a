"""What a template may read: plain values only, copied out of the records, so a template
never reaches a model, a session or anything behind them."""

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class ContactFields:
    first_name: str = ""
    last_name: str = ""
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class CustomerFields:
    name: str = ""
    code: str = ""


@dataclass(frozen=True)
class DealFields:
    title: str = ""
    value: str = ""
    stage: str = ""


@dataclass(frozen=True)
class LeadFields:
    title: str = ""


@dataclass(frozen=True)
class UserFields:
    name: str = ""


@dataclass(frozen=True)
class CompanyFields:
    name: str = ""


# The merge fields, as the template editor lists them.
FIELDS = {
    "contact.first_name": _l("Contact's first name"),
    "contact.last_name": _l("Contact's last name"),
    "contact.name": _l("Contact's full name"),
    "contact.email": _l("Contact's email"),
    "customer.name": _l("Customer name"),
    "customer.code": _l("Customer code"),
    "deal.title": _l("Deal title"),
    "deal.value": _l("Deal value"),
    "deal.stage": _l("Deal stage"),
    "lead.title": _l("Lead title"),
    "user.name": _l("Your name"),
    "company.name": _l("Your organisation's name"),
}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def contact_fields(name: str | None, email: str | None) -> ContactFields:
    full = " ".join((name or "").split())
    first, _, last = full.partition(" ")
    return ContactFields(first, last, full, _text(email))


def context(
    *,
    contact: ContactFields,
    customer: Any = None,
    deal: Any = None,
    lead: Any = None,
    user: Any = None,
    company_name: str | None = None,
) -> dict[str, Any]:
    """The variables of one message: each record's plain fields (blank when absent)."""
    return {
        "contact": contact,
        "customer": CustomerFields(_text(customer.name), _text(customer.code))
        if customer is not None
        else CustomerFields(),
        "deal": DealFields(
            _text(deal.title),
            f"{deal.value} {deal.currency}",
            _text(deal.stage.name if deal.stage is not None else ""),
        )
        if deal is not None
        else DealFields(),
        "lead": LeadFields(_text(lead.title)) if lead is not None else LeadFields(),
        "user": UserFields(
            " ".join(p for p in (user.first_name, user.last_name) if p) or user.username
        )
        if user is not None
        else UserFields(),
        "company": CompanyFields(_text(company_name)),
    }


def sample() -> dict[str, Any]:
    """Made-up values a template is test-rendered with when it is saved."""
    return {
        "contact": ContactFields("Anna", "Müller", "Anna Müller", "anna@example.com"),
        "customer": CustomerFields("Nordlicht GmbH", "C000001"),
        "deal": DealFields("Annual licence", "12000.00 EUR", "Proposal"),
        "lead": LeadFields("Website enquiry"),
        "user": UserFields("Sam Seller"),
        "company": CompanyFields("Acme Trading"),
    }
