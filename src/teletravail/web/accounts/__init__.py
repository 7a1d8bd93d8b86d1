"""Accounts and territory teams: territories, memberships with a role, object-level rights."""
