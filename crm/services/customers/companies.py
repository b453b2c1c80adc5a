"""Companies and customer groups: their validation and delete rules."""

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session, contains_eager

from crm.models import Company, CustomerGroup
from crm.security.tenancy import current_tenant_id
from crm.services.core.archiving import archive as archive, restore as restore
from crm.services.core.errors import ValidationFailed
from crm.services.core.validation import (
    check,
    clean_country,
    clean_email,
    clean_percent,
    clean_phone,
    clean_website,
)
from crm.services.customers.customers import refresh_company_search


def prepare_company(session: Session, company: Company) -> None:
    errors = {}
    tenant_id = company.tenant_id or current_tenant_id()
    with session.no_autoflush:
        company.name = (company.name or "").strip()
        if not company.name:
            errors["name"] = [_l("A name is required.")]
        company.office_email = check(
            errors, "office_email", clean_email, company.office_email, required=False
        )
        if company.office_email:
            clash = session.scalar(
                select(Company.id).where(
                    Company.tenant_id == tenant_id,
                    func.lower(Company.office_email) == company.office_email.lower(),
                    Company.id != (company.id or 0),
                )
            )
            if clash:
                errors["office_email"] = [
                    _l("Another company already uses %(email)s.", email=company.office_email)
                ]
        company.country = check(errors, "country", clean_country, company.country)
        if company.office_phone:
            company.office_phone = (
                check(errors, "office_phone", clean_phone, company.office_phone, company.country)
                or company.office_phone
            )
        if company.website:
            company.website = (
                check(errors, "website", clean_website, company.website) or company.website
            )
        if errors:
            raise ValidationFailed(errors)
        state = inspect(company)
        if state.persistent and state.attrs.name.history.has_changes():
            # Saved in the same flush as the new name (a copy checked by a form is not persistent).
            refresh_company_search(session, company)


def prepare_group(session: Session, group: CustomerGroup) -> None:
    errors = {}
    tenant_id = group.tenant_id or current_tenant_id()
    with session.no_autoflush:
        group.name = (group.name or "").strip()
        group.code = (group.code or "").strip().upper()
        if not group.name:
            errors["name"] = [_l("A name is required.")]
        if not group.code:
            errors["code"] = [_l("A code is required.")]
        elif session.scalar(
            select(CustomerGroup.id).where(
                CustomerGroup.tenant_id == tenant_id,
                CustomerGroup.code == group.code,
                CustomerGroup.id != (group.id or 0),
            )
        ):
            errors["code"] = [_l("Group code %(code)s is already in use.", code=group.code)]
        check(errors, "discount_percent", clean_percent, group.discount_percent)
        if group.discount_percent is None:
            group.discount_percent = 0
        if group.priority is None:
            errors["priority"] = [_l("A priority is required.")]
        if errors:
            raise ValidationFailed(errors)


def group_stats(session: Session) -> dict[str, int]:
    """The figures above the group list: groups, active, with discount, customers in groups."""
    from crm.models import Customer

    groups = session.execute(
        select(
            func.count(CustomerGroup.id),
            func.count(CustomerGroup.id).filter(CustomerGroup.is_active.is_(True)),
            func.count(CustomerGroup.id).filter(CustomerGroup.discount_percent > 0),
        )
    ).one()
    in_groups = session.scalar(
        select(func.count(Customer.id)).where(Customer.customer_group_id.is_not(None))
    )
    return {
        "total": groups[0],
        "active": groups[1],
        "with_discount": groups[2],
        "customers": in_groups,
    }


def contacts_of(session: Session, company: Company, limit: int = 100) -> list[Any]:
    """The people at a company: contacts of its customers, primary ones first, each with
    its customer (loaded by the same statement, the page names it)."""
    from crm.models import Contact, Customer

    return list(
        session.scalars(
            select(Contact)
            .join(Customer, Contact.customer_id == Customer.id)
            .options(contains_eager(Contact.customer))
            .where(Customer.company_id == company.id)
            .order_by(Contact.is_primary.desc(), Contact.name)
            .limit(limit)
        )
    )
