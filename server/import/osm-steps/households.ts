import { type ImportContext, intTag } from "./context.js";

/**
 * Step "households": a compound's households from OpenStreetMap when it says (`households` or
 * `dwellings` on the area, else the sum of its buildings' `building:flats`: source "osm"), else
 * estimated from its residential buildings — footprint × levels (`building:levels`, else a default
 * by building type) ÷ the mean gross floor area of a dwelling, all in geodata/households.json
 * (source "estimated"); an area with no building mapped at all from its own area × a typical
 * floor-area ratio (also "estimated", and reported). A bureau inventory joined later replaces
 * both (source "inventory"). So no coverage share is ever 0 because households are missing.
 */
export function householdsStep(ctx: ImportContext): void {
  const { m2PerDwelling, areaFloorRatio } = ctx.householdRules;
  for (const c of ctx.compounds) {
    const tagged = intTag(c.tags.households ?? c.tags.dwellings);
    if (tagged !== null && tagged > 0) {
      c.households = tagged;
      c.householdsSource = "osm";
    } else if (c.flats > 0) {
      c.households = c.flats;
      c.householdsSource = "osm";
    } else if (c.residentialFloorM2 > 0) {
      c.households = Math.max(1, Math.round(c.residentialFloorM2 / m2PerDwelling));
      c.householdsSource = "estimated";
    } else if (c.areaM2 > 0) {
      c.households = Math.max(1, Math.round((c.areaM2 * areaFloorRatio) / m2PerDwelling));
      c.householdsSource = "estimated";
      ctx.warn(
        "households-from-area",
        c.osmId,
        `${c.name}: no residential building mapped inside; ${c.households} households estimated from its ${Math.round(c.areaM2)} m² at a floor-area ratio of ${areaFloorRatio} (geodata/households.json) until an inventory gives the figure`,
        c.households,
      );
    } else {
      c.households = 0;
      c.householdsSource = "unknown";
      ctx.warn("no-households", c.osmId, `${c.name}: no household figure and nothing to estimate one from; 0 until an inventory gives it`);
    }
    ctx.count(`households:${c.householdsSource}`);
  }
  ctx.counts.householdsEstimated = ctx.compounds.filter((c) => c.householdsSource === "estimated").reduce((s, c) => s + c.households, 0);
}
