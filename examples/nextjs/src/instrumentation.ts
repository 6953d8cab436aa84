// Runs once when the Next.js server starts: creates or updates Better Auth's
// tables (user, session, account, verification, jwks, and the organization
// plugin's organization, member, invitation), so a fresh database
// needs no separate migration step.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getAuth } = await import("./lib/auth");
  const { auth, mode } = getAuth();
  const context = await auth.$context;
  await context.runMigrations();
  console.log(`Better Auth ready: mode ${mode === "hs256" ? "A (HS256)" : "C (EdDSA, JWKS)"} at ${context.baseURL}`);
}
