// Calling the API from the server: the token comes from this request's session
// cookie. API_URL is read here on the server; the browser never sees it.
import { APIError } from "better-auth/api";
import { headers } from "next/headers";

import { getAuth } from "@/lib/auth";

export async function GET() {
  let token: string;
  try {
    ({ token } = await getAuth().auth.api.getToken({ headers: await headers() }));
  } catch (error) {
    // getToken throws (401 UNAUTHORIZED) when nobody is signed in.
    if (error instanceof APIError) return Response.json({ detail: "Not signed in." }, { status: 401 });
    throw error;
  }
  const response = await fetch(`${process.env.API_URL}/api/auth/me/`, {
    headers: { Authorization: `Bearer ${token}` },
    cache: "no-store",
  });
  return Response.json(await response.json(), { status: response.status });
}
