import { z } from "zod";

export const circleCodes = ["block", "5min", "10min", "15min"] as const;
export const tierCodes = ["basic", "complete", "enhanced"] as const;
export type Tier = (typeof tierCodes)[number];

/** The standards profile (geodata/standards.json): living circles and facility categories. */
export const standardsProfileSchema = z.object({
  id: z.string(),
  name: z.string(),
  nameEn: z.string(),
  notes: z.string().optional(),
  walkSpeedsMps: z.record(z.string(), z.number().positive()),
  circles: z
    .array(
      z.object({
        code: z.enum(circleCodes),
        nameZh: z.string(),
        nameEn: z.string(),
        minutes: z.number().positive(),
        limitM: z.number().positive(),
        dwellings: z.tuple([z.number(), z.number()]).optional(),
        residents: z.tuple([z.number(), z.number()]).optional(),
        clause: z.string().optional(),
      }),
    )
    .min(1),
  categories: z
    .array(
      z.object({
        code: z.string().regex(/^[a-z][a-z0-9_]*$/, "use lower_snake_case"),
        nameZh: z.string().min(1),
        nameEn: z.string().min(1),
        circle: z.enum(circleCodes),
        limitM: z.number().positive(),
        icon: z.string().optional(),
        clause: z.string().optional(),
        check: z.boolean().optional(),
      }),
    )
    .min(1),
});
export type StandardsProfile = z.infer<typeof standardsProfileSchema>;
export type FacilityCategory = StandardsProfile["categories"][number];

/** The renovation menu and unit-cost table (geodata/costs.json). */
export const costTableSchema = z.object({
  id: z.string(),
  name: z.string(),
  nameEn: z.string(),
  currency: z.literal("CNY"),
  notes: z.string().optional(),
  subsidies: z.object({ elevatorPerUnitYuan: z.number().nonnegative(), elevatorSource: z.string().optional() }),
  acceptance: z.object({
    minSurveyedShare: z.number().min(0).max(1),
    minSatisfiedShare: z.number().min(0).max(1),
    source: z.string().optional(),
  }),
  items: z
    .array(
      z.object({
        kind: z.string().regex(/^[a-z][a-z0-9_]*$/, "use lower_snake_case"),
        nameZh: z.string().min(1),
        nameEn: z.string().min(1),
        tier: z.enum(tierCodes),
        unit: z.string().min(1),
        unitZh: z.string().min(1),
        unitCostYuan: z.number().nonnegative(),
        subsidy: z.string().optional(),
        /** The living-circle category (a code of standards.json) the item brings once built. */
        provides: z.string().optional(),
      }),
    )
    .min(1),
});
export type CostTable = z.infer<typeof costTableSchema>;

/**
 * Rules of 片区 clusters and the ratios of the cluster sheet (geodata/clusters.json). Metres are
 * metres on the ground; shares are fractions (0.1 = 10%).
 */
export const clusterRulesSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    nameEn: z.string(),
    notes: z.string().optional(),
    /** Fewer households than this is a warning. */
    minHouseholds: z.number().int().nonnegative(),
    /** More households than this is a warning. */
    maxHouseholds: z.number().int().positive(),
    /** A span (largest walking distance between two members, metres) above this is a warning. */
    maxSpanM: z.number().positive(),
    /** Walking distance ÷ straight line, for compounds whose gates do not join the walk network (≥ 1). */
    detourFactor: z.number().min(1),
    /** Members whose footprints are at most this far apart (metres) are neighbours. */
    adjacencyM: z.number().nonnegative(),
    /** Members both within this distance (metres) of one walk-network segment face the same street. */
    streetFrontM: z.number().nonnegative(),
    /** Radius (metres) of the closing that draws the outline over the streets between members. */
    outlineClosingM: z.number().nonnegative().max(500),
    residentsPerHousehold: z.number().positive(),
    parkingPerHousehold: z.number().nonnegative(),
    chargingShareTarget: z.number().min(0).max(1),
    householdsPerChargingShed: z.number().positive(),
    elevatorMinFloors: z.number().int().min(2).max(150),
  })
  .catchall(z.string({ error: "unknown field; notes and sources (e.g. parkingSource) must be text" }))
  .refine((r) => r.minHouseholds <= r.maxHouseholds, { message: "minHouseholds must not exceed maxHouseholds", path: ["minHouseholds"] });
export type ClusterRules = z.infer<typeof clusterRulesSchema>;

/** The bases an estimated item's quantity may be per (see geodata/plans.json `estimate`). */
export const ESTIMATE_BASES = ["household", "building", "unit", "floorAreaM2", "elevatorUnit"] as const;
export type EstimateBasis = (typeof ESTIMATE_BASES)[number];

const share = z.number().min(0).max(1);

/** Defaults of the annual batch optimiser (geodata/plans.json): weights, funding split, the estimate. */
export const planRulesSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    nameEn: z.string(),
    notes: z.string().optional(),
    weights: z.object({ households: z.number().nonnegative(), elevators: z.number().nonnegative(), gaps: z.number().nonnegative() }),
    fundingShares: z.object({ central: share, local: share, residents: share, social: share }),
    elevatorUptake: share,
    estimate: z.array(z.object({ kind: z.string(), per: z.enum(ESTIMATE_BASES), quantity: z.number().nonnegative() })),
    facilityRooms: z.object({
      minHouseholds: z.number().int().nonnegative(),
      items: z.array(z.object({ kind: z.string(), quantity: z.number().positive() })),
    }),
    timeLimitS: z.number().positive().max(600),
  })
  .catchall(z.string({ error: "unknown field; notes and sources (e.g. weightsSource) must be text" }))
  .refine((r) => Math.abs(r.fundingShares.central + r.fundingShares.local + r.fundingShares.residents + r.fundingShares.social - 1) < 1e-9, {
    message: "the funding shares must add up to 1",
    path: ["fundingShares"],
  });
export type PlanRules = z.infer<typeof planRulesSchema>;

/** The rules files of geodata/, read and checked at start-up (server/db/reference.ts loadReferenceData). */
export interface ReferenceData {
  standards: StandardsProfile;
  costs: CostTable;
  /** 片区 cluster limits and sheet ratios (geodata/clusters.json). */
  clusters: ClusterRules;
  /** Annual plan defaults (geodata/plans.json). */
  plans: PlanRules;
}
