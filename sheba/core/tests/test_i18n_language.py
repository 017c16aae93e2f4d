"""Bengali by default, English by Accept-Language or one click on the language switch;
Bengali digits and both calendars on Bengali pages; NFC-normalised input."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

pytestmark = pytest.mark.django_db

BN_HEADLINE = "সব সরকারি সেবা এক জায়গায়"
EN_HEADLINE = "All government services in one place"


def _lang(response) -> str:
    return re.search(r'<html lang="([a-z-]+)">', response.content.decode()).group(1)


def test_bengali_is_the_default():
    response = Client().get("/")
    assert _lang(response) == "bn"
    assert BN_HEADLINE in response.content.decode()
    assert response["Content-Language"] == "bn"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("en", "en"), ("en-US,en;q=0.9", "en"), ("bn-BD,bn;q=0.9,en;q=0.5", "bn"), ("fr-FR", "bn"), ("", "bn")],
)
def test_accept_language_chooses_english_or_bengali(header, expected):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert _lang(response) == expected
    assert (EN_HEADLINE if expected == "en" else BN_HEADLINE) in response.content.decode()


def test_the_switch_is_one_plain_form_post_that_sets_the_cookie():
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    form = re.search(r'<form class="lang" action="([^"]+)" method="post">(.*?)</form>', page, re.S)
    assert form, "the language switch is a form that works without JavaScript"
    assert form.group(1) == "/i18n/setlang/"
    assert 'name="next" value="/accounts/login/"' in form.group(2)
    assert '<button type="submit" name="language" value="en" lang="en">English</button>' in form.group(2)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    cookie = response.cookies["sheba_language"]
    assert cookie.value == "en"
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 365 * 24 * 3600
    # the choice wins over the browser's Accept-Language from now on
    after = client.get("/", HTTP_ACCEPT_LANGUAGE="bn")
    assert _lang(after) == "en"
    assert EN_HEADLINE in after.content.decode()
    assert '<button type="submit" name="language" value="bn" lang="bn">বাংলা</button>' in after.content.decode()
    # and back
    client.post("/i18n/setlang/", {"language": "bn", "next": "/"})
    assert _lang(client.get("/", HTTP_ACCEPT_LANGUAGE="en")) == "bn"


def test_the_switch_refuses_a_foreign_next():
    response = Client().post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil" not in response["Location"]


@time_machine.travel(datetime(2026, 11, 22, 4, 0, tzinfo=UTC), tick=False)
def test_bengali_pages_show_bengali_digits_and_both_calendars(settings):
    settings.SHEBA_HELPDESK_PHONE = "16345"
    body = Client().get("/").content.decode()
    assert "২২ নভেম্বর ২০২৬ / ৭ অগ্রহায়ণ ১৪৩৩" in body
    assert ">১৬৩৪৫<" in body
    english = Client().get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "22 November 2026 / 7 Agrohayon 1433" in english
    assert ">16345<" in english


@time_machine.travel(datetime(2026, 11, 22, 4, 0, tzinfo=UTC), tick=False)
def test_bengali_page_text_has_no_ascii_digits_outside_markup():
    """What a reader sees on the Bengali home page is free of 0-9 (URLs and attributes aside)."""
    body = Client().get("/").content.decode()
    main = body[body.index("<main"):body.index("</footer>")]
    text = re.sub(r"<[^>]+>", " ", main)
    assert not re.search(r"[0-9]", text), text


@pytest.mark.urls("sheba.core.tests.urls_test_only")
@pytest.mark.parametrize("content", ["urlencoded", "multipart"])
def test_post_input_is_nfc_normalised(content):
    precomposed_ya = "\u09df"  # য় as one code point: NFC *decomposes* it (a composition exclusion)
    ya_nukta = "\u09af\u09bc"  # য + nukta: what NFC gives
    o_split = "\u0995\u09c7\u09be"  # ক + ে + া typed separately
    o_joined = "\u0995\u09cb"  # কো
    data = {"name": f"{precomposed_ya}{o_split}", f"k{ya_nukta}": "x"}
    if content == "urlencoded":
        from urllib.parse import urlencode

        response = Client().post(
            "/test-only/echo/", urlencode(data), content_type="application/x-www-form-urlencoded"
        )
    else:
        response = Client().post("/test-only/echo/", data)
    posted = response.json()["POST"]
    assert posted["name"] == [f"{ya_nukta}{o_joined}"]
    assert posted["name"][0] == unicodedata.normalize("NFC", data["name"])
    assert posted[f"k{ya_nukta}"] == ["x"]
    # both ways of typing য় now compare equal
    assert unicodedata.normalize("NFC", precomposed_ya) == unicodedata.normalize("NFC", ya_nukta) == ya_nukta


@pytest.mark.urls("sheba.core.tests.urls_test_only")
def test_query_strings_are_nfc_normalised():
    response = Client().get("/test-only/echo/", {"q": "\u0995\u09c7\u09be\u09df"})
    assert response.json()["GET"] == {"q": ["\u0995\u09cb\u09af\u09bc"]}
