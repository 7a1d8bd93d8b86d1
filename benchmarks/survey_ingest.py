"""Benchmark: survey submissions through HTTP, 20 concurrent clients, SQLite and PostgreSQL.

Usage: ``python benchmarks/survey_ingest.py [--database sqlite|postgres|both] [--seconds 30]
[--connections 20] [--workers 4]``

For each database: a new, empty database (SQLite file in a temporary folder, or the PostgreSQL
database ``bench_teletravail`` dropped and created again on ``--postgres-url``), migrations, one
territory with an open campaign of the shipped residents' questionnaire; then ``teletravail
serve`` (gunicorn) on a free port and ``wrk`` (Debian package) posting JSON submissions to
``/api/v1/enquetes/<token>/reponses`` for ``--seconds``. Each request carries a new UUID and one of
200 valid answers drawn by ``survey_answers.residents_answers``; every answer goes through the full
validation (relevance, constraints, types, choices) before it is stored. After ``--warmup`` seconds
of the same load (not counted: each worker parses the form once), prints submissions per second,
p50/p99 latency, the non-201 answers, and the rows added to the database during the measure
(the 201 answers, plus the requests still in flight when wrk stops). The submission limits (per client
and link, per link: ``TELETRAVAIL_SURVEY_RATE_PER_CLIENT``/``_PER_LINK``) are raised to 10^8 a
minute unless set in the environment: all requests come from one address to one link. Targets (issue 5): 300/s on SQLite, 500/s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from web_load import _free_port

LUA = r"""
local bodies = dofile("__BODIES__")
local nonce = "__NONCE__"
local threads = {}
local next_id = 1
setup = function(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
init = function(args)
  counter = 0
  other = 0
end
request = function()
  counter = counter + 1
  local id = string.format("%s-%04x-4000-8000-%012x", nonce, tid, counter)
  local body = string.gsub(bodies[(counter % #bodies) + 1], "__UUID__", id)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
response = function(status, headers, body)
  if status ~= 201 then
    other = other + 1
    if other <= 3 then io.write("STATUS " .. status .. " " .. string.sub(body, 1, 300) .. "\n") end
  end
end
done = function(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("other") end
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, bad, summary.errors.connect + summary.errors.timeout + summary.errors.read))
end
"""

SETUP = """
import json, sys
from datetime import timedelta
from teletravail.cli.web import setup_django
setup_django()
from django.utils import timezone
from teletravail.web.accounts.models import Territory
from teletravail.web.surveys.models import Campaign, SurveyForm
from teletravail.web.surveys.service import ensure_shipped_forms
ensure_shipped_forms()
t, _ = Territory.objects.get_or_create(kind="epci", code="200039022", defaults={"nom": "Vitré Communauté"})
today = timezone.localdate()
c = Campaign.objects.create(territory=t, title="Banc d'essai", opens_on=today - timedelta(days=1),
    closes_on=today + timedelta(days=30), purpose="Mesure de performance",
    controller="Vitré Communauté", retention_until=today + timedelta(days=60))
c.forms.add(SurveyForm.objects.get(slug="residents", territory__isnull=True))
print(json.dumps({"token": c.token, "campaign": c.pk}))
"""

COUNT = """
import sys
from teletravail.cli.web import setup_django
setup_django()
from teletravail.web.surveys.models import Submission
print(Submission.objects.filter(campaign_id=int(sys.argv[1])).count())
"""


def _bodies(count: int) -> list[str]:
    from survey_answers import residents_answers
    from teletravail.surveys.instruments import instrument_bytes
    from teletravail.surveys.xlsform import load_xlsform

    form = load_xlsform(instrument_bytes("residents"), "residents.xlsx")
    rng = random.Random(5)
    return [
        json.dumps(
            {
                "uuid": "__UUID__",
                "formulaire": "residents",
                "consentement": True,
                "reponses": residents_answers(rng, form),
            },
            ensure_ascii=False,
        )
        for _ in range(count)
    ]


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def _reset_postgres(url: str, name: str = "bench_teletravail") -> str:
    import psycopg

    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        sys.exit(f"nom de base PostgreSQL invalide : {name}")
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        con.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name


def run(database: str, args: argparse.Namespace, bodies_file: str) -> None:
    """One database: set up, serve, load with wrk, count, print."""
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk introuvable : apt-get install wrk")
    var = args.var or tempfile.mkdtemp(prefix="teletravail-ingest-")
    env = {
        **os.environ,
        "TELETRAVAIL_VAR": var,
        "TELETRAVAIL_SECRET_KEY": "bench-" + "k" * 50,
        "TELETRAVAIL_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("TELETRAVAIL_DATABASE_URL", None)
    # One client address and one link send everything: the per-client and per-link limits
    # (60 and 1,200 a minute by default) are raised so that every request is stored; the
    # counters are still kept (two cache updates a request), so their cost is measured.
    env.setdefault("TELETRAVAIL_SURVEY_RATE_PER_CLIENT", "100000000")
    env.setdefault("TELETRAVAIL_SURVEY_RATE_PER_LINK", "100000000")
    if database == "postgres":
        env["TELETRAVAIL_DATABASE_URL"] = _reset_postgres(args.postgres_url, args.postgres_db)
    out = subprocess.run(
        [sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, check=True
    ).stdout
    setup = json.loads(out.strip().splitlines()[-1])
    port = _free_port()
    exe = shutil.which("teletravail") or str(Path(sys.executable).parent / "teletravail")
    server = subprocess.Popen(
        [exe, "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/api/v1/enquetes/{setup['token']}/reponses"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/methodologie/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            sys.exit("le serveur ne répond pas")

        def script() -> str:
            """A wrk script with a new UUID prefix: every run sends UUIDs never sent before."""
            text = LUA.replace("__BODIES__", bodies_file).replace("__NONCE__", uuid.uuid4().hex[:8])
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
                lua.write(text)
            return lua.name

        # Warm-up (not counted): every worker parses the form and loads its modules once.
        subprocess.run(
            [wrk, "-t2", f"-c{args.connections}", f"-d{args.warmup}s", "-s", script(), url],
            capture_output=True,
            check=True,
        )
        before = int(
            subprocess.run(
                [sys.executable, "-c", COUNT, str(setup["campaign"])],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
        result = subprocess.run(
            [wrk, "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "-s", script(), url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for line in result.splitlines():
            if line.startswith("STATUS"):
                print("  " + line)
        line = next(x for x in result.splitlines() if x.startswith("RESULT"))
        rps, p50, p99, total, other, socket_errors = line.split()[1:]
        stored = (
            int(
                subprocess.run(
                    [sys.executable, "-c", COUNT, str(setup["campaign"])],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.strip()
            )
            - before
        )
        print(
            f"{database}: {float(rps):.0f} réponses/s, p50 {p50} ms, p99 {p99} ms "
            f"({total} requêtes, {other} hors 201, {socket_errors} erreurs réseau ; "
            f"{stored} lignes ajoutées en base) — {args.connections} clients, {args.workers} workers "
            f"gunicorn, {args.seconds} s, {os.cpu_count()} CPU"
        )
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        shutil.rmtree(var, ignore_errors=True)


def main() -> None:
    """Parse the options and run the benchmark on each database."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=5, help="secondes de chauffe, non comptées")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--var",
        help="dossier TELETRAVAIL_VAR à réutiliser (fichiers statiques déjà rassemblés ; défaut : "
        "un dossier temporaire neuf)",
    )
    parser.add_argument(
        "--postgres-db", default="bench_teletravail", help="base créée (et effacée) pour la mesure"
    )
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write("return {\n" + ",\n".join(_lua_string(b) for b in _bodies(200)) + "\n}\n")
    for database in ("sqlite", "postgres") if args.database == "both" else (args.database,):
        run(database, args, f.name)


if __name__ == "__main__":
    main()
