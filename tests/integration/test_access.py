"""Who reaches which back office: staff both, editors only Wagtail, sellers only the seller centre."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.auth import get_user_model

from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def make_user(email, **kwargs):
    return get_user_model().objects.create_user(username=email.split("@")[0], email=email, password="x", **kwargs)


@pytest.fixture
def staff():
    return make_user("staf@example.test", is_staff=True, is_superuser=True)


@pytest.fixture
def editor():
    user = make_user("editor@example.test")
    user.groups.add(Group.objects.get(name="Editors"))
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.fixture
def seller():
    user = make_user("penjual@example.test")
    PartnerFactory().users.add(user)
    return user


def status(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


def test_staff_reach_oscar_dashboard_and_wagtail_admin(client, staff):
    assert status(client, staff, "/dashboard/") == 200
    assert status(client, staff, "/cms/") == 200


def test_editor_reaches_wagtail_but_not_oscar_dashboard(client, editor):
    assert status(client, editor, "/cms/") == 200
    assert status(client, editor, "/dashboard/") in (302, 403)


def test_seller_reaches_the_seller_centre_but_not_the_dashboard_or_wagtail(client, seller):
    assert status(client, seller, "/penjual/produk/") == 200
    assert status(client, seller, "/dashboard/") in (302, 403)
    assert status(client, seller, "/cms/") in (302, 403)


def test_anonymous_shopper_is_sent_to_log_in(client):
    assert client.get("/dashboard/").status_code == 302
    assert client.get("/cms/").status_code == 302
