"use client";

import { useState } from "react";

import { authClient } from "@/lib/auth-client";
import { useLeaveWhenSignedIn } from "@/lib/session";

export default function SignInPage() {
  // A successful sign-in or sign-up leads on from here once the session store has the new session.
  useLeaveWhenSignedIn();
  const [error, setError] = useState("");

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement;
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    const password = String(form.get("password"));
    const { error } =
      submitter.value === "sign-up"
        ? await authClient.signUp.email({ email, password, name: String(form.get("name")) })
        : await authClient.signIn.email({ email, password });
    setError(error ? (error.message ?? error.statusText) : "");
  }

  return (
    <main>
      <h1>Todo</h1>
      <p>Sign up, or sign in if you already have an account.</p>
      <form onSubmit={submit}>
        <input type="text" name="name" placeholder="Name (sign-up only)" aria-label="Name" />
        <input type="email" name="email" placeholder="Email" aria-label="Email" required />
        <input type="password" name="password" placeholder="Password (8+ characters)" aria-label="Password" required minLength={8} />
        <button type="submit" name="action" value="sign-up">Sign up</button>
        <button type="submit" name="action" value="sign-in">Sign in</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
    </main>
  );
}
