"""Territorial telework diagnostic: the indicator catalogue and its computation for every territory."""
