"""Organisations and their users, for operators and the demo loader."""

from typing import Any

from flask_babel import gettext
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from crm.data import defaults
from crm.models import (
    CrmUser,
    LeadSource,
    LeadStatus,
    PaymentTerm,
    Pipeline,
    Region,
    Segment,
    Stage,
    SubSegment,
    Tag,
    TaxRegime,
    Tenant,
)
from crm.security.passwords import password_problems
from crm.security.roles import role_names
from crm.security.tenancy import tenant_scope
from crm.services.core.errors import CrmError, NotFound, ValidationFailed
from crm.services.core.transaction import transaction, transactional
from crm.services.core.validation import FieldInvalid, clean_email


def find_tenant(session: Session, name: str) -> Tenant:
    tenant = session.scalar(select(Tenant).where(Tenant.name == name))
    if tenant is None:
        raise NotFound(gettext("There is no tenant called “%(name)s”.", name=name))
    return tenant


@transactional
def create_tenant(session: Session, name: str | None) -> Tenant:
    """A new organisation with the default reference data: payment terms, segments,
    regions, tags, lead statuses and sources, and a sales pipeline."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": [gettext("A tenant name is required.")]})
    if session.scalar(select(Tenant.id).where(Tenant.name == name)):
        raise CrmError(gettext("A tenant called “%(name)s” already exists.", name=name))
    tenant = Tenant(name=name)
    session.add(tenant)
    session.flush()
    with tenant_scope(tenant.id):
        seed_reference_data(session, tenant.id)
    return tenant


def seed_reference_data(session: Session, tenant_id: int) -> None:
    session.add_all(
        PaymentTerm(tenant_id=tenant_id, name=n, days=d) for n, d in defaults.PAYMENT_TERMS
    )
    for segment_name, subs in defaults.SEGMENTS.items():
        segment = Segment(tenant_id=tenant_id, name=segment_name)
        segment.sub_segments = [SubSegment(tenant_id=tenant_id, name=s) for s in subs]
        session.add(segment)
    session.add_all(Region(tenant_id=tenant_id, name=n) for n in defaults.REGIONS)
    session.add_all(Tag(tenant_id=tenant_id, name=n, colour=c) for n, c in defaults.TAGS)
    session.add_all(
        TaxRegime(tenant_id=tenant_id, code=code, name=name, country=country, validator=code)
        for code, name, country in defaults.TAX_REGIMES
    )
    seed_pipeline_data(session, tenant_id)


def seed_pipeline_data(session: Session, tenant_id: int) -> None:
    """Lead statuses, lead sources and one pipeline with its stages."""
    session.add_all(
        LeadStatus(tenant_id=tenant_id, name=n, colour=c, is_default=d, is_final=f, position=i)
        for i, (n, c, d, f) in enumerate(defaults.LEAD_STATUSES)
    )
    session.add_all(LeadSource(tenant_id=tenant_id, name=n) for n in defaults.LEAD_SOURCES)
    pipeline = Pipeline(tenant_id=tenant_id, name=defaults.PIPELINE_NAME, is_default=True)
    pipeline.stages = [
        Stage(
            tenant_id=tenant_id,
            name=n,
            colour=c,
            probability=p,
            is_default=d,
            is_won=w,
            is_lost=lost,
            position=i,
        )
        for i, (n, c, p, d, w, lost) in enumerate(defaults.STAGES)
    ]
    session.add(pipeline)


def create_user(
    security_manager: Any,
    tenant: Tenant,
    role: str,
    username: str,
    password: str,
    email: str | None,
    first_name: str | None = None,
    last_name: str | None = None,
) -> CrmUser:
    """A login for ``tenant`` with one of the roles Admin, Manager or Member."""
    if role not in role_names():
        raise CrmError(
            gettext(
                "Unknown role “%(role)s”; choose one of %(roles)s.",
                role=role,
                roles=", ".join(role_names()),
            )
        )
    try:
        email = clean_email(email)
    except FieldInvalid as exc:
        raise ValidationFailed({"email": [str(exc.args[0])]})
    problems = password_problems(password)
    if problems:
        raise ValidationFailed({"password": problems})
    session = security_manager.session
    taken = login_name_errors(session, username, email)
    if taken:
        raise ValidationFailed(taken)
    user = CrmUser(
        tenant_id=tenant.id,
        username=username,
        email=email,
        active=True,
        first_name=first_name or username,
        last_name=last_name or "",
        roles=[security_manager.find_role(role)],
    )
    user.password = security_manager.hash_password(password)
    with tenant_scope(tenant.id), transaction(session):
        session.add(user)
    return user


def username_taken(session: Session, username: str | None, user_id: int | None = None) -> bool:
    """Usernames are global (sign-in does not ask for the tenant), compared as sign-in does."""
    return _taken(session, func.lower(CrmUser.username) == (username or "").lower(), user_id)


def email_taken(session: Session, email: str | None, user_id: int | None = None) -> bool:
    return _taken(session, func.lower(CrmUser.email) == (email or "").lower(), user_id)


def login_name_errors(
    session: Session,
    username: str | None = None,
    email: str | None = None,
    user_id: int | None = None,
) -> dict[str, list[str]]:
    """Field errors for a username or email that another login has, in any tenant. The
    message never says whose: the other login may belong to another organisation."""
    errors = {}
    if username is not None and username_taken(session, username, user_id):
        errors["username"] = [gettext("This username is taken.")]
    if email is not None and email_taken(session, email, user_id):
        errors["email"] = [gettext("This email is taken.")]
    return errors


def _taken(session: Session, condition: ColumnElement[bool], user_id: int | None) -> bool:
    query = select(CrmUser.id).where(condition).execution_options(all_tenants=True)
    if user_id is not None:
        query = query.where(CrmUser.id != user_id)
    return session.scalar(query.limit(1)) is not None
