"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";

import { type ApiError, type Profile, forgetToken } from "@/lib/api/client";
import { authClient } from "@/lib/auth-client";
import { useRequiredSession } from "@/lib/session";

import { useApi } from "../api-provider";

// As FileSaver.js does: long enough for the browser to have read the export before its URL goes.
const DOWNLOAD_URL_LIFETIME_MS = 40_000;

export default function AccountPage() {
  const api = useApi();
  const session = useRequiredSession();
  const userId = session?.user.id;
  const [profile, setProfile] = useState<Profile | null>(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");

  const report = (problem: ApiError | undefined) => {
    setError(problem ? `${problem.code}: ${problem.detail}` : "");
    return !problem;
  };

  const load = useCallback(async () => {
    const { data, error } = await api.GET("/api/auth/me/");
    if (report(error)) setProfile(data!);
  }, [api]);

  useEffect(() => {
    if (userId) void load();
  }, [userId, load]);

  async function rename(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name"));
    const { data, error } = await api.PATCH("/api/auth/me/", { body: { name } });
    if (report(error)) {
      setProfile(data!);
      setNotice("Name saved.");
    }
  }

  async function download(profile: Profile) {
    const { data, error } = await api.GET("/api/auth/me/export/", { parseAs: "blob" });
    if (!report(error)) return;
    // The API names the file in Content-Disposition, which a page on another
    // origin cannot read (CORS does not expose it): the same name is made here.
    const link = document.createElement("a");
    link.href = URL.createObjectURL(data!);
    link.download = `account-${profile.id}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), DOWNLOAD_URL_LIFETIME_MS);
  }

  async function deleteAccount() {
    if (!window.confirm("Delete your account and all your tasks? This cannot be undone.")) return;
    // Without a password Better Auth asks for a session younger than a day. Its
    // user.deleted event (src/lib/api-events.mjs) erases the person and their tasks on the API.
    const { error } = await authClient.deleteUser();
    if (error) {
      setError(error.message ?? error.statusText);
      return;
    }
    // useRequiredSession leads to the sign-in page once the session store has seen the session end.
    forgetToken();
  }

  if (!session) return <main>Loading…</main>;
  return (
    <main data-user-id={session.user.id}>
      <h1>Your account</h1>
      <nav>
        <Link href="/tasks">Tasks</Link> · <Link href="/api-keys">API keys</Link>
      </nav>
      {error && <p className="error" role="alert">{error}</p>}
      {notice && <p role="status">{notice}</p>}
      {profile === null ? (
        <p>Loading your profile…</p>
      ) : (
        <>
          <dl id="profile">
            <dt>Email</dt>
            <dd data-field="email">{profile.email}</dd>
            <dt>Email verified</dt>
            <dd data-field="email_verified">{profile.email_verified ? "yes" : "no"}</dd>
            <dt>Name</dt>
            <dd data-field="name">{profile.name}</dd>
            <dt>Joined</dt>
            <dd data-field="date_joined">
              <time dateTime={profile.date_joined}>{new Date(profile.date_joined).toLocaleString()}</time>
            </dd>
          </dl>
          <form onSubmit={rename}>
            <input type="text" name="name" defaultValue={profile.name} aria-label="Name" maxLength={255} />
            <button type="submit">Save name</button>
          </form>
          <button onClick={() => download(profile)}>Download my data</button>
          <button onClick={deleteAccount}>Delete my account</button>
        </>
      )}
    </main>
  );
}
