"""What the project's tests share: the processes they start and the helpers to talk to them.

The root conftest.py loads the fixtures of these modules through
`pytest_plugins`; tests import the helpers (`from testing.http import http`).
"""
