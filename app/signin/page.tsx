import type { Metadata } from "next";
import { SignInView } from "../_components/people/SignInView";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  return <SignInView next={typeof next === "string" ? next : null} />;
}
