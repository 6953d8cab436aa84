"""Django's PostgreSQL backend, with a connection health check that costs no round trip and psycopg's compiled
timestamptz parser (`base.py`).
"""
