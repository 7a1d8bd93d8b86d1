"""URL configuration."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from teletravail.web.api import api
from teletravail.web.territories import views as territory_views

admin.site.site_header = "Télétravail et villes moyennes — administration"
admin.site.site_title = "Administration"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", territory_views.home, name="home"),
    path("territoires/<str:kind>/<str:code>/", territory_views.territory, name="territory"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("teletravail.web.accounts.urls")),  # teams, tokens, set-password
    path("", include(("teletravail.web.diagnostics.urls", "diagnostics"))),  # diagnostic, ACV
    path("", include("teletravail.web.pages.urls")),  # methodology, sources, impact
    path("enquetes/", include(("teletravail.web.surveys.urls", "surveys"))),  # survey campaigns
    path("gares/", include(("teletravail.web.gares.urls", "gares"))),  # station districts
    path("grille/", include(("teletravail.web.grille.urls", "grille"))),  # place projects
    path("programmes/", include(("teletravail.web.programmes.urls", "programmes"))),
]
