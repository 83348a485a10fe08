/**
 * OpenStreetMap data as read from an .osm (XML) or .osm.pbf file: plain maps keyed by OSM id.
 * Shared by the readers (osm-xml.ts, osm-pbf.ts) and the converter (osm.ts).
 */

export type Tags = Record<string, string>;

export interface OsmNode {
  lon: number;
  lat: number;
  tags: Tags;
}
export interface OsmWay {
  nodes: number[];
  tags: Tags;
}
export type OsmMemberType = "node" | "way" | "relation";
export interface OsmMember {
  type: OsmMemberType;
  ref: number;
  role: string;
}
export interface OsmRelation {
  members: OsmMember[];
  tags: Tags;
}

export interface OsmData {
  nodes: Map<number, OsmNode>;
  ways: Map<number, OsmWay>;
  relations: Map<number, OsmRelation>;
  /** [minLon, minLat, maxLon, maxLat] from the file's <bounds> or PBF header bbox, when given. */
  bounds?: [number, number, number, number];
}

/** Progress of a read: bytes done out of the file's size. */
export type ReadProgress = (done: number, total: number) => void;

/** One shared, frozen empty tag object for the many untagged nodes. */
export const NO_TAGS: Tags = Object.freeze({}) as Tags;

export function emptyOsmData(): OsmData {
  return { nodes: new Map(), ways: new Map(), relations: new Map() };
}
