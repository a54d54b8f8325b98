import type { Metadata } from "next";
import { BeingsView } from "../_components/beings/BeingsView";

export const metadata: Metadata = { title: "Beings" };

export default function BeingsPage() {
  return <BeingsView />;
}
