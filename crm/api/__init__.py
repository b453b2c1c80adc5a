"""REST API under /api/v1/: one ModelRestApi per entity, sharing the screens' rules."""
from crm.api.audit import AuditApi
from crm.api.companies import CompanyApi, CustomerGroupApi
from crm.api.customers import (
    AddressApi, BankAccountApi, ContactApi, CustomerApi, CustomFieldValueApi, DocumentApi,
    NoteApi, PlantApi,
)
# --- sales pipeline imports ---
from crm.api.settings import (
    CustomFieldApi, PaymentTermApi, RegionApi, SegmentApi, SubSegmentApi, TagApi,
)

APIS = [
    CustomerApi, ContactApi, AddressApi, PlantApi, BankAccountApi, DocumentApi, NoteApi,
    CustomFieldValueApi, CompanyApi, CustomerGroupApi, PaymentTermApi, SegmentApi,
    SubSegmentApi, RegionApi, TagApi, CustomFieldApi, AuditApi,
    # --- sales pipeline APIs ---
]


def register_apis(appbuilder):
    for api in APIS:
        appbuilder.add_api(api)
