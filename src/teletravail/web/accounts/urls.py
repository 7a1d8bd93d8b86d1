"""Team pages, API tokens and the set-password page."""

from __future__ import annotations

from django.urls import URLPattern, path

from teletravail.web.accounts import views

urlpatterns: list[URLPattern] = [
    path("equipes/", views.teams, name="teams"),
    path("equipes/nouvelle/", views.new_team, name="team_new"),
    path("equipes/jetons/", views.tokens, name="tokens"),
    path("equipes/jetons/<int:pk>/supprimer/", views.delete_token, name="token_delete"),
    path("equipes/<str:kind>/<str:code>/", views.team, name="team"),
    path("equipes/<str:kind>/<str:code>/membres/", views.add_member, name="team_add"),
    path(
        "equipes/<str:kind>/<str:code>/membres/<int:pk>/role/",
        views.change_role,
        name="team_role",
    ),
    path(
        "equipes/<str:kind>/<str:code>/membres/<int:pk>/retirer/",
        views.remove_member,
        name="team_remove",
    ),
    path("mot-de-passe/termine/", views.SetPasswordDoneView.as_view(), name="password_set_done"),
    path("mot-de-passe/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="password_set"),
]
