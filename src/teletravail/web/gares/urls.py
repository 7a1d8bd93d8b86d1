"""Routes of the station district pages (under /gares/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from teletravail.web.gares import views, views_team

app_name = "gares"

urlpatterns: list[URLPattern] = [
    path("", views.search, name="search"),
    path("classement/", views.ranking, name="ranking"),
    path("<str:uic>/", views.portrait, name="portrait"),
    path(
        "<str:uic>/equipes/<str:kind>/<str:code>/",
        views_team.assessment,
        name="assessment",
    ),
]
