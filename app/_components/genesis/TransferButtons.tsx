"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { beingExportSchema } from "../../../lib/genesis";
import { errorMessage } from "../../_lib/errorMessage";
import { useTRPC, useTRPCClient } from "../../_trpc/client";
import { Button } from "../ui/Button";

/** Export this being as one file; import a being file (here, or in another browser). */
export function TransferButtons({ soul, name, core }: { soul: string; name: string; core: boolean }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const importer = useMutation(trpc.genesis.import.mutationOptions({ onSuccess: (r) => router.push(`/beings/${r.soul}`) }));

  async function exportFile() {
    setProblem(null);
    try {
      const file = await client.genesis.export.query({ soul });
      const url = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2)], { type: "application/json" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = `${name.replace(/[^\w.-]+/g, "_")}.luxos-being.json`;
      a.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      setProblem(errorMessage(error));
    }
  }

  async function importFile(file: File) {
    setProblem(null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      return setProblem(`${file.name} is not JSON: choose a file exported from LuxOS (*.luxos-being.json).`);
    }
    const checked = beingExportSchema.safeParse(parsed);
    if (!checked.success) return setProblem(`${file.name} is not a LuxOS being file: ${checked.error.issues[0]?.message ?? "unknown shape"}.`);
    importer.mutate({ file: checked.data, new_soul_if_taken: true });
  }

  return (
    <div className="flex items-center gap-2">
      {problem && <span className="max-w-xs text-xs text-rose-700">{problem}</span>}
      {importer.isError && <span className="max-w-xs text-xs text-rose-700">{errorMessage(importer.error)}</span>}
      {!core && (
        <Button size="sm" onClick={() => void exportFile()} data-testid="export-being">
          Export
        </Button>
      )}
      <Button size="sm" onClick={() => input.current?.click()} disabled={importer.isPending} data-testid="import-being">
        {importer.isPending ? "Importing…" : "Import…"}
      </Button>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        className="hidden"
        data-testid="import-file"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = "";
          if (f) void importFile(f);
        }}
      />
    </div>
  );
}
