import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api) -> dict:
    response = api.get("/api/sample/swagger.json")
    assert response.status_code == 200
    return response.json()


def test_schema_describes_the_service(schema):
    assert schema["info"]["title"] == "sample API"
    assert "/widgets/" in schema["paths"]


def test_every_write_documents_its_validation_problem(schema):
    responses = schema["paths"]["/widgets/"]["post"]["responses"]

    assert responses["400"]["schema"] == {"$ref": "#/definitions/Problem"}
    assert "errors" in schema["definitions"]["Problem"]["properties"]


def test_detail_operations_document_not_found(schema):
    assert "404" in schema["paths"]["/widgets/{number}/"]["get"]["responses"]


@pytest.mark.parametrize("page", ["swagger/", "redoc/"])
def test_documentation_pages_render(api, page):
    response = api.get(f"/api/sample/{page}", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert b"<html" in response.content.lower()


def test_every_error_is_documented_in_the_media_type_it_is_answered_in(schema):
    assert set(schema["produces"]) == {"application/json", "application/problem+json"}


def test_an_operation_anyone_may_call_needs_no_token_and_the_rest_document_401_and_403(schema):
    paths = schema["paths"]
    assert paths["/widgets/"]["get"]["security"] == []
    assert "401" not in paths["/widgets/"]["get"]["responses"]

    me = paths["/me/"]["get"]
    assert "security" not in me  # the document's own: a bearer token
    assert "401" in me["responses"]
    assert "403" not in me["responses"]  # any signed-in caller may
    assert {"401", "403"} <= set(paths["/staff-only/"]["post"]["responses"])


def test_a_paginated_list_documents_its_bounds_and_the_page_past_the_end(schema):
    operation = schema["paths"]["/widgets/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}

    assert {"400", "404"} <= set(operation["responses"])
    assert (parameters["page"]["minimum"], parameters["page"]["maximum"]) == (1, 2**31 - 1)
    assert (parameters["page_size"]["minimum"], parameters["page_size"]["maximum"]) == (1, 100)


def test_an_operation_documents_a_body_only_where_it_reads_one(schema):
    def body_of(operation: dict) -> list[dict]:
        return [
            parameter for parameter in operation.get("parameters", []) if parameter["in"] == "body"
        ]

    assert body_of(schema["paths"]["/widgets/"]["post"])
    assert "413" in schema["paths"]["/widgets/"]["post"]["responses"]
    # Effects.post reads nothing, though it answers a body.
    assert not body_of(schema["paths"]["/effects/"]["post"])
    assert "413" not in schema["paths"]["/effects/"]["post"]["responses"]


def test_every_operation_documents_the_gateways_limit_and_a_servers_outage(schema):
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            if method != "parameters":
                assert {"429", "503"} <= set(operation["responses"]), method


def test_what_is_only_answered_keeps_none_of_the_constraints_that_validate_input(schema):
    definitions = schema["definitions"]
    answered = definitions["WidgetOutput"]["properties"]
    assert not {"minimum", "maxLength"} & (set(answered["number"]) | set(answered["label"]))
    assert not any("minLength" in field for field in definitions["Problem"]["properties"].values())
    # What a request sends is validated as documented.
    assert definitions["Widget"]["properties"]["name"]["maxLength"] == 20


def test_a_patch_documents_the_fields_it_may_change_none_of_them_required(schema):
    (body,) = [
        p for p in schema["paths"]["/widgets/{number}/"]["patch"]["parameters"] if p["in"] == "body"
    ]
    (created,) = [
        p for p in schema["paths"]["/widgets/"]["post"]["parameters"] if p["in"] == "body"
    ]

    assert set(body["schema"]["properties"]) == {"name", "lines"}
    assert "required" not in body["schema"]
    # Creating one still takes every field it requires.
    name = created["schema"]["$ref"].removeprefix("#/definitions/")
    assert schema["definitions"][name]["required"] == ["name", "lines"]
