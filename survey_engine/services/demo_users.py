"""Demo logins: one user per role and a respondent per unit, for the demo data that
the run command loads. Each call gives every demo user a fresh random password and
returns them, so that the printed logins always work."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Iterable

from survey_engine.services import users as service
from survey_engine.errors import NotFound
from survey_engine.services.policy import Role

DEMO_ACTOR = "demo"
STAFF = (
    ("demo-admin", Role.ADMIN, "Demo Administratör"),
    ("demo-analytiker", Role.ANALYST, "Demo Analytiker"),
    ("demo-planerare", Role.PLANNER, "Demo Planerare"),
    ("demo-revisor", Role.AUDITOR, "Demo Revisor"),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    units: tuple[str, ...]
    password: str


def demo_password() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, 72 random bits


def respondent_username(unit_code: str) -> str:
    return service.normalize_username(f"demo-{unit_code.lower()}"[:64])


async def _ensure(username: str, role: Role, units: tuple[str, ...], display_name: str) -> DemoLogin:
    password = demo_password()
    try:
        user = await service.get_user(username)
    except NotFound:
        await service.create_user(
            DEMO_ACTOR, username, role, password=password, display_name=display_name, units=units
        )
    else:
        if user.role is not role or user.units != units:
            await service.set_role(DEMO_ACTOR, username, role, units=units)
        if not user.active:
            await service.enable_user(DEMO_ACTOR, username)
        await service.set_password(DEMO_ACTOR, username, password)
    return DemoLogin(username, role, units, password)


async def ensure_demo_users(unit_codes: Iterable[str]) -> list[DemoLogin]:
    """Create (or refresh) the demo users; returns their logins to print."""
    logins = [await _ensure(name, role, (), title) for name, role, title in STAFF]
    for code in service.normalize_units(unit_codes):
        logins.append(await _ensure(respondent_username(code), Role.RESPONDENT, (code,), f"Respondent {code}"))
    return logins


def approver_username(unit_code: str) -> str:
    """The demo's förvaltningschef (approver) of a unit (docs/sign-off.md)."""
    return service.normalize_username(f"demo-chef-{unit_code.lower()}"[:64])


async def ensure_demo_approvers(unit_codes: Iterable[str]) -> list[DemoLogin]:
    """Create (or refresh) one approver per unit, each bound to its own unit."""
    return [await _ensure(approver_username(code), Role.APPROVER, (code,), f"Förvaltningschef {code}")
            for code in service.normalize_units(unit_codes)]
