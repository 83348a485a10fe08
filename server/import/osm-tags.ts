/**
 * How the OpenStreetMap import reads tags: geodata/osm-tags.json, its schema, and the matching of
 * elements against its rules (walkability, gate-likeness, amenity categories).
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ROOT } from "../config.js";
import type { Tags } from "./osm-types.js";

export type StreetClass = "motorway" | "arterial" | "branch" | "alley" | "footway" | "service" | "steps";
const STREET_CLASSES = ["motorway", "arterial", "branch", "alley", "footway", "service", "steps"] as const;

const condition = z.union([z.string(), z.array(z.string()), z.boolean()]);
const tagMatch = z.record(z.string(), condition);
const amenityRule = z.object({
  match: tagMatch,
  name: z.string().optional(),
  nameNot: z.string().optional(),
  category: z.union([z.string(), z.array(z.string()).min(1)]),
  note: z.string().optional(),
});
const mappingSchema = z.object({
  amenities: z.array(amenityRule),
  unmappedKeys: z.array(z.string()),
  warnUnmapped: z.array(tagMatch).default([]),
  streetClasses: z.record(z.string(), z.enum(STREET_CLASSES)),
  walk: z.object({
    highways: z.array(z.string()),
    withSidewalk: z.array(z.string()),
    never: z.array(z.string()),
    footNo: z.array(z.string()),
    accessNo: z.array(z.string()),
    footYes: z.array(z.string()),
  }),
  compounds: z.array(tagMatch),
  gates: z.object({
    barriers: z.array(z.string()),
    notWalking: z.array(z.object({ match: tagMatch, reason: z.string() })),
    accessNo: z.array(z.string()),
    footYes: z.array(z.string()),
  }),
  gateRules: z.object({
    gateWithinM: z.number().positive(),
    reportWithinM: z.number().positive(),
    accessWithinM: z.number().positive(),
    connectorReportM: z.number().positive(),
    wallWithinM: z.number().positive(),
    wallShare: z.number().min(0).max(1),
    wallBarriers: z.array(z.string()),
  }),
  amenityFarFromNetworkM: z.number().positive(),
  compoundLargeAreaM2: z.number().positive(),
  /** Filled by loadTagMapping from the standards profile: category code → Chinese name (fallback amenity name). */
  categoryNames: z.record(z.string(), z.string()).default({}),
});

export type TagCondition = z.infer<typeof condition>;
export type TagMatch = z.infer<typeof tagMatch>;
export type AmenityRule = z.infer<typeof amenityRule>;
export type TagMapping = z.infer<typeof mappingSchema>;

export const DEFAULT_TAG_MAPPING_FILE = path.join(ROOT, "geodata", "osm-tags.json");
const STANDARDS_FILE = path.join(ROOT, "geodata", "standards.json");

/**
 * Read a tag mapping. The file may hold the whole object (see geodata/osm-tags.json), only some of
 * its sections (the rest come from geodata/osm-tags.json), or just a list of amenity rules.
 * Amenity categories are checked against the standards profile (`standardsFile`).
 */
export function loadTagMapping(file: string = DEFAULT_TAG_MAPPING_FILE, standardsFile: string = STANDARDS_FILE): TagMapping {
  const read = (f: string): unknown => JSON.parse(fs.readFileSync(f, "utf8"));
  let raw = read(file);
  if (Array.isArray(raw)) raw = { amenities: raw };
  if (path.resolve(file) !== DEFAULT_TAG_MAPPING_FILE && raw && typeof raw === "object") {
    raw = { ...(read(DEFAULT_TAG_MAPPING_FILE) as object), ...(raw as object) };
  }
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: not a valid OSM tag mapping:\n${z.prettifyError(parsed.error)}`);
  const mapping = parsed.data;
  const standards = read(standardsFile) as { categories: Array<{ code: string; nameZh?: string }> };
  const codes = new Set(standards.categories.map((c) => c.code));
  mapping.categoryNames = { ...mapping.categoryNames };
  for (const c of standards.categories) if (c.nameZh && !mapping.categoryNames[c.code]) mapping.categoryNames[c.code] = c.nameZh;
  mapping.amenities.forEach((rule, i) => {
    for (const c of [rule.category].flat()) {
      if (!codes.has(c)) throw new Error(`${file}: amenities[${i}] maps to "${c}", which is not a category of ${path.basename(standardsFile)}`);
    }
    for (const re of [rule.name, rule.nameNot]) if (re !== undefined) new RegExp(re); // throws on a bad pattern
  });
  return mapping;
}

function conditionHolds(value: string | undefined, cond: TagCondition): boolean {
  if (cond === true) return value !== undefined && value !== "no";
  if (cond === false) return value === undefined;
  if (value === undefined) return false;
  return typeof cond === "string" ? value === cond : cond.includes(value);
}

export function tagsMatch(tags: Tags, match: TagMatch): boolean {
  for (const k in match) if (!conditionHolds(tags[k], match[k])) return false;
  return true;
}

const nameOf = (tags: Tags): string | null => {
  for (const k of ["name:zh", "name:zh-Hans", "name"]) {
    const v = tags[k]?.trim();
    if (v) return v;
  }
  return null;
};

export interface CompiledRule {
  rule: AmenityRule;
  name?: RegExp;
  nameNot?: RegExp;
  categories: string[];
}

export function compileRules(mapping: TagMapping): CompiledRule[] {
  return mapping.amenities.map((rule) => ({
    rule,
    name: rule.name !== undefined ? new RegExp(rule.name) : undefined,
    nameNot: rule.nameNot !== undefined ? new RegExp(rule.nameNot) : undefined,
    categories: [rule.category].flat(),
  }));
}

export function matchAmenity(tags: Tags, rules: CompiledRule[]): CompiledRule | null {
  const name = nameOf(tags) ?? "";
  for (const r of rules) {
    if (!tagsMatch(tags, r.rule.match)) continue;
    if (r.name && !r.name.test(name)) continue;
    if (r.nameNot?.test(name)) continue;
    return r;
  }
  return null;
}

/** Why a highway way is not walkable, or null when it is. */
export function notWalkableReason(tags: Tags, walk: TagMapping["walk"]): string | null {
  const hw = tags.highway;
  if (!hw) return "no highway tag";
  if (walk.never.includes(hw)) return `highway=${hw}`;
  const foot = tags.foot;
  if (foot !== undefined && walk.footNo.includes(foot)) return `foot=${foot}`;
  const access = tags.access;
  if (access !== undefined && walk.accessNo.includes(access) && !(foot !== undefined && walk.footYes.includes(foot))) return `access=${access}`;
  if (walk.highways.includes(hw)) return null;
  if (walk.withSidewalk.includes(hw)) {
    const sidewalk = ["sidewalk", "sidewalk:both", "sidewalk:left", "sidewalk:right"].some((k) => {
      const v = tags[k];
      return v !== undefined && v !== "no" && v !== "none" && v !== "separate";
    });
    return sidewalk || (foot !== undefined && walk.footYes.includes(foot)) ? null : `highway=${hw} without sidewalk`;
  }
  return `highway=${hw}`;
}
