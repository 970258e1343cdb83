import datetime
import zoneinfo

import pytest

from places.models import Mart, OpeningHours
from tests.factories import kecamatan

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
pytestmark = pytest.mark.django_db


@pytest.fixture
def mart():
    mart = Mart.objects.create(
        name="OK OCE Mart Koja", slug="koja", kecamatan=kecamatan("koja"), address="Jl. Mindi 8", lat=-6.11, lon=106.9
    )
    for day in range(6):
        OpeningHours.objects.create(mart=mart, weekday=day, opens_at=datetime.time(9), closes_at=datetime.time(21))
    return mart


@pytest.mark.parametrize(
    "moment, is_open",
    [
        (datetime.datetime(2026, 11, 27, 10, 0, tzinfo=JAKARTA), True),  # Friday morning
        (datetime.datetime(2026, 11, 27, 21, 0, tzinfo=JAKARTA), False),  # closing time
        (datetime.datetime(2026, 11, 27, 8, 59, tzinfo=JAKARTA), False),
        (datetime.datetime(2026, 11, 29, 12, 0, tzinfo=JAKARTA), False),  # Sunday: closed all day
        # 02:30 UTC is 09:30 in Jakarta: open, although it is "night" in UTC terms.
        (datetime.datetime(2026, 11, 27, 2, 30, tzinfo=datetime.UTC), True),
    ],
)
def test_mart_open_status_uses_jakarta_time(mart, moment, is_open):
    assert mart.is_open_at(moment) is is_open


def test_a_closed_mart_says_when_it_opens_again(mart):
    from django.utils.translation import override

    with override("id"):
        # Friday 07:00: opens at 09.00 today; Friday 22:00: tomorrow; Saturday 22:00: Monday (closed on Sunday).
        assert mart.reopening_note(datetime.datetime(2026, 11, 27, 7, 0, tzinfo=JAKARTA)) == "buka pukul 09.00"
        assert mart.reopening_note(datetime.datetime(2026, 11, 27, 22, 0, tzinfo=JAKARTA)) == "buka besok pukul 09.00"
        assert mart.reopening_note(datetime.datetime(2026, 11, 28, 22, 0, tzinfo=JAKARTA)) == "buka Senin pukul 09.00"
    with override("en"):
        assert mart.reopening_note(datetime.datetime(2026, 11, 28, 22, 0, tzinfo=JAKARTA)) == "opens Monday at 09.00"


def test_a_mart_offers_tap_to_call_and_a_map(mart):
    mart.phone = "021-5550925"
    assert mart.phone_uri == "tel:+62215550925"
    assert mart.map_url.endswith("query=-6.11,106.9")
