// The rules of the households step (geodata/households.json), apart from the step itself: the
// import context carries them, and the step reads the context.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ROOT } from "../../config.js";

const householdRulesSchema = z.object({
  m2PerDwelling: z.number().positive(),
  residentialBuildings: z.array(z.string()),
  defaultLevels: z.record(z.string(), z.number().int().positive()),
  minFootprintM2: z.number().nonnegative(),
  areaFloorRatio: z.number().positive(),
});

/** How households are estimated from buildings (geodata/households.json). */
export type HouseholdRules = z.infer<typeof householdRulesSchema>;

export const HOUSEHOLD_RULES_FILE = path.join(ROOT, "geodata", "households.json");

export function loadHouseholdRules(file = HOUSEHOLD_RULES_FILE): HouseholdRules {
  const parsed = householdRulesSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
