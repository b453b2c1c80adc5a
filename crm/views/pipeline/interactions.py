"""Interaction screens: the log of calls, meetings, emails and notes, newest first.

Also a tab of the customer's page, where "Log interaction" opens the form with
the customer filled in (FAB's related-view ``_flt_0_customer`` link). The deal
and contact pickers offer only the chosen customer's (``static/interactions.js``
re-points them when the customer changes); the service refuses any other.
"""

from flask import abort, request
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField
from wtforms.validators import Optional

from crm import formatting
from crm.datamodel.interactions import NewestFirst
from crm.fields.pipeline import INTERACTION, INTERACTION_KINDS
from crm.models import Contact, Customer, Deal, Interaction
from crm.models.base import utcnow
from crm.security.tenancy import get_owned
from crm.services.core import lookups
from crm.services.pipeline import interactions
from crm.views.base import CrmModelView
from crm.views.fields import choice_field, customer_picker, date_field, label_of
from crm.views.list_rows import LeanListWidget
from crm.views.pickers import RecordPickerField, lookup_args, lookup_response


class UtcDateTimeField(DateTimeLocalField):
    """A browser date-time input; the value shown and read is UTC, as stored."""

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return "" if self.data is None else interactions.as_utc(self.data).strftime(self.format[0])


def _now_to_the_minute():
    return utcnow().replace(second=0, microsecond=0)


def deal_label(deal):
    return f"{deal.title} · {deal.customer.name}" if deal.customer is not None else deal.title


def contact_label(contact):
    return " · ".join(filter(None, [contact.name, contact.role, contact.email]))


def _depends_on_customer(field):
    field.kwargs["render_kw"] = {"data-depends-on-customer": "1"}
    return field


def _form_fields():
    return {
        "customer": customer_picker(),
        "kind": choice_field(INTERACTION.label("kind"), INTERACTION_KINDS),
        "occurred_at": UtcDateTimeField(
            _l("When (UTC)"),
            format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"],
            validators=[Optional()],
            default=_now_to_the_minute,
            render_kw={"class": "form-control"},
            description=_l("Left empty: now. At most a day ahead."),
        ),
        "follow_up_on": date_field(
            INTERACTION.label("follow_up_on"),
            description=_l(
                "A date makes a follow-up task due that day, once; a new date moves it."
            ),
        ),
        "deal": _depends_on_customer(
            RecordPickerField(
                _l("Deal"),
                model=Deal,
                lookup="InteractionView.lookup_deals",
                required=False,
                active_only=False,
                placeholder=_l("One of the customer's deals (optional)"),
                label_of=deal_label,
                messages={"unknown": _l("No such deal. Choose one from the list.")},
            )
        ),
        "contact": _depends_on_customer(
            RecordPickerField(
                _l("Contact"),
                model=Contact,
                lookup="InteractionView.lookup_contacts",
                required=False,
                active_only=False,
                placeholder=_l("One of the customer's contacts (optional)"),
                label_of=contact_label,
                messages={"unknown": _l("No such contact. Choose one from the list.")},
            )
        ),
    }


def _utc_text(value):
    return formatting.moment(value)


class InteractionListWidget(LeanListWidget):
    """The CRM list with a labelled "Log interaction" button (carrying the customer on
    a customer's tab)."""

    template = "crm/interaction_list_widget.html"


class InteractionView(CrmModelView):
    datamodel = NewestFirst(Interaction, prefetch=("customer", "deal", "contact", "user"))
    class_permission_name = "Interaction"
    route_base = "/interactions"
    list_title = _l("Interactions")
    show_title = _l("Interaction")
    add_title = _l("Log interaction")
    edit_title = _l("Edit interaction")
    label_columns = INTERACTION.labels()
    list_columns = INTERACTION.columns("list")
    show_columns = INTERACTION.columns("show")
    add_columns = edit_columns = INTERACTION.columns("form")
    # Customers and deals are far too many for FAB's related-field filter dropdowns.
    search_columns = INTERACTION.columns("search")
    search_form_extra_fields = {"kind": choice_field(INTERACTION.label("kind"), INTERACTION_KINDS)}
    order_columns = ["occurred_at", "kind"]
    base_order = ("occurred_at", "desc")
    formatters_columns = {"kind": label_of(INTERACTION_KINDS), "occurred_at": _utc_text}
    add_form_extra_fields = _form_fields()
    edit_form_extra_fields = _form_fields()
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "follow_up_assignee": [["active", FilterEqual, True]]
    }
    description_columns = {"follow_up_assignee": _l("Left empty: whoever logged it.")}
    list_widget = InteractionListWidget
    add_template = "crm/interaction_form_add.html"
    edit_template = "crm/interaction_form_edit.html"
    show_template = "crm/interaction_show.html"  # an email's files below the fields
    prepare = staticmethod(interactions.prepare)

    def _get_add_widget(self, form, exclude_cols=None, widgets=None):
        """Logging from a deal (``?_flt_0_deal=<id>``): the deal's customer is filled in."""
        if (
            "deal" in (exclude_cols or ())
            and request.method == "GET"
            and form.customer.data is None
        ):
            value = self._filters.get_filter_value("deal")
            deal = get_owned(
                self.session, Deal, value[0] if isinstance(value, list) and value else value
            )
            if deal is not None and deal.customer_id is not None:
                form.customer.data = deal.customer
        return super()._get_add_widget(form, exclude_cols=exclude_cols, widgets=widgets)

    def _customer_asked(self):
        """The customer named by ``?customer=``, or the customer of ``?deal=`` (the quick-log
        modal knows a board card's deal): this tenant's, else 404; None if blank."""
        raw = request.args.get("customer", "")
        if not raw:
            deal_id = request.args.get("deal", "")
            if not deal_id:
                return None
            deal = get_owned(self.session, Deal, deal_id)
            if deal is None:
                abort(404)
            return deal.customer
        customer = get_owned(self.session, Customer, raw)
        if customer is None:
            abort(404)
        return customer

    @expose("/lookup_deals")
    @has_access
    def lookup_deals(self):
        """The deals of ``?customer=`` matching ``?q=``, open ones first."""
        customer = self._customer_asked()
        term, page = lookup_args()
        if customer is None:
            return lookup_response(lookups.Matches([], False))
        return lookup_response(
            lookups.deals_to_link(self.session, term, page, customer.id), deal_label
        )

    @expose("/lookup_contacts")
    @has_access
    def lookup_contacts(self):
        """The contacts of ``?customer=`` matching ``?q=``, primary first."""
        customer = self._customer_asked()
        term, page = lookup_args()
        if customer is None:
            return lookup_response(lookups.Matches([], False))
        return lookup_response(
            lookups.contacts_of_customer(self.session, customer.id, term, page), contact_label
        )
