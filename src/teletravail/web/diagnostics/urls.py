"""Routes of the diagnostic pages (included at the site root)."""

from __future__ import annotations

from django.urls import URLPattern, path

from teletravail.web.diagnostics import compare, views

app_name = "diagnostics"

urlpatterns: list[URLPattern] = [
    path("territoires/<str:kind>/<str:code>/diagnostic/", views.diagnostic, name="diagnostic"),
    path("classement/acv/", views.acv_ranking_page, name="acv_ranking"),
    path("comparer/", compare.compare_page, name="compare"),
]
