import pytest

from accounts.tests.factories import UserFactory

from .factories import TaskFactory

# The two URL shapes of every task endpoint; `{user_id}` is the caller's id.
SHAPES = {
    "plain": "/api/tasks/",
    "user": "/api/{user_id}/tasks/",
}


@pytest.fixture
def owner(db):
    return UserFactory()


@pytest.fixture
def stranger(db):
    return UserFactory()


@pytest.fixture
def owner_client(client_for, owner):
    return client_for(owner)


@pytest.fixture
def stranger_client(client_for, stranger):
    return client_for(stranger)


@pytest.fixture
def task(owner):
    return TaskFactory(owner=owner)


@pytest.fixture(params=list(SHAPES.values()), ids=list(SHAPES))
def tasks_url(request, owner):
    """The owner's task collection, in each URL shape in turn."""
    return request.param.format(user_id=owner.pk)
