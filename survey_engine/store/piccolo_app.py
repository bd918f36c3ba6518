"""The Piccolo app that holds every table of survey-engine."""
import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="survey_engine",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "migrations"),
    table_classes=table_finder(
        modules=[
            "survey_engine.store.tables",
            "survey_engine.store.indicator_tables",
            "survey_engine.store.audit_tables",
            "survey_engine.store.mail_tables",
            "survey_engine.store.evidence_tables",
            "survey_engine.store.provided_tables",
            "survey_engine.store.signoff_tables",
        ],
        exclude_imported=True,
    ),
    migration_dependencies=[],
    commands=[],
)
