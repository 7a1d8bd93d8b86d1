"""Routes of the grid pages (under /grille/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from teletravail.web.grille import views

app_name = "grille"

urlpatterns: list[URLPattern] = [
    path("projets/<int:pk>/", views.project, name="project"),
    path("projets/<int:pk>/sites/", views.add_site, name="add_site"),
    path("projets/<int:pk>/sites/<int:site_pk>/retirer/", views.delete_site, name="delete_site"),
    path("projets/<int:pk>/sites/<int:site_pk>/notes/", views.scores, name="scores"),
    path("projets/<int:pk>/tiers-lieux/", views.add_place, name="add_place"),
    path("projets/<int:pk>/poids/", views.weights, name="weights"),
    path("projets/<int:pk>/resultats/", views.results, name="results"),
    # last: "projets/…" is not a territory
    path("<str:kind>/<str:code>/", views.project_list, name="projects"),
]
