"""Webhooks: endpoints a tenant's Admins register (``endpoints``), events of the watched
records recorded as deliveries after each commit (``recording``), and their sending with
retries (``delivery``, ``sending``). ``catalogue`` names the events and the settings."""

from .catalogue import EVENTS, RECORDS, DeliverySettings, event_choices
from .delivery import resend, send, send_due
from .endpoints import prepare, rotate_secret

__all__ = [
    "EVENTS",
    "RECORDS",
    "DeliverySettings",
    "event_choices",
    "prepare",
    "resend",
    "rotate_secret",
    "send",
    "send_due",
]
