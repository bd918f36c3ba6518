"""/api/v1/units"""
from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import JSONBody

from survey_engine.services import units as service
from survey_engine.services.units import UnitInput
from survey_engine.web.api.common import Action, Code, Limit, Offset, Actor, errors, requires
from survey_engine.web.api.schemas import UnitIn, UnitOut, UnitPage, UnitsImportIn, UnitsImportOut


class UnitController(Controller):
    path = "/units"
    tags = ["units"]

    @get("/", summary="List units", responses=errors(422), guards=[requires(Action.UNIT_READ)])
    async def list_units(self, limit: Limit = 100, offset: Offset = 0) -> UnitPage:
        items, total = await service.list_units(limit, offset)
        return UnitPage(items=[UnitOut.model_validate(i, from_attributes=True) for i in items], total=total, limit=limit,
                        offset=offset)

    @post("/", summary="Create a unit", responses=errors(409, 422), guards=[requires(Action.UNIT_MANAGE)])
    async def create_unit(self, data: JSONBody[UnitIn], actor: Actor) -> UnitOut:
        unit = await service.create_unit(data.code, data.name, data.weight, data.parent, actor=actor)
        return UnitOut.model_validate(unit, from_attributes=True)

    @post("/import", summary="Create or update several units (matched by code)", responses=errors(409, 422),
          guards=[requires(Action.UNIT_MANAGE)])
    async def import_units(self, data: JSONBody[UnitsImportIn], actor: Actor) -> UnitsImportOut:
        items = [UnitInput(u.code, u.name, u.weight, u.parent) for u in data.units]
        return UnitsImportOut(**await service.import_units(items, actor=actor))

    @get("/{code:str}", summary="Get a unit", responses=errors(404), guards=[requires(Action.UNIT_READ)])
    async def get_unit(self, code: Code) -> UnitOut:
        return UnitOut.model_validate(await service.get_unit(code), from_attributes=True)
