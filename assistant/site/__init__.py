"""A jobcenter's own settings: its site file (validated, applied to the database), the
sites a database holds, and the local answers (hours, address, phone) they give."""
