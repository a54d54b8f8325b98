import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { BranchBanner } from "./_components/branches/BranchBanner";
import { NavBar } from "./_components/nav/NavBar";
import { OfflineBanner } from "./_components/pwa/OfflineBanner";
import { ServiceWorkerRegistration } from "./_components/pwa/ServiceWorkerRegistration";
import { SwarmBoot } from "./_swarm/SwarmBoot";
import { Providers } from "./_trpc/client";
import "./globals.css";

export const metadata: Metadata = { title: { default: "LuxOS", template: "%s · LuxOS" }, description: "A home for a swarm of AI beings." };

export const viewport: Viewport = { themeColor: "#4f46e5" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <Providers>
          <SwarmBoot />
          <ServiceWorkerRegistration />
          <NavBar />
          <BranchBanner />
          <OfflineBanner />
          <main className="mx-auto max-w-6xl px-4 py-6 sm:px-6 sm:py-8">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
