import type { Metadata } from "next";
import { TimelineView } from "../_components/timeline/TimelineView";

export const metadata: Metadata = { title: "Timeline" };

const one = (value: string | string[] | undefined) => (typeof value === "string" && value !== "" ? value : undefined);

/** /timeline?being=<soul>|room=<id>|trace=<id>|type=<type>|branch=<name>: the flight recorder. */
export default async function TimelinePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  return (
    <TimelineView
      initial={{
        being: one(params["being"]),
        room: one(params["room"]),
        trace: one(params["trace"]),
        type: one(params["type"]),
        branch: one(params["branch"]),
      }}
    />
  );
}
