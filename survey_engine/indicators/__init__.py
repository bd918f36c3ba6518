"""Measured indicators, audit recommendations and the follow-up statement: the pure core.

Indicator definition files, measurement CSV parsing, totals over the unit tree and the
statement's verdict rules, as plain data in and plain data out (no database, no web).
The rules are described in docs/indicators.md.
"""
