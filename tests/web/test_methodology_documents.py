"""The French methodology documents (docs/methodologie/*.md) as web pages under /methodologie/<slug>/."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest
from django.test import Client

from teletravail.web.pages import documents
from teletravail.web.pages.documents import DOCUMENTS, documents_dir, render_document
from tests.web.test_words import leaks, visible_text

pytestmark = pytest.mark.django_db  # the survey purge middleware may run on any request

ROOT = Path(__file__).parents[2]
_CODE = re.compile(r"<(code|pre)\b.*?</\1>", re.S)


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[d.slug for d in DOCUMENTS])
def test_each_document_has_its_page(client: Client, doc: object) -> None:
    assert hasattr(doc, "slug") and hasattr(doc, "filename")
    response = client.get(f"/methodologie/{doc.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    source = (ROOT / "docs" / "methodologie" / doc.filename).read_text(encoding="utf-8")
    title = next(line[2:].strip() for line in source.splitlines() if line.startswith("# "))
    assert f"<h1>{title}</h1>" in html.replace("&#x27;", "'")
    assert html.count("<h1") == 1
    assert f"<title>{title}" in html.replace("&#x27;", "'")
    # breadcrumb: home, the methodology page, this document
    assert 'class="fr-breadcrumb__link" href="/methodologie/"' in html
    # every table inside the DSFR table container, with column headers
    tables = html.count("<table>")
    assert tables >= 1 and html.count('<div class="fr-table">\n<table>') == tables
    assert '<th scope="col">' in html
    body = html[html.index('<div class="methodologie-document">') :]
    assert " style=" not in body  # the content security policy forbids inline styles
    # a summary of the document's sections, each anchor present
    for anchor in re.findall(r'class="fr-summary__link" href="#([^"]+)"', html):
        assert f'id="{anchor}"' in html
    # links to the other documents
    for other in DOCUMENTS:
        if other.slug != doc.slug:
            assert f'href="/methodologie/{other.slug}/"' in html


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[d.slug for d in DOCUMENTS])
def test_document_prose_shows_no_code_words(client: Client, doc: object) -> None:
    """The documents are also the technical reference: names of tables, columns and commands are
    kept, written as code (the page says so in a notice above the text). Outside code, the prose
    is plain French: no identifiers, file paths or options (the rule of test_words.py)."""
    assert hasattr(doc, "slug")
    html = client.get(f"/methodologie/{doc.slug}/").content.decode()
    assert "Les mots écrits <code>ainsi</code> sont les noms des tables" in html
    assert leaks(visible_text(_CODE.sub(" ", html))) == []


def test_navettes_page_shows_the_validation_table(client: Client) -> None:
    html = client.get("/methodologie/navettes/").content.decode()
    text = visible_text(html)
    assert "Validation : fichier détail MOBPRO 2014" in text
    assert "observé (MOBPRO 2014)" in text and "estimé (modèle)" in text
    assert "part travaillant dans sa commune" in text
    assert 'id="validation-fichier-detail-mobpro-2014"' in html


def test_rail_page_states_the_rules(client: Client) -> None:
    text = visible_text(client.get("/methodologie/desserte-ferroviaire/").content.decode())
    for words in ("Gares qui desservent une commune", "donnée non disponible", "9 h", "car"):
        assert words in text, words


def test_unknown_document_is_404(client: Client) -> None:
    assert client.get("/methodologie/inconnu/").status_code == 404
    assert client.get("/methodologie/indicateurs/").status_code == 404


def test_methodology_and_site_map_link_every_document(client: Client) -> None:
    for url in ("/methodologie/", "/plan-du-site/"):
        html = client.get(url).content.decode()
        for doc in DOCUMENTS:
            assert f'href="/methodologie/{doc.slug}/"' in html, (url, doc.slug)


def test_raw_html_is_shown_not_interpreted() -> None:
    rendered = render_document(
        "# Titre\n\nTexte <script>alert(1)</script> et <b>gras</b>.\n\n"
        '<div style="color:red">bloc</div>\n\n[lien](javascript:alert(1))\n'
    )
    assert rendered.title == "Titre"
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<b>" not in rendered.html and "<div" not in rendered.html
    assert "href=" not in rendered.html  # the link is refused: its text stays, escaped


def test_links_between_documents_become_page_links() -> None:
    rendered = render_document(
        "# T\n\n## Deux sections\n\n## Deux sections\n\n"
        "Voir [les navettes](navettes.md#usage), [les indicateurs](indicateurs.md), "
        "[les sources](../sources.md), [le format](../impact-json.md) et "
        "[le site](https://www.insee.fr/).\n"
    )
    html = rendered.html
    assert 'href="/methodologie/navettes/#usage"' in html
    assert 'href="/methodologie/"' in html and 'href="/sources/"' in html
    assert "impact-json" not in html and "le format" in html  # no page: plain text
    assert 'href="https://www.insee.fr/"' in html
    assert [s.anchor for s in rendered.sections] == ["deux-sections", "deux-sections-2"]


def test_documents_ship_with_the_package() -> None:
    """The package's methodologie folder is the repository's docs/methodologie (a link), and the
    package data of pyproject.toml puts its Markdown files in a normal (non-editable) install."""
    folder = documents_dir()
    assert folder.resolve() == (ROOT / "docs" / "methodologie").resolve()
    for doc in DOCUMENTS:
        assert (folder / doc.filename).is_file()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "methodologie/*.md" in pyproject["tool"]["setuptools"]["package-data"]["teletravail"]
    assert "markdown-it-py==4.3.0" in pyproject["project"]["dependencies"]


def test_diagnostic_links_its_themes_to_the_documents(client: Client) -> None:
    from teletravail.web.diagnostics import service

    service.clear_caches()
    try:
        response = client.get("/territoires/epci/200039022/diagnostic/", {"date": "2025-01-28"})
    finally:
        service.clear_caches()
    assert response.status_code == 200
    html = response.content.decode()
    mobility = html[html.index('id="t-mobilite"') :]
    mobility = mobility[: mobility.index("</section>")]
    assert 'href="/methodologie/navettes/"' in mobility
    rail = html[html.index('id="t-ferroviaire"') :]
    rail = rail[: rail.index("</section>")]
    assert 'href="/methodologie/desserte-ferroviaire/"' in rail
    stations = html[html.index('id="desserte"') :]
    assert 'href="/methodologie/desserte-ferroviaire/"' in stations[: stations.index("</section>")]
    impact = html[html.index('id="impact"') :]
    impact = impact[: impact.index("</section>")]
    assert 'href="/methodologie/impact-teletravail/"' in impact


def test_document_is_rendered_once_per_file_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = documents.DOCUMENTS[0]
    folder = tmp_path / "methodologie"
    folder.mkdir()
    file = folder / doc.filename
    file.write_text("# Titre\n\n## Première\n\nTexte.\n", encoding="utf-8")
    monkeypatch.setattr(documents, "documents_dir", lambda: folder)
    documents._rendered.cache_clear()
    calls: list[str] = []
    real = documents.render_document

    def counting(text: str) -> documents.Rendered:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(documents, "render_document", counting)
    first = documents.load_document(doc.slug)
    again = documents.load_document(doc.slug)
    assert first is not None and again is not None and again[1] is first[1]
    assert len(calls) == 1
    file.write_text("# Titre\n\n## Seconde\n\nTexte modifié.\n", encoding="utf-8")
    stat = file.stat()
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    edited = documents.load_document(doc.slug)
    assert edited is not None and "modifié" in edited[1].html
    assert len(calls) == 2
    documents._rendered.cache_clear()
