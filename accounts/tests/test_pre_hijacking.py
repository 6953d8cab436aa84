"""The five pre-hijacking attacks of Sudhodanan and Paverd ("Pre-hijacked accounts", USENIX Security 2022).

In each, an attacker prepares an account with the victim's address before the
victim arrives, and hopes to share the account the victim then uses. Each
runs end to end through the HTTP API, with a real Better Auth wherever the
identity provider is Better Auth (the harness's `people`: sign-up there
proves nothing, as Better Auth's `emailAndPassword` does not verify by
default). Each ends the same way: the victim has an account only the victim
reaches, and nothing the attacker holds (passwords, tokens old or new, a
pending link) reaches anything the victim owns.
"""

import pytest
from django.core import mail

from accounts.models import EmailProof, Identity, User

from .claims import ME_URL
from .mailed_links import link_in

pytestmark = pytest.mark.django_db

VICTIM = "victim@example.com"
ATTACKER = "attacker@example.com"
ATTACKER_PASSWORD = "the attacker's passphrase 13"
VICTIM_PASSWORD = "the victim's own passphrase 29"
TASKS_URL = "/api/tasks/"


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def sign_up_here(api_client, email, password):
    response = api_client.post("/api/auth/signup/", {"email": email, "password": password}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def sign_in_here(api_client, email, password):
    return api_client.post("/api/token/", {"email": email, "password": password}, format="json")


def reset_password(api_client, email, password):
    """Forgot password, as the mailbox's owner: ask for the link, open it, choose a password."""
    mail.outbox.clear()
    assert api_client.post("/api/auth/password-reset/", {"email": email}, format="json").status_code == 202
    [message] = mail.outbox
    link = link_in(message)
    response = api_client.post("/api/auth/password-reset/confirm/", link.body(new_password=password), format="json")
    assert response.status_code == 200, response.content
    return message


def add_task(api_client, token, title):
    response = api_client.post(TASKS_URL, {"title": title}, format="json", **bearer(token))
    assert response.status_code == 201, response.content
    return response.json()["id"]


def titles_seen_by(api_client, token):
    response = api_client.get(TASKS_URL, **bearer(token))
    if response.status_code != 200:
        return response.status_code
    return {task["title"] for task in response.json()["results"]}


def me(api_client, token):
    return api_client.get(ME_URL, **bearer(token))


def assert_reaches_nothing_of_the_victims(api_client, token, victim_id):
    """A token of the attacker's reaches the attacker's own account, or none: never the victim's or its tasks."""
    seen = titles_seen_by(api_client, token)
    assert seen == 401 or "the victim's secret plans" not in seen
    answer = me(api_client, token)
    assert answer.status_code == 401 or answer.json()["id"] != victim_id
    assert api_client.get(f"/api/{victim_id}/tasks/", **bearer(token)).status_code in (401, 403)


def test_classic_federated_merge_a_local_squatter_never_shares_the_victims_better_auth_account(
    api_client, better_auth_people
):
    squatter = sign_up_here(api_client, VICTIM, ATTACKER_PASSWORD)
    add_task(api_client, squatter["access"], "planted by the attacker")
    victim_id = better_auth_people.sign_up(VICTIM, VICTIM_PASSWORD)
    better_auth_people.verify_email(VICTIM)
    victim_token = better_auth_people.token(VICTIM, VICTIM_PASSWORD)

    arrived = me(api_client, victim_token)
    add_task(api_client, victim_token, "the victim's secret plans")

    assert arrived.status_code == 200
    assert (arrived.json()["id"], arrived.json()["email"], arrived.json()["email_verified"]) == (
        victim_id,
        VICTIM,
        True,
    )
    assert titles_seen_by(api_client, victim_token) == {"the victim's secret plans"}
    assert sign_in_here(api_client, VICTIM, ATTACKER_PASSWORD).status_code == 401
    for token in (squatter["access"], sign_in_here(api_client, VICTIM, ATTACKER_PASSWORD).json().get("access")):
        if token:
            assert_reaches_nothing_of_the_victims(api_client, token, victim_id)
    assert titles_seen_by(api_client, squatter["access"]) == {"planted by the attacker"}


def test_unexpired_session_the_squatters_tokens_never_reach_the_account_the_victim_resets_into(api_client):
    squatter = sign_up_here(api_client, VICTIM, ATTACKER_PASSWORD)

    reset_password(api_client, VICTIM, VICTIM_PASSWORD)
    victim = sign_in_here(api_client, VICTIM, VICTIM_PASSWORD).json()
    victim_id = me(api_client, victim["access"]).json()["id"]
    add_task(api_client, victim["access"], "the victim's secret plans")
    refreshed = api_client.post("/api/token/refresh/", {"refresh": squatter["refresh"]}, format="json")

    assert victim_id != squatter["user"]["id"]
    assert refreshed.status_code == 200
    for token in (squatter["access"], refreshed.json()["access"]):
        assert_reaches_nothing_of_the_victims(api_client, token, victim_id)
    assert User.objects.get(pk=victim_id).email_proof == EmailProof.PASSWORD_RESET


def test_trojan_identifier_the_attackers_better_auth_identity_never_reaches_the_victims_reset_account(
    api_client, better_auth_people
):
    # The review's attack: a Better Auth identity with the victim's address,
    # seen here first; the victim resets a password for that address.
    attacker_id = better_auth_people.sign_up(VICTIM, ATTACKER_PASSWORD)
    first = better_auth_people.token(VICTIM, ATTACKER_PASSWORD)
    assert me(api_client, first).json()["id"] == attacker_id

    message = reset_password(api_client, VICTIM, VICTIM_PASSWORD)
    victim = sign_in_here(api_client, VICTIM, VICTIM_PASSWORD).json()
    victim_id = me(api_client, victim["access"]).json()["id"]
    add_task(api_client, victim["access"], "the victim's secret plans")
    newly_minted = better_auth_people.token(VICTIM, ATTACKER_PASSWORD)

    assert "new account of your own" in message.body
    assert victim_id != attacker_id
    assert User.objects.get(pk=attacker_id).has_usable_password() is False
    for token in (first, newly_minted):
        assert_reaches_nothing_of_the_victims(api_client, token, victim_id)
    assert me(api_client, newly_minted).json()["email"] != VICTIM
    assert (User.objects.get(pk=victim_id).identity, User.objects.get(email=VICTIM).pk) == (Identity.LOCAL, victim_id)


def test_unexpired_email_change_a_pending_change_never_moves_the_victims_account(api_client):
    squatter = sign_up_here(api_client, VICTIM, ATTACKER_PASSWORD)
    mail.outbox.clear()
    asked = api_client.post(
        "/api/auth/email/change/",
        {"new_email": ATTACKER, "current_password": ATTACKER_PASSWORD},
        format="json",
        **bearer(squatter["access"]),
    )
    [pending] = [message for message in mail.outbox if message.to == [ATTACKER]]

    reset_password(api_client, VICTIM, VICTIM_PASSWORD)
    victim = sign_in_here(api_client, VICTIM, VICTIM_PASSWORD).json()
    victim_id = me(api_client, victim["access"]).json()["id"]
    add_task(api_client, victim["access"], "the victim's secret plans")
    confirmed = api_client.post("/api/auth/email/change/confirm/", link_in(pending).body(), format="json")

    assert asked.status_code == 202
    assert confirmed.status_code == 400
    assert confirmed.json()["code"] == "invalid_link"
    assert User.objects.get(pk=victim_id).email == VICTIM
    assert sign_in_here(api_client, VICTIM, VICTIM_PASSWORD).status_code == 200
    assert sign_in_here(api_client, ATTACKER, ATTACKER_PASSWORD).status_code == 401
    assert_reaches_nothing_of_the_victims(api_client, squatter["access"], victim_id)


def test_unexpired_email_change_a_change_to_the_victims_address_never_takes_it_from_the_victim(api_client, client_for):
    attacker = sign_up_here(api_client, ATTACKER, ATTACKER_PASSWORD)
    mail.outbox.clear()
    api_client.post(
        "/api/auth/email/change/",
        {"new_email": VICTIM, "current_password": ATTACKER_PASSWORD},
        format="json",
        **bearer(attacker["access"]),
    )
    [pending] = [message for message in mail.outbox if message.to == [VICTIM]]
    victim = sign_up_here(api_client, VICTIM, VICTIM_PASSWORD)

    # Even the victim opening the attacker's link by mistake moves nothing away from the victim.
    confirmed = api_client.post("/api/auth/email/change/confirm/", link_in(pending).body(), format="json")

    assert confirmed.status_code == 409
    assert confirmed.json()["code"] == "email_taken"
    assert User.objects.get(email=VICTIM).pk == victim["user"]["id"]
    assert sign_in_here(api_client, VICTIM, VICTIM_PASSWORD).status_code == 200


def test_non_verifying_identity_provider_an_unproven_better_auth_identity_never_shares_the_victims_account(
    api_client, better_auth_people
):
    attacker_id = better_auth_people.sign_up(VICTIM, ATTACKER_PASSWORD)
    attacker_token = better_auth_people.token(VICTIM, ATTACKER_PASSWORD)
    assert me(api_client, attacker_token).json()["email_verified"] is False

    refused = api_client.post("/api/auth/signup/", {"email": VICTIM, "password": VICTIM_PASSWORD}, format="json")
    reset_password(api_client, VICTIM, VICTIM_PASSWORD)
    victim = sign_in_here(api_client, VICTIM, VICTIM_PASSWORD).json()
    victim_id = me(api_client, victim["access"]).json()["id"]
    add_task(api_client, victim["access"], "the victim's secret plans")

    assert refused.status_code == 400
    assert victim_id != attacker_id
    assert_reaches_nothing_of_the_victims(api_client, attacker_token, victim_id)
    assert_reaches_nothing_of_the_victims(api_client, better_auth_people.token(VICTIM, ATTACKER_PASSWORD), victim_id)
    assert User.objects.get(email=VICTIM).pk == victim_id


def test_non_verifying_identity_provider_an_unproven_identity_arriving_later_is_refused_not_merged(
    api_client, better_auth_people
):
    victim = sign_up_here(api_client, VICTIM, VICTIM_PASSWORD)
    better_auth_people.sign_up(VICTIM, ATTACKER_PASSWORD)

    response = me(api_client, better_auth_people.token(VICTIM, ATTACKER_PASSWORD))

    assert response.status_code == 401
    assert response.json()["code"] == "user_conflict"
    assert User.objects.get(email=VICTIM).pk == victim["user"]["id"]
