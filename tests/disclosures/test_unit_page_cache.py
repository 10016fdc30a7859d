"""The anonymous unit page is served from the cache for UNIT_PAGE_CACHE_SECONDS."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache

from tests.conftest import client_for
from tests.disclosures.conftest import make_notice

FROZEN = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)  # as the autouse frozen_today fixture


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.UNIT_PAGE_CACHE_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


def test_anonymous_visitors_see_a_new_notice_once_the_cached_page_expires(commune, item):
    make_notice(commune, item, title="Kế hoạch sử dụng đất năm 2026")
    visitor = client_for(None)
    assert "Kế hoạch sử dụng đất năm 2026" in visitor.get(f"/u/{commune.code}/").content.decode()

    make_notice(commune, item, title="Dự toán ngân sách xã năm 2027")
    with time_machine.travel(FROZEN + dt.timedelta(seconds=29), tick=False):
        assert "Dự toán ngân sách" not in visitor.get(f"/u/{commune.code}/").content.decode()
    with time_machine.travel(FROZEN + dt.timedelta(seconds=31), tick=False):
        assert "Dự toán ngân sách" in visitor.get(f"/u/{commune.code}/").content.decode()


def test_signed_in_users_always_get_a_fresh_page(commune, village, item, resident):
    client_for(None).get(f"/u/{commune.code}/")
    make_notice(commune, item, title="Dự toán ngân sách xã năm 2027")
    page = client_for(resident).get(f"/u/{commune.code}/").content.decode()
    assert "Dự toán ngân sách xã năm 2027" in page
    assert "Dự toán ngân sách" not in client_for(None).get(f"/u/{commune.code}/").content.decode()


def test_a_cached_page_carries_each_visitors_own_csrf_token(commune):
    from django.test import Client

    client_for(None).get(f"/u/{commune.code}/")  # fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(f"/u/{commune.code}/").content.decode()
    assert "csrf-token-placeholder" not in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = visitor.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_each_language_has_its_own_cached_page(commune, settings):
    client_for(None).get(f"/u/{commune.code}/")
    visitor = client_for(None)
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in visitor.get(f"/u/{commune.code}/").content.decode()
