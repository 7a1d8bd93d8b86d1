"""Survey pages, under /enquetes/ (namespace ``surveys``)."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from teletravail.web.surveys import views_campaigns as c
from teletravail.web.surveys import views_jobs as j
from teletravail.web.surveys import views_public as p
from teletravail.web.surveys import views_reference as ref
from teletravail.web.surveys import views_results as r

urlpatterns: list[URLPattern] = [
    # Public: the campaign's link and the respondent's receipt.
    path("r/<str:token>/", p.consent, name="public"),
    path("r/<str:token>/formulaires/", p.choose, name="public_choose"),
    path("r/<str:token>/<slug:slug>/", p.fill, name="public_form"),
    path("r/<str:token>/<slug:slug>/evaluer/", p.evaluate, name="public_evaluate"),
    path("recu/", p.receipt, name="receipt"),
    path("recu/export/", p.receipt_export, name="receipt_export"),
    path("recu/supprimer/", p.receipt_delete, name="receipt_delete"),
    # Territory teams.
    re_path(r"^(?P<kind>commune|epci)/(?P<code>[0-9A-Za-z]{1,9})/$", c.campaign_list, name="list"),
    re_path(
        r"^(?P<kind>commune|epci)/(?P<code>[0-9A-Za-z]{1,9})/nouvelle/$",
        c.campaign_new,
        name="new",
    ),
    path("<int:pk>/", c.campaign, name="campaign"),
    path("<int:pk>/modifier/", c.campaign_edit, name="edit"),
    path("<int:pk>/formulaires/<slug:slug>/xlsform/", c.download_xlsform, name="xlsform"),
    path("<int:pk>/formulaires/<slug:slug>/xform/", c.download_xform, name="xform"),
    path("<int:pk>/formulaires/<slug:slug>/reponses.<str:fmt>", c.download_answers, name="answers"),
    path(
        "<int:pk>/formulaires/<slug:slug>/reponses-libelles.csv",
        r.download_labelled,
        name="answers_labelled",
    ),
    path("<int:pk>/importer-formulaire/", c.import_xlsform, name="import_xlsform"),
    path("<int:pk>/importer-kobo/", c.import_kobo, name="import_kobo"),
    path("<int:pk>/saisie/<slug:slug>/", c.interviewer, name="interviewer"),
    path(
        "<int:pk>/saisie/<slug:slug>/evaluer/", c.interviewer_evaluate, name="interviewer_evaluate"
    ),
    path("<int:pk>/corbeille/", j.trash, name="trash"),
    path("<int:pk>/corbeille/restaurer/", j.trash_restore, name="trash_restore"),
    path("taches/<int:pk>/", j.job, name="job"),
    path("taches/<int:pk>/etat/", j.job_status, name="job_status"),
    path("taches/<int:pk>/fichier/", j.job_file, name="job_file"),
    path("<int:pk>/resultats/", r.results, name="results"),
    path("<int:pk>/resultats/themes/", r.tag, name="tag"),
    # Team dashboard, reference campaign and publication of its measure.
    path("", ref.index, name="index"),
    re_path(
        r"^(?P<kind>commune|epci)/(?P<code>[0-9A-Za-z]{1,9})/tableau-de-bord/$",
        ref.dashboard,
        name="dashboard",
    ),
    re_path(
        r"^(?P<kind>commune|epci)/(?P<code>[0-9A-Za-z]{1,9})/reference/$",
        ref.set_reference,
        name="set_reference",
    ),
    re_path(
        r"^(?P<kind>commune|epci)/(?P<code>[0-9A-Za-z]{1,9})/publication/$",
        ref.set_publication,
        name="set_publication",
    ),
]
