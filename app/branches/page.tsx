import type { Metadata } from "next";
import { BranchesView } from "../_components/branches/BranchesView";

export const metadata: Metadata = { title: "Branches" };

export default function BranchesPage() {
  return <BranchesView />;
}
