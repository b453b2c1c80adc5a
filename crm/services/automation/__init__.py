"""Automation rules: when a record is created or changed and the rule's conditions hold,
its actions run, on the task queue after the change committed (crm.jobs.automation).
``catalogue`` names what rules may use, ``rules`` saves them, ``runs`` runs them."""
