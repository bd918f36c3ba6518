"""Use cases of survey-engine, each in its own transaction.

The web API and the command line call these functions; they never touch tables
directly. Every function that changes something takes `actor` (who did it), which
is written into the answer history. Errors are the domain errors of `errors.py`.
"""
from survey_engine.services.errors import Conflict, Invalid, Locked, NotFound, ServiceError

__all__ = ["Conflict", "Invalid", "Locked", "NotFound", "ServiceError"]
