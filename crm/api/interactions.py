"""REST endpoints for interactions: the same rules as the form (services.interactions).

The API also logs against a lead (the form is opened from a customer or a deal); the
quick-log modal (crm/static/quick_log.js) posts here."""

from crm.api.base import CrmModelApi
from crm.datamodel.interactions import NewestFirst
from crm.fields.pipeline import INTERACTION
from crm.models import Interaction
from crm.services.pipeline import interactions

READ_COLUMNS = INTERACTION.columns("api_read")


class InteractionApi(CrmModelApi):
    resource_name = "interaction"
    datamodel = NewestFirst(Interaction)
    class_permission_name = "Interaction"
    label_columns = INTERACTION.labels()
    list_columns = show_columns = READ_COLUMNS
    add_columns = edit_columns = [*INTERACTION.columns("form"), "lead"]
    search_columns = [
        "customer",
        "deal",
        "lead",
        "contact",
        "kind",
        "occurred_at",
        "user",
        "summary",
    ]
    order_columns = ["occurred_at", "kind"]
    base_order = ("occurred_at", "desc")
    prepare = staticmethod(interactions.prepare)
