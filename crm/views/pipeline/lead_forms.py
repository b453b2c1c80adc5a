"""The lead conversion form; its rules live in crm.services.pipeline.lead_conversion."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from crm.extensions import db
from crm.fields.customers import CUSTOMER_TYPES
from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.models import Pipeline, Stage
from crm.services.core.errors import ValidationFailed
from crm.views.base import flash_error
from crm.views.fields import LocaleDateField, LocaleDecimalField, company_picker

# The service's field names that differ from the form's.
FORM_NAMES = {"company_id": "company", "pipeline_id": "pipeline", "stage_id": "stage"}


def _optional_int(value):
    """A chosen record's id (crm.i18n.inputs.record_id), None when none or no id."""
    try:
        return inputs.record_id(value)
    except InputInvalid:
        return None


def _pipeline_choices():
    pipelines = db.session.scalars(
        select(Pipeline)
        .where(Pipeline.is_active.is_(True))
        .order_by(Pipeline.position, Pipeline.id)
    )
    return [(p.id, p.name) for p in pipelines]


def _stage_choices():
    # Each option names its pipeline so the page can show only the chosen pipeline's stages.
    stages = db.session.scalars(
        select(Stage)
        .join(Pipeline)
        .where(Pipeline.is_active.is_(True))
        .order_by(Pipeline.position, Pipeline.id, Stage.position, Stage.id)
    )
    return [("", _l("The pipeline's default stage"), {})] + [
        (s.id, s.name, {"data-pipeline": s.pipeline_id}) for s in stages
    ]


class ConversionForm(FlaskForm):
    customer_name = StringField(_l("Customer name"), validators=[DataRequired()])
    customer_email = StringField(
        _l("Customer email"),
        description=_l(
            "Left empty, the lead's contact email. A customer with this email is "
            "reused, not duplicated."
        ),
    )
    customer_phone = StringField(
        _l("Customer phone"), description=_l("With country code, e.g. +49 30 1234567.")
    )
    customer_kind = SelectField(_l("Customer type"), choices=list(CUSTOMER_TYPES.items()))
    company_option = RadioField(
        _l("Company"),
        default="none",
        choices=[
            ("none", _l("No company")),
            ("existing", _l("Link to an existing company")),
            ("new", _l("Create a new company")),
        ],
    )
    company = company_picker(_l("Existing company"))
    new_company_name = StringField(_l("New company name"))
    create_deal = BooleanField(_l("Create a deal"))
    deal_title = StringField(_l("Deal title"))
    deal_value = LocaleDecimalField(_l("Deal value"), places=2, validators=[Optional()])
    pipeline = SelectField(_l("Deal pipeline"), coerce=_optional_int, validate_choice=False)
    stage = SelectField(_l("Deal stage"), coerce=_optional_int, validate_choice=False)
    expected_close_date = LocaleDateField(_l("Expected close date"), validators=[Optional()])

    def __init__(self, formdata=None, data=None, **kwargs):
        data = dict(data or {})
        for service_name, form_name in FORM_NAMES.items():
            data[form_name] = data.pop(service_name, None)
        super().__init__(formdata, data=data, **kwargs)
        self.pipeline.choices = _pipeline_choices()
        self.stage.choices = _stage_choices()

    def conversion_fields(self):
        """The form's answers under the service's field names."""
        return {
            "customer_name": self.customer_name.data,
            "customer_email": self.customer_email.data,
            "customer_phone": self.customer_phone.data,
            "customer_kind": self.customer_kind.data,
            "company_option": self.company_option.data,
            "company_id": self.company.record,
            "new_company_name": self.new_company_name.data,
            "create_deal": bool(self.create_deal.data),
            "deal_title": self.deal_title.data,
            "deal_value": self.deal_value.data,
            "pipeline_id": self.pipeline.data,
            "stage_id": self.stage.data,
            "expected_close_date": self.expected_close_date.data,
        }


def apply_errors(form, exc):
    """Put a service error's messages next to the form's fields; flash the rest.
    Returns False when the error named no field (the caller flashes its message)."""
    if not exc.errors:
        return False
    unplaced = {}
    for field, messages in exc.errors.items():
        target = getattr(form, FORM_NAMES.get(field, field), None)
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + [str(m) for m in messages]
        else:
            unplaced[field] = messages
    if unplaced:
        flash_error(ValidationFailed(unplaced))
    return True
