// @ts-check
// Better Auth's hooks that report sign-outs, profile changes, bans, deletions
// and organization memberships to the Todo API. Plain JavaScript, type-checked
// through its comments, so Node runs it as is (the API's interop tests do).
import { createHmac, randomUUID } from "node:crypto";

/**
 * Each event is signed (Standard Webhooks, HMAC-SHA256) and POSTed to the
 * API before Better Auth answers.
 *
 * @param {{ apiUrl: string, secret: string }} options the API's base URL as
 *   this server reaches it, and BETTER_AUTH_WEBHOOK_SECRET (the API's too)
 */
function eventSender({ apiUrl, secret }) {
  const eventsUrl = `${apiUrl.replace(/\/+$/, "")}/api/auth/better-auth/events/`;

  /**
   * @param {string} type
   * @param {Record<string, unknown>} data
   */
  async function sendEvent(type, data) {
    const id = randomUUID();
    const body = JSON.stringify({ type, data });
    // The same id on every attempt: the API applies an event once and answers a repeat with 200.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const timestamp = Math.floor(Date.now() / 1000).toString();
      const signature = createHmac("sha256", secret).update(`${id}.${timestamp}.${body}`).digest("base64");
      try {
        const response = await fetch(eventsUrl, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "webhook-id": id,
            "webhook-timestamp": timestamp,
            "webhook-signature": `v1,${signature}`,
          },
          body,
          signal: AbortSignal.timeout(3000),
        });
        if (!response.ok) console.error(`API answered ${response.status} to ${type}:`, await response.text());
        if (response.status < 500) return;
      } catch (error) {
        console.error(`API unreachable for ${type} (attempt ${attempt}):`, error);
      }
    }
  }
  return sendEvent;
}

/**
 * `databaseHooks` for `betterAuth({...})`.
 *
 * @param {{ apiUrl: string, secret: string }} options as for eventSender
 * @returns {NonNullable<import("better-auth").BetterAuthOptions["databaseHooks"]>}
 */
export function apiEventHooks(options) {
  const sendEvent = eventSender(options);
  return {
    session: {
      delete: {
        after: async (session) => sendEvent("session.deleted", { session_id: session.id, user_id: session.userId }),
      },
    },
    user: {
      update: {
        after: async (user, ctx) => {
          // The admin plugin's fields, when it is installed (absent otherwise).
          const admin = /** @type {{ role?: string, banned?: boolean | null, banExpires?: Date | null }} */ (user);
          await sendEvent("user.updated", {
            user_id: user.id,
            email: user.email,
            name: user.name,
            email_verified: user.emailVerified,
            updated_at: user.updatedAt,
            role: admin.role,
          });
          // A ban holds at the API from the next request; lifting it too (an expired ban ends there by itself).
          if (admin.banned === true) {
            await sendEvent("user.banned", { userId: user.id, banExpires: admin.banExpires ?? null });
          } else if (ctx?.path === "/admin/unban-user") {
            await sendEvent("user.unbanned", { userId: user.id });
          }
        },
      },
      delete: {
        after: async (user) => sendEvent("user.deleted", { user_id: user.id }),
      },
    },
  };
}

/**
 * For the organization plugin: `organizationHooks` for `organization({...})`,
 * and `afterLeave` for `hooks.after` (wrapped in `createAuthMiddleware`):
 * Better Auth runs no organization hook when a member leaves by themselves.
 * The API takes the membership and role from these events alone.
 *
 * @param {{ apiUrl: string, secret: string }} options as for eventSender
 */
export function apiOrganizationHooks(options) {
  const sendEvent = eventSender(options);

  /**
   * @param {string} type
   * @returns {(data: { member: { organizationId: string, userId: string, role: string }, organization: { name: string } }) => Promise<void>}
   */
  const memberEvent = (type) => async ({ member, organization }) =>
    sendEvent(type, {
      organizationId: member.organizationId,
      userId: member.userId,
      role: member.role,
      organizationName: organization.name,
      // When it happened, the same on every retry: a late retry cannot undo a later change.
      occurredAt: Date.now(),
    });

  return {
    organizationHooks: {
      afterAddMember: memberEvent("organization.member.added"),
      afterAcceptInvitation: memberEvent("organization.member.added"),
      afterUpdateMemberRole: memberEvent("organization.member.updated"),
      afterRemoveMember: memberEvent("organization.member.removed"),
      /** @param {{ organization: { id: string } }} data */
      afterDeleteOrganization: async ({ organization }) =>
        sendEvent("organization.deleted", { organizationId: organization.id }),
    },
    /** @param {{ path?: string, context: { returned?: unknown } }} ctx */
    afterLeave: async (ctx) => {
      const member = /** @type {{ organizationId?: string, userId?: string, role?: string }} */ (ctx.context.returned);
      if (ctx.path === "/organization/leave" && member?.organizationId && member.userId) {
        await sendEvent("organization.member.removed", {
          organizationId: member.organizationId,
          userId: member.userId,
          role: member.role,
          occurredAt: Date.now(),
        });
      }
    },
  };
}
