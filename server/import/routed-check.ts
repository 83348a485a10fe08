import type { Knex } from "knex";
import { attachPoint, createEdgeIndex } from "../../web/src/analysis/attach.js";
import { connectedComponents } from "../../web/src/analysis/components.js";
import { buildWalkGraph } from "../../web/src/analysis/walk-graph.js";
import { amenitiesOfOsm, compoundLabel, gatesOfCompounds, placeAssumedAccess } from "../db/access.js";
import { readWalkNetwork } from "../db/network.js";
import type { ImportWarning } from "./osm-steps/context.js";

/** How far the engine looks for a street (web/src/analysis/attach.ts's default). */
const ATTACH_MAX_M = 500;

/**
 * The import's last steps, on the database it wrote, inside its transaction: "access" (compounds
 * without a walking gate get access points where the routed walk network meets their boundary,
 * server/db/access.ts) and "connectors": every gate and facility of the import is attached the way
 * the engine attaches it — the same function (`attachPoint`) on the same graph the API serves
 * (compound interiors left out) — and reported when its connector is longer than
 * `connectorReportM`, when nothing is within reach, or when it lands on a piece of the network cut
 * off from the main one.
 */
export async function routedNetworkChecks(
  trx: Knex.Transaction,
  opts: { compoundIds: number[]; amenityOsmIds: string[]; accessWithinM: number; connectorReportM: number },
): Promise<{ counts: Record<string, number>; warnings: ImportWarning[] }> {
  const counts: Record<string, number> = {};
  const warnings: ImportWarning[] = [];
  const count = (k: string, n = 1) => {
    counts[k] = (counts[k] ?? 0) + n;
  };
  const access = await placeAssumedAccess(trx, opts.compoundIds, opts.accessWithinM);
  counts.accessPointsAssumed = [...access.points.values()].reduce((s, n) => s + n, 0);
  counts.compoundsAccessAssumed = access.points.size;
  counts.compoundsNoAccess = access.noAccess.length;

  const graph = buildWalkGraph(await readWalkNetwork(trx));
  const index = createEdgeIndex(graph);
  const components = connectedComponents(graph);
  const onMain = (edge: number) => components.componentOfNode[graph.edgeSource[edge]] === 0;
  const m = (v: number) => `${Math.round(v)} m`;

  const gates = await gatesOfCompounds(trx, opts.compoundIds);
  const byCompound = new Map<number, { name: string; osmId: string | null; attached: number; main: number }>();
  for (const g of gates) {
    const c = byCompound.get(g.compoundId) ?? { name: g.compound, osmId: g.compoundOsmId, attached: 0, main: 0 };
    byCompound.set(g.compoundId, c);
    const a = attachPoint(graph, index, g.lon, g.lat, ATTACH_MAX_M);
    const what = g.source === "assumed" ? `an assumed access point of ${g.compound}` : `gate ${g.osmId ?? g.id} of ${g.compound}`;
    if (!a) {
      count("gatesUnattached");
      warnings.push({
        kind: "gate-unattached",
        osmId: g.osmId ?? undefined,
        message: `${what} is more than ${ATTACH_MAX_M} m from the walk network the engine routes on`,
      });
      continue;
    }
    c.attached++;
    if (onMain(a.edge)) c.main++;
    if (a.connectorM > opts.connectorReportM) {
      count("gatesLongConnector");
      warnings.push({
        kind: "long-connector",
        osmId: g.osmId ?? undefined,
        message: `${what} joins the routed walk network ${m(a.connectorM)} away (more than ${opts.connectorReportM} m)`,
        value: Math.round(a.connectorM * 10) / 10,
      });
    }
  }
  for (const id of access.noAccess) {
    const r = await compoundLabel(trx, id);
    warnings.push({
      kind: "no-access",
      osmId: r?.osm_id ?? undefined,
      message: `${r?.name ?? id}: no gate and no walk network within reach of its boundary; shown as "no access", never as covered`,
    });
  }
  for (const [, c] of byCompound) {
    if (c.attached > 0 && c.main === 0) {
      count("compoundsOnIsland");
      warnings.push({
        kind: "on-island",
        osmId: c.osmId ?? undefined,
        message: `${c.name}: every gate joins a piece of the walk network cut off from the main one; its distances cover that piece only`,
      });
    }
  }

  for (const f of await amenitiesOfOsm(trx, opts.amenityOsmIds)) {
    const a = attachPoint(graph, index, f.lon, f.lat, ATTACH_MAX_M);
    if (!a) {
      count("amenitiesUnattached");
      warnings.push({
        kind: "amenity-unattached",
        osmId: f.osmId,
        message: `${f.category} ${f.name} is more than ${ATTACH_MAX_M} m from the walk network the engine routes on; it serves nobody`,
      });
    } else if (a.connectorM > opts.connectorReportM) {
      count("amenitiesLongConnector");
      warnings.push({
        kind: "long-connector",
        osmId: f.osmId,
        message: `${f.category} ${f.name} joins the routed walk network ${m(a.connectorM)} away (more than ${opts.connectorReportM} m)`,
        value: Math.round(a.connectorM * 10) / 10,
      });
    } else if (!onMain(a.edge)) {
      count("amenitiesOnIsland");
      warnings.push({ kind: "on-island", osmId: f.osmId, message: `${f.category} ${f.name} joins a piece of the walk network cut off from the main one` });
    }
  }
  return { counts, warnings };
}
