"""Web pages of the territories' visions and action programmes."""
