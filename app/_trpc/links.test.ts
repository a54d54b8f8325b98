import { createTRPCClient } from "@trpc/client";
import { afterEach, describe, expect, it } from "vitest";
import type { AppRouter } from "../../server/root";
import { switchBranch } from "../_lib/currentBranch";
import { appLinks } from "./links";

/** A fetch that records each request and answers at once, except a request holding the long poll: that one waits for `release()`. */
function recordingFetch() {
  const requests: { path: string; batch: boolean; calls: string[]; input: unknown }[] = [];
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const fake = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const u = new URL(url instanceof Request ? url.url : url.toString(), "http://luxos.test");
    const calls = decodeURIComponent(u.pathname.replace("/api/trpc/", "")).split(",");
    const batch = u.searchParams.get("batch") === "1";
    const rawInput = u.searchParams.get("input") ?? (typeof init?.body === "string" ? init.body : null);
    requests.push({ path: u.pathname, batch, calls, input: rawInput === null ? undefined : JSON.parse(rawInput) });
    if (calls.includes("timeline.tail")) await held;
    const answer = { result: { data: { ok: true } } };
    return new Response(JSON.stringify(batch ? calls.map(() => answer) : answer), { headers: { "content-type": "application/json" } });
  };
  return { requests, fetch: fake, release: () => release() };
}

describe("the app's tRPC links", () => {
  afterEach(() => switchBranch({ id: "main", name: "main" }));

  it("sends a long poll alone, so ordinary queries made with it answer without waiting for it", async () => {
    const { requests, fetch, release } = recordingFetch();
    const client = createTRPCClient<AppRouter>({ links: appLinks({ url: "http://luxos.test/api/trpc", fetch }) });
    let tailAnswered = false;
    const tail = client.timeline.tail.query({ after: null } as never).then(() => (tailAnswered = true));
    const [info, list] = await Promise.all([client.master.info.query(), client.beings.list.query({})]);
    expect(tailAnswered).toBe(false);
    release();
    await tail;

    expect(info).toEqual({ ok: true });
    expect(list).toEqual({ ok: true });
    const tailRequest = requests.find((r) => r.calls.includes("timeline.tail"))!;
    expect(tailRequest).toMatchObject({ calls: ["timeline.tail"], batch: false });
    expect(
      requests
        .filter((r) => r !== tailRequest)
        .flatMap((r) => r.calls)
        .sort(),
    ).toEqual(["beings.list", "master.info"]);
    expect(requests.filter((r) => r !== tailRequest).every((r) => r.batch)).toBe(true);
  });

  it("adds the app's branch to branch-aware calls that name none, and leaves the others alone", async () => {
    const { requests, fetch } = recordingFetch();
    const client = createTRPCClient<AppRouter>({ links: appLinks({ url: "http://luxos.test/api/trpc", fetch }) });
    switchBranch({ id: "7b0f9c1e-1111-4222-8333-444455556666", name: "try" });
    await client.beings.list.query({ limit: 5 });
    await client.beings.list.query({ limit: 5, branch: "main" });
    await client.master.info.query();
    const inputs = requests.map((r) => (r.batch ? (r.input as Record<string, unknown>)["0"] : r.input));
    expect(inputs).toEqual([{ limit: 5, branch: "7b0f9c1e-1111-4222-8333-444455556666" }, { limit: 5, branch: "main" }, undefined]);
  });
});
