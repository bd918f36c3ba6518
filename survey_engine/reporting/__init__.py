"""Reports as pure rendering: a report model in, bytes out.

`model` holds what a report needs about a round (built by `services.round_results`);
`unit_report.build_unit_report` / `city_report.build_city_report` turn it into a
`Report` (a JSON-ready model plus charts), and `render` writes a report as HTML, PDF,
XLSX, CSV or JSON; `plans` renders improvement plans and their follow-up. The use cases
that load data and check permissions live in `services.reports` and
`services.plan_reports`.
"""
