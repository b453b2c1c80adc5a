"""REST endpoints for companies and customer groups."""

from flask_appbuilder.api import expose, protect, safe

from crm.api.base import CrmModelApi
from crm.datamodel.interface import CrmInterface
from crm.fields.companies import COMPANY, COMPANY_DETAILS, CUSTOMER_GROUP
from crm.models import Company, CustomerGroup
from crm.services.customers import companies as company_rules, customers as customer_rules


class CompanyApi(CrmModelApi):
    resource_name = "company"
    datamodel = CrmInterface(Company)
    class_permission_name = "Company"
    label_columns = COMPANY.labels()
    list_columns = [
        "id",
        "name",
        "office_email",
        "office_phone",
        "website",
        "industry",
        "assigned_to.id",
        "is_active",
    ]
    show_columns = [
        "id",
        *COMPANY_DETAILS,
        "assigned_to.id",
        "assigned_to.username",
        "is_active",
        "created_at",
        "updated_at",
    ]
    add_columns = edit_columns = COMPANY.columns("form")
    search_columns = COMPANY.columns("search")
    base_order = ("name", "asc")
    prepare = staticmethod(company_rules.prepare_company)
    check_delete = staticmethod(customer_rules.check_parent_delete)

    @expose("/<int:pk>/archive", methods=["POST"])
    @protect()
    @safe
    def archive(self, pk):
        """Archive a company: hidden from pickers and the default list, history kept.
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200: {$ref: '#/components/responses/CompanyApi.record'}
            404: {$ref: '#/components/responses/404'}
            409: {description: Already archived}
        """
        return self._apply(pk, company_rules.archive)

    @expose("/<int:pk>/restore", methods=["POST"])
    @protect()
    @safe
    def restore(self, pk):
        """Reactivate an archived company.
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200: {$ref: '#/components/responses/CompanyApi.record'}
            404: {$ref: '#/components/responses/404'}
            409: {description: Not archived}
        """
        return self._apply(pk, company_rules.restore)


class CustomerGroupApi(CrmModelApi):
    resource_name = "customer_group"
    datamodel = CrmInterface(CustomerGroup)
    class_permission_name = "CustomerGroup"
    label_columns = CUSTOMER_GROUP.labels()
    list_columns = show_columns = ["id", *CUSTOMER_GROUP.columns("form")]
    add_columns = edit_columns = CUSTOMER_GROUP.columns("form")
    search_columns = CUSTOMER_GROUP.columns("search")
    base_order = ("priority", "desc")
    prepare = staticmethod(company_rules.prepare_group)
    check_delete = staticmethod(customer_rules.check_parent_delete)
