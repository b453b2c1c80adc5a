"""Plants (operational sites) of a customer."""

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from crm.models import Plant
from crm.services.core.errors import ValidationFailed
from crm.services.core.validation import check, clean_country, clean_phone


def prepare(session: Session, plant: Plant) -> None:
    errors = {}
    plant.name = (plant.name or "").strip()
    if not plant.name:
        errors["name"] = [_l("A name is required.")]
    if plant.customer is None and plant.customer_id is None:
        errors["customer"] = [_l("Choose the customer this plant belongs to.")]
    plant.country = check(errors, "country", clean_country, plant.country)
    if plant.phone:
        plant.phone = check(errors, "phone", clean_phone, plant.phone, plant.country) or plant.phone
    if errors:
        raise ValidationFailed(errors)
