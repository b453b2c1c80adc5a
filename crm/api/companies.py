"""REST endpoints for companies and customer groups."""
from crm.api.base import CrmModelApi
from crm.models import Company, CustomerGroup
from crm.services import companies as company_rules, customers as customer_rules
from crm.views.companies import CompanyView, CustomerGroupView
from crm.views.datamodel import CrmInterface


class CompanyApi(CrmModelApi):
    resource_name = "company"
    datamodel = CrmInterface(Company)
    class_permission_name = "Company"
    label_columns = CompanyView.label_columns
    list_columns = ["id", "name", "office_email", "office_phone", "website", "industry",
                    "assigned_to.id", "is_active"]
    show_columns = ["id", *CompanyView.add_columns[:-2], "assigned_to.id", "assigned_to.username",
                    "is_active", "created_at", "updated_at"]
    add_columns = edit_columns = CompanyView.add_columns
    search_columns = ["name", "office_email", "office_phone", "website", "industry", "is_active"]
    base_order = ("name", "asc")
    prepare = staticmethod(company_rules.prepare_company)
    check_delete = staticmethod(customer_rules.check_parent_delete)

    def post_update(self, item):
        customer_rules.refresh_company_search(self.session, item)
        self.session.commit()


class CustomerGroupApi(CrmModelApi):
    resource_name = "customer_group"
    datamodel = CrmInterface(CustomerGroup)
    class_permission_name = "CustomerGroup"
    label_columns = CustomerGroupView.label_columns
    list_columns = show_columns = ["id", *CustomerGroupView.add_columns]
    add_columns = edit_columns = CustomerGroupView.add_columns
    search_columns = ["name", "code", "is_active"]
    base_order = ("priority", "desc")
    prepare = staticmethod(company_rules.prepare_group)
    check_delete = staticmethod(customer_rules.check_parent_delete)
