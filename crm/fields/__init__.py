"""The field catalogue: each entity's fields declared once (label, kind, choices, masking
class, and the columns each list, form and API shows), read by screens, API, files,
merge, clone, timeline, charts and statements. ``crm.fields.registry`` lists them all."""
