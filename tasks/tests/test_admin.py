"""Support staff find tasks in the admin, and see a person's tasks on their page."""

import pytest

from accounts.tests.factories import UserFactory

from .factories import TaskFactory


@pytest.fixture
def staff_client(client, db, static_files_without_manifest):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_task_list_shows_the_owner_and_finds_tasks_by_owner_email(staff_client, owner):
    TaskFactory(owner=owner, title="Findable")
    TaskFactory(title="Someone else's")

    response = staff_client.get("/admin/tasks/task/", {"q": owner.email})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list.values_list("title", flat=True)) == ["Findable"]
    assert owner.email in response.content.decode()


def test_the_task_list_filters_by_completion(staff_client, owner):
    TaskFactory(owner=owner, title="Done", completed=True)
    TaskFactory(owner=owner, title="Open")

    response = staff_client.get("/admin/tasks/task/", {"completed__exact": "1"})

    assert list(response.context["cl"].result_list.values_list("title", flat=True)) == ["Done"]


def test_the_task_list_costs_the_same_queries_for_many_owners(staff_client, django_assert_max_num_queries):
    TaskFactory.create_batch(3)
    staff_client.get("/admin/tasks/task/")
    with django_assert_max_num_queries(12) as few:
        staff_client.get("/admin/tasks/task/")

    TaskFactory.create_batch(20)
    with django_assert_max_num_queries(len(few)):
        staff_client.get("/admin/tasks/task/")


def test_the_user_page_lists_their_tasks(staff_client, owner):
    TaskFactory(owner=owner, title="On the user page")

    response = staff_client.get(f"/admin/accounts/user/{owner.pk}/change/")

    assert response.status_code == 200
    assert "On the user page" in response.content.decode()


def test_a_task_page_opens_for_editing(staff_client, task):
    response = staff_client.get(f"/admin/tasks/task/{task.pk}/change/")

    assert response.status_code == 200
    assert task.title in response.content.decode()
