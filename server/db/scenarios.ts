import type { Knex } from "knex";

// Saved what-if scenarios (table `scenarios`). Column names and SQL stay here; the service layer
// speaks camelCase and does the checks.

export interface ScenarioCounts {
  facilities: number;
  gates: number;
}
export interface ScenarioAuthor {
  id: number;
  name: string;
  displayName: string | null;
}

export interface ScenarioSummary {
  id: number;
  name: string;
  notes: string | null;
  counts: ScenarioCounts;
  createdBy: ScenarioAuthor | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Scenario extends ScenarioSummary {
  changes: { facilities: unknown[]; gates: unknown[] };
}

const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

function selectScenarios(knex: Knex, withChanges: boolean) {
  return knex("scenarios as s")
    .leftJoin("users as u", "u.id", "s.created_by")
    .select(
      "s.id",
      "s.name",
      "s.notes",
      "s.version",
      knex.raw(`jsonb_build_object('facilities', jsonb_array_length(s.changes -> 'facilities'),
                                   'gates', jsonb_array_length(s.changes -> 'gates')) AS counts`),
      knex.raw(`CASE WHEN u.id IS NULL THEN NULL
                ELSE jsonb_build_object('id', u.id, 'name', u.name, 'displayName', u.display_name) END AS "createdBy"`),
      knex.raw(`${iso("s.created_at")} AS "createdAt"`),
      knex.raw(`${iso("s.updated_at")} AS "updatedAt"`),
      ...(withChanges ? ["s.changes"] : []),
    );
}

/** Every scenario without its changes, most recently saved first. */
export async function listScenarios(knex: Knex): Promise<ScenarioSummary[]> {
  return selectScenarios(knex, false).orderBy([
    { column: "s.updated_at", order: "desc" },
    { column: "s.id", order: "desc" },
  ]);
}

/** One scenario as the API returns it, or undefined. */
export async function findScenario(knex: Knex, id: number): Promise<Scenario | undefined> {
  return selectScenarios(knex, true).where("s.id", id).first();
}

/** The row as stored, for the audit log and permission checks. */
export async function scenarioRow(knex: Knex, id: number): Promise<(Record<string, unknown> & { created_by: number | null; version: number }) | undefined> {
  const { rows } = await knex.raw("SELECT to_jsonb(s) AS row FROM scenarios s WHERE id = ?", [id]);
  return rows[0]?.row;
}

export async function insertScenario(knex: Knex, s: { name: string; notes: string | null; changes: unknown; createdBy: number | null }): Promise<number> {
  const [row] = await knex("scenarios")
    .insert({ name: s.name, notes: s.notes, changes: JSON.stringify(s.changes), created_by: s.createdBy })
    .returning("id");
  return row.id;
}

/** Update when `version` matches; false when it does not (or the row is gone). */
export async function updateScenario(
  knex: Knex,
  id: number,
  version: number,
  patch: { name?: string; notes?: string | null; changes?: unknown },
): Promise<boolean> {
  const cols: Record<string, unknown> = {};
  if (patch.name !== undefined) cols.name = patch.name;
  if (patch.notes !== undefined) cols.notes = patch.notes;
  if (patch.changes !== undefined) cols.changes = JSON.stringify(patch.changes);
  // `returning` rather than the affected-row count: the embedded driver does not report it for every statement.
  const rows = await knex("scenarios")
    .where({ id, version })
    .update({ ...cols, updated_at: knex.fn.now(), version: knex.raw("version + 1") }, ["id"]);
  return rows.length === 1;
}

export async function deleteScenario(knex: Knex, id: number, version: number): Promise<boolean> {
  return (await knex("scenarios").where({ id, version }).del(["id"])).length === 1;
}

/** Which of `ids` are amenities. */
export async function existingAmenityIds(knex: Knex, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await knex("amenities")
    .whereIn("id", [...new Set(ids)])
    .select("id");
  return new Set(rows.map((r: { id: number }) => Number(r.id)));
}

/**
 * For each proposed gate (index `i`), the distance in metres from its point to the boundary of
 * compound `compoundId`, measured as the editing API measures gates; `null` when the compound
 * does not exist. One query for the lot.
 */
export async function gateOffsetsM(knex: Knex, gates: Array<{ i: number; compoundId: number; lon: number; lat: number }>): Promise<Map<number, number | null>> {
  if (gates.length === 0) return new Map();
  const { rows } = await knex.raw(
    `
    SELECT g.i, ST_Distance(ST_Boundary(c.geom)::geography, ST_SetSRID(ST_MakePoint(g.lon, g.lat), 4326)::geography) AS d
    FROM jsonb_to_recordset(?::jsonb) AS g(i int, "compoundId" int, lon float8, lat float8)
    LEFT JOIN compounds c ON c.id = g."compoundId"`,
    [JSON.stringify(gates)],
  );
  return new Map(rows.map((r: { i: number; d: number | null }) => [Number(r.i), r.d == null ? null : Number(r.d)]));
}
