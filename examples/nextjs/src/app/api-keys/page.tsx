"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";

import { type ApiError, type ApiKey, type ApiKeyScope } from "@/lib/api/client";
import { useRequiredSession } from "@/lib/session";

import { useApi } from "../api-provider";

const SCOPES: readonly [ApiKeyScope, string][] = [
  ["tasks:read", "Read tasks"],
  ["tasks:write", "Create, change and delete tasks"],
];

// Personal API keys for scripts: `Authorization: Bearer tdk_…` on the task endpoints.
// The API shows a key once, in the answer to its creation; this page keeps it only
// in memory until the person leaves it.
export default function ApiKeysPage() {
  const api = useApi();
  const session = useRequiredSession();
  const userId = session?.user.id;
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState("");

  const report = (problem: ApiError | undefined) => {
    setError(problem ? `${problem.code}: ${problem.detail}` : "");
    return !problem;
  };

  const load = useCallback(async () => {
    const { data, error } = await api.GET("/api/auth/api-keys/");
    if (report(error)) setKeys(data!);
  }, [api]);

  useEffect(() => {
    if (userId) void load();
  }, [userId, load]);

  async function create(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const fields = new FormData(form);
    const scopes = fields.getAll("scopes").map(String) as ApiKeyScope[];
    const expires = String(fields.get("expires_at") ?? "");
    const body = {
      name: String(fields.get("name")),
      scopes,
      expires_at: expires ? new Date(expires).toISOString() : null,
    };
    const { data, error } = await api.POST("/api/auth/api-keys/", { body });
    if (report(error)) {
      setCreated(data!.key);
      form.reset();
      await load();
    }
  }

  async function revoke(key: ApiKey) {
    if (!window.confirm(`Revoke "${key.name}"? Scripts using it stop working at once.`)) return;
    const { error } = await api.DELETE("/api/auth/api-keys/{key_id}/", { params: { path: { key_id: key.id } } });
    if (report(error)) await load();
  }

  if (!session) return <main>Loading…</main>;
  return (
    <main data-user-id={session.user.id}>
      <h1>API keys</h1>
      <nav>
        <Link href="/tasks">Tasks</Link> · <Link href="/account">Account</Link>
      </nav>
      <p>
        For scripts and services: send <code>Authorization: Bearer &lt;key&gt;</code> to <code>/api/tasks/</code>.
        Logging out everywhere, changing your password or deleting your account revokes every key.
      </p>
      {error && <p className="error" role="alert">{error}</p>}
      {created && (
        <div id="new-key" role="status">
          <p>Your new key. Copy it now: it is not shown again.</p>
          <output data-field="key">{created}</output>
          <button onClick={() => setCreated(null)}>Done</button>
        </div>
      )}
      <form onSubmit={create} id="create-key">
        <input type="text" name="name" aria-label="Key name" placeholder="What is it for?" required maxLength={100} />
        {SCOPES.map(([scope, label]) => (
          <label key={scope}>
            <input type="checkbox" name="scopes" value={scope} defaultChecked={scope === "tasks:read"} /> {label}
          </label>
        ))}
        <label>
          Expires <input type="datetime-local" name="expires_at" aria-label="Expires" />
        </label>
        <button type="submit">Create key</button>
      </form>
      {keys === null ? (
        <p>Loading your keys…</p>
      ) : keys.length === 0 ? (
        <p id="no-keys">No keys yet.</p>
      ) : (
        <ul id="keys">
          {keys.map((key) => (
            <li key={key.id} data-key-id={key.id}>
              <strong data-field="name">{key.name}</strong> <code data-field="prefix">{key.prefix}…</code>{" "}
              <span data-field="scopes">{key.scopes.join(", ")}</span>{" "}
              <span data-field="expires_at">
                {key.expires_at ? `expires ${new Date(key.expires_at).toLocaleString()}` : "never expires"}
              </span>{" "}
              <span data-field="last_used_at">
                {key.last_used_at ? `last used ${new Date(key.last_used_at).toLocaleString()}` : "never used"}
              </span>{" "}
              <button onClick={() => revoke(key)}>Revoke</button>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
