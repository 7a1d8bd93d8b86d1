"""Tool 2 of the ANCT Fabrique Prospective: the analysis grid of a project of a place adapted to
telework (criteria declared in ``grille.toml``, scoring by several assessors, weights and AHP,
multi-criteria ranking of candidate sites with a sensitivity analysis, radar charts, reports and
the offline workbook)."""
