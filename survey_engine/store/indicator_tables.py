"""Tables for measured indicators: published indicator versions and their measurements.

Kept beside tables.py so that the app's table_finder picks them up (see piccolo_app.py).
"""
