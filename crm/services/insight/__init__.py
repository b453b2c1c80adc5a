"""What the CRM reads back about records: the health score and the activity timeline."""
