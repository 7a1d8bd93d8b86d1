"""The Django web application: territories, diagnostics, accounts and rights, JSON API.

Domain packages never import this one: its views parse input, call the domain and render.
"""
