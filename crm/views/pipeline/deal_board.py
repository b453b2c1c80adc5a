"""The deal board: one pipeline's stages as Kanban columns (crm/templates/crm/kanban.html).

The page renders the columns with their totals; ``cards`` serves each column's
cards a page at a time; ``move`` records a drop through
``deal_stages.change_stage`` — the rule the edit form and the API use too — and
answers with both columns' fresh totals and the card as it now looks. Every
drop is checked on the server: without the right to edit deals, or for a stage
of another pipeline, it is refused and the card goes back.
"""
import datetime as dt
import functools

from flask import g, get_template_attribute, jsonify, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.const import PERMISSION_PREFIX
from flask_babel import gettext

from crm.datamodel.choices import owners as owner_choices
from crm.extensions import db
from crm.models import Deal
from crm.security.roles import METHOD_VERBS
from crm.security.tenancy import get_owned
from crm.services.core.errors import CrmError, NotFound
from crm.services.pipeline import deal_board, deal_stages, deals
from crm.views.pipeline.deals import money
from crm.views.query_args import day, record_id
from crm.web.errors import json_answer


def json_access(refusal):
    """FAB's permission check for a JSON endpoint, answering a refusal with ``refusal``'s
    message (401 when nobody is signed in)."""

    def decorator(f):
        @functools.wraps(f)
        def wraps(self, *args, **kwargs):
            permission = PERMISSION_PREFIX + self.method_permission_name.get(f.__name__, f.__name__)
            if permission in self.base_permissions and self.appbuilder.sm.has_access(
                    permission, self.class_permission_name):
                return f(self, *args, **kwargs)
            user = g.get("user")
            if user is None or not user.is_authenticated:
                return json_answer(401, gettext("Sign in first."))
            return json_answer(403, str(refusal()))

        wraps._permission_name = f.__name__
        return wraps

    return decorator


def board_filter_from(args):
    """The board's filters from a query string; unreadable values are left out."""
    return deal_board.BoardFilter(owner_id=record_id(args, "owner"),
                                  close_from=day(args, "close_from"),
                                  close_to=day(args, "close_to"))


def filter_args(board_filter):
    """The filters as query-string arguments, for the cards and move URLs."""
    args = {"owner": board_filter.owner_id, "close_from": board_filter.close_from,
            "close_to": board_filter.close_to}
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in args.items()
            if v is not None}


def total_text(total, empty_currency):
    """The column's value per currency, e.g. "€350.50 · $40.00"; an empty column shows zero."""
    return " · ".join(money(amount, currency) for currency, amount in sorted(total.amounts.items())) \
        or money(0, empty_currency)


def card_html(deal):
    render = get_template_attribute("crm/deal_card.html", "card")
    return str(render(deal, money(deal.value, deal.currency)))


def _columns_json(totals, empty_currency):
    return {str(stage_id): {"count": total.count, "total": total_text(total, empty_currency)}
            for stage_id, total in totals.items()}


class DealBoardView(BaseView):
    route_base = "/deal-board"
    class_permission_name = "Deal"
    method_permission_name = METHOD_VERBS
    default_view = "board"
    template = "crm/deal_board.html"

    def _can_move(self):
        return self.appbuilder.sm.has_access(PERMISSION_PREFIX + METHOD_VERBS["move"],
                                             self.class_permission_name)

    @expose("/")
    @has_access
    def board(self):
        session = db.session
        board_filter = board_filter_from(request.args)
        pipelines = deal_board.board_pipelines(session)
        try:
            pipeline = deal_board.board_pipeline(pipelines, request.args.get("pipeline", type=int))
        except NotFound:
            return self.render_template(self.template, pipelines=pipelines, pipeline=None,
                                        columns=[], board_filter=board_filter, owners=[],
                                        not_found=True), 404
        columns = []
        if pipeline is not None:
            stages = deal_board.columns_of(session, pipeline)
            totals = deal_board.column_totals(session, [s.id for s in stages], board_filter)
            args = filter_args(board_filter)
            currency = deals.default_currency(session)
            for stage in stages:
                total = totals[stage.id]
                columns.append({
                    "id": stage.id, "title": stage.name, "colour": stage.colour,
                    "count": total.count, "total": total_text(total, currency),
                    "cards_url": url_for(".cards", stage_id=stage.id, **args),
                    "ask_label": gettext("Why was this deal lost? (optional)") if stage.is_lost else None,
                })
        return self.render_template(
            self.template, pipelines=pipelines, pipeline=pipeline, columns=columns,
            board_filter=board_filter, owners=owner_choices(False), read_only=not self._can_move(),
            move_url=url_for(".move", **filter_args(board_filter)))

    @expose("/cards/<int:stage_id>")
    @json_access(lambda: gettext("You may not see deals."))
    def cards(self, stage_id):
        session = db.session
        try:
            stage = deal_board.column_stage(session, stage_id)
        except NotFound as exc:
            return json_answer(404, str(exc.message))
        offset = request.args.get("offset", 0, type=int)
        deals, next_offset = deal_board.cards(session, stage, board_filter_from(request.args), offset)
        return jsonify(cards=[{"id": deal.id, "html": card_html(deal)} for deal in deals],
                       next_offset=next_offset)

    @expose("/move", methods=["POST"])
    @json_access(lambda: gettext("Your role may look at the board but not move deals."))
    def move(self):
        session = db.session
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return json_answer(400, gettext("Send the move as a JSON object."))
        deal = get_owned(session, Deal, body.get("id"))
        if deal is None:
            return json_answer(404, gettext("No such deal."))
        try:
            left = deal_stages.change_stage(session, deal, body.get("column_id"), body.get("reason"))
        except CrmError as exc:
            message = exc.message if not exc.errors else "; ".join(
                str(m) for messages in exc.errors.values() for m in messages)
            return json_answer(exc.status, str(message))
        board_filter = board_filter_from(request.args)
        totals = deal_board.column_totals(session, {left.id, deal.stage_id}, board_filter)
        return jsonify(columns=_columns_json(totals, deals.default_currency(session)),
                       html=card_html(deal_board.card(session, deal.id)),
                       stage={"id": deal.stage_id, "name": deal.stage.name},
                       actual_close_date=deal.actual_close_date.isoformat()
                       if deal.actual_close_date else None)
