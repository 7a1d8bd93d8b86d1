"""Command-line interface ``teletravail`` (Typer + Rich). Parses input, calls the domain, renders."""

from __future__ import annotations

from teletravail.cli.app import app

__all__ = ["app"]
