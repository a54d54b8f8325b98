import { TRPCClientError } from "@trpc/client";

/** What a person should read for a failed call: the server's own words, or why it could not be reached. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const message = String(error.message || "");
    if (/failed to fetch|networkerror|load failed|fetch failed/i.test(message)) {
      return "The LuxOS server did not answer. Check that it is running (npm start), then retry.";
    }
    return message || "The server refused the request without saying why.";
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The tRPC error code (NOT_FOUND, FORBIDDEN, BAD_REQUEST, …) of a failed call, if any. */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  if (typeof data === "object" && data !== null && "code" in data && typeof data.code === "string") return data.code;
  return undefined;
}

/** Field errors ({"genesis.name": "…"}) the server sent for invalid input. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof TRPCClientError)) return {};
  const data: unknown = error.data;
  if (typeof data === "object" && data !== null && "fieldErrors" in data) {
    const fe: unknown = data.fieldErrors;
    if (typeof fe === "object" && fe !== null) {
      return Object.fromEntries(Object.entries(fe).filter((e): e is [string, string] => typeof e[1] === "string"));
    }
  }
  return {};
}

/** A 4xx answer will not change on a retry; only transport and server failures are retried. */
export function retryUnlessClientError(failureCount: number, error: unknown): boolean {
  const code = errorCode(error);
  const clientError = code !== undefined && !["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"].includes(code);
  return !clientError && failureCount < 2;
}
