"""The Kanban boards' screen (deals by stage, leads by status): what both boards share.

The page renders the columns (crm/templates/crm/kanban.html); ``cards`` serves a
column's cards a page at a time and ``move`` records a drop, both as JSON for
crm/static/kanban.js. Refusals are JSON too (401 signed out, 403 without the
permission, 404 for another tenant's record or column, 4xx with the rule's message),
so the script puts the card back and says why. A board says what is particular to
it: its columns, its cards and how a drop moves a record.
"""

import functools

from flask import jsonify, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.const import PERMISSION_PREFIX
from flask_appbuilder.security.decorators import has_access_api
from flask_babel import gettext

from crm.extensions import db
from crm.security.roles import METHOD_VERBS
from crm.services.core.errors import CrmError


def refusal_json(exc):
    """A service's refusal as the board's JSON answer (every message, field names left out)."""
    message = (
        exc.message
        if not exc.errors
        else "; ".join(str(m) for messages in exc.errors.values() for m in messages)
    )
    return jsonify(message=str(message)), exc.status


def board_api(refusal_attribute):
    """FAB's ``has_access_api`` check for a board's JSON endpoint; its refusal answers
    with the board's message (the view's ``refusal_attribute``), or asks to sign in."""

    def decorator(f):
        @functools.wraps(f)
        def granted(self, *args, **kwargs):
            return _Granted(f(self, *args, **kwargs))

        checked = has_access_api(granted)

        @functools.wraps(f)
        def wraps(self, *args, **kwargs):
            answer = checked(self, *args, **kwargs)
            if isinstance(answer, _Granted):
                return answer.response
            if answer.status_code == 401:
                return jsonify(message=gettext("Sign in first.")), 401
            return jsonify(message=str(getattr(self, refusal_attribute))), answer.status_code

        wraps._permission_name = f.__name__
        return wraps

    return decorator


class _Granted:
    """The endpoint's own answer, told apart from FAB's refusal."""

    def __init__(self, response):
        self.response = response


class KanbanView(BaseView):
    """A board's ``cards`` and ``move`` endpoints; subclasses give the rest (see the
    methods below that raise NotImplementedError)."""

    method_permission_name = METHOD_VERBS
    default_view = "board"
    # The record's attribute that names its column ("stage_id", "status_id").
    column_attribute: str | None = None
    # Messages for a role without the permission to see the cards / to move them.
    read_refusal: object = None
    move_refusal: object = None

    @property
    def session(self):
        return db.session

    def can_move(self):
        """Whether the user may move cards (else the board is read-only; the server
        refuses such moves anyway)."""
        return self.appbuilder.sm.has_access(
            PERMISSION_PREFIX + METHOD_VERBS["move"], self.class_permission_name
        )

    def column(self, column_id):
        """The tenant's column with this id (NotFound otherwise)."""
        raise NotImplementedError

    def column_cards(self, column, offset):
        """(records, next offset or None): one page of ``column``."""
        raise NotImplementedError

    def card_html(self, record):
        raise NotImplementedError

    def move_card(self, body):
        """Apply the drop ``body`` ({"id", "column_id", …}): (record, id of the column it
        left, extra JSON fields). Raises CrmError."""
        raise NotImplementedError

    def columns_json(self, column_ids):
        """{column id (text): {"count", "total"}} for the columns' headers."""
        raise NotImplementedError

    @expose("/cards/<int:column_id>")
    @board_api("read_refusal")
    def cards(self, column_id):
        try:
            column = self.column(column_id)
        except CrmError as exc:
            return refusal_json(exc)
        records, next_offset = self.column_cards(column, request.args.get("offset", 0, type=int))
        return jsonify(
            cards=[{"id": r.id, "html": self.card_html(r)} for r in records],
            next_offset=next_offset,
        )

    @expose("/move", methods=["POST"])
    @board_api("move_refusal")
    def move(self):
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify(message=gettext("Send the move as a JSON object.")), 400
        try:
            record, left_id, extra = self.move_card(body)
        except CrmError as exc:
            return refusal_json(exc)
        return jsonify(
            columns=self.columns_json([left_id, getattr(record, self.column_attribute)]),
            html=self.card_html(record),
            **extra,
        )
