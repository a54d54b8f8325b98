/**
 * A FIFO queue that runs one request at a time.
 *
 * NOTE: WebLLM's engine must never run two generations at once: concurrent requests to one engine
 * interleave their KV-cache and sampler state and return corrupted or mixed-up text (web-llm issues
 * #522 and #821). Loading a model while a generation runs is just as unsafe. Everything the engine
 * does goes through this queue; the next request starts only when the previous one has settled,
 * even if its caller has already been told it was cancelled.
 */

/** Why a request did not run to its end. */
export class QueueCancelled extends Error {
  override name = "QueueCancelled";
  constructor(
    readonly reason: "cancelled" | "full" | "closed",
    message: string,
  ) {
    super(message);
  }
}

interface Job {
  readonly id: string;
  readonly run: (signal: AbortSignal) => Promise<unknown>;
  readonly controller: AbortController;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export interface RequestQueue {
  /** Runs `run` after every request queued before it; rejects with QueueCancelled if cancelled or refused. */
  enqueue<T>(id: string, run: (signal: AbortSignal, queuedMs: number) => Promise<T>): Promise<T>;
  /** Cancels a waiting request (it never runs) or aborts the running one's signal. Answers whether it found one. */
  cancel(id: string): boolean;
  /** Cancels everything; later requests are refused when `closed`. */
  cancelAll(reason: "cancelled" | "closed"): void;
  readonly running: string | null;
  readonly size: number;
}

export function createRequestQueue(options: { maxQueued: number; now?: () => number }): RequestQueue {
  const now = options.now ?? (() => performance.now());
  const waiting: Job[] = [];
  let current: Job | null = null;
  let closed = false;

  function pump(): void {
    if (current) return;
    const job = waiting.shift();
    if (!job) return;
    current = job;
    const settle = () => {
      current = null;
      pump();
    };
    // NOTE: the caller may already hold a cancellation; the job's own settling is what frees the engine.
    job.run(job.controller.signal).then(job.resolve, job.reject).finally(settle);
  }

  function cancelled(id: string): QueueCancelled {
    return new QueueCancelled("cancelled", `request ${id} was cancelled`);
  }

  return {
    enqueue<T>(id: string, work: (signal: AbortSignal, queuedMs: number) => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(new QueueCancelled("closed", "the LLM worker was closed"));
      if (waiting.length >= options.maxQueued) {
        return Promise.reject(new QueueCancelled("full", `${waiting.length} requests are already waiting for the model; try again when they are done`));
      }
      return new Promise<T>((resolve, reject) => {
        const queuedAt = now();
        let done = false;
        waiting.push({
          id,
          controller: new AbortController(),
          run: (signal) => work(signal, now() - queuedAt),
          resolve: (value) => {
            if (!done) resolve(value as T);
            done = true;
          },
          reject: (error) => {
            if (!done) reject(error instanceof Error ? error : new Error(String(error)));
            done = true;
          },
        });
        pump();
      });
    },

    cancel(id) {
      const index = waiting.findIndex((j) => j.id === id);
      if (index >= 0) {
        const [job] = waiting.splice(index, 1);
        job!.reject(cancelled(id));
        return true;
      }
      if (current?.id === id) {
        current.controller.abort(cancelled(id));
        current.reject(cancelled(id));
        return true;
      }
      return false;
    },

    cancelAll(reason) {
      if (reason === "closed") closed = true;
      for (const job of waiting.splice(0))
        job.reject(new QueueCancelled(reason, `request ${job.id} was ${reason === "closed" ? "dropped: the LLM worker closed" : "cancelled"}`));
      if (current) {
        current.controller.abort(cancelled(current.id));
        current.reject(cancelled(current.id));
      }
    },

    get running() {
      return current?.id ?? null;
    },
    get size() {
      return waiting.length;
    },
  };
}
