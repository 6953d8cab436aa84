"use client";
// Better Auth's organization plugin, as the tasks page uses it: make an
// organization, invite someone by a link, join through it, remove a member.
// Each of these reaches the API through the hooks in auth.ts before Better
// Auth answers, so the next API call already sees the change.

import { useEffect, useState } from "react";

import type { Organization } from "@/lib/api/client";
import { authClient } from "@/lib/auth-client";

type Report = (message: string) => void;

function slugOf(name: string): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "team";
  return `${base}-${Math.random().toString(36).slice(2, 8)}`;
}

/** With an organization shown: invite by email (a link to send), remove a member. Always: make an organization. */
export function OrganizationTools({ organization, onCreated, onError }: {
  organization: Organization | undefined;
  onCreated: (organizationId: string) => Promise<void>;
  onError: Report;
}) {
  const [invitationLink, setInvitationLink] = useState("");
  const manages = organization && /\b(owner|admin)\b/.test(organization.role);

  async function create(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get("organization"));
    const { data, error } = await authClient.organization.create({ name, slug: slugOf(name) });
    if (error || !data) return onError(error?.message ?? "The organization was not created.");
    form.reset();
    await onCreated(data.id);
  }

  async function invite(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const email = String(new FormData(form).get("email"));
    const { data, error } = await authClient.organization.inviteMember({
      email,
      role: "member",
      organizationId: organization!.id,
    });
    if (error || !data) return onError(error?.message ?? "The invitation was not made.");
    form.reset();
    // What an invitation email would carry.
    setInvitationLink(`${window.location.origin}/tasks?invitation=${data.id}`);
  }

  async function removeMember(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const email = String(new FormData(form).get("email"));
    const { error } = await authClient.organization.removeMember({
      memberIdOrEmail: email,
      organizationId: organization!.id,
    });
    if (error) return onError(error.message ?? "The member was not removed.");
    form.reset();
    onError("");
  }

  return (
    <section id="organizations">
      <form id="new-organization" onSubmit={create}>
        <input type="text" name="organization" placeholder="New organization" aria-label="New organization" required />
        <button type="submit">Create organization</button>
      </form>
      {manages && (
        <>
          <form id="invite" onSubmit={invite}>
            <input type="email" name="email" placeholder="Email to invite" aria-label="Email to invite" required />
            <button type="submit">Invite</button>
          </form>
          {invitationLink && (
            <p>
              Invitation link: <a id="invitation-link" href={invitationLink}>{invitationLink}</a>
            </p>
          )}
          <form id="remove-member" onSubmit={removeMember}>
            <input type="email" name="email" placeholder="Member's email" aria-label="Member's email" required />
            <button type="submit">Remove member</button>
          </form>
        </>
      )}
    </section>
  );
}

/** `/tasks?invitation=<id>`, opened from an invitation link: join that organization. */
export function PendingInvitation({ onJoined, onError }: {
  onJoined: (organizationId: string) => Promise<void>;
  onError: Report;
}) {
  const [invitationId, setInvitationId] = useState<string | null>(null);

  useEffect(() => {
    setInvitationId(new URLSearchParams(window.location.search).get("invitation"));
  }, []);

  async function accept() {
    const { data, error } = await authClient.organization.acceptInvitation({ invitationId: invitationId! });
    if (error || !data) return onError(error?.message ?? "The invitation could not be accepted.");
    setInvitationId(null);
    window.history.replaceState(null, "", "/tasks");
    await onJoined(data.member.organizationId);
  }

  if (!invitationId) return null;
  return (
    <p id="invitation">
      You are invited to an organization. <button onClick={accept}>Join</button>
    </p>
  );
}
