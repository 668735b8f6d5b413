import type { Metadata } from "next";
import Link from "next/link";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { ActionForm } from "@/components/ui/action-form";
import { getDb } from "@/db/client";
import { acceptInviteAction } from "@/lib/actions/accept-invite";
import { getSessionUser } from "@/lib/auth/session";
import { findPendingInvitation } from "@/lib/orgs/invitations";

export const metadata: Metadata = { title: "Invitation" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const found = await findPendingInvitation(getDb(), token);
  if (!found) {
    return (
      <>
        <h1 className="mb-2 text-xl font-semibold">Invitation not valid</h1>
        <p className="text-sm text-slate-600">
          This link is invalid, was already used, or has expired. Ask an admin of the organisation for a new
          one.
        </p>
      </>
    );
  }
  const { invitation, org } = found;
  const user = await getSessionUser();
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Join {org.name}</h1>
      <p className="mb-4 text-sm text-slate-600">
        You were invited as <b>{invitation.role}</b> ({invitation.email}).
      </p>
      {user ? (
        <ActionForm action={acceptInviteAction} submitLabel={`Join ${org.name}`} hidden={{ token }}>
          <p className="text-sm text-slate-700">Signed in as {user.email}.</p>
        </ActionForm>
      ) : (
        <>
          <SignUpForm invite={token} email={invitation.email} />
          <p className="mt-4 text-sm text-slate-600">
            Already have an account?{" "}
            <Link
              className="text-indigo-700 underline"
              href={`/sign-in?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`}
            >
              Sign in to accept
            </Link>
          </p>
        </>
      )}
    </>
  );
}
