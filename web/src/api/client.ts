import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import type { FieldProblem, ProblemBody, ProblemCode, ProblemParams } from "../../../server/schemas/problems";
import { NETWORK_ERROR } from "./problems";

/**
 * A failed API call, carrying the problem+json body when the server sent one: the English `detail`
 * and, for the UI's own language, the problem's `code` with its `params` and each field error's
 * (render them with problemText() in api/problems.ts).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors: FieldProblem[] = [],
    readonly code?: ProblemCode,
    readonly params?: ProblemParams,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

/** The ApiError of a problem body (or of a bare status when there is none). */
function problemError(status: number, body: ProblemBody): ApiError {
  return new ApiError(status, body.title ?? `HTTP ${status}`, body.detail, body.errors ?? [], body.code, body.params);
}

/** GET a JSON resource of our own API; throws ApiError on any failure. */
export async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { Accept: "application/json, application/geo+json" } });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, NETWORK_ERROR, (err as Error).message);
  }
  if (!res.ok) {
    const type = res.headers.get("content-type") ?? "";
    if (type.includes("json")) {
      throw problemError(res.status, (await res.json().catch(() => ({}))) as ProblemBody);
    }
    throw new ApiError(res.status, `HTTP ${res.status}`, res.statusText);
  }
  return (await res.json()) as T;
}

/**
 * GET a GeoJSON FeatureCollection of our API whole: every page, following `links.next` until there
 * is none (a paged layer is never cut at its page size).
 */
export async function fetchAllFeatures<T extends { features: unknown[] }>(url: string, signal?: AbortSignal): Promise<T> {
  type Page = T & { links?: { next?: string }; numberReturned?: number };
  const first = await fetchJson<Page>(url, signal);
  const features = [...first.features];
  const base = new URL(url, globalThis.location?.href);
  for (let page = first; page.links?.next; ) {
    page = await fetchJson<Page>(new URL(page.links.next, base).href, signal);
    features.push(...page.features);
  }
  return { ...first, features, numberReturned: features.length, links: {} };
}

export interface ApiState<T> {
  data: T | undefined;
  isLoading: boolean;
  error: ApiError | undefined;
  reload(): void;
}

// Who reads: counts sign-ins and sign-outs in this page, so the resources whose answer depends on
// the reader (unfinished items, row versions) load again for the new one.
let readerEpoch = 0;
const readerListeners = new Set<() => void>();
/** The session changed hands (signed in or out): per-reader resources load again. */
export function readerChanged() {
  readerEpoch++;
  for (const l of readerListeners) l();
}
function subscribeReader(l: () => void) {
  readerListeners.add(l);
  return () => readerListeners.delete(l);
}
const currentReader = () => readerEpoch;
const noReader = () => 0;

/**
 * Load `url` (null: nothing to load) and follow it when it changes; `perReader`: the answer depends
 * on who is signed in, so it loads again after a sign-in or sign-out; `allPages`: a paged
 * FeatureCollection, loaded whole (fetchAllFeatures).
 */
export function useApi<T>(url: string | null, opts: { perReader?: boolean; allPages?: boolean } = {}): ApiState<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; isLoading: boolean; url: string | null }>({ isLoading: url !== null, url });
  const [attempt, setAttempt] = useState(0);
  const reader = useSyncExternalStore(subscribeReader, opts.perReader ? currentReader : noReader);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` and `reader` are the reload triggers
  useEffect(() => {
    if (url === null) {
      setState({ isLoading: false, url });
      return;
    }
    const ctrl = new AbortController();
    setState((s) => ({ data: s.url === url ? s.data : undefined, isLoading: true, url }));
    const load = opts.allPages ? fetchAllFeatures<T & { features: unknown[] }>(url, ctrl.signal) : fetchJson<T>(url, ctrl.signal);
    load.then(
      (data) => setState({ data, isLoading: false, url }),
      (err: Error) => {
        if (err.name === "AbortError") return;
        setState({ error: err instanceof ApiError ? err : new ApiError(0, err.message), isLoading: false, url });
      },
    );
    return () => ctrl.abort();
  }, [url, attempt, reader]);
  const reload = useCallback(() => setAttempt((a) => a + 1), []);
  return { data: state.data, isLoading: state.isLoading, error: state.error, reload };
}

let csrfToken: string | null = null;
/** Remember the session's CSRF token; every write sends it in the X-CSRF-Token header. */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

/** A write to our API (JSON body, or raw bytes for uploads); throws ApiError with the problem detail. */
export async function sendJson<T>(method: "POST" | "PATCH" | "DELETE", url: string, body?: unknown, raw?: { contentType: string }): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (csrfToken) headers["X-CSRF-Token"] = csrfToken;
  if (body !== undefined) headers["Content-Type"] = raw?.contentType ?? "application/json";
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : raw ? (body as BodyInit) : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, NETWORK_ERROR, (err as Error).message);
  }
  if (!res.ok) {
    throw problemError(res.status, (await res.json().catch(() => ({}))) as ProblemBody);
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/**
 * An API task's state: `run(fn)` sets `busy` while `fn` runs and keeps its failure (as an
 * ApiError) in `error`, cleared by the next success. Forms that send writes use it.
 */
export function useApiTask() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async (fn: () => Promise<void>) => {
    setBusy(true);
    try {
      await fn();
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, (e as Error).message));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
