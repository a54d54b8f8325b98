import type { Metadata } from "next";
import { BeingView } from "../../_components/being/BeingView";

export const metadata: Metadata = { title: "Being" };

export default async function BeingPage({ params }: { params: Promise<{ soul: string }> }) {
  const { soul } = await params;
  return <BeingView soul={soul} />;
}
