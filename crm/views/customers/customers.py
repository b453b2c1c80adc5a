"""Customer screens: list, detail tabs, add/edit, archive, restore, clone, delete."""

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload, selectinload
from wtforms import StringField
from wtforms.validators import DataRequired, Email

from crm import formatting
from crm.datamodel.customer_filters import CustomerInterface, drop_empty, filter_bar
from crm.datamodel.interface import max_depth
from crm.fields.customers import CUSTOMER, CUSTOMER_TYPES, PAYMENT_METHODS
from crm.models import Customer
from crm.models.customer import SORTABLE_COLUMNS
from crm.services.core import lookups
from crm.services.core.errors import CrmError, EditConflict
from crm.services.core.validation import TAX_REGIMES
from crm.services.customers import custom_fields, customers as customer_rules, tax_registrations
from crm.services.ledger.credit_position import credit_summary
from crm.views.base import VERSION_FIELD, CrmModelView, flash_error
from crm.views.customers.customer_batch import CustomerBatchActions
from crm.views.customers.customer_entry import (
    ADD_FIELDSETS,
    ENTRY_COLUMNS,
    CustomerEntry,
    entry_fields,
)
from crm.views.customers.customer_tabs import CustomerTabs, tab_groups
from crm.views.customers.merge import DuplicateNotice
from crm.views.fields import (
    as_iso_date,
    as_plain_number,
    choice_field,
    company_picker,
    currency_field,
    label_of,
    tax_regime_field,
)
from crm.views.financials import HiddenFinancialsMixin, credit_panel
from crm.views.insight.health import health_badge, health_panel
from crm.views.list_rows import breakable
from crm.views.pickers import lookup_args, lookup_response
from crm.views.tag_field import TagsField

ACTIVE_ONLY = [["is_active", FilterEqual, True]]
# What the customer page shows of a customer's relations, read with the customer (one
# statement, plus one for its custom field values) instead of one query each.
SHOWN_WITH_CUSTOMER = (
    *(
        joinedload(relation)
        for relation in (
            Customer.customer_group,
            Customer.company,
            Customer.owner,
            Customer.segment,
            Customer.sub_segment,
            Customer.region,
            Customer.payment_term,
            Customer.tags,
        )
    ),
    selectinload(Customer.custom_values),
)
# Custom field values typed as the user's locale writes them, for the service's readers.
LOCALE_READS = {"date": as_iso_date, "number": as_plain_number}


def _form_fields():
    return {
        "kind": choice_field(CUSTOMER.label("kind"), CUSTOMER_TYPES),
        "payment_method": choice_field(
            CUSTOMER.label("payment_method"), PAYMENT_METHODS, blank=True
        ),
        "currency": currency_field(),
        "tax_regime": tax_regime_field(),
        # Typing a tag that is not in the list adds it (static/tag_field.js).
        "tags": TagsField(CUSTOMER.label("tags")),
        # A picker, not FAB's QuerySelectField, which would load every company.
        "company": company_picker(),
    }


class CustomerView(
    CustomerEntry,
    CustomerTabs,
    DuplicateNotice,
    CustomerBatchActions,
    HiddenFinancialsMixin,
    CrmModelView,
):
    quick_log_target = "customer"
    datamodel = CustomerInterface(Customer, after_write=tax_registrations.from_customer)
    class_permission_name = "Customer"
    route_base = "/customers"
    list_title = _l("Customers")
    show_title = _l("Customer")
    add_title = _l("Add customer")
    edit_title = _l("Edit customer")
    label_columns = CUSTOMER.labels()
    list_columns = CUSTOMER.columns("list")
    order_columns = ["name", *SORTABLE_COLUMNS]
    base_order = ("name", "asc")
    search_columns = CUSTOMER.columns("search")
    edit_columns = CUSTOMER.columns("form")
    add_columns = [*edit_columns, *ENTRY_COLUMNS]  # with the contact and addresses (CustomerEntry)
    add_fieldsets = ADD_FIELDSETS
    show_fieldsets = [
        (
            _l("Profile"),
            {
                "fields": [
                    "kind",
                    "name",
                    "code",
                    "email",
                    "phone",
                    "website",
                    "industry",
                    "company",
                    "customer_group",
                    "owner",
                    "tags",
                ]
            },
        ),
        (_l("Classification"), {"fields": ["segment", "sub_segment", "region", "city", "country"]}),
        (
            _l("Financial"),
            {
                "fields": [
                    "currency",
                    "payment_term",
                    "discount_rate",
                    "payment_method",
                    "tax_regime",
                    "tax_number",
                    "credit_hold",
                ]
            },
        ),
        (
            _l("Status"),
            {"fields": ["is_active", "archived_at", "notes", "created_at", "updated_at"]},
        ),
    ]
    formatters_columns = {
        "kind": label_of(CUSTOMER_TYPES),
        "payment_method": label_of(PAYMENT_METHODS),
        "tax_regime": label_of({code: name for code, (name, _) in TAX_REGIMES.items()}),
        "last_order_date": formatting.day,
        "health_score": health_badge,
        "email": breakable,
    }
    add_form_extra_fields = {**_form_fields(), **entry_fields()}
    edit_form_extra_fields = _form_fields()
    add_form_query_rel_fields = {"customer_group": ACTIVE_ONLY, "payment_term": ACTIVE_ONLY}
    edit_form_query_rel_fields = add_form_query_rel_fields
    description_columns = {
        "code": _l("Left empty, a code is generated."),
        "phone": _l("With country code, e.g. +49 30 1234567; stored in E.164."),
        "tax_number": _l("Checked against the regime's checksum where it has one."),
    }
    show_template = "crm/customer_show.html"
    list_template = "crm/customer_list.html"
    list_args = ("archived",)
    add_template = "crm/customer_form_add.html"  # with the duplicate hints (static/duplicates.js)
    edit_template = "crm/customer_form_edit.html"

    prepare = staticmethod(customer_rules.prepare)
    check_delete = staticmethod(customer_rules.check_delete)

    def _get_list_widget(self, filters, **kwargs):
        drop_empty(filters)
        # Archived customers leave the default list; ?archived=1 lists only them.
        filters.add_filter("is_active", FilterEqual, request.args.get("archived") != "1")
        widgets = super()._get_list_widget(filters=filters, **kwargs)
        depth = max_depth(filters)
        if widgets["list"].template_args.get("count", 0) > depth:
            # the list says "more than N" (N as the reader's locale writes it) and suggests a search
            widgets["capped_at"] = formatting.quantity(depth)
        return widgets

    def _list(self, **kwargs):
        widgets = super()._list(**kwargs)
        widgets["filter_bar"] = filter_bar(self.session)
        return widgets

    def _show_page(self, pk, **overrides):
        """The header and the Details tab; the other tabs load when shown (CustomerTabs)."""
        customer = self._get_customer(pk, SHOWN_WITH_CUSTOMER)
        widgets = self._get_show_widget(pk, customer)
        self.update_redirect()
        extras = {
            "customer": customer,
            "credit": credit_panel(credit_summary(self.session, customer)),
            "custom_fields": custom_fields.active_definitions(self.session),
            "custom_values": custom_fields.values_of(self.session, customer),
            "custom_values_version": custom_fields.values_version(customer),
            "health": health_panel(self.session, customer),
            "tab_groups": tab_groups(self._related_views),
        }
        extras.update(overrides)
        return self.render_template(
            self.show_template,
            pk=pk,
            title=self.show_title,
            widgets=widgets,
            related_views=self._related_views,
            **extras,
        )

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        return self._show_page(self._deserialize_pk_if_composite(pk))

    def _custom_fields_again(self, pk, raw, loaded):
        """The customer page with the custom fields as typed and the version they were
        loaded with: saving them stays refused until the user reloads."""
        definitions = custom_fields.active_definitions(self.session)
        by_name = {d.name: d.id for d in definitions}
        return self._show_page(
            pk,
            custom_values={by_name[name]: value for name, value in raw.items() if name in by_name},
            custom_values_version=loaded,
        )

    def _get_customer(self, pk, loads=()):
        customer = self.datamodel.get_loaded(pk, self._base_filters, loads)
        if customer is None:
            abort(404)
        return customer

    @action("send_statements", _l("Send statements"), icon="fa-envelope", single=False)
    def send_statements(self, items):
        """The ticked customers go to the statement batch page (crm.views.ledger.statements)."""
        ids = ",".join(str(item.id) for item in items if item is not None)
        return redirect(url_for("StatementView.email_statements", ids=ids))

    @expose("/lookup")
    @has_access
    def lookup(self):
        """Active customers matching ``?q=``, for the customer pickers."""
        term, page = lookup_args()
        return lookup_response(lookups.customers(self.session, term, page))

    @expose("/archive/<int:pk>", methods=["POST"])
    @has_access
    def archive(self, pk):
        customer = self._get_customer(pk)
        try:
            customer_rules.archive(self.session, customer)
            flash(gettext("%(name)s was archived.", name=customer.name), "success")
        except CrmError as exc:
            flash_error(exc)
        return redirect(url_for(".show", pk=pk))

    @expose("/restore/<int:pk>", methods=["POST"])
    @has_access
    def restore(self, pk):
        customer = self._get_customer(pk)
        try:
            customer_rules.restore(self.session, customer)
            flash(gettext("%(name)s was restored.", name=customer.name), "success")
        except CrmError as exc:
            flash_error(exc)
        return redirect(url_for(".show", pk=pk))

    @expose("/clone/<int:pk>", methods=["GET", "POST"])
    @has_access
    def clone(self, pk):
        source = self._get_customer(pk)
        form = CloneForm(
            request.form if request.method == "POST" else None,
            name=gettext("Copy of %(name)s", name=source.name),
        )
        if request.method == "POST" and form.validate():
            try:
                copy = customer_rules.clone(self.session, source, form.name.data, form.email.data)
            except CrmError as exc:
                flash_error(exc, form)
            else:
                flash(gettext("%(name)s was created as a copy.", name=copy.name), "success")
                return redirect(url_for(".show", pk=copy.id))
        return self.render_template("crm/customer_clone.html", form=form, source=source)

    @expose("/custom-fields/<int:pk>", methods=["POST"])
    @has_access
    def save_custom_fields(self, pk):
        customer = self._get_customer(pk)
        raw = {key[3:]: value for key, value in request.form.items() if key.startswith("cf_")}
        read = dict(raw)  # 31.03.2025 and 1.234,5 in German as ISO and plain
        for definition in custom_fields.active_definitions(self.session):
            if definition.name in read and definition.field_type in LOCALE_READS:
                read[definition.name] = LOCALE_READS[definition.field_type](read[definition.name])
        loaded = request.form.get(VERSION_FIELD)
        try:
            custom_fields.save_values(self.session, customer, read, loaded_version=loaded)
            flash(gettext("Custom fields saved."), "success")
        except EditConflict as exc:
            flash_error(exc)
            return self._custom_fields_again(pk, raw, loaded), exc.status
        except CrmError as exc:
            flash_error(exc)
        return redirect(url_for(".show", pk=pk, _anchor="CustomFields"))


class CloneForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired()])
    email = StringField(_l("Email of the new customer"), validators=[DataRequired(), Email()])
