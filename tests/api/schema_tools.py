"""Reading the served OpenAPI schema in tests: fetch it, find an operation, validate a body."""

import copy

import jsonschema

from tests.support.client import api


def served_schema(marketplace) -> dict:
    response = api(marketplace).get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    return response.json()


def operation(schema: dict, method: str, path: str) -> dict:
    return schema["paths"][path][method.lower()]


def _as_json_schema(node):
    # OpenAPI 3.0's `nullable` is not JSON Schema: spell it as "or null" for the validator.
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def response_schema(schema: dict, method: str, path: str, status: int) -> dict:
    answer = operation(schema, method, path)["responses"][str(status)]
    return answer["content"]["application/json"]["schema"]


def resolved(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def assert_matches(schema: dict, body, node: dict) -> None:
    document = _as_json_schema(copy.deepcopy({"components": schema["components"], **node}))
    # OpenAPI 3.0 schemas are JSON Schema draft 4 (boolean exclusiveMinimum and friends).
    jsonschema.Draft4Validator(document).validate(body)
