"""Routes of the public pages (included at the site root)."""

from __future__ import annotations

from django.urls import URLPattern, path

from teletravail.web.pages import views

urlpatterns: list[URLPattern] = [
    path("methodologie/", views.methodology, name="methodology"),
    path("sources/", views.sources, name="sources"),
    path("impact/", views.impact, name="impact"),
    path("glossaire/", views.glossary, name="glossary"),
]
