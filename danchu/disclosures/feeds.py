from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed

from danchu.core.errors import ValidationError
from danchu.disclosures.models import Notice
from danchu.units.services import get_unit


class UnitNoticesFeed(Feed):
    """Atom feed of the notices shown on a unit's page (its own and those of units above)."""

    feed_type = Atom1Feed

    def get_object(self, request, code: str):
        try:
            return get_unit(code)
        except ValidationError:
            raise Http404 from None

    def title(self, unit):
        return f"Thông báo công khai — {unit.name}"

    def link(self, unit):
        return unit.get_absolute_url()

    def subtitle(self, unit):
        return f"Thông tin {unit.name} công khai theo Luật Thực hiện dân chủ ở cơ sở"

    def items(self, unit):
        return Notice.objects.for_unit_page(unit)[:50]

    def item_title(self, notice):
        return notice.title

    def item_description(self, notice):
        return notice.body

    def item_pubdate(self, notice):
        return notice.published_at

    def item_updateddate(self, notice):
        return notice.published_at

    def item_author_name(self, notice):
        return notice.unit.name

    def item_categories(self, notice):
        return [f"Điều 11 khoản {notice.item.number}: {notice.item.title}"]
