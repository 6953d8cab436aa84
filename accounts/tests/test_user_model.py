import bcrypt
import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import IntegrityError, transaction

from accounts.models import USER_ID_PATTERN

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_the_project_uses_the_accounts_user_model():
    assert User._meta.label == "accounts.User"


def test_create_user_normalises_the_email():
    user = User.objects.create_user("  Ada.Lovelace@Example.COM ", password=None, name="Ada")

    assert user.email == "ada.lovelace@example.com"
    assert User.objects.get(pk=user.pk).email == "ada.lovelace@example.com"


def test_an_email_differing_only_in_letter_case_is_refused():
    User.objects.create_user("grace@example.com")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("GRACE@example.com")
    assert User.objects.filter(email__iexact="grace@example.com").count() == 1


def test_the_case_insensitive_constraint_holds_even_when_save_is_bypassed():
    User.objects.create_user("linus@example.com")
    other = User.objects.create_user("other@example.com")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other.pk).update(email="LINUS@example.com")


def test_a_user_created_here_gets_an_id_in_better_auths_default_shape():
    user = User.objects.create_user("new@example.com")

    assert len(user.pk) == 32
    assert user.pk.isalnum()
    assert USER_ID_PATTERN.match(user.pk)


def test_a_better_auth_id_is_kept_exactly_as_given():
    better_auth_id = "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe"
    uuid_id = "0b7f6a9e-3c1d-4e5f-8a2b-9c0d1e2f3a4b"

    User.objects.create_user("ba@example.com", id=better_auth_id)
    User.objects.create_user("uuid@example.com", id=uuid_id)

    assert User.objects.get(pk=better_auth_id).email == "ba@example.com"
    assert User.objects.get(pk=uuid_id).email == "uuid@example.com"


def test_the_stored_password_hash_is_bcrypt_with_cost_12(production_bcrypt_cost):
    user = User.objects.create_user("hash@example.com", password="correct horse battery staple")

    algorithm, bcrypt_hash = user.password.split("$", 1)
    assert algorithm == "bcrypt_sha256"
    assert bcrypt_hash.startswith("$2b$12$")
    assert user.check_password("correct horse battery staple")
    assert not user.check_password("wrong password")


def test_sign_in_by_email_is_case_insensitive(rf):
    User.objects.create_user("case@example.com", password="s3cret-passphrase!")

    # The lockout backend (django-axes) needs the request to know who is signing in.
    user = authenticate(rf.post("/api/token/"), email="CASE@Example.com", password="s3cret-passphrase!")

    assert user is not None and user.email == "case@example.com"


def test_a_pbkdf2_hash_still_verifies_and_is_upgraded_to_bcrypt():
    from django.contrib.auth.hashers import make_password

    user = User.objects.create_user("legacy@example.com")
    user.password = make_password("old-password-123", hasher="pbkdf2_sha256")
    user.save()

    assert user.check_password("old-password-123")
    user.refresh_from_db()
    assert user.password.startswith("bcrypt_sha256$")


def test_create_superuser_makes_an_active_staff_superuser():
    admin = User.objects.create_superuser("Root@Example.com", password="a-long-admin-password")

    assert admin.is_superuser and admin.is_staff and admin.is_active
    assert admin.email == "root@example.com"
    assert admin.check_password("a-long-admin-password")


def test_create_superuser_refuses_is_staff_false():
    with pytest.raises(ValueError):
        User.objects.create_superuser("x@example.com", password="pw", is_staff=False)


def test_a_user_without_a_password_cannot_sign_in():
    user = User.objects.create_user("nopass@example.com")

    assert not user.has_usable_password()


def test_bcrypt_verifies_the_stored_hash_independently_of_django():
    import hashlib

    user = User.objects.create_user("indep@example.com", password="independent check")
    bcrypt_hash = user.password.split("$", 1)[1].encode()
    # Django's bcrypt_sha256 feeds bcrypt the hex SHA-256 of the password.
    prehashed = hashlib.sha256(b"independent check").hexdigest().encode()

    assert bcrypt.checkpw(prehashed, bcrypt_hash)


def test_a_password_typed_in_another_unicode_form_still_verifies():
    composed, decomposed = "caf\u00e9 au lait 42", "cafe\u0301 au lait 42"
    user = User.objects.create_user("unicode@example.com", password=decomposed)

    assert user.check_password(composed)
    assert user.check_password(decomposed)
    assert not user.check_password("cafe au lait 42")
