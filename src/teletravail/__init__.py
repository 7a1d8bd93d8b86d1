"""teletravail : mesurer et planifier le télétravail dans les villes moyennes (ANCT, Fabrique Prospective)."""

__version__ = "0.1.0"
