#!/usr/bin/env node
// Drives REAL Better Auth (pinned in package.json) so the Python test suite can
// obtain genuine Better Auth tokens / database rows.
//
//   node interop/better-auth/harness.mjs mint           < one JSON line on stdin
//   node interop/better-auth/harness.mjs seed-postgres  < one JSON line on stdin
//   node interop/better-auth/harness.mjs events         < a JSON line, then one per step
//   node interop/better-auth/harness.mjs people         < a JSON line, then one per step
//   node interop/better-auth/harness.mjs admin          < a JSON line, then one per step
//
// Contract: exactly ONE JSON line on stdout; all diagnostics go to stderr.
// See README.md for the input/output shapes.

import http from "node:http";
import readline from "node:readline";

// Anything Better Auth logs via console.* must not pollute stdout.
const realStdoutWrite = process.stdout.write.bind(process.stdout);
for (const level of ["log", "info", "debug", "warn"]) {
	console[level] = (...args) => console.error(...args);
}

// Make sure nothing from the environment overrides the secret we pass in.
for (const name of [
	"BETTER_AUTH_SECRET",
	"BETTER_AUTH_SECRETS",
	"AUTH_SECRET",
	"BETTER_AUTH_URL",
	"BETTER_AUTH_TELEMETRY",
]) {
	delete process.env[name];
}

const { betterAuth } = await import("better-auth");
const { jwt } = await import("better-auth/plugins/jwt");
const { organization } = await import("better-auth/plugins/organization");
const { createAuthMiddleware } = await import("better-auth/api");
const { admin } = await import("better-auth/plugins/admin");
const { memoryAdapter } = await import("better-auth/adapters/memory");
const { SignJWT } = await import("jose");
const { apiEventHooks, apiOrganizationHooks } = await import("../../examples/nextjs/src/lib/api-events.mjs");

const log = (...args) => console.error("[better-auth-harness]", ...args);

function emit(obj) {
	realStdoutWrite(`${JSON.stringify(obj)}\n`);
}

/** Read the first newline-terminated line of stdin (or all of it on EOF). */
function readFirstLine() {
	return new Promise((resolve, reject) => {
		let buf = "";
		let done = false;
		const finish = (line) => {
			if (done) return;
			done = true;
			process.stdin.off("data", onData);
			process.stdin.off("end", onEnd);
			process.stdin.off("error", onError);
			resolve(line);
		};
		const onData = (chunk) => {
			buf += chunk;
			const nl = buf.indexOf("\n");
			if (nl !== -1) finish(buf.slice(0, nl));
		};
		const onEnd = () => finish(buf);
		const onError = (err) => {
			if (!done) reject(err);
		};
		process.stdin.setEncoding("utf8");
		process.stdin.on("data", onData);
		process.stdin.on("end", onEnd);
		process.stdin.on("error", onError);
	});
}
// stdin EOF is the shutdown signal for `mint`; remember it whenever it happens.
let stdinEnded = false;
const stdinEnd = new Promise((resolve) => {
	const done = () => {
		stdinEnded = true;
		resolve();
	};
	process.stdin.once("end", done);
	process.stdin.once("close", done);
	process.stdin.once("error", done);
});

function requireString(input, key, { minLength = 1 } = {}) {
	const v = input[key];
	if (typeof v !== "string" || v.length < minLength) {
		throw new Error(`input.${key} must be a string of at least ${minLength} chars`);
	}
	return v;
}

// ---------------------------------------------------------------------------
// Better Auth instances
// ---------------------------------------------------------------------------

function emptyMemoryDb() {
	return {
		user: [],
		session: [],
		account: [],
		verification: [],
		jwks: [],
		// The organization plugin's tables.
		organization: [],
		member: [],
		invitation: [],
	};
}

/** HS256 `jwt.sign` hook: signs Better Auth's payload with the raw UTF-8 secret. */
function hs256Signer(secret) {
	const key = new TextEncoder().encode(secret);
	return async (payload) =>
		await new SignJWT(payload)
			.setProtectedHeader({ alg: "HS256", typ: "JWT" })
			.sign(key);
}

/**
 * @param {object} o
 * @param {string} o.secret
 * @param {string} o.baseURL
 * @param {any} o.database          memoryAdapter(...) or a pg.Pool
 * @param {"hs256"|"eddsa"|null} o.jwtMode
 * @param {string} [o.jwtExpiration] jwt plugin expirationTime (default "15m")
 * @param {string} [o.jwksUrl]       jwks.remoteUrl for hs256 mode
 * @param {number|null} [o.cookieCacheMaxAge]  enable session cookieCache (strategy "jwt")
 */
function makeAuth(o) {
	const plugins = [];
	if (o.jwtMode === "hs256") {
		plugins.push(
			jwt({
				jwks: {
					remoteUrl: o.jwksUrl ?? `${o.baseURL}/api/auth/jwks`,
					keyPairConfig: { alg: "HS256" },
				},
				jwt: {
					...(o.jwtExpiration ? { expirationTime: o.jwtExpiration } : {}),
					sign: hs256Signer(o.secret),
				},
			}),
		);
	} else if (o.jwtMode === "eddsa") {
		plugins.push(
			jwt(o.jwtExpiration ? { jwt: { expirationTime: o.jwtExpiration } } : {}),
		);
	}
	return betterAuth({
		secret: o.secret,
		baseURL: o.baseURL,
		database: o.database,
		emailAndPassword: { enabled: true, autoSignIn: true },
		rateLimit: { enabled: false },
		telemetry: { enabled: false },
		logger: { level: "warn" },
		...(o.cookieCacheMaxAge != null
			? {
					session: {
						cookieCache: {
							enabled: true,
							strategy: "jwt",
							maxAge: o.cookieCacheMaxAge,
						},
					},
				}
			: {}),
		plugins,
	});
}

// ---------------------------------------------------------------------------
// HTTP-equivalent calls through auth.handler
// ---------------------------------------------------------------------------

async function call(auth, baseURL, method, path, { body, cookies } = {}) {
	const headers = new Headers({ origin: baseURL });
	if (body !== undefined) headers.set("content-type", "application/json");
	if (cookies && cookies.size) {
		headers.set(
			"cookie",
			[...cookies].map(([k, v]) => `${k}=${v}`).join("; "),
		);
	}
	const res = await auth.handler(
		new Request(`${baseURL}/api/auth${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		}),
	);
	const text = await res.text();
	let json = null;
	try {
		json = text ? JSON.parse(text) : null;
	} catch {
		json = null;
	}
	if (!res.ok) {
		throw new Error(`${method} ${path} -> HTTP ${res.status}: ${text.slice(0, 500)}`);
	}
	return { res, json, setCookies: parseSetCookies(res.headers) };
}

/** Map of cookie name -> value from the response's Set-Cookie headers. */
function parseSetCookies(headers) {
	const out = new Map();
	const list = typeof headers.getSetCookie === "function" ? headers.getSetCookie() : [];
	for (const sc of list) {
		const first = sc.split(";", 1)[0];
		const eq = first.indexOf("=");
		if (eq === -1) continue;
		out.set(first.slice(0, eq).trim(), first.slice(eq + 1).trim());
	}
	return out;
}

/** Value of cookie `name`, joining `name.0`, `name.1`, ... chunks when chunked. */
function readCookie(cookies, name) {
	const whole = cookies.get(name);
	if (whole) return whole;
	const chunks = [];
	for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`));
	return chunks.length ? chunks.join("") : null;
}

function findCookieName(cookies, suffix) {
	for (const name of cookies.keys()) {
		const base = name.replace(/\.\d+$/, "");
		if (base.endsWith(suffix)) return base;
	}
	return null;
}

async function signUp(auth, baseURL, user) {
	const { json } = await call(auth, baseURL, "POST", "/sign-up/email", {
		body: { email: user.email, password: user.password, name: user.name },
	});
	if (!json?.user?.id) throw new Error(`sign-up returned no user: ${JSON.stringify(json)}`);
	return json.user;
}

/**
 * Sign in and collect: session cookies, the cookie-cache cookie (if enabled),
 * the jwt-plugin token via GET /token and the set-auth-jwt header of /get-session.
 */
async function signInAndCollect(auth, baseURL, user, { wantJwt, wantCookieCache }) {
	const signIn = await call(auth, baseURL, "POST", "/sign-in/email", {
		body: { email: user.email, password: user.password },
	});
	const jar = new Map(signIn.setCookies);
	const sessionCookieName = findCookieName(jar, "session_token");
	if (!sessionCookieName) {
		throw new Error(`sign-in set no session_token cookie; got ${[...jar.keys()]}`);
	}
	const sessionJar = new Map([[sessionCookieName, jar.get(sessionCookieName)]]);
	const out = { userId: signIn.json?.user?.id, cookieNames: [...jar.keys()] };

	if (wantCookieCache) {
		let name = findCookieName(jar, "session_data");
		let value = name ? readCookie(jar, name) : null;
		if (!value) {
			// Fall back to get-session (which refreshes the cookie cache).
			const gs = await call(auth, baseURL, "GET", "/get-session", { cookies: sessionJar });
			name = findCookieName(gs.setCookies, "session_data");
			value = name ? readCookie(gs.setCookies, name) : null;
			out.cookieNames.push(...gs.setCookies.keys());
		}
		if (!value) throw new Error("no session_data cookie set by sign-in or get-session");
		out.cookieCacheName = name;
		out.cookieCache = value;
	}

	if (wantJwt) {
		const tok = await call(auth, baseURL, "GET", "/token", { cookies: sessionJar });
		if (!tok.json?.token) throw new Error(`/token returned ${JSON.stringify(tok.json)}`);
		out.jwt = tok.json.token;
		const gs = await call(auth, baseURL, "GET", "/get-session", { cookies: sessionJar });
		const headerJwt = gs.res.headers.get("set-auth-jwt");
		if (!headerJwt) throw new Error("get-session did not return a set-auth-jwt header");
		const h1 = decodeHeader(out.jwt);
		const h2 = decodeHeader(headerJwt);
		const p1 = Object.keys(decodePayload(out.jwt)).sort().join(",");
		const p2 = Object.keys(decodePayload(headerJwt)).sort().join(",");
		if (JSON.stringify(h1) !== JSON.stringify(h2) || p1 !== p2) {
			throw new Error(
				`/token and set-auth-jwt differ in shape: ${JSON.stringify([h1, h2, p1, p2])}`,
			);
		}
	}
	return out;
}

function b64urlJson(part) {
	return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}
const decodeHeader = (t) => b64urlJson(t.split(".")[0]);
const decodePayload = (t) => b64urlJson(t.split(".")[1]);

// ---------------------------------------------------------------------------
// commands
// ---------------------------------------------------------------------------

async function mint(input) {
	const secret = requireString(input, "secret", { minLength: 32 });
	const otherSecret = requireString(input, "other_secret", { minLength: 32 });
	if (otherSecret === secret) throw new Error("other_secret must differ from secret");
	const baseURL = (input.base_url || "http://localhost:3000").replace(/\/+$/, "");
	const user = {
		email: requireString(input, "email"),
		password: requireString(input, "password", { minLength: 8 }),
		name: typeof input.name === "string" ? input.name : "",
	};
	// Expired variants: Better Auth itself accepts past expirations, so the tokens
	// are already expired when printed (no waiting). `expired_by` seconds (default 600)
	// keeps them well outside any sane clock-skew leeway.
	const expiredBy = Number.isFinite(input.expired_by) ? Math.max(1, Math.floor(input.expired_by)) : 600;

	// JWKS server for the EdDSA instance (start first so we know its URL).
	let jwksBody = null;
	const server = http.createServer((req, res) => {
		const url = new URL(req.url, "http://127.0.0.1");
		if (req.method === "GET" && url.pathname === "/api/auth/jwks" && jwksBody) {
			res.writeHead(200, { "content-type": "application/json" });
			res.end(jwksBody);
		} else {
			res.writeHead(404, { "content-type": "application/json" });
			res.end('{"error":"not found"}');
		}
	});
	await new Promise((resolve, reject) => {
		server.once("error", reject);
		server.listen(0, "127.0.0.1", resolve);
	});
	const jwksUrl = `http://127.0.0.1:${server.address().port}/api/auth/jwks`;

	// One shared in-memory database => one user id across all instances
	// (and one shared JWKS key for the two EdDSA instances).
	const db = emptyMemoryDb();
	const database = memoryAdapter(db);
	const common = { baseURL, database, jwksUrl };

	const hs = makeAuth({ ...common, secret, jwtMode: "hs256", cookieCacheMaxAge: 300 });
	const hsExpired = makeAuth({
		...common,
		secret,
		jwtMode: "hs256",
		jwtExpiration: `-${expiredBy}s`,
		cookieCacheMaxAge: -expiredBy,
	});
	const hsOther = makeAuth({
		...common,
		secret: otherSecret,
		jwtMode: "hs256",
		cookieCacheMaxAge: 300,
	});
	const ed = makeAuth({ ...common, secret, jwtMode: "eddsa", cookieCacheMaxAge: null });
	const edExpired = makeAuth({
		...common,
		secret,
		jwtMode: "eddsa",
		jwtExpiration: `-${expiredBy}s`,
		cookieCacheMaxAge: null,
	});

	const created = await signUp(hs, baseURL, user);
	log(`signed up user ${created.id}`);

	// The EdDSA key pair is created lazily; create it once through the JWKS
	// endpoint before the two EdDSA instances sign concurrently.
	const jwks = (await call(ed, baseURL, "GET", "/jwks")).json;

	const [rHs, rHsExpired, rHsOther, rEd, rEdExpired] = await Promise.all([
		signInAndCollect(hs, baseURL, user, { wantJwt: true, wantCookieCache: true }),
		signInAndCollect(hsExpired, baseURL, user, { wantJwt: true, wantCookieCache: true }),
		signInAndCollect(hsOther, baseURL, user, { wantJwt: true, wantCookieCache: true }),
		signInAndCollect(ed, baseURL, user, { wantJwt: true, wantCookieCache: false }),
		signInAndCollect(edExpired, baseURL, user, { wantJwt: true, wantCookieCache: false }),
	]);
	for (const r of [rHs, rHsExpired, rHsOther, rEd, rEdExpired]) {
		if (r.userId !== created.id) throw new Error(`user id mismatch: ${r.userId} vs ${created.id}`);
	}

	// Serve exactly what Better Auth's own /jwks returns (re-read after signing).
	const jwksAfter = (await call(ed, baseURL, "GET", "/jwks")).json;
	if (!jwksAfter?.keys?.length) throw new Error(`empty JWKS: ${JSON.stringify(jwks)}`);
	jwksBody = JSON.stringify(jwksAfter);

	const claims = decodePayload(rHs.jwt);
	const result = {
		user: { id: created.id, email: created.email, name: created.name },
		tokens: {
			hs256: rHs.jwt,
			cookie_cache: rHs.cookieCache,
			eddsa: rEd.jwt,
			hs256_expired: rHsExpired.jwt,
			cookie_cache_expired: rHsExpired.cookieCache,
			eddsa_expired: rEdExpired.jwt,
			hs256_other_secret: rHsOther.jwt,
			cookie_cache_other_secret: rHsOther.cookieCache,
		},
		jwks_url: jwksUrl,
		issuer: claims.iss,
		audience: claims.aud,
		cookie_cache_cookie_name: rHs.cookieCacheName,
	};
	log(`cookies seen on sign-in: ${[...new Set(rHs.cookieNames)].join(", ")}`);
	emit(result);

	// Keep serving the JWKS until stdin closes or SIGTERM/SIGINT.
	await new Promise((resolve) => {
		if (stdinEnded || process.stdin.readableEnded) return resolve();
		stdinEnd.then(resolve);
		process.once("SIGTERM", resolve);
		process.once("SIGINT", resolve);
		process.stdin.resume();
	});
	log("shutting down");
	server.closeAllConnections?.();
	await new Promise((resolve) => server.close(() => resolve()));
}

async function seedPostgres(input) {
	const secret = requireString(input, "secret", { minLength: 32 });
	const baseURL = (input.base_url || "http://localhost:3000").replace(/\/+$/, "");
	const databaseUrl = requireString(input, "database_url");
	const users = Array.isArray(input.users) ? input.users : [];
	// [{name, slug, members: [{email, role}]}]: the first member creates it (Better Auth makes them owner).
	const organizations = Array.isArray(input.organizations) ? input.organizations : [];

	const { default: pg } = await import("pg");
	const { getMigrations } = await import("better-auth/db/migration");
	const pool = new pg.Pool({ connectionString: databaseUrl });
	try {
		const options = {
			secret,
			baseURL,
			database: pool,
			emailAndPassword: { enabled: true, autoSignIn: true },
			rateLimit: { enabled: false },
			telemetry: { enabled: false },
			logger: { level: "warn" },
			plugins: [organization()],
		};
		const { toBeCreated, toBeAdded, runMigrations } = await getMigrations(options);
		log(
			`migrations: create ${toBeCreated.map((t) => t.table).join(", ") || "-"}; ` +
				`add columns to ${toBeAdded.map((t) => t.table).join(", ") || "-"}`,
		);
		await runMigrations();

		const auth = betterAuth(options);
		const out = [];
		for (const u of users) {
			const created = await signUp(auth, baseURL, {
				email: requireString(u, "email"),
				password: requireString(u, "password", { minLength: 8 }),
				name: typeof u.name === "string" ? u.name : "",
			});
			out.push({ id: created.id, email: created.email, name: created.name });
		}
		const idOf = (email) => out.find((u) => u.email === email.toLowerCase())?.id;
		const orgsOut = [];
		for (const o of organizations) {
			const [creator, ...others] = o.members;
			const made = await auth.api.createOrganization({
				body: { name: requireString(o, "name"), slug: requireString(o, "slug"), userId: idOf(creator.email) },
			});
			for (const m of others) {
				await auth.api.addMember({ body: { userId: idOf(m.email), role: m.role, organizationId: made.id } });
			}
			orgsOut.push({ id: made.id, name: made.name });
		}
		emit({ users: out, organizations: orgsOut });
	} finally {
		await pool.end();
	}
}

/**
 * Records what the hooks (examples/nextjs/src/lib/api-events.mjs, as
 * docs/better-auth.md ships them) posted to the API and what it answered.
 */
function recordDeliveries(eventsUrl, deliveries) {
	const realFetch = globalThis.fetch;
	globalThis.fetch = async (url, init) => {
		if (String(url) !== eventsUrl) return realFetch(url, init);
		const { type, data } = JSON.parse(String(init?.body));
		try {
			const response = await realFetch(url, init);
			deliveries.push({ type, data, status: response.status, body: await response.clone().json().catch(() => null) });
			return response;
		} catch (error) {
			deliveries.push({ type, data, status: null, error: String(error) });
			throw error;
		}
	};
}

/**
 * A Better Auth (mode A: HS256 jwt plugin, `sid` in the payload) whose hooks
 * report to a running API; then one step per stdin line, one answer line each:
 * {"do": "sign-in"} -> {token, session_id, deliveries}; "sign-out";
 * {"do": "update-user", "name"}; {"do": "change-email", "email"}; "delete-user";
 * with the organization plugin: {"do": "sign-up-other", email} -> {token, user_id};
 * {"do": "create-organization", name, slug} -> {organization_id}; {"do": "add-member",
 * organization_id, user_id, role}; "update-member-role" (the same); "remove-member"
 * and "delete-organization" ({organization_id, user_id}); {"do": "leave-organization",
 * organization_id, email}.
 * `deliveries` lists the hook calls the step made and the API's answers.
 * The `admin` command adds Better Auth's admin plugin and an admin (role "admin"), who
 * takes the steps "admin-sign-in" -> {token, session_id}; "impersonate" -> {token,
 * session_id} (acting as the user); {"do": "ban", "expires_in"?}; "unban"; {"do": "set-role", "role"}.
 */
async function events(input, { admin: withAdmin = false } = {}) {
	const secret = requireString(input, "secret", { minLength: 32 });
	const webhookSecret = requireString(input, "webhook_secret", { minLength: 32 });
	const apiUrl = requireString(input, "api_url");
	const baseURL = (input.base_url || "http://localhost:3000").replace(/\/+$/, "");
	const user = {
		email: requireString(input, "email"),
		password: requireString(input, "password", { minLength: 8 }),
		name: typeof input.name === "string" ? input.name : "",
	};
	const deliveries = [];
	recordDeliveries(`${apiUrl.replace(/\/+$/, "")}/api/auth/better-auth/events/`, deliveries);
	const organizationEvents = apiOrganizationHooks({ apiUrl, secret: webhookSecret });
	const db = emptyMemoryDb();
	const auth = betterAuth({
		secret,
		baseURL,
		database: memoryAdapter(db),
		emailAndPassword: { enabled: true, autoSignIn: true },
		user: {
			deleteUser: { enabled: true },
			changeEmail: { enabled: true, updateEmailWithoutVerification: true },
		},
		databaseHooks: apiEventHooks({ apiUrl, secret: webhookSecret }),
		hooks: { after: createAuthMiddleware(organizationEvents.afterLeave) },
		rateLimit: { enabled: false },
		telemetry: { enabled: false },
		logger: { level: "warn" },
		plugins: [
			organization({ organizationHooks: organizationEvents.organizationHooks }),
			jwt({
				jwks: { remoteUrl: `${baseURL}/api/auth/jwks`, keyPairConfig: { alg: "HS256" } },
				jwt: {
					// As examples/nextjs/src/lib/auth.ts and docs/better-auth.md ship it: the session id rides
					// in the token, so the API can refuse it once the session ends, and so does the admin
					// plugin's impersonator.
					definePayload: ({ user, session }) => ({
						...user,
						sid: session.id,
						impersonatedBy: session.impersonatedBy ?? undefined,
					}),
					sign: hs256Signer(secret),
				},
			}),
			...(withAdmin ? [admin()] : []),
		],
	});
	const created = await signUp(auth, baseURL, user);
	let cookies = null;
	// Other people, by email: their session cookies once they sign up.
	const others = new Map();
	const signInAs = async (email, password) => {
		const signIn = await call(auth, baseURL, "POST", "/sign-in/email", { body: { email, password } });
		const name = findCookieName(signIn.setCookies, "session_token");
		const jar = new Map([[name, signIn.setCookies.get(name)]]);
		const { json } = await call(auth, baseURL, "GET", "/token", { cookies: jar });
		return { jar, token: json.token, userId: signIn.json.user.id };
	};
	const memberOf = async (organizationId, userId) => {
		const { json } = await call(auth, baseURL, "GET", `/organization/list-members?organizationId=${organizationId}`, {
			cookies,
		});
		return json.members.find((m) => m.userId === userId);
	};
	const signIn = async (who) => {
		const response = await call(auth, baseURL, "POST", "/sign-in/email", {
			body: { email: who.email, password: who.password },
		});
		const name = findCookieName(response.setCookies, "session_token");
		return new Map([[name, response.setCookies.get(name)]]);
	};
	const tokenFor = async (sessionCookies) => {
		const { json } = await call(auth, baseURL, "GET", "/token", { cookies: sessionCookies });
		return { token: json.token, session_id: decodePayload(json.token).sid };
	};

	const steps = {
		// The organization steps act as the events user (signed in first), who creates and so owns them;
		// "sign-up-other" and "leave-organization" as another person.
		"sign-up-other": async (step) => {
			const other = { email: requireString(step, "email"), password: "other passphrase 42", name: step.name ?? "" };
			await signUp(auth, baseURL, other);
			const signedIn = await signInAs(other.email, other.password);
			others.set(other.email, signedIn.jar);
			return { token: signedIn.token, user_id: signedIn.userId };
		},
		"create-organization": async (step) => {
			const { json } = await call(auth, baseURL, "POST", "/organization/create", {
				body: { name: requireString(step, "name"), slug: requireString(step, "slug") },
				cookies,
			});
			return { organization_id: json.id };
		},
		"add-member": async (step) => {
			await auth.api.addMember({
				body: { userId: step.user_id, role: step.role, organizationId: step.organization_id },
			});
			return {};
		},
		"update-member-role": async (step) => {
			const member = await memberOf(step.organization_id, step.user_id);
			await call(auth, baseURL, "POST", "/organization/update-member-role", {
				body: { memberId: member.id, role: step.role, organizationId: step.organization_id },
				cookies,
			});
			return {};
		},
		"remove-member": async (step) => {
			const member = await memberOf(step.organization_id, step.user_id);
			await call(auth, baseURL, "POST", "/organization/remove-member", {
				body: { memberIdOrEmail: member.id, organizationId: step.organization_id },
				cookies,
			});
			return {};
		},
		"leave-organization": async (step) => {
			await call(auth, baseURL, "POST", "/organization/leave", {
				body: { organizationId: step.organization_id },
				cookies: others.get(requireString(step, "email")),
			});
			return {};
		},
		"delete-organization": async (step) => {
			await call(auth, baseURL, "POST", "/organization/delete", {
				body: { organizationId: step.organization_id },
				cookies,
			});
			return {};
		},
		"sign-in": async () => {
			cookies = await signIn(user);
			return tokenFor(cookies);
		},
		"sign-out": async () => {
			await call(auth, baseURL, "POST", "/sign-out", { body: {}, cookies });
			return {};
		},
		"update-user": async (step) => {
			await call(auth, baseURL, "POST", "/update-user", { body: { name: step.name }, cookies });
			return {};
		},
		"change-email": async (step) => {
			await call(auth, baseURL, "POST", "/change-email", { body: { newEmail: step.email }, cookies });
			user.email = step.email;
			return {};
		},
		"delete-user": async () => {
			await call(auth, baseURL, "POST", "/delete-user", { body: { password: user.password }, cookies });
			return {};
		},
	};
	const ready = { user: { id: created.id, email: created.email, name: created.name } };
	if (withAdmin) {
		const boss = { email: "admin.person@example.com", password: "admin passphrase 42", name: "Admin" };
		const bossUser = await signUp(auth, baseURL, boss);
		// The first admin is made in the database, as Better Auth's docs say (no admin exists to grant it).
		db.user.find((row) => row.id === bossUser.id).role = "admin";
		let bossCookies = await signIn(boss);
		const asAdmin = async (path, body) => {
			await call(auth, baseURL, "POST", path, { body: { userId: created.id, ...body }, cookies: bossCookies });
			return {};
		};
		Object.assign(steps, {
			"admin-sign-in": async () => {
				bossCookies = await signIn(boss);
				return tokenFor(bossCookies);
			},
			impersonate: async () => {
				const response = await call(auth, baseURL, "POST", "/admin/impersonate-user", {
					body: { userId: created.id },
					cookies: bossCookies,
				});
				const name = findCookieName(response.setCookies, "session_token");
				return tokenFor(new Map([[name, response.setCookies.get(name)]]));
			},
			ban: async (step) => asAdmin("/admin/ban-user", step.expires_in ? { banExpiresIn: step.expires_in } : {}),
			unban: async () => asAdmin("/admin/unban-user", {}),
			"set-role": async (step) => asAdmin("/admin/set-role", { role: requireString(step, "role") }),
		});
		ready.admin = { id: bossUser.id };
	}
	await runSteps(steps, deliveries, ready);
}

/**
 * Print `ready`, then run one step per stdin line and print one answer line each,
 * with the `deliveries` the step's hooks made.
 */
async function runSteps(steps, deliveries, ready) {
	// Listening before the first answer: the next step is written only after it.
	const lines = readline.createInterface({ input: process.stdin });
	emit(ready);
	for await (const line of lines) {
		const step = JSON.parse(line);
		const run = steps[step.do];
		if (!run) throw new Error(`unknown step ${JSON.stringify(step.do)}`);
		deliveries.length = 0;
		emit({ ...(await run(step)), deliveries });
	}
}

/**
 * A real Better Auth (HS256 jwt plugin, as the design's mode A) where several
 * people sign up, some prove their address through Better Auth's own
 * verification email, and each signs in for a token; one step per stdin line:
 * {"do": "sign-up", email, password, name} -> {user};
 * {"do": "verify-email", email} -> {} (opens the link Better Auth mailed);
 * {"do": "sign-in", email, password} -> {token, user}.
 * Sign-up does not verify (`emailAndPassword` without `requireEmailVerification`,
 * Better Auth's default): the non-verifying identity provider of the pre-hijacking attacks.
 */
async function people(input) {
	const secret = requireString(input, "secret", { minLength: 32 });
	const baseURL = (input.base_url || "http://localhost:3000").replace(/\/+$/, "");
	const mailed = new Map();
	const auth = betterAuth({
		secret,
		baseURL,
		database: memoryAdapter(emptyMemoryDb()),
		emailAndPassword: { enabled: true, autoSignIn: true },
		emailVerification: {
			sendOnSignUp: true,
			sendVerificationEmail: async ({ user, token }) => {
				mailed.set(user.email.toLowerCase(), token);
			},
		},
		rateLimit: { enabled: false },
		telemetry: { enabled: false },
		logger: { level: "warn" },
		plugins: [
			jwt({
				jwks: { remoteUrl: `${baseURL}/api/auth/jwks`, keyPairConfig: { alg: "HS256" } },
				jwt: { sign: hs256Signer(secret) },
			}),
		],
	});
	const steps = {
		"sign-up": async (step) => ({
			user: await signUp(auth, baseURL, {
				email: requireString(step, "email"),
				password: requireString(step, "password", { minLength: 8 }),
				name: typeof step.name === "string" ? step.name : "",
			}),
		}),
		"verify-email": async (step) => {
			const token = mailed.get(requireString(step, "email").toLowerCase());
			if (!token) throw new Error("Better Auth mailed no verification link to that address");
			await call(auth, baseURL, "GET", `/verify-email?token=${encodeURIComponent(token)}`);
			return {};
		},
		"sign-in": async (step) => {
			const signIn = await call(auth, baseURL, "POST", "/sign-in/email", {
				body: { email: requireString(step, "email"), password: requireString(step, "password") },
			});
			const name = findCookieName(signIn.setCookies, "session_token");
			const cookies = new Map([[name, signIn.setCookies.get(name)]]);
			const { json } = await call(auth, baseURL, "GET", "/token", { cookies });
			return { token: json.token, user: signIn.json.user };
		},
	};
	const lines = readline.createInterface({ input: process.stdin });
	emit({ ready: true });
	for await (const line of lines) {
		const step = JSON.parse(line);
		const run = steps[step.do];
		if (!run) throw new Error(`unknown step ${JSON.stringify(step.do)}`);
		try {
			emit(await run(step));
		} catch (error) {
			emit({ error: String(error?.message ?? error) });
		}
	}
}

// ---------------------------------------------------------------------------

const commands = { mint, "seed-postgres": seedPostgres, events, people, admin: (input) => events(input, { admin: true }) };

async function main() {
	const name = process.argv[2];
	const cmd = commands[name];
	if (!cmd) {
		console.error(`usage: node harness.mjs <${Object.keys(commands).join("|")}>  (JSON on stdin)`);
		process.exit(2);
	}
	const line = await readFirstLine();
	let input;
	try {
		input = JSON.parse(line);
	} catch (err) {
		throw new Error(`stdin is not a JSON object line: ${err.message}`);
	}
	if (!input || typeof input !== "object" || Array.isArray(input)) {
		throw new Error("stdin must be one JSON object");
	}
	const t0 = Date.now();
	await cmd(input);
	log(`${name} done in ${Date.now() - t0} ms`);
}

main().then(
	() => process.exit(0),
	(err) => {
		console.error("[better-auth-harness] error:", err?.stack || err);
		process.exit(1);
	},
);
