import type { Knex } from "knex";

/**
 * The version of the committed data: PostgreSQL's current snapshot (`xmin:xmax:xip…`). It changes
 * whenever any transaction ends, so two reads with the same version saw the same committed data.
 * Read before building a cached answer: a write that commits in between makes the next read's
 * version differ, so a cached answer is never older than its version says.
 */
export async function snapshotVersion(knex: Knex): Promise<string> {
  const { rows } = await knex.raw("SELECT pg_current_snapshot()::text AS v");
  return rows[0].v;
}

/**
 * Share one version read among callers that ask before it is sent: a caller never gets a version
 * read before it asked (so it sees every write that committed before its request), yet 200
 * requests arriving together cost one query.
 */
export function batchedVersion(read: () => Promise<string>): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    if (!pending) {
      pending = new Promise<string>((resolve, reject) => {
        setImmediate(() => {
          pending = undefined;
          read().then(resolve, reject);
        });
      });
    }
    return pending;
  };
}
