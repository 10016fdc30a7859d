"""Requests refused before any view runs answer in the caller's own format."""

import json
from xml.etree import ElementTree as ET

import pytest
from django.test import Client


@pytest.fixture
def small_uploads(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000


def test_an_oversized_api_body_is_a_json_413(db, small_uploads):
    response = Client().post(
        "/api/v1/units", json.dumps({"text": "x" * 5000}), content_type="application/json"
    )
    assert response.status_code == 413
    assert "quá lớn" in response.json()["detail"]
    assert "too large" in response.json()["detail"]


def test_an_oversized_form_is_a_plain_413(db, small_uploads):
    response = Client().post(
        "/accounts/login/",
        "username=" + "a" * 5000 + "&password=b",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")


def test_nul_in_open311_is_an_open311_error_list(db):
    response = Client().get("/open311/v2/requests.json", {"status": "open\x00"})
    assert response.status_code == 400
    (error,) = json.loads(response.content)
    assert error["code"] == 400 and "NUL" in error["description"]


def test_nul_in_open311_xml_is_well_formed_xml(db):
    response = Client().get("/open311/v2/requests.xml", {"status": "open\x00"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 - our own response, in a test
    assert root.tag == "errors"
    assert root.find("error/code").text == "400"
