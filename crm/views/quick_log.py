"""Who is offered the quick-log buttons (crm/templates/crm/quick_log.html): users who may
add interactions. The API refuses everyone else whatever the page shows."""

from flask import current_app


def can_log_interactions():
    return current_app.appbuilder.sm.has_access("can_add", "Interaction")
