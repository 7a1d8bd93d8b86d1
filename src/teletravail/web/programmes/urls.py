"""Routes of the programme pages (under /programmes/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from teletravail.web.programmes import views

app_name = "programmes"

urlpatterns: list[URLPattern] = [
    path("publies/", views.published, name="published"),
    path("taches/<int:pk>/", views.job, name="job"),
    path("taches/<int:pk>/fichier/", views.job_file, name="job_file"),
    path("actions/<int:pk>/", views.action, name="action"),
    path("actions/<int:pk>/modifier/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/supprimer/", views.action_delete, name="action_delete"),
    path("<str:kind>/<str:code>/", views.programme, name="programme"),
    path("<str:kind>/<str:code>/vision/", views.vision, name="vision"),
    path("<str:kind>/<str:code>/publication/", views.publish, name="publish"),
    path("<str:kind>/<str:code>/actions/nouvelle/", views.action_new, name="action_new"),
    path("<str:kind>/<str:code>/indicateurs/", views.indicators, name="indicators"),
    path("<str:kind>/<str:code>/suggestions/", views.suggestions, name="suggestions"),
    path("<str:kind>/<str:code>/export/", views.export, name="export"),
    path("<str:kind>/<str:code>/import/", views.import_workbook, name="import"),
]
