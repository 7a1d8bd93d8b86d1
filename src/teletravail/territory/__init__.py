"""Territories: find a commune or an EPCI, and describe it (the territory card)."""
