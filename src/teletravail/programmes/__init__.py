"""Visions and action programmes of the territories (the publication's second part): the
programme as data, its spreadsheet import and export, its one-page summary and timeline, and the
actions suggested by the diagnostic and the tools."""
