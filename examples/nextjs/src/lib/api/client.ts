// The Todo API, typed from its OpenAPI schema (schema.d.ts, `npm run gen:api`).
//
// Every request carries a Better Auth token from `authClient.token()`. Tokens
// live 15 minutes: the one in hand is reused until shortly before it expires,
// then `token()` is simply called again (the API's /api/token/refresh/ is for
// its own refresh tokens, not Better Auth's). A 401 `token_not_valid` (expired
// early, revoked, a rotated key) gets one retry with a fresh token; any other
// code is final: `user_inactive`, `user_conflict` and the rest do not change
// with a new token.
//
// Every POST and PATCH carries an `Idempotency-Key` of its own (128 random bits),
// so it can be sent again safely: when the answer leaves its fate open (no
// answer at all, 502 or 503 from the proxy, 409 `idempotency_key_in_flight`
// while the first attempt still runs), it is sent again with the same key, a
// few times, and the API applies it once. A change to one task sends the
// task's ETag as `If-Match` (`ifMatch(task)`): if another tab changed the task
// since, the API answers 412 `precondition_failed` and changes nothing.
import createClient from "openapi-fetch";

import { authClient } from "@/lib/auth-client";

import type { components, paths } from "./schema";

export type Task = components["schemas"]["Task"];
export type Priority = components["schemas"]["PriorityEnum"];
export type TaskSummary = components["schemas"]["TaskSummary"];
export type Profile = components["schemas"]["User"];
export type ApiError = components["schemas"]["Error"];
export type ApiKey = components["schemas"]["ApiKey"];
export type ApiKeyScope = components["schemas"]["ScopesEnum"];

const RENEW_BEFORE_EXPIRY_MS = 60_000;
let cached: { token: string; expiresAt: number } | null = null;

function expiryOf(token: string): number {
  const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(payload)).exp * 1000;
}

async function freshToken(): Promise<string | null> {
  cached = null;
  const { data, error } = await authClient.token();
  if (error || !data) return null; // nobody is signed in
  cached = { token: data.token, expiresAt: expiryOf(data.token) };
  return data.token;
}

async function currentToken(): Promise<string | null> {
  if (cached && cached.expiresAt - Date.now() > RENEW_BEFORE_EXPIRY_MS) return cached.token;
  return freshToken();
}

/** Drop the token in hand, e.g. on sign-out, so the next person never reuses it. */
export function forgetToken() {
  cached = null;
}

async function send(request: Request, token: string | null): Promise<Response> {
  if (token) request.headers.set("Authorization", `Bearer ${token}`);
  return fetch(request);
}

async function isTokenNotValid(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  const body = await response.clone().json().catch(() => null);
  return body?.code === "token_not_valid";
}

async function fetchWithToken(request: Request): Promise<Response> {
  const retry = request.clone();
  const response = await send(request, await currentToken());
  if (!(await isTokenNotValid(response))) return response;
  return send(retry, await freshToken());
}

const KEYED_METHODS = new Set(["POST", "PATCH"]);
const MAX_ATTEMPTS = 4;

async function fateUnknown(response: Response): Promise<boolean> {
  if (response.status === 502 || response.status === 503) return true;
  if (response.status !== 409) return false;
  const body = await response.clone().json().catch(() => null);
  return body?.code === "idempotency_key_in_flight";
}

// getRandomValues, unlike randomUUID, works on plain-HTTP origins other than localhost too.
function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, 250 * attempt));

async function fetchWithRetries(request: Request): Promise<Response> {
  if (!KEYED_METHODS.has(request.method)) return fetchWithToken(request);
  if (!request.headers.has("Idempotency-Key")) request.headers.set("Idempotency-Key", newIdempotencyKey());
  for (let attempt = 1; ; attempt++) {
    const last = attempt === MAX_ATTEMPTS;
    try {
      const response = await fetchWithToken(last ? request : request.clone());
      if (last || !(await fateUnknown(response))) return response;
    } catch (error) {
      // No answer at all (the network, a proxy cut short): the request may or may not have landed.
      if (last) throw error;
    }
    await pause(attempt);
  }
}

/** The task's ETag, as the API builds it: send it as If-Match to change this version of the task only. */
export function ifMatch(task: Pick<Task, "id" | "updated_at">): string {
  return `"${task.id}@${task.updated_at}"`;
}

export function createApi(baseUrl: string) {
  return createClient<paths>({ baseUrl, fetch: fetchWithRetries });
}

export type Api = ReturnType<typeof createApi>;
