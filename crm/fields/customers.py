"""Customers: the master record's fields, its choice labels and column lists; the health
bands its score falls into."""
from flask_babel import lazy_gettext as _l

from crm.fields.catalogue import Entity, Field
from crm.models import Customer

CUSTOMER_TYPES = {"company": _l("Company"), "individual": _l("Individual")}
PAYMENT_METHODS = {
    "bank_transfer": _l("Bank transfer"), "credit_card": _l("Credit card"),
    "direct_debit": _l("Direct debit"), "cash": _l("Cash"), "cheque": _l("Cheque"),
    "paypal": _l("PayPal"),
}
HEALTH_BANDS = {"healthy": _l("Healthy"), "watch": _l("Watch"), "at_risk": _l("At risk")}
NOT_SCORED = _l("Not scored yet")
# What the health score is made of (crm.services.insight.health.WEIGHTS).
HEALTH_FACTORS = {
    "recency": _l("Recency of the last interaction"),
    "payment": _l("Payment history"),
    "contracts": _l("Active contract value"),
    "tickets": _l("Open support tickets"),
}

CUSTOMER = Entity(
    Customer,
    (
        Field("kind", _l("Type"), "choice", CUSTOMER_TYPES),
        Field("name", _l("Name")),
        Field("code", _l("Code")),
        Field("email", _l("Email"), "email"),
        Field("phone", _l("Phone"), "phone"),
        Field("website", _l("Website"), "url"),
        Field("industry", _l("Industry")),
        Field("segment", _l("Segment"), "relation"),
        Field("sub_segment", _l("Sub-segment"), "relation"),
        Field("region", _l("Region"), "relation"),
        Field("currency", _l("Currency"), "currency"),
        Field("payment_term", _l("Payment terms"), "relation"),
        Field("discount_rate", _l("Discount rate (%)"), "percent", heading=_l("Discount %")),
        Field("payment_method", _l("Default payment method"), "choice", PAYMENT_METHODS,
              heading=_l("Payment method")),
        # The regimes' names live with their checksums (crm.services.core.validation).
        Field("tax_regime", _l("Tax regime"), "choice"),
        Field("tax_number", _l("Tax number")),
        Field("credit_limit", _l("Credit limit"), "money"),
        Field("credit_hold", _l("Credit hold"), "flag"),
        Field("balance", _l("Balance"), "money"),
        Field("order_total", _l("Total order value"), "money"),
        Field("last_order_date", _l("Last order"), "date"),
        Field("customer_group", _l("Customer group"), "relation"),
        Field("company", _l("Company"), "relation"),
        Field("owner", _l("Owner"), "relation"),
        Field("tags", _l("Tags"), "tags"),
        Field("notes", _l("General notes"), heading=_l("Notes")),
        Field("is_active", _l("Active"), "flag"),
        Field("archived_at", _l("Archived on"), "datetime"),
        Field("city", _l("City")),
        Field("country", _l("Country"), "country"),
        Field("search_text", _l("Search")),
        Field("created_at", _l("Created"), "datetime"),
        Field("updated_at", _l("Updated"), "datetime"),
        Field("health_score", _l("Health"), "number"),
        Field("health_band", _l("Health"), "choice", HEALTH_BANDS),
    ),
    list=["name", "code", "phone", "email", "city", "country", "balance", "order_total",
          "last_order_date", "health_score"],
    search=["search_text", "kind", "segment", "sub_segment", "region", "customer_group",
            "tags", "payment_term", "credit_hold", "country",
            # money filters (crm.datamodel.customer_filters)
            "balance", "last_order_date",
            "health_band"],  # healthy / watch / at_risk (crm.datamodel.customer_filters)
    form=["kind", "name", "code", "email", "phone", "website", "industry", "company",
          "customer_group", "segment", "sub_segment", "region", "currency", "payment_term",
          "discount_rate", "payment_method", "tax_regime", "tax_number", "credit_limit",
          "credit_hold", "owner", "tags", "notes"],
    api_read=["id", "code", "kind", "name", "email", "phone", "website", "industry", "segment.id",
              "segment.name", "sub_segment.id", "sub_segment.name", "region.id", "region.name",
              "currency", "payment_term.id", "payment_term.name", "discount_rate",
              "payment_method", "tax_regime", "tax_number", "credit_limit", "credit_hold",
              "balance", "order_total", "last_order_date", "customer_group.id",
              "customer_group.name", "company.id", "company.name", "owner.id", "owner.username",
              "tags.id", "tags.name", "notes", "is_active", "archived_at", "city", "country",
              "created_at", "updated_at", "health_score", "health_band", "health_factors",
              "health_refreshed_at"],
)

# What a clone copies (attributes, keys for relations); code, email, balance and history
# stay with the original.
CLONED_FIELDS = (
    "kind", "name", "phone", "website", "industry", "segment_id", "sub_segment_id",
    "region_id", "currency", "payment_term_id", "discount_rate", "payment_method",
    "tax_regime", "tax_number", "credit_limit", "customer_group_id", "company_id",
    "owner_id", "notes", "city", "country",
)
