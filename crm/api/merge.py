"""POST /api/v1/customer/merge and GET /api/v1/customer/duplicates (permission "Merge")."""

from flask import request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from marshmallow import Schema, fields

from crm.extensions import db
from crm.security.roles import METHOD_VERBS
from crm.services.core.errors import CrmError
from crm.services.customers import duplicates, merge
from crm.web.errors import refusal


class MergedCustomer(Schema):
    """A customer as the merge and the duplicate pairs name it (``_customer``)."""

    id = fields.Integer()
    code = fields.String(allow_none=True)
    name = fields.String()
    email = fields.String(allow_none=True)


def _customer(c):
    return None if c is None else {"id": c.id, "code": c.code, "name": c.name, "email": c.email}


class MergeApi(BaseApi):
    resource_name = "customer"
    class_permission_name = "Merge"
    method_permission_name = METHOD_VERBS
    allow_browser_login = True
    openapi_spec_tag = "Customers: duplicates and merge"
    openapi_spec_component_schemas = (MergedCustomer,)

    @expose("/merge", methods=["POST"])
    @protect()
    @safe
    def merge_customers(self):
        """Merge customers into one survivor.
        ---
        post:
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    survivor_id: {type: integer}
                    other_ids: {type: array, items: {type: integer}}
                    choices:
                      type: object
                      description: field (or "custom:<name>") -> id of the customer whose value survives
                    dry_run: {type: boolean, description: check and describe only}
          responses:
            200:
              description: >-
                Merged: the survivor, the moved rows by kind and the merged ids; or, for a
                dry run, the plan (survivor, others, surviving field values, moves, notes)
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result:
                        type: object
                        properties:
                          survivor: {$ref: '#/components/schemas/MergedCustomer'}
                          others:
                            type: array
                            items: {$ref: '#/components/schemas/MergedCustomer'}
                          fields: {type: object}
                          moves: {type: object}
                          notes: {type: array, items: {type: string}}
                          moved: {type: object}
                          merged_ids: {type: array, items: {type: integer}}
            404: {description: A customer is not found}
            409: {description: "Refused, with the reason"}
            422: {description: "Bad input, by field"}
        """
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message="Send a JSON object.")
        session = db.session
        args = (body.get("survivor_id"), body.get("other_ids"), body.get("choices"))
        try:
            if body.get("dry_run"):
                plan = merge.plan_merge(session, *args)
                return self.response(
                    200,
                    result={
                        "survivor": _customer(plan.survivor),
                        "others": [_customer(c) for c in plan.others],
                        "fields": {
                            f: _plain(merge.display_value(plan.choices.get(f, plan.survivor), f))
                            for f in merge.MERGE_FIELDS
                        },
                        "moves": plan.moves,
                        "notes": plan.notes,
                    },
                )
            survivor, moved = merge.merge(session, *args)
        except CrmError as exc:
            return refusal(exc)
        return self.response(
            200,
            result={
                "survivor": _customer(survivor),
                "moved": moved,
                "merged_ids": [int(i) for i in args[1]],
            },
        )

    @expose("/duplicates", methods=["GET"])
    @protect()
    @safe
    def duplicate_pairs(self):
        """Likely duplicate pairs, best first, a page at a time (``?page=0&page_size=25``).
        ---
        get:
          parameters:
          - {in: query, name: page, schema: {type: integer, minimum: 0}}
          - {in: query, name: page_size, schema: {type: integer, minimum: 1, maximum: 100}}
          responses:
            200:
              description: Pairs with their score and reasons, and how many pairs in all
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      count: {type: integer}
                      result:
                        type: array
                        items:
                          type: object
                          properties:
                            score: {type: number}
                            reasons: {type: array, items: {type: string}}
                            first: {$ref: '#/components/schemas/MergedCustomer'}
                            second: {$ref: '#/components/schemas/MergedCustomer'}
        """
        page, size = request.args.get("page", "0"), request.args.get("page_size", "25")
        if not page.isdigit() or not size.isdigit() or not 0 < int(size) <= 100:
            return self.response_400(message="page and page_size (1-100) must be numbers.")
        pairs, total = duplicates.find_duplicates(db.session, int(page), int(size))
        return self.response(
            200,
            count=total,
            result=[
                {
                    "score": p.score,
                    "reasons": sorted(p.reasons),
                    "first": _customer(p.first),
                    "second": _customer(p.second),
                }
                for p in pairs
            ],
        )


def _plain(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)
