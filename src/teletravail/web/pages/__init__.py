"""Public pages built from open data: methodology, data sources, impact calculator."""
