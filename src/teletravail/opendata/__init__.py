"""Open-data catalogue, loaders and the DuckDB warehouse built from them."""
