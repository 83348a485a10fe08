/**
 * Coordinates as the text nests them: lists of `[x, y]` pairs and of further lists. The depth is not
 * checked here (a POLYGON written with MULTIPOLYGON's nesting parses); `checkGeometry` checks it.
 */
export type WktList = Array<[number, number] | WktList>;

/** Parse WKT POLYGON / MULTIPOLYGON (2D; Z/M dropped) into GeoJSON; throws with a readable reason. */
export function parseWkt(wkt: string): { type: "Polygon" | "MultiPolygon"; coordinates: WktList } {
  const src = wkt.trim().replace(/^SRID=\d+;/i, "");
  const m = /^(MULTIPOLYGON|POLYGON)\s*(?:Z|M|ZM)?\s*(\(.*\))$/is.exec(src);
  if (!m) throw new Error("expected WKT POLYGON((…)) or MULTIPOLYGON(((…)))");
  let i = 0;
  const body = m[2];
  const parseList = (): WktList => {
    if (body[i] !== "(") throw new Error(`expected "(" at character ${i + 1}`);
    i++;
    const items: WktList = [];
    for (;;) {
      while (body[i] === " ") i++;
      if (body[i] === "(") items.push(parseList());
      else {
        const end = body.slice(i).search(/[,)]/);
        if (end < 0) throw new Error("unbalanced parentheses");
        const nums = body
          .slice(i, i + end)
          .trim()
          .split(/\s+/)
          .map(Number);
        if (nums.length < 2 || nums.some((n) => !Number.isFinite(n))) throw new Error(`"${body.slice(i, i + end).trim()}" is not a coordinate pair`);
        items.push([nums[0], nums[1]]);
        i += end;
      }
      while (body[i] === " ") i++;
      if (body[i] === ",") {
        i++;
        continue;
      }
      if (body[i] === ")") {
        i++;
        return items;
      }
      throw new Error(`unexpected "${body[i] ?? "end"}" at character ${i + 1}`);
    }
  };
  const coords = parseList();
  if (i !== body.length) throw new Error("text after the geometry");
  return m[1].toUpperCase() === "POLYGON" ? { type: "Polygon", coordinates: coords } : { type: "MultiPolygon", coordinates: coords };
}
