"""Financial figures in the REST API, for callers who may not see them.

Responses are masked by CrmModelApi (crm.security.masking.mask_dump); this mixin keeps
such callers from writing what they cannot read back.
"""

from flask import request
from flask_babel import gettext

from crm.security.masking import MASKED_FIELDS, masked_columns
from crm.services.core.errors import ValidationFailed


class HiddenFinancialsApiMixin:
    """For the API of a masked entity: a caller who may not see financials may not set
    a masked amount (a credit limit), nor change a masked account number (one is still
    given when adding a bank account). (Sorting and filtering: CrmModelApi.)"""

    def _refuse_hidden(self, body, adding):
        entity = self.datamodel.obj.__name__
        hidden = masked_columns(entity)
        if not hidden or not isinstance(body, dict):
            return
        kinds = MASKED_FIELDS[entity]
        refused = [c for c in hidden if c in body and not (adding and kinds[c].kind == "account")]
        if refused:
            message = gettext("Only users who may see financial figures can set this.")
            raise ValidationFailed({column: [message] for column in refused})

    def _merge_update_item(self, model_item, data):
        # PUT: FAB fills the body's missing columns from the stored row next; check what
        # the caller sent first.
        self._refuse_hidden(data, adding=False)
        return super()._merge_update_item(model_item, data)

    def before_save(self, item):
        if request.method == "POST":
            self._refuse_hidden(request.get_json(silent=True), adding=True)
        super().before_save(item)
