"""Web pages of tool 3: the portrait-robot of the station district (search, portrait, team
assessments, ACV station ranking)."""
