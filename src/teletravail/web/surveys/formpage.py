"""The form-filling page shared by the public link and the interviewer mode.

GET renders an empty form with a fresh instance uuid (a hidden field kept across re-renders);
POST either adds/removes a repeat instance (``_action``), or sends: the answers are validated and
stored once per uuid (``service.store_submission``), then the receipt page is shown. A valid
sending on the public link counts against the same per-client and per-link limits as the API
(:mod:`teletravail.web.api_routes.limits`): over them, the form comes back with its answers and a
429 status.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from teletravail.errors import TeletravailError
from teletravail.surveys.form import Form
from teletravail.surveys.validation import Checked
from teletravail.web.api_routes.limits import check_submission_rate
from teletravail.web.surveys import rendering, service
from teletravail.web.surveys.models import Campaign, SurveyForm

SEND = "envoyer"
ACCORD_FIELD = "_accord"
ACCORD_KEY = "accord"


@dataclass(frozen=True)
class Mode:
    """Who fills the form: ``source`` (``public`` or ``enqueteur``), the URL of the relevance
    endpoint, and, in interviewer mode, the interviewing user."""

    source: str
    evaluate_url: str
    interviewer: Any = None


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return str(uuid.uuid4())


@dataclass(frozen=True)
class State:
    """The engine's view of the current answers, keyed by flat key: ``relevant``, computed
    ``values``, error ``messages`` (key "" for a problem with the whole form), ``options`` (choices
    offered to selects whose choices depend on the answers) and the nested ``answers`` (None
    when they could not be read)."""

    relevant: dict[str, bool]
    values: dict[str, Any]
    errors: dict[str, str]
    options: dict[str, tuple[str, ...]]
    answers: Any
    checked: Checked | None = None  # the engine's result, passed on to store_submission


def _evaluate(form: Form, flat: dict[str, rendering.FlatValue]) -> State:
    """Check the flat answers with the engine (see :class:`State`)."""
    from teletravail.surveys.instance import answers_from_flat
    from teletravail.surveys.validation import check_submission

    try:
        answers = answers_from_flat(form, flat)
    except (TeletravailError, ValueError) as exc:
        return State({}, {}, {"": str(exc)}, {}, None)
    checked = check_submission(form, answers, today=timezone.localdate(), options=True)
    errors: dict[str, str] = {}
    for err in checked.errors:
        errors[err.key] = f"{errors[err.key]} {err.message}" if err.key in errors else err.message
    return State(
        dict(checked.relevant),
        dict(checked.values),
        errors,
        dict(checked.choices),
        answers,
        checked,
    )


def _initial(form: Form) -> dict[str, rendering.FlatValue]:
    """Flat answers pre-filled from the form's defaults (``default`` column), as strings."""
    from teletravail.surveys.instance import flatten, initial_answers, text_of

    main, _repeats = flatten(form, initial_answers(form, today=timezone.localdate()))
    return {
        key: [str(v) for v in value] if isinstance(value, list) else text_of(value)
        for key, value in main.items()
    }


def evaluate(request: HttpRequest, form_obj: SurveyForm) -> JsonResponse:
    """Live state of the posted answers, JSON: ``relevant`` {flat key: bool} for every question,
    group and repeat instance; ``choices`` {flat key: [choice names offered]} for the selects
    whose choices depend on the answers (choice_filter, ``select_one ${x}``); ``labels`` and
    ``hints`` {flat key: text} of the questions that show answers (``${x}``)."""
    form = form_obj.form()
    flat, counts = rendering.read_post(form, request.POST)
    state = _evaluate(form, flat)
    labels, hints = rendering.live_texts(form, counts, state.values)
    return JsonResponse(
        {
            "relevant": state.relevant,
            "choices": {k: list(v) for k, v in state.options.items()},
            "labels": labels,
            "hints": hints,
        }
    )


def page(
    request: HttpRequest, campaign: Campaign, form_obj: SurveyForm, mode: Mode
) -> HttpResponse:
    """GET: the empty form; POST: a repeat action or the sending of the answers."""
    form = form_obj.form()
    if request.method != "POST":
        flat = _initial(form)
        state = _evaluate(form, flat)
        return _render(request, campaign, form_obj, mode, str(uuid.uuid4()), flat, {}, state, {})
    instance = _uuid(str(request.POST.get("_uuid", "")))
    flat, counts = rendering.read_post(form, request.POST)
    action = str(request.POST.get("_action", SEND))
    if action != SEND:
        flat, counts = rendering.apply_action(action, flat, counts)
        state = _evaluate(form, flat)
        return _render(request, campaign, form_obj, mode, instance, flat, counts, state, {})
    state = _evaluate(form, flat)
    errors, answers = dict(state.errors), state.answers
    accord = request.POST.get(ACCORD_FIELD) == "1"
    if mode.source == "enqueteur" and not accord:
        errors[ACCORD_KEY] = "Confirmez que la personne interrogée a donné son accord."
    refusal = None
    if not errors and answers is not None and mode.source == "public":
        # The public link is as anonymous as the API: the same counters (client and link).
        refusal = check_submission_rate(request, campaign.token)
        if refusal is not None:
            errors[""] = refusal.message
    if errors or answers is None:
        response = _render(
            request,
            campaign,
            form_obj,
            mode,
            instance,
            flat,
            counts,
            state,
            errors,
            accord=accord,
        )
        if refusal is not None:
            response.status_code = 429
            response["Retry-After"] = str(refusal.retry_after)
        return response
    result = service.store_submission(
        campaign,
        form_obj,
        instance,
        answers,
        source=mode.source,
        consent=True,
        interviewer=mode.interviewer,
        checked=state.checked,  # checked above: not again
    )
    context = {
        "campaign": campaign,
        "form_obj": form_obj,
        "mode": mode.source,
        "layout": _layout(mode),
    }
    if not result.created:
        return render(
            request,
            "surveys/duplicate.html",
            {**context, "title": "Réponse déjà enregistrée"},
        )
    return render(
        request,
        "surveys/receipt_shown.html",
        {**context, "title": "Réponses enregistrées", "code": result.receipt_code},
    )


def _layout(mode: Mode) -> str:
    """The respondent's pages have no site menu; the interviewer (a team member) keeps it."""
    return "base.html" if mode.source == "enqueteur" else "lean_base.html"


@dataclass(frozen=True)
class Progress:
    """How far the respondent is: questions shown and answered (notes and read-only fields not
    counted), and the percentage answered (0-100)."""

    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100


def progress(nodes: list[rendering.Node]) -> Progress:
    """The questions currently shown (their groups, repeats and themselves relevant) and how
    many have an answer — what the page shows without JavaScript, and formulaire.js live."""
    answered = total = 0

    def walk(items: list[rendering.Node]) -> None:
        nonlocal answered, total
        for n in items:
            if not n.relevant:
                continue
            if n.kind == "group":
                walk(n.children)
            elif n.kind == "repeat":
                for instance in n.instances:
                    walk(instance.children)
            elif n.kind != "note" and not n.question.readonly:
                total += 1
                answered += bool(n.value or n.selected)

    walk(nodes)
    return Progress(answered, total)


def closing_note(nodes: list[rendering.Node]) -> rendering.Node | None:
    """A note placed after the last question (« Merci pour vos réponses ! ») is the form's
    closing message: it is taken out of the form, which is shown before sending."""
    if nodes and nodes[-1].kind == "note" and any(n.kind != "note" for n in nodes):
        return nodes.pop()
    return None


def _render(
    request: HttpRequest,
    campaign: Campaign,
    form_obj: SurveyForm,
    mode: Mode,
    instance: str,
    flat: dict[str, rendering.FlatValue],
    counts: dict[str, int],
    state: State,
    errors: dict[str, str],
    *,
    accord: bool = False,
) -> HttpResponse:
    form = form_obj.form()
    nodes = rendering.build_nodes(
        form,
        flat,
        counts,
        relevant=state.relevant,
        values=state.values,
        errors=errors,
        options=state.options,
    )
    closing_note(nodes)  # said after sending, on the receipt page
    links = rendering.error_links(nodes)
    if errors.get(ACCORD_KEY):
        links.append(rendering.ErrorLink("q-accord", "Accord de la personne", errors[ACCORD_KEY]))
    if errors.get(""):
        links.insert(0, rendering.ErrorLink("formulaire", "Formulaire", errors[""]))
    title = form.title or form_obj.title
    return render(
        request,
        "surveys/fill.html",
        {
            "title": f"Erreurs — {title}" if links else title,
            "campaign": campaign,
            "form_obj": form_obj,
            "form_title": title,
            "nodes": nodes,
            "error_links": links,
            "uuid": instance,
            "mode": mode.source,
            "evaluate_url": mode.evaluate_url,
            "accord": accord,
            "accord_error": errors.get(ACCORD_KEY, ""),
            "layout": _layout(mode),
            "progress": progress(nodes),
        },
    )
