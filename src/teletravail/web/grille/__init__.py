"""Web pages of tool 2: the analysis grid for a project of a place adapted to telework (projects,
candidate sites with their facts, assessors' scores, weights, ranking and report)."""
