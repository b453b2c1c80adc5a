"""REST endpoints for interactions: the same rules as the form (services.interactions)."""
from crm.api.base import CrmModelApi
from crm.datamodel.interactions import FORM_COLUMNS, LABELS, NewestFirst
from crm.models import Interaction
from crm.services.pipeline import interactions

READ_COLUMNS = ["id", "kind", "summary", "follow_up", "occurred_at", "customer.id", "customer.name",
                "deal.id", "deal.title", "contact.id", "contact.name", "user.id", "user.username"]


class InteractionApi(CrmModelApi):
    resource_name = "interaction"
    datamodel = NewestFirst(Interaction)
    class_permission_name = "Interaction"
    label_columns = LABELS
    list_columns = show_columns = READ_COLUMNS
    add_columns = edit_columns = FORM_COLUMNS
    search_columns = ["customer", "deal", "contact", "kind", "occurred_at", "user", "summary"]
    order_columns = ["occurred_at", "kind"]
    base_order = ("occurred_at", "desc")
    prepare = staticmethod(interactions.prepare)
