// Which page a person sees follows Better Auth's session store (`useSession`),
// never the promise of a sign-in or sign-out call. After such a call Better
// Auth refetches the session a moment later; until then the store still holds
// the state from before (after a sign-out: nobody, no longer pending), so a
// page that navigated on the promise would read the old state and send the
// person back (the sign-in "bounce"). Navigating once the store has changed
// makes the next page read the new state.
import { useRouter } from "next/navigation";
import { useEffect } from "react";

import { authClient } from "@/lib/auth-client";

/** For the sign-in page: whoever has a session goes on to their tasks. */
export function useLeaveWhenSignedIn() {
  const router = useRouter();
  const { data: session } = authClient.useSession();
  useEffect(() => {
    if (session) router.replace("/tasks");
  }, [session, router]);
}

/**
 * For pages of a signed-in person: the session, or null while it loads or
 * once it has ended (signed out, account deleted), when the person is sent to
 * the sign-in page.
 */
export function useRequiredSession() {
  const router = useRouter();
  const { data: session, isPending } = authClient.useSession();
  useEffect(() => {
    if (!isPending && !session) router.replace("/");
  }, [isPending, session, router]);
  return session;
}
