"""Imported Better Auth passwords: verified as Better Auth hashed them, then upgraded to bcrypt.

Hashes come from a real Better Auth (sign-ups through the Node harness into
PostgreSQL); sign-in goes through POST /api/token/.
"""

import unicodedata
from io import StringIO

import jwt
import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.management import call_command

from accounts.hashers import BetterAuthScryptPasswordHasher
from accounts.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]

ADA_PASSWORD = "analytical engine 1843"
# "é" as one code point (NFC) at sign-up; as "e" plus a combining accent (NFD) at sign-in.
COMPOSED_PASSWORD = unicodedata.normalize("NFC", "crème brûlée café")
DECOMPOSED_PASSWORD = unicodedata.normalize("NFD", COMPOSED_PASSWORD)

PEOPLE = [
    {"email": "ada@example.com", "password": ADA_PASSWORD, "name": "Ada Lovelace"},
    {"email": "zoe@example.com", "password": COMPOSED_PASSWORD, "name": "Zoé"},
]


@pytest.fixture(scope="module")
def better_auth_db(better_auth_database):
    url, users = better_auth_database(PEOPLE)
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            """SELECT u.email, a.password FROM "user" AS u
               JOIN account AS a ON a."userId" = u.id AND a."providerId" = 'credential'"""
        )
        stored_hashes = dict(rows.fetchall())
    return {"url": url, "ids": {user["email"]: user["id"] for user in users}, "stored_hashes": stored_hashes}


@pytest.fixture
def imported(better_auth_db):
    call_command("import_better_auth_users", "--database-url", better_auth_db["url"], stdout=StringIO())
    return better_auth_db


def sign_in(api_client, email, password):
    return api_client.post("/api/token/", {"email": email, "password": password}, format="json")


def test_the_scrypt_hasher_verifies_a_hash_made_by_better_auth(better_auth_db):
    encoded = BetterAuthScryptPasswordHasher.from_better_auth(better_auth_db["stored_hashes"]["ada@example.com"])

    assert check_password(ADA_PASSWORD, encoded)
    assert not check_password("analytical engine 1842", encoded)


def test_the_scrypt_hasher_accepts_either_unicode_form_as_better_auth_does(better_auth_db):
    assert COMPOSED_PASSWORD != DECOMPOSED_PASSWORD
    hasher = BetterAuthScryptPasswordHasher()
    encoded = hasher.from_better_auth(better_auth_db["stored_hashes"]["zoe@example.com"])

    assert hasher.verify(COMPOSED_PASSWORD, encoded)
    assert hasher.verify(DECOMPOSED_PASSWORD, encoded)


def test_an_imported_person_signs_in_with_their_better_auth_password_and_the_hash_becomes_bcrypt(imported, api_client):
    response = sign_in(api_client, "ada@example.com", ADA_PASSWORD)

    assert response.status_code == 200, response.content
    access = jwt.decode(response.json()["access"], settings.BETTER_AUTH_SECRET, algorithms=["HS256"])
    assert access["sub"] == imported["ids"]["ada@example.com"]
    assert "refresh" in response.json()
    ada = User.objects.get(email="ada@example.com")
    assert ada.password.startswith("bcrypt_sha256$")
    assert ada.check_password(ADA_PASSWORD)


def test_a_wrong_password_is_refused_and_the_imported_hash_kept(imported, api_client):
    response = sign_in(api_client, "ada@example.com", "analytical engine 1842")

    assert response.status_code == 401
    assert response.json()["code"] == "no_active_account"
    assert User.objects.get(email="ada@example.com").password.startswith("better_auth_scrypt$")


def test_a_password_signed_up_composed_signs_in_decomposed(imported, api_client):
    response = sign_in(api_client, "zoe@example.com", DECOMPOSED_PASSWORD)

    assert response.status_code == 200, response.content


def test_importing_again_after_sign_in_keeps_the_upgraded_bcrypt_hash(imported, api_client):
    assert sign_in(api_client, "ada@example.com", ADA_PASSWORD).status_code == 200
    stdout = StringIO()

    call_command("import_better_auth_users", "--database-url", imported["url"], stdout=stdout)

    assert stdout.getvalue() == "created 0, updated 0, unchanged 2, skipped 0.\n"
    assert User.objects.get(email="ada@example.com").password.startswith("bcrypt_sha256$")
