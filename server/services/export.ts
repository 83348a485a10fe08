import type { Knex } from "knex";
import { compoundPoints, findItems } from "../db/exports.js";
import { toCsv } from "../../shared/csv.js";
import { writeGeoPackage, type GpkgLayer } from "../export/gpkg.js";
import type { Geometry } from "../export/wkb.js";
import { listCompounds, publishedItem, type CompoundQuery } from "./compounds.js";

export const EXPORT_FORMATS = ["geojson", "csv", "gpkg"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_LAYERS = ["compounds", "items"] as const;
export type ExportLayer = (typeof EXPORT_LAYERS)[number];

/** A compound or renovation item as read for export: GeoJSON geometry in EPSG:4326, or null. */
type Feature = { id: number; geometry: Geometry | null; properties: Record<string, unknown> };

export interface ExportFile {
  body: Buffer;
  contentType: string;
  fileName: string;
}

/**
 * Export compounds or renovation items, filtered like GET /api/compounds, as GeoJSON, CSV
 * (UTF-8 with BOM, lon/lat of a point inside each compound) or GeoPackage (for QGIS/ArcGIS).
 */
export async function exportLayer(
  knex: Knex,
  layer: ExportLayer,
  format: ExportFormat,
  q: Omit<CompoundQuery, "limit" | "afterId">,
  opts: { internal: boolean },
): Promise<ExportFile> {
  const compounds = (await listCompounds(knex, { ...q, limit: 1_000_000 }, opts)).features as Feature[];
  let features: Feature[] = compounds;
  if (layer === "items") {
    const all = (await findItems(knex, { ...q, subdistrictId: undefined })) as Feature[];
    const keep = new Set(compounds.map((c) => c.id));
    features = all.filter((f) => keep.has(f.properties.compoundId as number));
    // The public download follows the public map: unfinished items without their place.
    if (!opts.internal) features = features.map(publishedItem);
  }
  const stamp = new Date().toISOString().slice(0, 10);
  const fileName = `${layer}-${stamp}.${format}`;
  if (format === "geojson") {
    return { body: Buffer.from(JSON.stringify({ type: "FeatureCollection", features })), contentType: "application/geo+json", fileName };
  }
  const keys = [...new Set(features.flatMap((f) => Object.keys(f.properties)))];
  if (format === "csv") {
    if (layer === "compounds") {
      const points = await compoundPoints(
        knex,
        features.map((f) => f.id),
      );
      return {
        body: Buffer.from(
          toCsv(
            [...keys, "lon", "lat"],
            features.map((f) => [...keys.map((k) => f.properties[k]), ...(points.get(f.id) ?? [null, null])]),
          ),
        ),
        contentType: "text/csv; charset=utf-8",
        fileName,
      };
    }
    const rows = features.map((f) => [
      ...keys.map((k) => f.properties[k]),
      f.geometry?.type === "Point" ? f.geometry.coordinates[0] : null,
      f.geometry?.type === "Point" ? f.geometry.coordinates[1] : null,
    ]);
    return { body: Buffer.from(toCsv([...keys, "lon", "lat"], rows)), contentType: "text/csv; charset=utf-8", fileName };
  }
  const gpkg: GpkgLayer = {
    name: layer === "compounds" ? "compounds" : "renovation_items",
    geometryType: layer === "compounds" ? "MULTIPOLYGON" : "GEOMETRY",
    features: features.map((f) => ({ id: f.id, geometry: f.geometry, properties: f.properties })),
  };
  return { body: Buffer.from(await writeGeoPackage([gpkg])), contentType: "application/geopackage+sqlite3", fileName };
}
