import { ValidationError } from "../errors.js";
import { QueryReader } from "../schemas/query.js";
import { EXPORT_FORMATS, EXPORT_LAYERS, type ExportFormat, type ExportLayer, exportLayer } from "../services/export.js";
import { readCompoundFilters } from "./compounds.js";
import { cacheKey, type HandlerDeps, http } from "./http.js";

// Downloads: compounds and items as GeoJSON, CSV or GeoPackage, filtered like the compounds list.

export function createExportHandlers({ knex, cache }: HandlerDeps) {
  return {
    file: http(async (req, res) => {
      const m = /^(\w+)\.(\w+)$/.exec(String(req.params.file));
      const layer = m?.[1] as ExportLayer | undefined;
      const format = m?.[2] as ExportFormat | undefined;
      if (!layer || !EXPORT_LAYERS.includes(layer) || !format || !EXPORT_FORMATS.includes(format)) {
        throw new ValidationError([
          {
            name: "file",
            reason: `expected one of ${EXPORT_LAYERS.flatMap((l) => EXPORT_FORMATS.map((f) => `${l}.${f}`)).join(", ")}`,
            code: "invalid_value",
            params: { values: EXPORT_LAYERS.flatMap((l) => EXPORT_FORMATS.map((f) => `${l}.${f}`)).join(", ") },
          },
        ]);
      }
      const q = new QueryReader(req.query as Record<string, unknown>);
      const filters = readCompoundFilters(q);
      q.done();
      // The file name carries the day it was made: a new day is a new answer.
      await cache.send(req, res, cacheKey(req, { ...filters, day: new Date().toISOString().slice(0, 10) }), async () => {
        const file = await exportLayer(knex, layer, format, filters, { internal: Boolean(req.user) });
        return { body: file.body, type: file.contentType, fileName: file.fileName };
      });
    }),
  };
}
