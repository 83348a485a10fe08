import type { Knex } from "knex";

/**
 * Run a read on one connection of its own and cancel its statement (`pg_cancel_backend`) when
 * `signal` aborts, e.g. when every client waiting for the answer has gone away. Without a signal
 * it simply runs. (The embedded database has one session and cannot interrupt a statement: its
 * callers pass no signal.)
 */
export async function withCancel<T>(knex: Knex, signal: AbortSignal | undefined, run: (q: Knex) => Promise<T>): Promise<T> {
  if (!signal) return run(knex);
  signal.throwIfAborted();
  return knex.transaction(
    async (trx) => {
      const { rows } = await trx.raw("SELECT pg_backend_pid() AS pid");
      const cancel = () => {
        void knex.raw("SELECT pg_cancel_backend(?)", [rows[0].pid]).catch(() => undefined);
      };
      signal.addEventListener("abort", cancel, { once: true });
      try {
        return await run(trx as unknown as Knex);
      } finally {
        signal.removeEventListener("abort", cancel);
      }
    },
    { readOnly: true },
  );
}
