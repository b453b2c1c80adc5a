"""The lead Kanban board: one column per non-final status, in position order.

Three endpoints for crm/static/kanban.js: the page, a page of one column's cards
(JSON) and the move (JSON POST with X-CSRFToken). The JSON endpoints answer
refusals as JSON (403 without the edit permission, 404 for another tenant's
lead or status, 4xx with the rule's message), so the script puts the card back
and shows why.
"""
from flask import jsonify, render_template, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import has_access_api
from flask_babel import gettext, lazy_gettext as _l

from crm.extensions import db
from crm.models import Lead, LeadStatus
from crm.security.roles import METHOD_VERBS
from crm.security.tenancy import current_tenant_id, get_owned
from crm.services.core.errors import CrmError, NotFound
from crm.services.pipeline import leads as lead_rules
from crm.views.pipeline.leads import money
from crm.web.errors import json_answer


def _refusal(exc):
    """A move's refusal for the board's script: the rule's first message alone."""
    message = exc.message
    if exc.errors:
        message = next(iter(exc.errors.values()))[0]
    return json_answer(exc.status, str(message))


def _card(lead):
    return render_template("crm/lead_card.html", lead=lead, money=money)


class LeadBoardView(BaseView):
    class_permission_name = "Lead"
    method_permission_name = METHOD_VERBS
    route_base = "/lead-board"
    default_view = "board"
    title = _l("Lead board")

    @property
    def session(self):
        return db.session

    @expose("/")
    @has_access
    def board(self):
        columns = [{
            "id": status.id, "title": status.name, "colour": status.colour,
            "count": figures["count"], "total": figures["total"],
            "cards_url": url_for(".cards", status_id=status.id), "ask_label": None,
        } for status, figures in lead_rules.board_columns(self.session, current_tenant_id())]
        # Without the edit permission the board is read-only; the server refuses such moves anyway.
        can_move = self.appbuilder.sm.has_access("can_edit", self.class_permission_name)
        return self.render_template("crm/lead_board.html", columns=columns, title=self.title,
                                    move_url=url_for(".move"), read_only=not can_move)

    @expose("/cards/<int:status_id>")
    @has_access_api
    def cards(self, status_id):
        try:
            status = lead_rules.board_status(self.session, status_id)
        except CrmError as exc:
            return _refusal(exc)
        offset = request.args.get("offset", 0, type=int)
        rows, next_offset = lead_rules.column_cards(self.session, status, offset)
        return jsonify(cards=[{"id": lead.id, "html": _card(lead)} for lead in rows],
                       next_offset=next_offset)

    @expose("/move", methods=["POST"])
    @has_access_api
    def move(self):
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return json_answer(400, gettext("Send a JSON object with id and column_id."))
        lead = get_owned(self.session, Lead, body.get("id"))
        status = get_owned(self.session, LeadStatus, body.get("column_id"))
        try:
            if lead is None or status is None:
                raise NotFound(gettext("This lead or status does not exist."))
            old_status_id = lead_rules.move_to_status(self.session, lead, status)
        except CrmError as exc:
            return _refusal(exc)
        figures = lead_rules.column_figures(self.session, [old_status_id, status.id])
        return jsonify(columns=figures, html=_card(lead))
