"""Survey engine: XLSForm import, ODK XPath evaluation, server-side validation of answers.

Pure Python (no Django). Public entry points:

- :func:`teletravail.surveys.xlsform.load_xlsform` turns an XLSForm file into a :class:`Form`;
- :func:`teletravail.surveys.validation.check_submission` checks one set of answers.
"""

from __future__ import annotations

from teletravail.surveys.errors import FormError
from teletravail.surveys.form import Choice, Form, Question

__all__ = ["Choice", "Form", "FormError", "Question"]
