"""JSON Schema validation of archive metadata against ``resources/format/*.schema.json``."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema

from app.resources import resource_path


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads(resource_path("format", f"{name}.schema.json").read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_problem(name: str, document: Any) -> str | None:
    """First schema violation of ``document`` as a short sentence, or ``None`` if valid."""
    error = jsonschema.exceptions.best_match(_validator(name).iter_errors(document))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "top level"
    return f"{where}: {error.message}"
