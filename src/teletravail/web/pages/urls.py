"""Routes of the public pages (included at the site root)."""

from __future__ import annotations

from django.urls import URLPattern, path

from teletravail.web.pages import views

urlpatterns: list[URLPattern] = [
    path("methodologie/", views.methodology, name="methodology"),
    path("methodologie/<slug:slug>/", views.methodology_document, name="methodology_document"),
    path("sources/", views.sources, name="sources"),
    path("impact/", views.impact, name="impact"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal, name="legal"),
    path("donnees-personnelles/", views.personal_data, name="personal_data"),
    path("plan-du-site/", views.site_map, name="site_map"),
    path("glossaire/", views.glossary, name="glossary"),
]
