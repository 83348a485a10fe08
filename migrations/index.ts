import type { Knex } from "knex";
import * as createPostgis from "./20261123100000_create_postgis.js";
import * as createAdminAreas from "./20261123100100_create_admin_areas.js";
import * as createCompounds from "./20261123100200_create_compounds.js";
import * as createAmenities from "./20261123100300_create_amenities.js";
import * as createRenovationItems from "./20261123100400_create_renovation_items.js";
import * as createUsersAudit from "./20261123100500_create_users_audit.js";
import * as createClusters from "./20261123100600_create_clusters.js";
import * as createWalkNetwork from "./20261123100700_create_walk_network.js";
import * as createBasemap from "./20261123100800_create_basemap.js";
import * as createSessions from "./20261123100900_create_sessions.js";
import * as createScenarios from "./20261123101000_create_scenarios.js";
import * as itemBuildingUnit from "./20261123101100_item_building_unit.js";
import * as createLoginThrottle from "./20261201100000_create_login_throttle.js";
import * as addOsmIds from "./20261201100100_add_osm_ids.js";
import * as compoundAccess from "./20261201100200_compound_access.js";
import * as itemDates from "./20261202100000_item_dates.js";
import * as createFeedback from "./20261203100000_create_feedback.js";
import * as createAnnualPlans from "./20261203120000_create_annual_plans.js";

type Migration = Knex.Migration;

// Listed here rather than discovered from the folder so the same code runs under tsx, vitest and
// a bundler. Add a new migration at the end; never reorder.
const migrations: Record<string, Migration> = {
  "20261123100000_create_postgis": createPostgis,
  "20261123100100_create_admin_areas": createAdminAreas,
  "20261123100200_create_compounds": createCompounds,
  "20261123100300_create_amenities": createAmenities,
  "20261123100400_create_renovation_items": createRenovationItems,
  "20261123100500_create_users_audit": createUsersAudit,
  "20261123100600_create_clusters": createClusters,
  "20261123100700_create_walk_network": createWalkNetwork,
  "20261123100800_create_basemap": createBasemap,
  "20261123100900_create_sessions": createSessions,
  "20261123101000_create_scenarios": createScenarios,
  "20261123101100_item_building_unit": itemBuildingUnit,
  "20261201100000_create_login_throttle": createLoginThrottle,
  "20261201100100_add_osm_ids": addOsmIds,
  "20261201100200_compound_access": compoundAccess,
  "20261202100000_item_dates": itemDates,
  "20261203100000_create_feedback": createFeedback,
  "20261203120000_create_annual_plans": createAnnualPlans,
};

/** A knex migration source over the list above. */
export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};
