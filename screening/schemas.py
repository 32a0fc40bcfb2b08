"""JSON Schemas of the case, rule and result models, for editors and other tools."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from screening.models.case import Case
from screening.models.result import Result
from screening.models.rule import Rule

_MODELS: dict[str, type[BaseModel]] = {"case": Case, "rule": Rule, "result": Result}


def json_schema(what: str) -> dict[str, Any]:
    model = _MODELS[what]
    schema: dict[str, Any] = model.model_json_schema(
        mode="validation" if what != "result" else "serialization"
    )
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"screening {what}"
    return schema
