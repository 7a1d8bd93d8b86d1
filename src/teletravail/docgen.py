"""The command line shared by the generated methodology documents (``python -m …methodology``):
write the document, or with ``--check`` exit 1 when the file on disk is stale."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def generate(
    argv: list[str] | None,
    *,
    render: Callable[[], str],
    default_output: Path,
    module: str,
) -> int:
    """Write ``render()`` to ``--output`` (default ``default_output``); with ``--check``, write
    nothing and return 1 when the file differs (the message names ``module`` to run)."""
    parser = argparse.ArgumentParser(description=f"Génère {default_output.as_posix()}")
    parser.add_argument("--output", type=Path, default=default_output)
    parser.add_argument(
        "--check", action="store_true", help="vérifie que le fichier est à jour sans l'écrire"
    )
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text("utf-8") if args.output.is_file() else ""
        if current != text:
            print(f"{args.output} n'est plus à jour : relancez python -m {module}", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, "utf-8")
    print(f"{args.output} écrit ({len(text.splitlines())} lignes)")
    return 0
