"""The actions a rule may take, one module each, behind one registry: a module has a
``LABEL``, ``clean(session, entity, params)`` (the parameters to store, or ValueError)
and ``run(context, params, index)``. A new action is one more module and one more row."""

from types import ModuleType

from crm.services.automation.actions import (
    assign_owner,
    call_webhook,
    create_task,
    notify_users,
    round_robin,
    send_email,
    set_field,
)
from crm.services.automation.actions.base import Context

ACTIONS: dict[str, ModuleType] = {
    "create_task": create_task,
    "assign_owner": assign_owner,
    "round_robin": round_robin,
    "set_field": set_field,
    "notify_users": notify_users,
    "call_webhook": call_webhook,
    "send_email": send_email,
}

__all__ = ["ACTIONS", "Context"]
