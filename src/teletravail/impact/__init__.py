"""Telework impact: the ADEME Impact CO2 method, the ADEME 2020 balance and territory scenarios."""
