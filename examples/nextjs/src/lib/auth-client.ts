// Better Auth in the browser. No baseURL: the auth routes are on this page's own origin.
import { jwtClient, organizationClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";

export const authClient = createAuthClient({ plugins: [jwtClient(), organizationClient()] });
