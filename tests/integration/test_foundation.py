"""Project-wide promises: kecamatan data, settings, languages, no haystack."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from places.models import Kecamatan

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_all_44_kecamatan_are_loaded_with_kota_and_centroid():
    assert Kecamatan.objects.count() == 44
    per_kota = {kota: len(items) for kota, items in Kecamatan.objects.by_kota()}
    assert per_kota == {
        "Kepulauan Seribu": 2, "Jakarta Pusat": 8, "Jakarta Utara": 6,
        "Jakarta Barat": 8, "Jakarta Selatan": 10, "Jakarta Timur": 10,
    }
    mampang = Kecamatan.objects.get(slug="mampang-prapatan")
    assert mampang.kota == "Jakarta Selatan" and mampang.kemendagri_code.startswith("31.74.")
    assert -6.4 < float(mampang.lat) < -6.1 and 106.7 < float(mampang.lon) < 107.0
    assert "Pal Merah" in Kecamatan.objects.get(slug="palmerah").alt_names


@pytest.mark.django_db
def test_shop_speaks_indonesian_by_default_even_to_an_english_browser(client):
    response = client.get("/kecamatan/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="id"' in response.content.decode()
    assert "Apa yang dibuat di dekat Anda?" in response.content.decode()


@pytest.mark.django_db
def test_shopper_can_switch_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/kecamatan/"}, follow=True)
    assert 'lang="en"' in response.content.decode()
    assert "What is made near you?" in response.content.decode()
    response = client.post("/i18n/setlang/", {"language": "id", "next": "/kecamatan/"}, follow=True)
    assert 'lang="id"' in response.content.decode()


def test_haystack_is_never_imported():
    code = (
        "import django, sys; django.setup();"
        "from django.test import Client;"
        "from django.urls import resolve; resolve('/search/'); resolve('/catalogue/');"
        "print('haystack' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "DJANGO_SETTINGS_MODULE": "storefront.settings"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-0123456789",
        "ALLOWED_HOSTS": "okoce-mart.example",
        "DJANGO_SETTINGS_MODULE": "storefront.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DEBUG="0", ALLOWED_HOSTS="okoce-mart.example", DJANGO_SETTINGS_MODULE="storefront.settings")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
