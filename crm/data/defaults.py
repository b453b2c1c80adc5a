"""Reference data every new tenant starts with."""

PAYMENT_TERMS = (
    ("Due on receipt", 0),
    ("Net 15", 15),
    ("Net 30", 30),
    ("Net 45", 45),
    ("Net 60", 60),
    ("Net 90", 90),
)
SEGMENTS = {
    "Enterprise": ("Manufacturing", "Retail chains", "Public sector"),
    "Mid-market": ("Wholesale", "Professional services"),
    "Small business": ("Shops", "Trades"),
}
REGIONS = ("North", "South", "East", "West", "International")
TAGS = (("VIP", "#d4a017"), ("Key account", "#2e86c1"), ("Late payer", "#c0392b"))

# (name, colour, is_default, is_final)
LEAD_STATUSES = (
    ("New", "#3498db", True, False),
    ("Contacted", "#9b59b6", False, False),
    ("Qualified", "#27ae60", False, False),
    ("Converted", "#2ecc71", False, True),
    ("Lost", "#7f8c8d", False, True),
)
LEAD_SOURCES = ("Website", "Referral", "Cold call", "Trade show", "Social media")
PIPELINE_NAME = "Sales"
# (name, colour, probability, is_default, is_won, is_lost)
STAGES = (
    ("Lead", "#95a5a6", 10, True, False, False),
    ("Qualified", "#3498db", 25, False, False, False),
    ("Proposal", "#9b59b6", 50, False, False, False),
    ("Negotiation", "#e67e22", 75, False, False, False),
    ("Won", "#27ae60", 100, False, True, False),
    ("Lost", "#c0392b", 0, False, False, True),
)
# Tax regimes a new tenant starts with: (code, name, country); each checked by the
# validator of its code (crm.services.core.validation.TAX_REGIMES).
TAX_REGIMES = (
    ("VAT", "VAT number (EU)", None),
    ("GB_VAT", "VAT number (United Kingdom)", "GB"),
    ("CH_UID", "UID (Switzerland)", "CH"),
    ("EIN", "EIN (United States)", "US"),
    ("GSTIN", "GSTIN (India)", "IN"),
    ("PAN", "PAN (India)", "IN"),
    ("ABN", "ABN (Australia)", "AU"),
    ("BN", "Business Number (Canada)", "CA"),
    ("CNPJ", "CNPJ (Brazil)", "BR"),
    ("CPF", "CPF (Brazil)", "BR"),
    ("OTHER", "Other tax identifier", None),
)
