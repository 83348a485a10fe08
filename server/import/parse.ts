import { Worker } from "node:worker_threads";
import type { CityData } from "../db/seed.js";
import { ImportError, type ImportProblem } from "./errors.js";
import type { ImportReport } from "./osm.js";
import type { Table } from "./table.js";

export interface ParseRequest {
  file: string;
  kind: "osm" | "table";
}

export type ParseReply =
  | { type: "progress"; label: string; done: number; total: number }
  | { type: "osm"; city: CityData; report: ImportReport }
  | { type: "table"; table: Table }
  | { type: "import-error"; problems: ImportProblem[]; file?: string }
  | { type: "failed"; message: string; stack?: string };

export type Parsed = Extract<ParseReply, { type: "osm" } | { type: "table" }>;

/**
 * Read and convert an import file in a worker thread, so that a 200 MB extract does not hold up
 * the requests the app is answering meanwhile. Rejects with the file's ImportError.
 */
export function parseInWorker(req: ParseRequest, onProgress?: (label: string) => (done: number, total: number) => void): Promise<Parsed> {
  const here = import.meta.url;
  const entry = new URL(here.endsWith(".ts") ? "./parse-worker.ts" : "./parse-worker.js", here).href;
  const worker = new Worker(new URL("../worker-boot.mjs", here), { workerData: { ...req, entry } });
  const bars = new Map<string, (done: number, total: number) => void>();
  return new Promise<Parsed>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on("message", (m: ParseReply) => {
      if (m.type === "progress") {
        if (!onProgress) return;
        let bar = bars.get(m.label);
        if (!bar) {
          bar = onProgress(m.label);
          bars.set(m.label, bar);
        }
        bar(m.done, m.total);
      } else if (m.type === "import-error") settle(() => reject(new ImportError(m.problems, m.file)));
      else if (m.type === "failed") {
        const err = new Error(m.message);
        err.stack = m.stack ?? err.stack;
        settle(() => reject(err));
      } else settle(() => resolve(m));
    });
    worker.on("error", (err) => settle(() => reject(err)));
    worker.on("exit", (code) => settle(() => reject(new Error(`the import parser stopped (exit code ${code})`))));
  });
}
