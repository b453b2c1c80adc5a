"""Contract screens: list, add/edit, the contract's page. Rules in ``crm.services.ledger.contracts``."""

from flask_babel import lazy_gettext as _l

from crm.datamodel.ledger import LedgerInterface
from crm.fields.ledger import CONTRACT, CONTRACT_STATUSES
from crm.models import Contract
from crm.services.ledger import contracts
from crm.views.base import CrmModelView
from crm.views.fields import choice_field, customer_picker, date_field
from crm.views.ledger.ledger_common import amount, status_badge

STATUS_STYLES = {
    "draft": "warning",
    "active": "success",
    "expired": "default",
    "terminated": "danger",
}


def _form_fields():
    return {
        "customer": customer_picker(),
        "status": choice_field(CONTRACT.label("status"), CONTRACT_STATUSES),
        "start_date": date_field(CONTRACT.label("start_date")),
        "end_date": date_field(CONTRACT.label("end_date"), _l("Optional; on or after the start.")),
    }


class ContractView(CrmModelView):
    datamodel = LedgerInterface(Contract, prefetch=("customer",))
    class_permission_name = "Contract"
    route_base = "/contracts"
    list_title = _l("Contracts")
    show_title = _l("Contract")
    add_title = _l("Add contract")
    edit_title = _l("Edit contract")
    label_columns = CONTRACT.labels()
    list_columns = CONTRACT.columns("list")
    show_columns = CONTRACT.columns("show")
    add_columns = edit_columns = CONTRACT.columns("form")
    search_columns = CONTRACT.columns("search")
    search_form_extra_fields = {"status": choice_field(CONTRACT.label("status"), CONTRACT_STATUSES)}
    order_columns = ["number", "title", "value", "start_date", "end_date"]
    base_order = ("start_date", "desc")
    add_form_extra_fields = _form_fields()
    edit_form_extra_fields = _form_fields()
    description_columns = {"value": _l("In the customer's currency.")}
    formatters_columns = {"value": amount, "status": status_badge(CONTRACT_STATUSES, STATUS_STYLES)}
    prepare = staticmethod(contracts.prepare)
    check_delete = staticmethod(contracts.check_delete)
