"""Word lists the demo loader combines into plausible customers."""

COMPANY_STEMS = (
    "Aldercrest", "Bluewater", "Copperfield", "Danforth", "Eastgate", "Fairmont", "Greystone",
    "Harborview", "Ironbridge", "Juniper", "Kingsway", "Lakeshore", "Meridian", "Northfield",
    "Oakridge", "Pinecrest", "Quayside", "Redwood", "Silverline", "Thornbury", "Upland",
    "Valemont", "Westbrook", "Yarrow", "Zenith", "Brightwell", "Castlerock", "Dovetail",
)
COMPANY_KINDS = (
    "Logistics", "Foods", "Engineering", "Textiles", "Pharma", "Electronics", "Builders",
    "Packaging", "Motors", "Furniture", "Paper", "Chemicals", "Retail", "Consulting",
)
COMPANY_SUFFIXES = {"DE": "GmbH", "GB": "Ltd", "US": "Inc.", "FR": "SARL", "NL": "B.V."}
FIRST_NAMES = (
    "Anna", "Ben", "Clara", "David", "Elif", "Felix", "Grace", "Hannah", "Ivan", "Julia",
    "Karim", "Lena", "Marco", "Nina", "Oliver", "Priya", "Quentin", "Rosa", "Samir", "Tara",
    "Umar", "Vera", "William", "Xenia", "Yusuf", "Zoe",
)
LAST_NAMES = (
    "Schneider", "Okafor", "Dubois", "Jansen", "Miller", "Kowalski", "Rossi", "Nguyen",
    "Fischer", "Bakker", "Martin", "Patel", "Walsh", "Lindqvist", "Moreau", "Hughes",
)
ROLES = ("Purchasing", "Accounts payable", "Managing director", "Operations", "Finance")
STREETS = ("Main Street", "Market Square", "Station Road", "Harbour Lane", "Mill Way",
           "Park Avenue", "Church Street", "Industrial Estate")
CITIES = {
    "DE": (("Berlin", "10115", "+49 30 {n7}"), ("Hamburg", "20095", "+49 40 {n7}"),
           ("Munich", "80331", "+49 89 {n7}")),
    "GB": (("London", "EC1A 1BB", "+44 20 7946 {n4}"), ("Manchester", "M1 1AE", "+44 161 496 {n4}")),
    "US": (("New York", "10001", "+1 212 555 {n4}"), ("Chicago", "60601", "+1 312 555 {n4}")),
    "FR": (("Paris", "75001", "+33 1 {n8}"), ("Lyon", "69001", "+33 4 {n8}")),
    "NL": (("Amsterdam", "1012", "+31 20 {n7}"), ("Rotterdam", "3011", "+31 10 {n7}")),
}
CURRENCIES = {"DE": "EUR", "GB": "GBP", "US": "USD", "FR": "EUR", "NL": "EUR"}
INDUSTRIES = ("Manufacturing", "Wholesale", "Retail", "Construction", "Healthcare",
              "Transport", "Hospitality", "Technology")
