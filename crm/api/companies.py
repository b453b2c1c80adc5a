"""REST endpoints for companies and customer groups."""
from crm.api.base import CrmModelApi
from crm.datamodel.companies import (
    COMPANY_DETAILS,
    COMPANY_FORM_COLUMNS,
    COMPANY_LABELS,
    GROUP_FORM_COLUMNS,
    GROUP_LABELS,
)
from crm.datamodel.interface import CrmInterface
from crm.models import Company, CustomerGroup
from crm.services.customers import companies as company_rules, customers as customer_rules


class CompanyApi(CrmModelApi):
    resource_name = "company"
    datamodel = CrmInterface(Company)
    class_permission_name = "Company"
    label_columns = COMPANY_LABELS
    list_columns = ["id", "name", "office_email", "office_phone", "website", "industry",
                    "assigned_to.id", "is_active"]
    show_columns = ["id", *COMPANY_DETAILS, "assigned_to.id", "assigned_to.username",
                    "is_active", "created_at", "updated_at"]
    add_columns = edit_columns = COMPANY_FORM_COLUMNS
    search_columns = ["name", "office_email", "office_phone", "website", "industry", "is_active"]
    base_order = ("name", "asc")
    prepare = staticmethod(company_rules.prepare_company)
    check_delete = staticmethod(customer_rules.check_parent_delete)


class CustomerGroupApi(CrmModelApi):
    resource_name = "customer_group"
    datamodel = CrmInterface(CustomerGroup)
    class_permission_name = "CustomerGroup"
    label_columns = GROUP_LABELS
    list_columns = show_columns = ["id", *GROUP_FORM_COLUMNS]
    add_columns = edit_columns = GROUP_FORM_COLUMNS
    search_columns = ["name", "code", "is_active"]
    base_order = ("priority", "desc")
    prepare = staticmethod(company_rules.prepare_group)
    check_delete = staticmethod(customer_rules.check_parent_delete)
