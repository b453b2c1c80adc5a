"""The customer form's tags: a Select2 box of the tenant's tags where typing a name that
is not there adds it (static/tag_field.js); the tags are found or made by
``crm.services.settings.tags``."""

from flask_appbuilder.fieldwidgets import Select2ManyWidget
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import Field

from crm.extensions import db
from crm.models import Tag
from crm.security.tenancy import current_tenant_id
from crm.services.core.validation import FieldInvalid
from crm.services.settings.tags import tags_for


class TagsWidget(Select2ManyWidget):
    def __call__(self, field, **kwargs):
        chosen = {tag.id for tag in field.data or [] if tag.id is not None}
        new = [tag.name for tag in field.data or [] if tag.id is None]
        options = [
            f'<option value="id:{tag.id}"{" selected" if tag.id in chosen else ""}>'
            f"{escape(tag.name)}</option>"
            for tag in db.session.scalars(select(Tag).order_by(Tag.name))
        ] + [f'<option value="{escape(name)}" selected>{escape(name)}</option>' for name in new]
        return Markup(
            f'<select multiple class="form-control crm-tags" id="{field.id}" '
            f'name="{field.name}" data-crm-tags="1">{"".join(options)}</select>'
        )


class TagsField(Field):
    """The chosen tags, as Tag rows (new ones unsaved until the customer is)."""

    widget = TagsWidget()

    def _value(self):
        return ""

    def process_formdata(self, valuelist):
        self.raw = valuelist
        try:
            self.data = tags_for(db.session, current_tenant_id(), valuelist)
        except FieldInvalid as exc:
            self.data = []
            raise ValueError(str(exc.args[0])) from exc

    def populate_obj(self, obj, name):
        setattr(obj, name, list(self.data or []))
