"""Every integer a client may send has an upper bound (api.fields), so that no value overflows
its column: an out-of-range number is a 400 naming the field, not a database error."""

from tests.support.client import api


def _integers_without_maximum(schema: dict) -> list[str]:
    components = schema["components"]["schemas"]
    found: list[str] = []
    seen: set[str] = set()

    def walk(node: dict, trail: str) -> None:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                walk(components[name], name)
            return
        for key in ("allOf", "oneOf", "anyOf"):
            for part in node.get(key, []):
                walk(part, trail)
        if node.get("readOnly"):
            return
        if node.get("type") == "integer" and "maximum" not in node:
            found.append(trail)
        if "items" in node:
            walk(node["items"], f"{trail}[]")
        for name, field in node.get("properties", {}).items():
            walk(field, f"{trail}.{name}")
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], f"{trail}{{}}")

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in {"post", "put", "patch"}:
                continue
            for content in operation.get("requestBody", {}).get("content", {}).values():
                walk(content.get("schema", {}), f"{method.upper()} {path}")
    return found


def test_every_integer_of_a_request_body_has_a_maximum(fire):
    response = api(fire).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert any("requestBody" in op for ops in schema["paths"].values() for op in ops.values())
    assert _integers_without_maximum(schema) == []
