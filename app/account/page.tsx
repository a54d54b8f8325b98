import type { Metadata } from "next";
import { AccountView } from "../_components/people/AccountView";

export const metadata: Metadata = { title: "You" };

export default function AccountPage() {
  return <AccountView />;
}
