// Parsing an import file off the event loop: a worker thread reads and converts the file (OSM XML
// or PBF into a city, CSV or XLSX into a table) and posts the result, its progress on the way, or
// the ImportError that says what is wrong with the file.
import { parentPort, workerData } from "node:worker_threads";
import { ImportError } from "./errors.js";
import type { ParseReply, ParseRequest } from "./parse.js";

const req = workerData as ParseRequest;
const send = (m: ParseReply) => parentPort!.postMessage(m);
const progress = (label: string) => (done: number, total: number) => send({ type: "progress", label, done, total });

try {
  if (req.kind === "osm") {
    const { osmToCity, readOsm } = await import("./osm.js");
    const data = readOsm(req.file, progress("reading"));
    const { city, report } = osmToCity(data);
    send({ type: "osm", city, report });
  } else {
    const { readTable } = await import("./table.js");
    send({ type: "table", table: await readTable(req.file) });
  }
} catch (err) {
  if (err instanceof ImportError) send({ type: "import-error", problems: err.problems, file: err.file });
  else send({ type: "failed", message: (err as Error)?.message ?? String(err), stack: (err as Error)?.stack });
}
