"""Team pages, invitations and API tokens."""

from __future__ import annotations

from django.urls import URLPattern, path

from teletravail.web.accounts import views, views_invitations

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
    path(
        "equipes/<str:kind>/<str:code>/invitations/<int:pk>/renvoyer/",
        views_invitations.resend,
        name="invitation_resend",
    ),
    path(
        "equipes/<str:kind>/<str:code>/invitations/<int:pk>/annuler/",
        views_invitations.revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views_invitations.invitation, name="invitation"),
]
