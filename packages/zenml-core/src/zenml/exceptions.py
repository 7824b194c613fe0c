"""Exceptions with ZenML's names and module path (``zenml.exceptions``)."""

from __future__ import annotations

from zenml.utils.errors import PicklableError


class ZenMLBaseException(PicklableError, Exception):
    """Base of the errors defined here."""


class StepContextError(ZenMLBaseException, RuntimeError):
    """The step context cannot answer: no such output, several outputs and no name given, no model set."""


class IntegrationError(ZenMLBaseException):
    """An integration cannot be found, loaded or used."""
