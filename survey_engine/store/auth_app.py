"""The Piccolo app of the auth layer: users, sessions, tokens, audit log, login attempts.

It is an app of its own (app_name "auth") so that its migrations are independent of
the survey tables' migrations, which another part of the code owns.
"""
import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="auth",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "auth_migrations"),
    table_classes=table_finder(
        modules=["survey_engine.store.auth_tables", "survey_engine.store.sso_tables", "survey_engine.store.mfa_tables"],
        exclude_imported=True,
    ),
    migration_dependencies=[],
    commands=[],
)
