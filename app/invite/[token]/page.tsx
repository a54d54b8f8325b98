import type { Metadata } from "next";
import { InviteView } from "../../_components/people/InviteView";

export const metadata: Metadata = { title: "Invite" };

/** `/invite/<token>`: the link a room's owner sends on a team server (LUXOS_AUTH=required). */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return <InviteView token={decodeURIComponent(token)} />;
}
