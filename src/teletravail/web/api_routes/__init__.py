"""More routes of the JSON API: indicators, diagnostic, scenario, ACV ranking, impact.

Each module holds a django-ninja ``Router``; ``teletravail.web.api`` adds them at its end. Errors
have the common body of ``teletravail.web.api`` (404 ``introuvable``, 422 ``entree_invalide``).
"""

from __future__ import annotations

import teletravail.web.api  # noqa: F401  (the api module first: the routers import its schemas)
