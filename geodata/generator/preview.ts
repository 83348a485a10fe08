/**
 * Draw a generated city folder as an SVG (for looking at it, not for the app).
 *
 *   npx tsx geodata/generator/preview.ts [DIR] [OUT.svg] [--bbox minLon,minLat,maxLon,maxLat] [--width PX]
 *
 * Convert to PNG with headless Chromium, e.g.
 *   chromium --headless --no-sandbox --screenshot=out.png --window-size=2000,2000 file:///…/out.svg
 */
import fs from "node:fs";
import path from "node:path";
import { DEMO_PLANE } from "../../web/src/analysis/geo.js";

type Pos = [number, number];
interface F<C> {
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: C } | null;
}

// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one SVG pass drawing layer after layer with the shared projection closures (P, px, inView)
function main(): void {
  const args = process.argv.slice(2);
  let bbox: number[] | null = null;
  let width = 2000;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--bbox") bbox = args[++i].split(",").map(Number);
    else if (args[i] === "--width") width = Number(args[++i]);
    else rest.push(args[i]);
  }
  const dir = rest[0] ?? "geodata/demo-city";
  const out = rest[1] ?? "/tmp/city.svg";
  const read = <C>(f: string): F<C>[] => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")).features;
  const meta = JSON.parse(fs.readFileSync(path.join(dir, "meta.json"), "utf8"));
  const [x0, y0, x1, y1] = bbox ?? meta.bbox;
  const kx = Math.cos((meta.center[1] * Math.PI) / 180);
  const height = Math.round((width * (y1 - y0)) / ((x1 - x0) * kx));
  const sx = width / ((x1 - x0) * kx);
  // biome-ignore lint/correctness/noComponentHookFactories: not React; P is the lon/lat to SVG-pixel projection
  const P = ([lon, lat]: Pos) => `${((lon - x0) * kx * sx).toFixed(1)},${((y1 - lat) * sx).toFixed(1)}`;
  const mPerPx = DEMO_PLANE.lonMPerDegAtEquator / sx;
  const px = (m: number) => Math.max(0.4, m / mPerPx);
  const inView = (c: Pos[]) => c.some(([a, b]) => a >= x0 - 0.002 && a <= x1 + 0.002 && b >= y0 - 0.002 && b <= y1 + 0.002);
  const parts: string[] = [];
  const poly = (rings: Pos[][], style: string) => {
    if (!inView(rings[0])) return;
    parts.push(`<path d="${rings.map((r) => `M${r.map(P).join("L")}Z`).join("")}" ${style}/>`);
  };
  parts.push(`<rect width="${width}" height="${height}" fill="#f4f1ea"/>`);
  for (const f of read<Pos[][][]>("communities.geojson"))
    for (const p of f.geometry!.coordinates) poly(p, `fill="none" stroke="#c9a" stroke-width="${px(6)}" stroke-dasharray="8,6"`);
  for (const f of read<Pos[][][]>("subdistricts.geojson"))
    for (const p of f.geometry!.coordinates) poly(p, `fill="none" stroke="#a58" stroke-width="${px(12)}" stroke-dasharray="16,8"`);
  for (const f of read<Pos[][] | Pos[][][]>("water.geojson")) {
    const g = f.geometry!;
    const polys = g.type === "Polygon" ? [g.coordinates as Pos[][]] : (g.coordinates as Pos[][][]);
    for (const p of polys) poly(p, `fill="#9cc8ee" fill-rule="evenodd" stroke="#6aa0d0" stroke-width="1"`);
  }
  const statusFill: Record<string, string> = { unlisted: "#e8e2d6", planned: "#fde4a8", started: "#fdbf6f", completed: "#b2df8a", accepted: "#7fc97f" };
  for (const f of read<Pos[][][]>("compounds.geojson"))
    for (const p of f.geometry!.coordinates) poly(p, `fill="${statusFill[f.properties.status as string]}" stroke="#8a7f6a" stroke-width="${px(0.8)}"`);
  for (const f of read<Pos[][]>("buildings.geojson")) {
    const inC = f.properties.compoundId !== null;
    const fill = !inC ? "#b0a8c8" : f.properties.hasElevator ? (Number(f.properties.floors) >= 8 ? "#777" : "#d33") : "#a89f8f";
    poly(f.geometry!.coordinates, `fill="${fill}" stroke="#554" stroke-width="${px(0.3)}"`);
  }
  const streetW: Record<string, number> = { arterial: 14, branch: 8, alley: 4, footway: 1.6 };
  const streetC: Record<string, string> = { arterial: "#f6c25a", branch: "#ffffff", alley: "#ffffff", footway: "#c77" };
  for (const cls of ["footway", "alley", "branch", "arterial"]) {
    for (const f of read<Pos[]>("streets.geojson")) {
      if (f.properties.class !== cls) continue;
      const c = f.geometry!.coordinates;
      if (!inView(c)) continue;
      const w = px(streetW[cls]);
      const bridge = f.properties.bridge;
      if (cls !== "footway")
        parts.push(
          `<polyline points="${c.map(P).join(" ")}" fill="none" stroke="${bridge ? "#333" : "#999"}" stroke-width="${w + px(2)}" stroke-linecap="round"/>`,
        );
      parts.push(
        `<polyline points="${c.map(P).join(" ")}" fill="none" stroke="${bridge ? "#eee" : streetC[cls]}" stroke-width="${w}" stroke-linecap="round" ${cls === "footway" ? `stroke-dasharray="${px(4)},${px(3)}"` : ""}/>`,
      );
    }
  }
  if (bbox) {
    // walk network nodes when zoomed in
    const wn = JSON.parse(fs.readFileSync(path.join(dir, "walk-network.json"), "utf8"));
    for (const [, lon, lat] of wn.nodes as Array<[number, number, number]>) {
      if (lon < x0 || lon > x1 || lat < y0 || lat > y1) continue;
      const [a, b] = P([lon, lat]).split(",");
      parts.push(`<circle cx="${a}" cy="${b}" r="${px(0.8)}" fill="#357"/>`);
    }
    for (const f of read<Pos>("renovation-items.geojson")) {
      if (!f.geometry) continue;
      const c = f.geometry.coordinates;
      if (!inView([c])) continue;
      const [a, b] = P(c).split(",");
      parts.push(`<rect x="${Number(a) - px(2)}" y="${Number(b) - px(2)}" width="${px(4)}" height="${px(4)}" fill="#0a0"/>`);
    }
  }
  for (const f of read<Pos>("gates.geojson")) {
    const c = f.geometry!.coordinates;
    if (!inView([c])) continue;
    const [a, b] = P(c).split(",");
    parts.push(`<circle cx="${a}" cy="${b}" r="${px(bbox ? 2.5 : 5)}" fill="${f.properties.kind === "main" ? "#d00" : "#f80"}"/>`);
  }
  const catColor = (c: string) =>
    c.includes("kinder") || c.includes("nursery") ? "#e0e" : c.includes("school") ? "#00f" : c.includes("elder") || c.includes("nursing") ? "#0aa" : "#333";
  for (const f of read<Pos>("amenities.geojson")) {
    const c = f.geometry!.coordinates;
    if (!inView([c])) continue;
    const [a, b] = P(c).split(",");
    parts.push(
      `<rect x="${Number(a) - px(6)}" y="${Number(b) - px(6)}" width="${px(12)}" height="${px(12)}" fill="${catColor(String(f.properties.category))}" stroke="#fff" stroke-width="1"/>`,
    );
    if (bbox) parts.push(`<text x="${Number(a) + px(8)}" y="${b}" font-size="${px(8)}" font-family="sans-serif">${f.properties.name}</text>`);
  }
  if (bbox) {
    for (const f of read<Pos[][][]>("compounds.geojson")) {
      const ring = f.geometry!.coordinates[0][0];
      if (!inView(ring)) continue;
      const cx = ring.reduce((s, p) => s + p[0], 0) / ring.length;
      const cy = ring.reduce((s, p) => s + p[1], 0) / ring.length;
      const [a, b] = P([cx, cy]).split(",");
      parts.push(`<text x="${a}" y="${b}" font-size="${px(9)}" text-anchor="middle" font-family="sans-serif" fill="#036">${f.properties.name}</text>`);
    }
  }
  fs.writeFileSync(out, `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join("")}</svg>`);
  console.log(`${out}: ${width}×${height}`);
}

main();
