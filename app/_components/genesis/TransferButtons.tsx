"use client";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { beingExportSchema, decodeMicroWorld, encodeMicroWorld, MicroWorldFileError, type BeingExport } from "../../../lib/genesis";
import { errorMessage } from "../../_lib/errorMessage";
import { recordOfBeing } from "../../_swarm/recordOfBeing";
import { getSwarmHost } from "../../_swarm/swarmSingleton";
import { useTRPCClient } from "../../_trpc/client";
import { Button } from "../ui/Button";

const kb = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024)).toLocaleString("en")} KB`;

/**
 * Export this being as one file (its record, versions, lineage and, when this browser holds it, its micro-world);
 * import a being file here or in another browser: the micro-world is checked before anything is written, then
 * restored, and the being starts here with its memories and facts (seed 000, migration).
 */
export function TransferButtons({ soul, name, core }: { soul: string; name: string; core: boolean }) {
  const client = useTRPCClient();
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState<"export" | "import" | null>(null);

  async function exportFile() {
    setProblem(null);
    setNote(null);
    setBusy("export");
    try {
      const file = await client.genesis.export.query({ soul });
      const image = await (await getSwarmHost(client)).exportMicroWorld(soul);
      const full: BeingExport = { ...file, micro_world: image ? await encodeMicroWorld(image) : null };
      const url = URL.createObjectURL(new Blob([JSON.stringify(full)], { type: "application/json" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = `${name.replace(/[^\w.-]+/g, "_")}.luxos-being.json`;
      a.click();
      URL.revokeObjectURL(url);
      setNote(image ? `Exported with its micro-world (${kb(image.length)}).` : "Exported without a micro-world: this browser holds none for this being.");
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(null);
    }
  }

  async function importFile(picked: File) {
    setProblem(null);
    setNote(null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await picked.text());
    } catch {
      return setProblem(`${picked.name} is not JSON: choose a file exported from LuxOS (*.luxos-being.json).`);
    }
    const checked = beingExportSchema.safeParse(parsed);
    if (!checked.success) return setProblem(`${picked.name} is not a LuxOS being file: ${checked.error.issues[0]?.message ?? "unknown shape"}.`);
    const file = checked.data;
    setBusy("import");
    try {
      // Every check comes first: a bad micro-world stops the import before the master or OPFS is touched.
      let image: Uint8Array | null = null;
      const host = await getSwarmHost(client);
      if (file.micro_world) {
        image = await decodeMicroWorld(file.micro_world);
        await host.checkMicroWorld(image.slice());
      }
      const imported = await client.genesis.import.mutate({ file: { ...file, micro_world: null }, new_soul_if_taken: true });
      if (image) {
        try {
          await host.importMicroWorld(imported.soul, image);
        } catch (error) {
          throw new Error(`${name} was imported at the master, but its micro-world could not be stored in this browser: ${errorMessage(error)}`);
        }
        await host.adopt(recordOfBeing(imported.soul, file.being.genesis, file.being.attributes));
      }
      router.push(`/beings/${imported.soul}`);
    } catch (error) {
      const message = errorMessage(error);
      setProblem(error instanceof MicroWorldFileError || /micro-world/.test(message) ? `${picked.name} was not imported: ${message}` : message);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      {problem && (
        <span role="alert" className="max-w-md text-xs text-rose-700" data-testid="transfer-problem">
          {problem}
        </span>
      )}
      {note && (
        <span className="max-w-xs text-xs text-slate-500" data-testid="transfer-note">
          {note}
        </span>
      )}
      {!core && (
        <Button size="sm" onClick={() => void exportFile()} disabled={busy !== null} data-testid="export-being">
          {busy === "export" ? "Exporting…" : "Export"}
        </Button>
      )}
      <Button size="sm" onClick={() => input.current?.click()} disabled={busy !== null} data-testid="import-being">
        {busy === "import" ? "Importing…" : "Import…"}
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
