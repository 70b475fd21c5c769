"""One module per page of the dashboard; each exposes ``router``."""
