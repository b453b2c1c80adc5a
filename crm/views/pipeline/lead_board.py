"""The lead board: one column per non-final status, in position order (crm/views/kanban.py).

A drop goes through ``leads.move_to_status``, so the edit form's rules apply; a move
to a final status other than the conversion status ("Lost") is allowed.
"""

from flask import render_template, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext, lazy_gettext as _l

from crm.models import Lead, LeadStatus
from crm.security.tenancy import current_tenant_id, get_owned
from crm.services.core.errors import NotFound
from crm.services.pipeline import leads as lead_rules
from crm.views.kanban import KanbanView
from crm.views.pipeline.leads import money
from crm.views.quick_log import can_log_interactions


class LeadBoardView(KanbanView):
    class_permission_name = "Lead"
    route_base = "/lead-board"
    title = _l("Lead board")
    column_attribute = "status_id"
    read_refusal = _l("You may not see leads.")
    move_refusal = _l("Your role may look at the board but not move leads.")

    @expose("/")
    @has_access
    def board(self):
        columns = [
            {
                "id": status.id,
                "title": status.name,
                "colour": status.colour,
                "count": figures["count"],
                "total": figures["total"],
                "cards_url": url_for(".cards", column_id=status.id),
                "ask_label": None,
            }
            for status, figures in lead_rules.board_columns(self.session, current_tenant_id())
        ]
        return self.render_template(
            "crm/lead_board.html",
            columns=columns,
            title=self.title,
            move_url=url_for(".move"),
            read_only=not self.can_move(),
        )

    def column(self, column_id):
        return lead_rules.board_column(self.session, column_id)

    def column_cards(self, column, offset):
        return lead_rules.column_cards(self.session, column, offset)

    def card_html(self, record):
        return render_template(
            "crm/lead_card.html", lead=record, money=money, can_log=can_log_interactions()
        )

    def move_card(self, body):
        lead = get_owned(self.session, Lead, body.get("id"))
        status = get_owned(self.session, LeadStatus, body.get("column_id"))
        if lead is None or status is None:
            raise NotFound(gettext("This lead or status does not exist."))
        left_id = lead_rules.move_to_status(self.session, lead, status)
        return lead, left_id, {}

    def columns_json(self, column_ids):
        return {
            str(status_id): figures
            for status_id, figures in lead_rules.column_figures(self.session, column_ids).items()
        }
