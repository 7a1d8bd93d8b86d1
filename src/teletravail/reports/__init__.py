"""Rendering: maps and charts as SVG, diagnostic reports as HTML, Markdown, JSON and PDF."""
