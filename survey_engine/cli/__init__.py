"""The `survey-engine` command. Each command group lives in its own module here and
adds itself through `register(main)`; add a module's name to COMMAND_MODULES."""
from __future__ import annotations

from importlib import import_module

import click

from survey_engine import __version__

COMMAND_MODULES = [
    "run",
    "db",
    "users",
    "questionnaire",
    "engine",
    "data",  # after "questionnaire": adds `questionnaire publish` to that group
    "serve",
    "reports",
    "ops",
    "plans",
    "audits",  # after "reports": adds `report statement` to that group
    "security",  # after "db": adds `db prune`
    "indicators",
    "mail",  # after "data": adds `units contacts`; and `reminders`
    "sso",
    "evidence",
    "providers",  # shared answers (docs/shared-answers.md)
    "signoff",  # `responses approve|return|queue|signoff` (docs/sign-off.md)
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="survey-engine")
def main() -> None:
    """survey-engine: självskattning av informations- och cybersäkerhet.

    Self-assessment of information and cyber security maturity (MCF's model).
    """


for _name in COMMAND_MODULES:
    import_module(f"survey_engine.cli.{_name}").register(main)
