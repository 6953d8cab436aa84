"""The example's typed client describes the API as it is: a changed API fails here until
`npm run gen:api` (in examples/nextjs) rewrites openapi.yaml and src/lib/api/schema.d.ts."""

import subprocess

from .conftest import EXAMPLE

SCHEMA = EXAMPLE / "openapi.yaml"
TYPES = EXAMPLE / "src" / "lib" / "api" / "schema.d.ts"
OPENAPI_TYPESCRIPT = EXAMPLE / "node_modules" / "openapi-typescript" / "bin" / "cli.js"
REGENERATE = "the API changed: run `npm run gen:api` in examples/nextjs and commit the result"


def test_the_committed_schema_is_the_one_the_api_serves(run_manage, tmp_path):
    fresh = tmp_path / "openapi.yaml"

    result = run_manage("spectacular", "--skip-checks", "--file", str(fresh))

    assert result.returncode == 0, result.stderr
    assert fresh.read_text() == SCHEMA.read_text(), REGENERATE


def test_the_committed_types_are_generated_from_the_committed_schema(tmp_path):
    fresh = tmp_path / "schema.d.ts"

    subprocess.run(
        ["node", str(OPENAPI_TYPESCRIPT), str(SCHEMA), "--output", str(fresh)],
        cwd=EXAMPLE,
        check=True,
        capture_output=True,
        timeout=120,
    )

    assert fresh.read_text() == TYPES.read_text(), REGENERATE
