"""REST endpoints for leads and their conversion."""

from flask import request
from flask_appbuilder.api import expose, protect, safe
from flask_babel import gettext

from crm.api.base import CrmModelApi
from crm.datamodel.leads import LeadInterface
from crm.fields.pipeline import LEAD
from crm.models import Lead
from crm.services.core.errors import CrmError
from crm.services.pipeline import lead_conversion, leads as lead_rules
from crm.web.errors import refusal

LEAD_LIST = [
    "id",
    "title",
    "contact_name",
    "contact_email",
    "company_name",
    "value",
    "status.id",
    "status.name",
    "status.colour",
    "source.id",
    "source.name",
    "assigned_to.id",
    "assigned_to.username",
    "converted_at",
]
LEAD_READ = LEAD_LIST + [
    "description",
    "contact_phone",
    "status.is_final",
    "customer.id",
    "customer.name",
    "company.id",
    "company.name",
    "deal.id",
    "deal.title",
    "created_at",
    "updated_at",
]


class LeadApi(CrmModelApi):
    resource_name = "lead"
    datamodel = LeadInterface(Lead)
    class_permission_name = "Lead"
    label_columns = LEAD.labels()
    list_columns = LEAD_LIST
    show_columns = LEAD_READ
    add_columns = edit_columns = LEAD.columns("form")
    search_columns = [
        "search_text",
        "title",
        "contact_name",
        "contact_email",
        "company_name",
        "value",
        "status",
        "source",
        "assigned_to",
        "converted_at",
        "created_at",
    ]
    order_columns = [
        "title",
        "contact_name",
        "contact_email",
        "company_name",
        "value",
        "created_at",
        "converted_at",
    ]
    base_order = ("created_at", "desc")
    prepare = staticmethod(lead_rules.prepare)
    check_delete = staticmethod(lead_rules.check_delete)

    @expose("/<int:pk>/convert", methods=["POST"])
    @protect()
    @safe
    def convert(self, pk):
        """Convert a lead into a customer (new, or the one with its email), optionally a
        company and a deal; all or nothing.
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    customer_name: {type: string}
                    customer_email: {type: string}
                    customer_phone: {type: string}
                    customer_kind: {type: string, enum: [company, individual]}
                    company_option: {type: string, enum: [none, existing, new]}
                    company_id: {type: integer}
                    new_company_name: {type: string}
                    create_deal: {type: boolean}
                    deal_title: {type: string}
                    deal_value: {type: string}
                    pipeline_id: {type: integer}
                    stage_id: {type: integer}
                    expected_close_date: {type: string, format: date}
          responses:
            201:
              description: "Converted: the ids of the customer, company and deal"
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      lead_id: {type: integer}
                      customer_id: {type: integer}
                      customer_created: {type: boolean}
                      company_id: {type: integer, nullable: true}
                      company_created: {type: boolean}
                      deal_id: {type: integer, nullable: true}
            404: {$ref: '#/components/responses/404'}
            409: {description: Already converted}
            422: {$ref: '#/components/responses/422'}
        """
        lead = self.datamodel.get(pk, self._base_filters)
        if lead is None:
            return self.response_404()
        # An empty body converts with what the lead says; anything else must be a JSON object.
        body = request.get_json(silent=True) if request.get_data() else {}
        if not isinstance(body, dict):
            return self.response_400(message=gettext("Send a JSON object."))
        try:
            result = lead_conversion.convert_lead(self.session, lead, body)
        except CrmError as exc:
            return refusal(exc)
        return self.response(201, **result.as_dict())
