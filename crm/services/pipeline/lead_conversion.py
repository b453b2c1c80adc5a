"""Converting a lead: a customer (new, or the one with the same email), optionally a
company (existing or new) and a deal, and the lead marked converted — all or nothing.

Everything is checked before anything is written; one ValidationFailed names
every problem with the request's field names (customer_name, company_id,
stage_id, ...). Then one transaction writes the lot.

Policies:

* Fields the request leaves out come from the lead: customer name (contact name,
  else company name, else title), email and phone, deal title and value. Our
  customers need an email, so without one in the request or on the lead the
  conversion is refused.
* A customer with the same email (ignoring case) is reused, not duplicated: its
  empty phone, company and owner are filled in; nothing it already has changes.
  An archived one is refused (restore it first).
* The deal goes into the chosen pipeline (default: the tenant's default
  pipeline); without a stage, the pipeline's default stage, else its first. It
  is created by ``deals.create_deal``, so every deal rule applies.
* The lead gets the conversion status (see ``leads.conversion_status``), the
  time of conversion and links to the customer, company and deal. A lead is
  converted once; a second attempt is refused.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, cast

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm import formatting
from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.models import CUSTOMER_TYPES, Company, Customer, Deal, Pipeline, Stage
from crm.models.base import utcnow
from crm.security.tenancy import get_owned
from crm.services.core import audit
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.core.transaction import transaction
from crm.services.customers import companies as company_rules, customers as customer_rules
from crm.services.pipeline import deals, interactions, leads

COMPANY_OPTIONS = ("none", "existing", "new")
FIELDS = (
    "customer_name",
    "customer_email",
    "customer_phone",
    "customer_kind",
    "company_option",
    "company_id",
    "new_company_name",
    "create_deal",
    "deal_title",
    "deal_value",
    "pipeline_id",
    "stage_id",
    "expected_close_date",
)
# Where a rule of the customer, company or deal reports, in the conversion's words.
CUSTOMER_FIELDS = {
    "name": "customer_name",
    "email": "customer_email",
    "phone": "customer_phone",
    "kind": "customer_kind",
}
COMPANY_FIELDS = {"name": "new_company_name"}
DEAL_FIELDS = {
    "title": "deal_title",
    "value": "deal_value",
    "pipeline": "pipeline_id",
    "stage": "stage_id",
    "customer": "customer_email",
    "company": "company_id",
}
_MAX_VALUE = Decimal("1e12")  # Numeric(14, 2)


@dataclass(frozen=True)
class Converted:
    lead_id: int
    customer_id: int
    customer_created: bool
    company_id: int | None
    company_created: bool
    deal_id: int | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Errors(dict[str, list[Any]]):
    def add(self, field: str, message: object) -> None:
        self.setdefault(field, []).append(message)


# --- reading the request ------------------------------------------------------------


def _text(
    errors: _Errors, fields: Mapping[str, Any], name: str, max_length: int | None = None
) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        errors.add(name, _l("Enter text."))
        return None
    value = value.strip() or None
    if value and max_length and len(value) > max_length:
        errors.add(name, _l("Use at most %(max)d characters.", max=max_length))
        return None
    return value


def _flag(errors: _Errors, fields: Mapping[str, Any], name: str) -> bool:
    try:
        return cast(bool, inputs.flag(fields.get(name)))
    except InputInvalid as exc:
        errors.add(name, exc.message)
        return False


def _id(errors: _Errors, fields: Mapping[str, Any], name: str) -> int | None:
    value = fields.get(name)
    if value is None or value == "":
        return None
    if hasattr(value, "id"):  # a row chosen in a form
        return cast(int, value.id)
    try:
        return cast(int, inputs.record_id(value))
    except InputInvalid as exc:
        errors.add(name, exc.message)
        return None


def _money(
    errors: _Errors, fields: Mapping[str, Any], name: str, default: Decimal | None
) -> Decimal | None:
    value = fields.get(name)
    if value is None or value == "":
        return default if default is not None else Decimal("0")
    try:
        amount: Decimal = inputs.amount(value)
    except InputInvalid:
        errors.add(name, _l("Enter an amount, e.g. 1250.00."))
        return None
    if not amount.is_finite() or amount < 0 or amount >= _MAX_VALUE:
        errors.add(name, _l("Enter zero or a positive amount below 1,000,000,000,000."))
        return None
    return amount.quantize(Decimal("0.01"))


def _date(errors: _Errors, fields: Mapping[str, Any], name: str) -> dt.date | None:
    value = fields.get(name)
    if value is None or value == "":
        return None
    try:
        return cast(dt.date, inputs.date(value))
    except InputInvalid:
        errors.add(name, _l("Enter a date as YYYY-MM-DD."))
        return None


def _length(column: Any) -> int | None:
    return cast(int | None, getattr(column.type, "length", None))


# --- suggestions for the form ---------------------------------------------------------


def _customer_name(lead: Any) -> Any:
    return lead.contact_name or lead.company_name or lead.title


def _customer_kind(lead: Any) -> str:
    # Named after a person, the customer is an individual; else after a company.
    return "individual" if lead.contact_name else "company"


def prefill(session: Session, lead: Any) -> dict[str, Any]:
    """What the conversion form starts with: the lead's details, an existing company
    of the same name when there is one, a deal in the default pipeline."""
    company = None
    if lead.company_name:
        company = session.scalar(
            select(Company)
            .where(
                func.lower(Company.name) == lead.company_name.lower(), Company.is_active.is_(True)
            )
            .order_by(Company.id)
            .limit(1)
        )
    pipeline = deals.default_pipeline(session)
    return {
        "customer_name": _customer_name(lead),
        "customer_email": lead.contact_email,
        "customer_phone": lead.contact_phone,
        "customer_kind": _customer_kind(lead),
        "company_option": "existing" if company else ("new" if lead.company_name else "none"),
        "company_id": company.id if company else None,
        "new_company_name": None if company else lead.company_name,
        "create_deal": bool(lead.value),
        "deal_title": lead.title,
        "deal_value": lead.value,
        "pipeline_id": pipeline.id if pipeline else None,
        "stage_id": None,
        "expected_close_date": None,
    }


# --- the parts, each checked before anything is written -------------------------------


def _report(errors: _Errors, exc: ValidationFailed, names: Mapping[str, str]) -> None:
    for field, messages in exc.errors.items():
        for message in messages:
            errors.add(names.get(field, field), message)


def _customer(
    session: Session, lead: Any, fields: Mapping[str, Any], errors: _Errors
) -> tuple[Any, bool]:
    """(customer, created): the customer to link, checked by the customer rules."""
    name = _text(errors, fields, "customer_name", _length(Customer.name)) or _customer_name(lead)
    email = _text(errors, fields, "customer_email", _length(Customer.email)) or lead.contact_email
    phone = _text(errors, fields, "customer_phone", _length(Customer.phone)) or lead.contact_phone
    kind = _text(errors, fields, "customer_kind") or _customer_kind(lead)
    if kind not in CUSTOMER_TYPES:
        errors.add("customer_kind", _l("Choose company or individual."))
    if not email:
        errors.add(
            "customer_email",
            _l(
                "Customers need an email address and the lead has no "
                "contact email: enter the customer's email."
            ),
        )
        return None, False
    existing = session.scalar(
        select(Customer)
        .where(
            Customer.tenant_id == lead.tenant_id,
            func.lower(Customer.email) == email.strip().lower(),
        )
        .limit(1)
    )
    if existing is not None:
        if not existing.is_active:
            errors.add(
                "customer_email",
                _l(
                    "The customer with this email, %(name)s, is archived: restore it first or "
                    "use another email.",
                    name=existing.name,
                ),
            )
            return None, False
        return existing, False
    customer = Customer(
        tenant_id=lead.tenant_id,
        name=name,
        email=email,
        phone=phone,
        kind=kind if kind in CUSTOMER_TYPES else "company",
        owner_id=lead.assigned_to_id,
    )
    try:
        customer_rules.prepare(session, customer)
    except ValidationFailed as exc:
        _report(errors, exc, CUSTOMER_FIELDS)
    return customer, True


def _company(
    session: Session, lead: Any, fields: Mapping[str, Any], errors: _Errors
) -> tuple[Any, bool]:
    """(company or None, created)."""
    option = _text(errors, fields, "company_option") or "none"
    if option not in COMPANY_OPTIONS:
        errors.add("company_option", _l("Choose none, existing or new."))
        return None, False
    if option == "existing":
        company_id = _id(errors, fields, "company_id")
        if company_id is None:
            if "company_id" not in errors:
                errors.add("company_id", _l("Choose the company."))
            return None, False
        company = get_owned(session, Company, company_id)
        if company is None:
            errors.add("company_id", _l("No such company. Choose one from the list."))
        elif not company.is_active:
            errors.add(
                "company_id",
                _l("%(name)s is inactive. Choose an active company.", name=company.name),
            )
            company = None
        return company, False
    if option == "new":
        name = _text(errors, fields, "new_company_name", _length(Company.name))
        if not name:
            if "new_company_name" not in errors:
                errors.add("new_company_name", _l("Enter the new company's name."))
            return None, False
        company = Company(tenant_id=lead.tenant_id, name=name, assigned_to_id=lead.assigned_to_id)
        try:
            company_rules.prepare_company(session, company)
        except ValidationFailed as exc:
            _report(errors, exc, COMPANY_FIELDS)
        return company, True
    return None, False


def _stage_of(session: Session, pipeline: Any, fields: Mapping[str, Any], errors: _Errors) -> Any:
    stage_id = _id(errors, fields, "stage_id")
    if stage_id is not None:
        stage = get_owned(session, Stage, stage_id)
        if stage is None:
            errors.add("stage_id", _l("No such stage."))
        elif pipeline is not None and stage.pipeline_id != pipeline.id:
            errors.add(
                "stage_id",
                _l(
                    "%(stage)s belongs to another pipeline than %(pipeline)s.",
                    stage=stage.name,
                    pipeline=pipeline.name,
                ),
            )
            return None
        return stage
    if pipeline is None:
        return None
    stage = deals.default_stage(session, pipeline)
    if stage is None:
        errors.add("pipeline_id", _l("%(name)s has no stages yet.", name=pipeline.name))
    return stage


@dataclass(frozen=True)
class _DealPlan:
    title: str
    value: Decimal
    expected_close_date: dt.date | None
    pipeline: Pipeline
    stage: Stage


def _deal(
    session: Session, lead: Any, fields: Mapping[str, Any], errors: _Errors
) -> _DealPlan | None:
    """What the deal will be, checked; None when no deal is asked for (or it is wrong)."""
    if not _flag(errors, fields, "create_deal"):
        return None
    title = _text(errors, fields, "deal_title", _length(Deal.title)) or lead.title
    value = _money(errors, fields, "deal_value", lead.value)
    close = _date(errors, fields, "expected_close_date")
    pipeline_id = _id(errors, fields, "pipeline_id")
    if pipeline_id is None and "pipeline_id" not in errors:
        pipeline = deals.default_pipeline(session)
        if pipeline is None:
            errors.add(
                "pipeline_id",
                _l("There is no active pipeline; an Admin adds one under Settings → Pipelines."),
            )
    else:
        pipeline = get_owned(session, Pipeline, pipeline_id) if pipeline_id else None
        if pipeline_id and pipeline is None:
            errors.add("pipeline_id", _l("No such pipeline."))
        elif pipeline is not None and not pipeline.is_active:
            errors.add("pipeline_id", _l("%(name)s is inactive.", name=pipeline.name))
            pipeline = None
    stage = _stage_of(session, pipeline, fields, errors)
    if pipeline is None or stage is None or value is None:
        return None
    return _DealPlan(title, value, close, pipeline, stage)


def _renamed(exc: ValidationFailed, names: Mapping[str, str]) -> ValidationFailed:
    """A customer, company or deal rule's refusal, in the conversion's field names."""
    errors = _Errors()
    _report(errors, exc, names)
    return ValidationFailed(dict(errors))


# --- the conversion ---------------------------------------------------------------


def check_convertible(lead: Any) -> None:
    if lead.converted_at is not None:
        raise NotAllowed(
            gettext(
                "%(title)s was already converted on %(when)s; a lead is converted once.",
                title=lead.title,
                when=formatting.day(lead.converted_at),
            )
        )


def convert_lead(session: Session, lead: Any, fields: Mapping[str, Any] | None) -> Converted:
    """Convert ``lead`` as ``fields`` (the conversion form's names) ask; returns Converted.

    Raises NotAllowed (already converted, no final status, a clash with a change made
    at the same time) or ValidationFailed naming every field at fault; then nothing
    has been written.
    """
    try:
        with transaction(session):
            return _convert(session, lead, fields)
    except IntegrityError as exc:
        raise NotAllowed(
            gettext(
                "The conversion clashed with a change made at the same time; "
                "nothing was saved. Try again."
            )
        ) from exc


def _convert(session: Session, lead: Any, fields: Mapping[str, Any] | None) -> Converted:
    check_convertible(lead)
    fields = {k: fields.get(k) for k in FIELDS} if fields else {}
    errors = _Errors()
    with session.no_autoflush:
        status = leads.conversion_status(session, lead.tenant_id)
        if status is None:
            raise NotAllowed(
                gettext(
                    "There is no final lead status to mark converted leads "
                    "with; an Admin adds one under Settings → Lead statuses."
                )
            )
        company, company_created = _company(session, lead, fields, errors)
        customer, customer_created = _customer(session, lead, fields, errors)
        plan = _deal(session, lead, fields, errors)
        if errors:
            raise ValidationFailed(dict(errors))
        if customer_created:
            customer.company = company
        else:  # a reused customer: fill in only what it lacks
            customer.phone = (
                customer.phone or _text(errors, fields, "customer_phone") or lead.contact_phone
            )
            customer.company = customer.company or company
            customer.owner_id = customer.owner_id or lead.assigned_to_id
        try:
            customer_rules.prepare(session, customer)  # its search text now has the company
        except ValidationFailed as exc:
            raise _renamed(exc, CUSTOMER_FIELDS) from exc
    company = company or customer.company
    if company_created:
        session.add(company)
    if customer_created:
        session.add(customer)
    deal = None
    if plan is not None:
        try:
            deal = deals.create_deal(
                session,
                title=plan.title,
                value=plan.value,
                expected_close_date=plan.expected_close_date,
                description=lead.description,
                pipeline=plan.pipeline,
                stage=plan.stage,
                customer=customer,
                company=company,
                assigned_to_id=lead.assigned_to_id,
            )
        except ValidationFailed as exc:
            raise _renamed(exc, DEAL_FIELDS) from exc
    lead.customer = customer
    lead.company = company
    lead.deal = deal
    interactions.move_lead_history(session, lead, customer, deal)
    lead.status = status
    lead.converted_at = utcnow()
    audit.mark(
        session,
        lead,
        "convert",
        summary=gettext(
            "%(title)s converted into %(customer)s", title=lead.title, customer=customer.name
        ),
    )
    session.flush()
    return Converted(
        lead.id,
        customer.id,
        customer_created,
        company.id if company else None,
        company_created,
        deal.id if deal else None,
    )
