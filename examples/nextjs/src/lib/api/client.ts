// The Todo API, typed from its OpenAPI schema (schema.d.ts, `npm run gen:api`).
//
// Every request carries a Better Auth token from `authClient.token()`. Tokens
// live 15 minutes: the one in hand is reused until shortly before it expires,
// then `token()` is simply called again (the API's /api/token/refresh/ is for
// its own refresh tokens, not Better Auth's). A 401 `token_not_valid` (expired
// early, revoked, a rotated key) gets one retry with a fresh token; any other
// code is final: `user_inactive`, `user_conflict` and the rest do not change
// with a new token.
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

export function createApi(baseUrl: string) {
  return createClient<paths>({ baseUrl, fetch: fetchWithToken });
}

export type Api = ReturnType<typeof createApi>;
