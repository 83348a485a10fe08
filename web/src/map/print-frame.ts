// A printed map frame: the map drawn as an image over known bounds, and what a printed map needs
// beside it (an outline drawn over it, a scale bar). Pure functions: the report components draw
// them as SVG over the image, so they print sharp at any paper size.
import { geodesicM } from "../analysis/geo";

/** The map as captured: a PNG data URL, the bounds it shows ([west, south, east, north]) and its size in pixels. */
export interface MapFrame {
  image: string;
  bounds: [number, number, number, number];
  width: number;
  height: number;
}

/** Show `bounds` on the map and return it drawn (null when the map cannot be captured). */
export type CaptureMap = (bounds: [number, number, number, number]) => Promise<MapFrame | null>;

const RAD = Math.PI / 180;
const mercatorY = (lat: number) => Math.log(Math.tan(Math.PI / 4 + (lat * RAD) / 2));

/**
 * Web Mercator (what MapLibre draws) from [lon, lat] to pixels of the frame: x from the west edge,
 * y from the north edge.
 */
export function frameProjector(frame: Pick<MapFrame, "bounds" | "width" | "height">): (p: readonly [number, number]) => [number, number] {
  const [w, s, e, n] = frame.bounds;
  const yN = mercatorY(n);
  const yS = mercatorY(s);
  return ([lon, lat]) => [((lon - w) / (e - w)) * frame.width, ((yN - mercatorY(lat)) / (yN - yS)) * frame.height];
}

/** An SVG path (`d`) of polygon rings ([lon, lat]) in frame pixels. */
export function ringsPath(rings: ReadonlyArray<ReadonlyArray<readonly [number, number]>>, project: (p: readonly [number, number]) => [number, number]): string {
  return rings
    .map((ring) =>
      ring
        .map((p, i) => {
          const [x, y] = project(p);
          return `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
        })
        .join(""),
    )
    .map((d) => `${d}Z`)
    .join("");
}

/** The rings of a Polygon or MultiPolygon geometry, for {@link ringsPath}. */
export function polygonRings(geometry: { type: string; coordinates: unknown } | null | undefined): Array<Array<[number, number]>> {
  if (!geometry) return [];
  if (geometry.type === "Polygon") return geometry.coordinates as Array<Array<[number, number]>>;
  if (geometry.type === "MultiPolygon") return (geometry.coordinates as Array<Array<Array<[number, number]>>>).flat();
  return [];
}

const NICE = [1, 2, 5];

/**
 * A scale bar for the frame: a round length (1, 2 or 5 × 10ⁿ m) no longer than `maxShare` of the
 * frame's width, measured along the frame's middle latitude, and its length in pixels.
 */
export function scaleBar(frame: Pick<MapFrame, "bounds" | "width">, maxShare = 0.25): { metres: number; px: number } {
  const [w, s, e, n] = frame.bounds;
  const mid = (s + n) / 2;
  const metresPerPx = geodesicM([w, mid], [e, mid]) / frame.width;
  const most = metresPerPx * frame.width * maxShare;
  const decade = 10 ** Math.floor(Math.log10(most));
  const metres = Math.max(...NICE.map((k) => k * decade).filter((m) => m <= most));
  return { metres, px: metres / metresPerPx };
}
