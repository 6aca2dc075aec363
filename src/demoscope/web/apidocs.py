"""The API reference page, generated from the OpenAPI spec the app serves.

Why not Swagger UI: it is a JavaScript bundle fetched from a CDN unless a wheel ships it, and
the site must work offline. A plain page made from the same spec cannot drift from the API
and works without JavaScript.
"""

from __future__ import annotations

from typing import Any


def examples(prefix: str, countries: list[str], year: int, label: str, score_code: str
             ) -> dict[str, str]:
    """A working request per path, so the page links to real answers: made from the database
    (countries and an edition it holds) and the methodology (a direction label, the score)."""
    one = countries[0]
    several = "&".join(f"country={c}" for c in countries[:2])
    return {
        f"{prefix}/countries": f"{prefix}/countries",
        f"{prefix}/countries/{{iso3}}": f"{prefix}/countries/{one}?direction={label}",
        f"{prefix}/countries/{{iso3}}/editions/{{year}}": f"{prefix}/countries/{one}/editions/{year}",
        f"{prefix}/editions": f"{prefix}/editions",
        f"{prefix}/coverage": f"{prefix}/coverage",
        f"{prefix}/editions/{{year}}": f"{prefix}/editions/{year}",
        f"{prefix}/ratings": f"{prefix}/ratings?country={one}&from={year}&to={year}",
        f"{prefix}/scores": f"{prefix}/scores?{several}&from={year - 3}&to={year}",
        f"{prefix}/changes": f"{prefix}/changes?country={one}&edition={year}&changed_only=true",
        f"{prefix}/estimates": f"{prefix}/estimates?country={one}&from={year}",
        f"{prefix}/rankings/{{year}}/{{category}}": f"{prefix}/rankings/{year}/{score_code}",
        f"{prefix}/methodology": f"{prefix}/methodology",
        f"{prefix}/countries/{{iso3}}/revisions": f"{prefix}/countries/{one}/revisions",
    }


def _resolve(spec: dict[str, Any], schema: dict[str, Any] | None) -> dict[str, Any]:
    schema = schema or {}
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        return spec.get("components", {}).get("schemas", {}).get(name, {})
    return schema


def type_text(spec: dict[str, Any], schema: dict[str, Any] | None) -> str:
    """A short human type: ``integer (1900–2200)``, ``one of 1_best, 7_best``, ``list of Rating``."""
    schema = schema or {}
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            kinds = [type_text(spec, s) for s in schema[key]]
            kinds = [k for k in kinds if k != "null"]
            text = " or ".join(dict.fromkeys(kinds))
            return f"{text} or null" if any(s.get("type") == "null" for s in schema[key]) else text
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    if "const" in schema:
        return str(schema["const"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {type_text(spec, schema.get('items'))}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"object of {type_text(spec, schema['additionalProperties'])}"
    lo, hi = schema.get("minimum"), schema.get("maximum")
    if lo is not None or hi is not None:
        return f"{kind} ({'' if lo is None else lo}–{'' if hi is None else hi})"
    return str(kind)


def operations(spec: dict[str, Any], examples: dict[str, str] | None = None
               ) -> list[dict[str, Any]]:
    """Every operation with its parameters, responses and the fields of its answer, and
    ``examples[path]`` as a working request."""
    out = []
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            params = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                       "type": type_text(spec, p.get("schema")),
                       "default": (p.get("schema") or {}).get("default"),
                       "repeatable": (p.get("schema") or {}).get("type") == "array",
                       "description": p.get("description") or (p.get("schema") or {}).get("description", "")}
                      for p in op.get("parameters", [])]
            responses = []
            for code, resp in op.get("responses", {}).items():
                schema = resp.get("content", {}).get("application/json", {}).get("schema")
                responses.append({"code": code, "description": resp.get("description", ""),
                                  "type": type_text(spec, schema) if schema else ""})
            ok = op.get("responses", {}).get("200", {}).get("content", {}).get(
                "application/json", {}).get("schema")
            body = _resolve(spec, ok.get("items") if ok and ok.get("type") == "array" else ok)
            fields = [{"name": k, "type": type_text(spec, v)}
                      for k, v in body.get("properties", {}).items()]
            out.append({"method": method.upper(), "path": path, "id": _anchor(method, path),
                        "summary": op.get("summary", ""), "description": op.get("description", ""),
                        "params": params, "responses": responses, "fields": fields,
                        "example": (examples or {}).get(path) if method == "get" else None})
    return out


def schemas(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The named schemas (answer shapes), with their fields."""
    out = []
    for name, s in sorted(spec.get("components", {}).get("schemas", {}).items()):
        if name in ("HTTPValidationError", "ValidationError"):
            continue
        out.append({"name": name, "description": s.get("description", ""),
                    "fields": [{"name": k, "type": type_text(spec, v),
                                "required": k in s.get("required", [])}
                               for k, v in s.get("properties", {}).items()]})
    return out


def _anchor(method: str, path: str) -> str:
    parts = [p for p in path.removeprefix("/api/v1").split("/") if p and not p.startswith("{")]
    return f"{method.lower()}-{'-'.join(parts)}" + ("-one" if path.endswith("}") else "")
