import type { Metadata } from "next";
import { RegisterView } from "../_components/people/RegisterView";

export const metadata: Metadata = { title: "Set up" };

export default async function RegisterPage({ searchParams }: { searchParams: Promise<{ setup?: string | string[] }> }) {
  const { setup } = await searchParams;
  return <RegisterView setup={typeof setup === "string" ? setup : null} />;
}
