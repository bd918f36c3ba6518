"""Use cases of survey-engine, each in its own transaction.

The web API and the command line call these functions; they never touch tables
directly. Every function that changes something, or reads one unit's data, takes
`actor`: a `Principal` (see `policy.py`), whose permission the function checks itself
and whose name goes into the answer history and the audit log (written in the same
transaction as the change). Errors are those of `survey_engine.errors`.
"""
