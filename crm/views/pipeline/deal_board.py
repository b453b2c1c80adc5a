"""The deal board: one pipeline's stages as Kanban columns (crm/views/kanban.py).

The page renders the columns with their totals; a drop is recorded through
``deal_stages.change_stage`` — the rule the edit form and the API use too — and
answers with both columns' fresh totals and the card as it now looks. Every
drop is checked on the server: without the right to edit deals, or for a stage
of another pipeline, it is refused and the card goes back.
"""

import datetime as dt

from flask import get_template_attribute, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext, lazy_gettext as _l

from crm.datamodel.choices import owners as owner_choices
from crm.models import Deal
from crm.security.tenancy import get_owned
from crm.services.core.errors import NotFound
from crm.services.pipeline import deal_board, deal_stages, deals
from crm.views.kanban import KanbanView
from crm.views.pipeline.deals import money
from crm.views.query_args import day, record_id
from crm.views.quick_log import can_log_interactions


def board_filter_from(args):
    """The board's filters from a query string; unreadable values are left out."""
    return deal_board.BoardFilter(
        owner_id=record_id(args, "owner"),
        close_from=day(args, "close_from"),
        close_to=day(args, "close_to"),
    )


def filter_args(board_filter):
    """The filters as query-string arguments, for the cards and move URLs."""
    args = {
        "owner": board_filter.owner_id,
        "close_from": board_filter.close_from,
        "close_to": board_filter.close_to,
    }
    return {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in args.items()
        if v is not None
    }


def total_text(total, empty_currency):
    """The column's value per currency and its value weighted by the stage's probability,
    e.g. "€350.50 · $40.00 (weighted €175.25 · $20.00)"; an empty column shows zero."""
    if not total.amounts:
        return money(0, empty_currency)
    full, weighted = (
        " · ".join(money(amount, currency) for currency, amount in sorted(amounts.items()))
        for amounts in (total.amounts, total.weighted)
    )
    return gettext("%(total)s (weighted %(weighted)s)", total=full, weighted=weighted)


def card_html(deal):
    render = get_template_attribute("crm/deal_card.html", "card")
    return str(render(deal, money(deal.value, deal.currency), can_log_interactions()))


def _columns_json(totals, empty_currency):
    return {
        str(stage_id): {"count": total.count, "total": total_text(total, empty_currency)}
        for stage_id, total in totals.items()
    }


class DealBoardView(KanbanView):
    route_base = "/deal-board"
    class_permission_name = "Deal"
    template = "crm/deal_board.html"
    column_attribute = "stage_id"
    read_refusal = _l("You may not see deals.")
    move_refusal = _l("Your role may look at the board but not move deals.")

    @expose("/")
    @has_access
    def board(self):
        session = self.session
        board_filter = board_filter_from(request.args)
        pipelines = deal_board.board_pipelines(session)
        try:
            pipeline = deal_board.board_pipeline(pipelines, request.args.get("pipeline", type=int))
        except NotFound:
            return self.render_template(
                self.template,
                pipelines=pipelines,
                pipeline=None,
                columns=[],
                board_filter=board_filter,
                owners=[],
                not_found=True,
            ), 404
        columns = []
        if pipeline is not None:
            stages = deal_board.columns_of(session, pipeline)
            totals = deal_board.column_figures(
                session,
                [s.id for s in stages],
                board_filter,
                probabilities={s.id: s.probability for s in stages},
            )
            args = filter_args(board_filter)
            currency = deals.default_currency(session)
            for stage in stages:
                total = totals[stage.id]
                columns.append(
                    {
                        "id": stage.id,
                        "title": stage.name,
                        "colour": stage.colour,
                        "count": total.count,
                        "total": total_text(total, currency),
                        "cards_url": url_for(".cards", column_id=stage.id, **args),
                        "ask_label": gettext("Why was this deal lost? (optional)")
                        if stage.is_lost
                        else None,
                    }
                )
        return self.render_template(
            self.template,
            pipelines=pipelines,
            pipeline=pipeline,
            columns=columns,
            board_filter=board_filter,
            owners=owner_choices(False),
            read_only=not self.can_move(),
            move_url=url_for(".move", **filter_args(board_filter)),
        )

    def column(self, column_id):
        return deal_board.board_column(self.session, column_id)

    def column_cards(self, column, offset):
        return deal_board.column_cards(
            self.session, column, offset, board_filter_from(request.args)
        )

    def card_html(self, record):
        return card_html(record)

    def move_card(self, body):
        deal = get_owned(self.session, Deal, body.get("id"))
        if deal is None:
            raise NotFound(gettext("No such deal."))
        left = deal_stages.change_stage(
            self.session, deal, body.get("column_id"), body.get("reason")
        )
        card = deal_board.card(self.session, deal.id)
        return (
            card,
            left.id,
            {
                "stage": {"id": card.stage_id, "name": card.stage.name},
                "actual_close_date": card.actual_close_date.isoformat()
                if card.actual_close_date
                else None,
            },
        )

    def columns_json(self, column_ids):
        totals = deal_board.column_figures(
            self.session, set(column_ids), board_filter_from(request.args)
        )
        return _columns_json(totals, deals.default_currency(self.session))
