"""The OpenAPI schema: public, valid, and describing errors with the shared error body."""

import pytest
from drf_spectacular.validation import validate_schema

ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_and_the_docs_are_served_without_a_token(api_client, static_files_without_manifest):
    schema = api_client.get("/api/schema/", {"format": "json"})
    docs = api_client.get("/api/docs/")

    assert schema.status_code == 200 and "/api/tasks/" in schema.json()["paths"]
    assert docs.status_code == 200 and b"swagger-ui" in docs.content


def test_a_bad_token_does_not_hide_the_schema(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer garbage")

    assert api_client.get("/api/schema/").status_code == 200


def test_the_schema_is_valid_openapi_3(schema):
    validate_schema(schema)


def test_every_task_operation_describes_its_errors_with_the_error_body(schema):
    task_operations = [
        (path, method, operation)
        for path, operations in schema["paths"].items()
        if "/tasks/" in path
        for method, operation in operations.items()
    ]

    assert len(task_operations) == 19
    for path, method, operation in task_operations:
        error_codes = {code for code in operation["responses"] if code.startswith("4")}
        assert "401" in error_codes, (path, method)
        assert ("403" in error_codes) == path.startswith("/api/{user_id}/"), (path, method)
        for code in error_codes:
            assert operation["responses"][code]["content"]["application/json"]["schema"] == ERROR_REF


def test_complete_is_documented_only_in_the_user_id_shape(schema):
    assert "patch" in schema["paths"]["/api/{user_id}/tasks/{id}/complete/"]
    assert not any(path.startswith("/api/tasks/") and path.endswith("/complete/") for path in schema["paths"])


def test_priority_is_described_by_name_in_bodies_and_filters(schema):
    list_parameters = {p["name"]: p for p in schema["paths"]["/api/tasks/"]["get"]["parameters"]}

    assert schema["components"]["schemas"]["PriorityEnum"]["enum"] == ["low", "medium", "high"]
    assert list_parameters["priority"]["schema"]["type"] == "string"
    assert sorted(list_parameters["priority"]["schema"]["enum"]) == ["high", "low", "medium"]


def test_read_only_fields_are_absent_from_request_bodies(schema):
    request_fields = set(schema["components"]["schemas"]["TaskRequest"]["properties"])

    assert request_fields == {"title", "description", "completed", "priority", "due_date"}


def test_task_operations_require_the_bearer_token(schema):
    operation = schema["paths"]["/api/tasks/"]["get"]
    schemes = schema["components"].get("securitySchemes", {})

    assert any(scheme.get("scheme") == "bearer" for scheme in schemes.values()), schemes
    assert any(set(requirement) & set(schemes) for requirement in operation["security"])


def test_the_summary_and_bulk_endpoints_are_described_in_both_shapes(schema):
    for prefix in ["/api/tasks/", "/api/{user_id}/tasks/"]:
        summary = schema["paths"][f"{prefix}summary/"]["get"]
        bulk = schema["paths"][f"{prefix}bulk/"]["post"]

        assert [p["name"] for p in summary["parameters"] if p["in"] == "query"] == ["tz"]
        assert summary["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/TaskSummary"
        }
        assert {"400", "404"} <= set(bulk["responses"])
        assert bulk["requestBody"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/BulkActionRequest"
        }
    assert set(schema["components"]["schemas"]["TaskSummary"]["properties"]) == {
        "open",
        "completed",
        "overdue",
        "due_today",
    }
    bulk_request = schema["components"]["schemas"]["BulkActionRequest"]["properties"]
    assert bulk_request["ids"]["maxItems"] == 100
    assert schema["components"]["schemas"]["ActionEnum"]["enum"] == ["complete", "reopen", "delete"]


def test_every_post_and_patch_documents_the_idempotency_key_and_its_errors(schema):
    keyed = {
        (path, method): operation
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "patch") and path.startswith(("/api/tasks/", "/api/{user_id}/tasks/", "/api/auth/me/"))
    }

    assert len(keyed) == 10
    for (path, method), operation in keyed.items():
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert "Idempotency-Key" in headers, (path, method)
        for code, error in (
            ("400", "idempotency_key_invalid"),
            ("409", "idempotency_key_in_flight"),
            ("422", "idempotency_key_reused"),
        ):
            response = operation["responses"][code]
            assert error in response["description"], (path, method, code)
            assert response["content"]["application/json"]["schema"] == ERROR_REF
    # A code the operation had already keeps its own meaning next to the key's.
    assert "task_limit_reached" in keyed["/api/tasks/", "post"]["responses"]["409"]["description"]


def test_changes_to_one_task_document_if_match_412_and_the_etag(schema):
    for path in ("/api/tasks/{id}/", "/api/{user_id}/tasks/{id}/"):
        operations = schema["paths"][path]
        for method in ("put", "patch", "delete"):
            assert "If-Match" in {p["name"] for p in operations[method]["parameters"]}, (path, method)
            assert "412" in operations[method]["responses"]
        assert "ETag" in operations["patch"]["responses"]["200"]["headers"]
        assert "If-None-Match" in {p["name"] for p in operations["get"]["parameters"]}
        assert "ETag" in operations["get"]["responses"]["200"]["headers"]
        assert "304" in operations["get"]["responses"]
