"""Tables for audits (granskningar), their recommendations and the links to plan actions,
questions, areas and indicators.

Kept beside tables.py so that the app's table_finder picks them up (see piccolo_app.py).
"""
