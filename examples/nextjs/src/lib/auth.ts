// Better Auth on the server. AUTH_MODE picks how its jwt plugin signs the
// tokens the browser sends to the Todo API (docs/better-auth.md):
//   hs256  mode A: HS256 with BETTER_AUTH_SECRET, which the API shares;
//   eddsa  mode C: the plugin's own Ed25519 keys, which the API reads from
//          BETTER_AUTH_JWKS_URL (this app's /api/auth/jwks).
// With BETTER_AUTH_WEBHOOK_SECRET set, sign-outs and deleted or changed users
// reach the API at once (api-events.mjs); without it, tokens live out their 15 minutes.
// The organization plugin's memberships reach the API only through those events.
import { betterAuth } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";
import { jwt, organization } from "better-auth/plugins";
import { SignJWT } from "jose";
import { Pool } from "pg";

import { apiEventHooks, apiOrganizationHooks } from "./api-events.mjs";

export type AuthMode = "hs256" | "eddsa";

function createAuth() {
  const mode = process.env.AUTH_MODE ?? "hs256";
  if (mode !== "hs256" && mode !== "eddsa") {
    throw new Error(`AUTH_MODE must be "hs256" or "eddsa", not ${JSON.stringify(mode)}`);
  }
  const secret = process.env.BETTER_AUTH_SECRET;
  // Origin only: the API compares `iss` and `aud` with JWT_ISSUER/JWT_AUDIENCE exactly.
  const baseURL = (process.env.BETTER_AUTH_URL ?? "http://localhost:3000").replace(/\/+$/, "");
  const signingKey = new TextEncoder().encode(secret);
  const webhookSecret = process.env.BETTER_AUTH_WEBHOOK_SECRET;
  const apiUrl = process.env.API_URL ?? "http://127.0.0.1:8000";
  const organizationEvents = webhookSecret ? apiOrganizationHooks({ apiUrl, secret: webhookSecret }) : undefined;
  // The session id rides in the token (`sid`), so the API can refuse it once that session ends; with
  // Better Auth's admin plugin, so does the admin impersonating the person (`impersonatedBy`), whose
  // writes the API records under their id (docs/better-auth.md, "Better Auth's admin plugin").
  const definePayload = ({
    user,
    session,
  }: {
    user: Record<string, unknown>;
    session: { id: string; impersonatedBy?: string | null };
  }) => ({
    ...user,
    sid: session.id,
    impersonatedBy: session.impersonatedBy ?? undefined,
  });

  const jwtPlugin =
    mode === "hs256"
      ? jwt({
          jwt: {
            expirationTime: "15m",
            definePayload,
            // Better Auth hands over the finished payload (sub, email, name, updatedAt, sid, iat, exp, iss, aud).
            sign: async (payload) =>
              new SignJWT(payload).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(signingKey),
          },
          // Required by Better Auth next to `sign`; it only feeds discovery metadata.
          jwks: { remoteUrl: `${baseURL}/api/auth/jwks`, keyPairConfig: { alg: "HS256" as never } },
        })
      : jwt({ jwt: { expirationTime: "15m", definePayload } });

  const auth = betterAuth({
    secret,
    baseURL,
    // A real database: the API keys its users by Better Auth's user id, so ids
    // must survive restarts (without one, Better Auth keeps users in memory and
    // the same email comes back with a new id, which the API refuses as user_conflict).
    database: new Pool({ connectionString: process.env.DATABASE_URL }),
    emailAndPassword: { enabled: true, autoSignIn: true },
    // The account page's "Delete my account" (a session younger than a day needs no password).
    user: { deleteUser: { enabled: true } },
    ...(webhookSecret ? { databaseHooks: apiEventHooks({ apiUrl, secret: webhookSecret }) } : {}),
    // Better Auth runs no organization hook when a member leaves by themselves: this reports it.
    ...(organizationEvents ? { hooks: { after: createAuthMiddleware(organizationEvents.afterLeave) } } : {}),
    telemetry: { enabled: false },
    // In production Better Auth allows 3 sign-ins or sign-ups per address per
    // 10 s; the end-to-end test signs many people up from one address.
    ...(process.env.AUTH_RATE_LIMIT === "off" ? { rateLimit: { enabled: false } } : {}),
    plugins: [
      jwtPlugin,
      // Teams: the switcher's shared lists. Without the events the API knows no members (every organization 404s).
      organization(organizationEvents ? { organizationHooks: organizationEvents.organizationHooks } : {}),
    ],
  });
  return { auth, mode: mode as AuthMode };
}

let instance: ReturnType<typeof createAuth> | undefined;

/**
 * Better Auth, made on first use: `next build` imports this module without
 * the run-time environment (no secret, no database), and the mode, secret and
 * URLs are read when the server runs, so one build serves either mode.
 */
export function getAuth() {
  instance ??= createAuth();
  return instance;
}
