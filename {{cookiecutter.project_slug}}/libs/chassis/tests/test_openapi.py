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
