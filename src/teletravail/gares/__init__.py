"""Tool 3 of the publication: the portrait-robot (identikit) of tomorrow's station district.

``features`` computes the data-backed features of every passenger station of the ``stations``
table from a derived warehouse (rail service of the reference day, SNCF station tables,
OpenStreetMap, France services, the commune's land, housing and commuting data); the reference
profile, its assessment and its methodology live beside it.
"""
