"""Companies and customer groups."""

from flask import flash, redirect
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_babel import gettext, lazy_gettext as _l

from crm.datamodel.interface import CrmInterface
from crm.fields.companies import COMPANY, CUSTOMER_GROUP
from crm.models import Company, CustomerGroup
from crm.services.core import lookups
from crm.services.customers import companies as company_rules, customers as customer_rules
from crm.services.insight import timeline
from crm.services.pipeline import accounts
from crm.views.base import CrmModelView
from crm.views.fields import country_field
from crm.views.pickers import lookup_args, lookup_response


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
    show_template = "crm/record_show.html"

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

    @action("toggle_active", _l("Activate / deactivate"), icon="fa-toggle-on")
    def toggle_active(self, items):
        for company in items if isinstance(items, list) else [items]:
            company_rules.toggle_active(self.session, company)
            flash(
                gettext(
                    "%(name)s is now %(state)s.",
                    name=company.name,
                    state=gettext("active") if company.is_active else gettext("inactive"),
                ),
                "success",
            )
        self.update_redirect()
        return redirect(self.get_redirect())


class CustomerGroupView(CrmModelView):
    datamodel = CrmInterface(CustomerGroup)
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
