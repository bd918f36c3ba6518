"""Reports (issue 7): förvaltningsrapport, stadsrapport and the anonymised export.

`data` reads the database once into plain dataclasses; everything after it is pure:
`unit_report.build_unit_report` / `city_report.build_city_report` turn that data into
a `Report` (a JSON-ready model plus charts), and `render` writes a report as HTML,
PDF, XLSX, CSV or JSON. `service` joins the two for the CLI and the web layer.
"""
