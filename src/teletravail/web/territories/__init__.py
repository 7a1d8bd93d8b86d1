"""Public territory pages: search and card (read-only, from the DuckDB warehouse)."""
