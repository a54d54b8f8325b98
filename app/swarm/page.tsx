import type { Metadata } from "next";
import { SwarmView } from "../_components/swarm/SwarmView";

export const metadata: Metadata = { title: "Swarm" };

export default function SwarmPage() {
  return <SwarmView />;
}
