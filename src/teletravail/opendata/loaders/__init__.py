"""One module per producer or source family; each exposes ``load_<source>(ctx)`` functions."""
