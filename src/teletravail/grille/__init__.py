"""Tool 2: the analysis grid for a project of a place adapted to telework."""
