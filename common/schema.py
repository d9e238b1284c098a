"""The OpenAPI schema says every status an operation can answer.

Every endpoint shares the refusals of ``common.refusals``: 400 for bad input (JSON naming the
field), 401 for a bad token, 403 for something you may see but not do (or no credentials),
404 for what you may not see, 409 where the object's state does not allow the change, 429 when
throttled. drf-spectacular documents only the success; this hook adds the others each operation
can meet, with the shape of their JSON body, unless the view documented them itself.
"""

from drf_spectacular import openapi


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's, also documenting the body of a DELETE that declares one (``extend_schema(request=...)``),
    as deleting your account does (its password); drf-spectacular documents bodies of POST, PUT and PATCH only."""

    def _get_request_body(self, direction="request"):
        # A generic view's DELETE would otherwise get the view's own serializer as its body.
        if self.method != "DELETE" or hasattr(self.view, "get_serializer") or self.get_request_serializer() is None:
            return super()._get_request_body(direction)
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"


ERROR = {
    "type": "object",
    "description": '`{"detail": "..."}`, or for bad input `{"<field>": ["..."]}`',
    "additionalProperties": True,
}
REASONS = {
    "400": "Bad input: the body names each field and what to fix.",
    "401": "The token is not valid (`WWW-Authenticate: Token`).",
    "403": "Not allowed: no credentials, or you may see this but not do that.",
    "404": "Not found, or not yours to see.",
    "409": "The object's current state does not allow this.",
    "429": "Too many requests; try again later.",
}


def _codes(path: str, method: str, operation: dict) -> list[str]:
    codes = ["401", "403", "429"]
    if method in ("post", "put", "patch") or operation.get("parameters"):
        codes.append("400")
    # 404 also for a page past the last, or a query naming an object that is not yours to see.
    if "{" in path or method in ("post", "put", "patch", "delete") or operation.get("parameters"):
        codes.append("404")
    if method in ("post", "put", "patch", "delete"):
        codes.append("409")
    return codes


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            for parameter in operation.get("parameters", []):
                # DRF's pagination counts pages from 1.
                if parameter.get("in") == "query" and parameter.get("name") == "page":
                    parameter.setdefault("schema", {})["minimum"] = 1
            responses = operation.setdefault("responses", {})
            for code in _codes(path, method, operation):
                responses.setdefault(
                    code,
                    {
                        "description": REASONS[code],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result
