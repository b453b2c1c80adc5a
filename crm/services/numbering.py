"""Document numbers unique per tenant: SO-000042, INV-000042, PAY-..., CN-..., CT-...."""
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from crm.security.tenancy import current_tenant_id
from crm.services.errors import ValidationFailed

NUMBER_TAKEN = _l("This number was just taken; save again to get the next free one.")

PREFIXES = {
    "SalesOrder": "SO-",
    "Invoice": "INV-",
    "Payment": "PAY-",
    "CreditNote": "CN-",
    "Contract": "CT-",
}


def next_number(session, model, tenant_id=None):
    """The next free number of ``model`` for the tenant: one more than the highest
    number in the tenant's own series (numbers typed by hand in another form are
    left alone), skipping any already taken."""
    tenant_id = tenant_id if tenant_id is not None else current_tenant_id()
    prefix = PREFIXES[model.__name__]
    in_series = (model.tenant_id == tenant_id) & model.number.like(f"{prefix}%")
    highest = session.scalar(
        select(model.number).where(in_series)
        .order_by(func.length(model.number).desc(), model.number.desc()).limit(1),
        execution_options={"all_tenants": True})
    match = re.search(r"(\d+)$", highest or "")
    number = int(match.group(1)) + 1 if match else 1
    while True:
        candidate = f"{prefix}{number:06d}"
        taken = session.scalar(select(model.id).where(model.tenant_id == tenant_id,
                                                      model.number == candidate),
                               execution_options={"all_tenants": True})
        if not taken:
            return candidate
        number += 1


def commit_numbered(session):
    """Commit a document whose number is unique per tenant. Two users saving at the
    same moment can be given the same next number; the later commit is refused by the
    database and reported on the number field (nothing is saved)."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ValidationFailed({"number": [NUMBER_TAKEN]}) from None


def flush_numbered(session):
    """Flush a new numbered document before anything else is written with it; a number
    taken meanwhile is refused as in ``commit_numbered``."""
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ValidationFailed({"number": [NUMBER_TAKEN]}) from None
