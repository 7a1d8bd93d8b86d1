"""Crash test: SIGKILL the server during a load of survey submissions, restart, count.

Usage: ``python benchmarks/survey_crash.py [--database sqlite|postgres] [--submissions 5000]
[--clients 20] [--kill-after 1500]``

Sets up an open campaign like ``survey_ingest.py``, starts ``teletravail serve`` (gunicorn, its own
process group) and 20 client threads that send ``--submissions`` JSON submissions, each with its
own UUID. A client records a UUID as acknowledged only when it has read a 201 or 200 answer. When
``--kill-after`` submissions are acknowledged, every server process gets SIGKILL (no clean
shutdown); the server is started again; clients resend what was not acknowledged (same UUID, as a
real client would), until every submission is acknowledged. Then the database is read: every
acknowledged UUID must be there, none twice, and no row may exist that was never sent.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from survey_ingest import SETUP, _free_port, _reset_postgres

UUIDS = """
import sys
from teletravail.cli.web import setup_django
setup_django()
from teletravail.web.surveys.models import Submission
for u in Submission.objects.filter(campaign_id=int(sys.argv[1])).values_list("uuid", flat=True):
    print(u)
"""


class Server:
    """``teletravail serve`` in its own process group, killed with SIGKILL on demand."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        exe = str(Path(sys.executable).parent / "teletravail")
        self.proc = subprocess.Popen(
            [exe, "serve", "--port", str(self.port), "--workers", "4"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(600):
            try:
                con = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                con.request("GET", "/methodologie/")
                con.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        sys.exit("le serveur ne répond pas")

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


def main() -> None:
    """Run the crash test and print the counts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--submissions", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--kill-after", type=int, default=1500)
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    import tempfile

    from survey_answers import residents_answers
    from teletravail.surveys.instruments import instrument_bytes
    from teletravail.surveys.xlsform import load_xlsform

    form = load_xlsform(instrument_bytes("residents"), "residents.xlsx")
    rng = random.Random(7)
    samples = [residents_answers(rng, form) for _ in range(100)]
    var = tempfile.mkdtemp(prefix="teletravail-crash-")
    env = {
        **os.environ,
        "TELETRAVAIL_VAR": var,
        "TELETRAVAIL_SECRET_KEY": "crash-" + "k" * 50,
        "TELETRAVAIL_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("TELETRAVAIL_DATABASE_URL", None)
    if args.database == "postgres":
        env["TELETRAVAIL_DATABASE_URL"] = _reset_postgres(args.postgres_url)
    setup = json.loads(
        subprocess.run(
            [sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, check=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    path = f"/api/v1/enquetes/{setup['token']}/reponses"
    server = Server(env, _free_port())
    server.start()

    todo: queue.Queue[tuple[str, int]] = queue.Queue()
    sent = [str(uuid.uuid4()) for _ in range(args.submissions)]
    for i, u in enumerate(sent):
        todo.put((u, i))
    acked: set[str] = set()
    lock = threading.Lock()
    failures = [0]
    duplicates = [0]  # 200 answers: stored before the kill, acknowledged only on the resend
    killed = threading.Event()
    restarted = threading.Event()

    def client() -> None:
        con = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        while True:
            try:
                u, i = todo.get_nowait()
            except queue.Empty:
                return
            body = json.dumps(
                {
                    "uuid": u,
                    "formulaire": "residents",
                    "consentement": True,
                    "reponses": samples[i % len(samples)],
                }
            )
            while True:
                try:
                    con.request("POST", path, body, {"Content-Type": "application/json"})
                    resp = con.getresponse()
                    resp.read()
                    if resp.status in (200, 201):
                        with lock:
                            acked.add(u)
                            duplicates[0] += resp.status == 200
                        break
                    raise RuntimeError(f"statut inattendu {resp.status}")
                except (OSError, http.client.HTTPException):
                    with lock:
                        failures[0] += 1
                    con.close()
                    time.sleep(0.05)
                    if killed.is_set():
                        restarted.wait()
                    con = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    while len(acked) < args.kill_after:
        time.sleep(0.005)
    killed.set()
    server.kill()
    with lock:
        acked_at_kill = len(acked)
    print(
        f"SIGKILL après {acked_at_kill} réponses acquittées ({time.perf_counter() - start:.1f} s)"
    )
    server.start()
    restarted.set()
    for t in threads:
        t.join()
    server.kill()
    rows = (
        subprocess.run(
            [sys.executable, "-c", UUIDS, str(setup["campaign"])],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()
    )
    stored = set(rows)
    missing = acked - stored
    print(
        f"{args.database} : {len(sent)} réponses envoyées, {len(acked)} acquittées, "
        f"{failures[0]} envois interrompus puis renvoyés (dont {duplicates[0]} déjà enregistrés "
        f"avant l'arrêt : réponse 200 au renvoi) ; en base : {len(rows)} lignes, "
        f"{len(stored)} UUID distincts"
    )
    print(
        f"acquittées absentes : {len(missing)} ; en double : {len(rows) - len(stored)} ; "
        f"jamais envoyées : {len(stored - set(sent))}"
    )
    if missing or len(rows) != len(stored) or stored - set(sent) or len(acked) != len(sent):
        sys.exit("ÉCHEC du test de reprise après arrêt brutal")
    print("OK : toute réponse acquittée est en base, une seule fois.")


if __name__ == "__main__":
    main()
