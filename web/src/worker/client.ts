import type { AnalysisRequest, AnalysisResponse } from "./protocol";

type Pending = { resolve(v: unknown): void; reject(e: Error): void };

/** The page's handle on the analysis worker: each call is a promise of the worker's answer. */
export class AnalysisClient {
  private worker: Worker;
  private next = 1;
  private pending = new Map<number, Pending>();

  constructor() {
    this.worker = new Worker(new URL("./analysis.worker.ts", import.meta.url), { type: "module" });
    this.worker.onmessage = (e: MessageEvent<AnalysisResponse>) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      if (e.data.ok) p.resolve(e.data.value);
      else p.reject(new Error(e.data.error));
    };
    this.worker.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(e.message || "analysis worker failed"));
      this.pending.clear();
    };
  }

  call<T>(req: AnalysisRequest): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...req, id });
    });
  }

  terminate() {
    this.worker.terminate();
  }
}
