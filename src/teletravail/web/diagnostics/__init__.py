"""Public diagnostic pages: a territory's full diagnostic and the ACV ranking (open data only)."""
