"""Every entity of the catalogue, by model name (for readers that start from a record or
an audit entry: the activity timeline, the catalogue's own test)."""

from crm.fields import companies, customers, ledger, parts, pipeline, settings, support

ENTITIES = {
    entity.model.__name__: entity
    for entity in (
        customers.CUSTOMER,
        companies.COMPANY,
        companies.CUSTOMER_GROUP,
        parts.CONTACT,
        parts.ADDRESS,
        parts.PLANT,
        parts.BANK_ACCOUNT,
        parts.TAX_REGISTRATION,
        parts.NOTE,
        parts.DOCUMENT,
        pipeline.LEAD,
        pipeline.DEAL,
        pipeline.INTERACTION,
        pipeline.TASK,
        ledger.SALES_ORDER,
        ledger.SALES_ORDER_LINE,
        ledger.INVOICE,
        ledger.INVOICE_LINE,
        ledger.PAYMENT,
        ledger.CREDIT_NOTE,
        ledger.CONTRACT,
        support.SUPPORT_TICKET,
        settings.PAYMENT_TERM,
        settings.SEGMENT,
        settings.SUB_SEGMENT,
        settings.REGION,
        settings.TAG,
        settings.TAX_REGIME,
        settings.CUSTOM_FIELD,
        settings.LEAD_STATUS,
        settings.LEAD_SOURCE,
        settings.PIPELINE,
        settings.STAGE,
    )
}
