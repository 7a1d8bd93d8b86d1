"""Rail service indicators from the GTFS feeds (TER and long distance): reference day, legs,
journeys with at most one change, per-station indicators."""
