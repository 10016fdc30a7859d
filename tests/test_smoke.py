from tests.conftest import client_for


def test_home_page_lists_provinces(province):
    response = client_for(None).get("/")
    assert response.status_code == 200
    assert "Thành phố Hà Nội" in response.content.decode()


def test_health_endpoint(db):
    response = client_for(None).get("/health/")
    assert (response.status_code, response.content) == (200, b"ok")
