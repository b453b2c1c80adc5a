"""Reference data every new tenant starts with."""

PAYMENT_TERMS = (
    ("Due on receipt", 0), ("Net 15", 15), ("Net 30", 30), ("Net 45", 45),
    ("Net 60", 60), ("Net 90", 90),
)
SEGMENTS = {
    "Enterprise": ("Manufacturing", "Retail chains", "Public sector"),
    "Mid-market": ("Wholesale", "Professional services"),
    "Small business": ("Shops", "Trades"),
}
REGIONS = ("North", "South", "East", "West", "International")
TAGS = (("VIP", "#d4a017"), ("Key account", "#2e86c1"), ("Late payer", "#c0392b"))
