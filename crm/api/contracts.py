"""REST endpoints for contracts at /api/v1/contract/: the screens' rules (crm.services.ledger.contracts)."""

from crm.api.base import CrmModelApi
from crm.datamodel.ledger import LedgerInterface
from crm.fields.ledger import CONTRACT
from crm.models import Contract
from crm.services.ledger import contracts

READ_COLUMNS = CONTRACT.columns("api_read")


class ContractApi(CrmModelApi):
    resource_name = "contract"
    datamodel = LedgerInterface(Contract)
    class_permission_name = "Contract"
    label_columns = CONTRACT.labels()
    list_columns = READ_COLUMNS
    show_columns = READ_COLUMNS + ["notes", "created_at", "updated_at"]
    add_columns = edit_columns = CONTRACT.columns("form")
    search_columns = ["customer", "number", "title", "status", "value", "start_date", "end_date"]
    order_columns = ["number", "title", "value", "start_date", "end_date"]
    base_order = ("start_date", "desc")
    prepare = staticmethod(contracts.prepare)
    check_delete = staticmethod(contracts.check_delete)

    def _init_model_schemas(self):
        super()._init_model_schemas()
        for schema in (self.add_model_schema, self.edit_model_schema):
            for name in ("end_date", "notes", "status", "value"):
                schema.fields[name].required = False
                schema.fields[name].allow_none = True
