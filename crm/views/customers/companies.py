"""Companies and customer groups."""

from flask import flash, redirect, request
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup

from crm.datamodel.interface import CrmInterface
from crm.fields.companies import COMPANY, CUSTOMER_GROUP
from crm.models import Company, CustomerGroup
from crm.services.core import lookups
from crm.services.core.errors import CrmError
from crm.services.customers import companies as company_rules, customers as customer_rules
from crm.services.insight import timeline
from crm.services.pipeline import accounts
from crm.views.base import CrmModelView, flash_error
from crm.views.fields import country_field
from crm.views.pickers import lookup_args, lookup_response


def state_badge(is_active):
    """A company's state as the list and page show it."""
    if is_active:
        return Markup('<span class="label label-success">%s</span>') % gettext("Active")
    return Markup('<span class="label crm-badge-archived">%s</span>') % gettext("Archived")


def _company_fields():
    return {"country": country_field()}


class CompanyView(CrmModelView):
    datamodel = CrmInterface(Company)
    class_permission_name = "Company"
    route_base = "/companies"
    list_template = "crm/company_list.html"
    list_title = _l("Companies")
    show_title = _l("Company")
    add_title = _l("Add company")
    edit_title = _l("Edit company")
    label_columns = COMPANY.labels()
    list_columns = COMPANY.columns("list")
    search_columns = COMPANY.columns("search")
    order_columns = ["name", "office_email", "industry", "is_active"]
    add_columns = edit_columns = COMPANY.columns("form")
    show_fieldsets = [
        (
            _l("Company"),
            {
                "fields": [
                    "name",
                    "website",
                    "office_phone",
                    "office_email",
                    "industry",
                    "assigned_to",
                    "is_active",
                    "description",
                ]
            },
        ),
        (_l("Address"), {"fields": ["street", "postal_code", "city", "state", "country"]}),
    ]
    base_order = ("name", "asc")
    add_form_extra_fields = _company_fields()
    edit_form_extra_fields = _company_fields()
    show_template = "crm/company_show.html"
    formatters_columns = {"is_active": state_badge}

    prepare = staticmethod(company_rules.prepare_company)
    check_delete = staticmethod(customer_rules.check_parent_delete)

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        pk = self._deserialize_pk_if_composite(pk)
        widgets = self._show(pk)
        company = self.datamodel.get(pk, self._base_filters)
        return self.render_template(
            self.show_template,
            pk=pk,
            title=self.show_title,
            widgets=widgets,
            related_views=self._related_views,
            company=company,
            contacts=company_rules.contacts_of(self.session, company),
            deals=accounts.company_deals(self.session, company),
            open_tasks=accounts.company_open_tasks(self.session, company),
            account_rows=accounts.ACCOUNT_ROWS,
            timeline=timeline.for_record(self.session, company),
        )

    @expose("/lookup")
    @has_access
    def lookup(self):
        """Active companies matching ``?q=``, for the company pickers."""
        term, page = lookup_args()
        return lookup_response(lookups.companies(self.session, term, page))

    def _get_list_widget(self, filters, **kwargs):
        # Archived companies leave the default list; ?archived=1 lists only them.
        filters.add_filter("is_active", FilterEqual, request.args.get("archived") != "1")
        return super()._get_list_widget(filters=filters, **kwargs)

    @action(
        "archive", _l("Archive"), _l("Archive the selected companies?"), "fa-archive", single=False
    )
    def archive(self, items):
        return self._apply_to_each(items, company_rules.archive, _l("%(name)s was archived."))

    @action("restore", _l("Reactivate"), None, "fa-undo", single=False)
    def restore(self, items):
        return self._apply_to_each(items, company_rules.restore, _l("%(name)s was reactivated."))

    def _apply_to_each(self, items, rule, done):
        for company in items if isinstance(items, list) else [items]:
            if company is None:  # another tenant's id: the tenancy criterion left no row
                continue
            try:
                rule(self.session, company)
                flash(str(done) % {"name": company.name}, "success")
            except CrmError as exc:
                flash_error(exc)
        self.update_redirect()
        return redirect(self.get_redirect())


class CustomerGroupView(CrmModelView):
    datamodel = CrmInterface(CustomerGroup, undeferred=("customer_count",))
    class_permission_name = "CustomerGroup"
    route_base = "/customer-groups"
    list_title = _l("Customer groups")
    show_title = _l("Customer group")
    add_title = _l("Add customer group")
    edit_title = _l("Edit customer group")
    label_columns = CUSTOMER_GROUP.labels()
    list_columns = CUSTOMER_GROUP.columns("list")
    search_columns = CUSTOMER_GROUP.columns("search")
    order_columns = ["name", "code", "discount_percent", "priority", "is_active"]
    add_columns = edit_columns = CUSTOMER_GROUP.columns("form")
    show_columns = add_columns + ["customer_count"]
    description_columns = {"priority": _l("Higher number, higher priority.")}
    base_order = ("priority", "desc")
    list_template = "crm/customer_group_list.html"

    prepare = staticmethod(company_rules.prepare_group)
    check_delete = staticmethod(customer_rules.check_parent_delete)

    @expose("/list/")
    @has_access
    def list(self):
        self.update_redirect()
        return self.render_template(
            self.list_template,
            title=self.list_title,
            widgets=self._list(),
            stats=company_rules.group_stats(self.session),
        )
