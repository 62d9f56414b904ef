"""The JSON schema of every graphcollapse output (contract version 2), and validation against it.

``graphcollapse.schema.json`` (in this folder, shipped with the package)
describes the documents of ``analyze``, ``trajectory``, ``threshold``,
``check`` and ``family`` with ``--format json`` (``analyze`` of a graph with
a schedule, modes or memory writes the ``dynamics`` kind, ``family all``
the ``family_table`` kind); each names its kind and version in its
``schema`` field (``graphcollapse/analysis/2``) and validates against the
matching ``$defs`` entry.  The schema documents the formula grammar, the
condition grammar, closed forms as structured terms and the reserved names
``lambda_1, lambda_2, …``.  Commands of other modules reuse its ``$defs``
(``where``, ``root_of``, ``closed_form``) for their own documents.

Validation needs the ``jsonschema`` package (the ``test`` extra).

Examples
--------
>>> schema = load_schema()
>>> schema["$defs"]["analysis"]["properties"]["schema"]["const"]
'graphcollapse/analysis/2'
>>> kind_of({"schema": "graphcollapse/trajectory/2"})
'trajectory'
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from graphcollapse.errors import InputError, MissingExtraError

__all__ = ["SCHEMA_PATH", "CONTRACT_VERSION", "load_schema", "kind_of", "validate"]

#: The schema file.
SCHEMA_PATH = Path(__file__).with_name("graphcollapse.schema.json")
#: The version of the JSON contract (the number in every document's ``schema`` field).
CONTRACT_VERSION = 2


@lru_cache(maxsize=1)
def load_schema() -> dict:
    """The schema as a dictionary."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def kind_of(document: dict) -> str:
    """The kind of a document (``analysis``, ``trajectory``, ...) from its ``schema`` field."""
    tag = document.get("schema") if isinstance(document, dict) else None
    parts = tag.split("/") if isinstance(tag, str) else []
    if len(parts) != 3 or parts[0] != "graphcollapse" or parts[2] != str(CONTRACT_VERSION):
        raise InputError(f"not a graphcollapse document of contract version {CONTRACT_VERSION}: schema {tag!r}")
    if parts[1] not in load_schema()["$defs"]:
        raise InputError(f"unknown document kind {parts[1]!r}")
    return parts[1]


def validate(document: dict) -> None:
    """Validate a document against its kind's schema (raises ``jsonschema.ValidationError``).

    Raises
    ------
    MissingExtraError
        Without the ``jsonschema`` package.
    """
    try:
        import jsonschema
    except ImportError:
        raise MissingExtraError("validation needs jsonschema: pip install jsonschema") from None
    schema = load_schema()
    kind = kind_of(document)
    # The kind's own definition: its error messages are sharper than those of the top-level oneOf.
    jsonschema.Draft202012Validator({"$ref": f"#/$defs/{kind}", "$defs": schema["$defs"]}).validate(document)
