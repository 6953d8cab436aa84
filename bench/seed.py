"""Benchmark data, written straight into PostgreSQL (generate_series: a million rows in seconds).

    .venv/bin/python bench/seed.py user SUB EMAIL COUNT   # SUB owns exactly COUNT tasks; prints their ids
    .venv/bin/python bench/seed.py grow USERS PER_USER    # USERS more people with PER_USER tasks each
    .venv/bin/python bench/seed.py api_key SUB            # a new API key of SUB's (both scopes); prints it

Uses DATABASE_URL like the project; never run it against a database you care about.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

# Timestamps spread over the past year, so ordering by created_at has work to do.
TASK_COLUMNS = "id, owner_id, title, description, completed, completed_at, priority, due_date, created_at, updated_at"
TASK_VALUES = (
    "gen_random_uuid(), {owner}, 'task ' || g, 'seeded by bench/seed.py', g %% 3 = 0, "
    "CASE WHEN g %% 3 = 0 THEN now() END, 1 + g %% 3, NULL, "
    "now() - (g * interval '37 seconds'), now() - (g * interval '37 seconds')"
)


def user(sub: str, email: str, count: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_user (id, password, identity, email, name, is_active, is_staff, is_superuser, "
            "email_verified, email_proof, date_joined) "
            "VALUES (%s, '!', 'better_auth', %s, '', true, false, false, false, '', now()) ON CONFLICT (id) DO NOTHING",
            [sub, email],
        )
        cursor.execute("DELETE FROM tasks_task WHERE owner_id = %s", [sub])
        cursor.execute(
            f"INSERT INTO tasks_task ({TASK_COLUMNS}) SELECT {TASK_VALUES.format(owner='%s')} "
            "FROM generate_series(1, %s) AS g RETURNING id",
            [sub, count],
        )
        ids = [str(row[0]) for row in cursor.fetchall()]
    _vacuum_analyze("tasks_task")
    print(",".join(ids[:100]))


def grow(users: int, per_user: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_user WHERE id LIKE 'benchGrow%%'")
        start = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO accounts_user (id, password, identity, email, name, is_active, is_staff, is_superuser, "
            "email_verified, email_proof, date_joined) "
            "SELECT 'benchGrow' || u, '!', 'better_auth', 'grow' || u || '@bench.invalid', '', true, false, false, "
            "false, '', now() "
            "FROM generate_series(%s, %s) AS u",
            [start + 1, start + users],
        )
        cursor.execute(
            f"INSERT INTO tasks_task ({TASK_COLUMNS}) "
            f"SELECT {TASK_VALUES.format(owner=chr(39) + 'benchGrow' + chr(39) + ' || u')} "
            "FROM generate_series(%s, %s) AS u, generate_series(1, %s) AS g",
            [start + 1, start + users, per_user],
        )
    _vacuum_analyze("accounts_user", "tasks_task")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tasks_task")
        print(f"tasks in the table: {cursor.fetchone()[0]}", file=sys.stderr)


def api_key(sub: str) -> None:
    from accounts.models import User
    from accounts.services import api_key_create

    _key, new = api_key_create(
        user=User.objects.get(pk=sub), name="bench", scopes=["tasks:read", "tasks:write"], expires_at=None
    )
    print(new.key)


def _vacuum_analyze(*tables: str) -> None:
    # Reseeding deletes rows; their dead index entries, and pages not yet marked
    # all-visible, made the 10 000-task caller's COUNT(*) visit 20 000 entries and
    # fetch every row from the heap (about 2 ms instead of 0.8). INDEX_CLEANUP ON:
    # with fewer than 2 % of the table's pages touched, VACUUM would skip the
    # indexes (PostgreSQL's bypass) and leave both as they were. Outside a
    # transaction, as VACUUM must run.
    connection.ensure_connection()
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (INDEX_CLEANUP ON, ANALYZE) {table}")


if __name__ == "__main__":
    command, *arguments = sys.argv[1:] or ["help"]
    if command == "user" and len(arguments) == 3:
        user(arguments[0], arguments[1], int(arguments[2]))
    elif command == "api_key" and len(arguments) == 1:
        api_key(arguments[0])
    elif command == "grow" and len(arguments) == 2:
        grow(int(arguments[0]), int(arguments[1]))
    else:
        sys.exit(__doc__)
