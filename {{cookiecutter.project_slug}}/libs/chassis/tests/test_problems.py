import json

import pytest

from chassis.api import MAX_JSON_DEPTH

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_validation_errors_name_every_field_including_nested_ones(api):
    response = api.post(
        "/api/sample/widgets/", {"name": "x" * 21, "lines": [{"quantity": 1}, {"quantity": 0}]}
    )

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 400
    assert body["title"] == "Bad Request"
    assert body["code"] == "invalid"
    assert body["instance"] == "/api/sample/widgets/"
    assert {(error["field"], error["code"]) for error in body["errors"]} == {
        ("name", "max_length"),
        ("lines[1].quantity", "min_value"),
    }
    assert body["detail"] == "Invalid input: lines[1].quantity, name."


def test_missing_body_fields_are_required_errors(api):
    response = api.post("/api/sample/widgets/", {})

    assert response.status_code == 400
    assert {error["field"] for error in response.json()["errors"]} == {"name", "lines"}


def test_malformed_json_is_a_parse_error(api):
    response = api.post("/api/sample/widgets/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize(
    "body",
    [
        "[" * 1_000_000,  # deeper than Python's decoder can recurse
        "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1),
        '{"lines": ' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1),
    ],
    ids=["a megabyte of brackets", "one list too deep", "one object too deep"],
)
def test_json_nested_too_deep_is_a_parse_error(api, body):
    response = api.post("/api/sample/widgets/", body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "parse_error"
    assert f"nested deeper than {MAX_JSON_DEPTH} levels" in response.json()["detail"]


@pytest.mark.parametrize(("depth", "status"), [(MAX_JSON_DEPTH, 201), (MAX_JSON_DEPTH + 1, 400)])
def test_json_is_parsed_down_to_the_depth_allowed(api, depth, status):
    notes: list = []  # the body, its lines and a line are three levels; notes make the rest
    for _ in range(depth - 4):
        notes = [notes]
    body = {"name": "x", "lines": [{"quantity": 1, "notes": notes}]}

    response = api.post("/api/sample/widgets/", json.dumps(body), content_type="application/json")

    assert response.status_code == status, response.json()


def test_unknown_url_outside_drf_is_a_problem_too(api):
    response = api.get("/nowhere/")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "not_found"


def test_http404_from_a_view(api):
    response = api.get("/api/sample/widgets/999/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_method_not_allowed(api):
    response = api.delete("/api/sample/widgets/")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("not-found", 404, "not_found"),
        ("conflict", 409, "already_shipped"),
        ("rule", 400, "invalid"),
    ],
)
def test_domain_errors_map_to_their_status(api, kind, status, code):
    response = api.get(f"/api/sample/failures/{kind}/")

    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == code


def test_too_many_attempts_says_when_to_try_again(api):
    response = api.get("/api/sample/failures/too-many-attempts/")

    assert response.status_code == 429
    assert response["Content-Type"] == PROBLEM
    assert response["Retry-After"] == "60"
    assert response.json()["code"] == "too_many_attempts"
    assert response.json()["detail"] == "Wait a minute. Expected available in 60 seconds."


def test_rule_violation_names_its_field(api):
    body = api.get("/api/sample/failures/rule/").json()

    assert body["errors"] == [{"field": "weight", "message": "Too heavy.", "code": "too_heavy"}]


def test_unexpected_error_is_a_500_problem_without_internals(api, caplog):
    response = api.get(
        "/api/sample/failures/crash/", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef"
    )

    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert "secret internals" not in response.content.decode()
    assert response.json()["request_id"] == "0123456789abcdef0123456789abcdef"
    assert any("RuntimeError" in record.getMessage() for record in caplog.records)


def test_request_id_is_echoed_and_put_in_the_problem(api):
    response = api.get(
        "/api/sample/widgets/999/", HTTP_X_REQUEST_ID="00000000000000000000000000000abc"
    )

    assert response["X-Request-ID"] == "00000000000000000000000000000abc"
    assert response.json()["request_id"] == "00000000000000000000000000000abc"


def test_a_request_id_is_made_when_the_client_sends_none(api):
    response = api.get("/api/sample/widgets/1/")

    assert len(response["X-Request-ID"]) == 32
