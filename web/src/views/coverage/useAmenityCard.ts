import { useCallback } from "react";
import type { FacilityService } from "../../analysis/session";
import { NO_CHANGES } from "../../analysis/whatif";
import type { StandardsProfile } from "../../api/resources";
import { useI18n, type Lang, type Translate } from "../../i18n";
import type { AmenityCard } from "../../map/MapView";
import { distanceLegend } from "./model";
import type { AnalysisState } from "./useAnalysis";
import { useCategoryNames } from "./useLookups";

/**
 * What a facility's popup on the map says: its name (its category's when it has none), its
 * category and living circle, and the category's walking limit in metres and minutes (at the
 * profile's walking speed, as in the distance legend).
 */
export function amenityCard(
  properties: Record<string, unknown>,
  standards: StandardsProfile | undefined,
  { t, num, lang, categoryName }: { t: Translate; num(value: number): string; lang: Lang; categoryName(code: string): string },
): AmenityCard {
  const code = String(properties.category ?? "");
  const category = standards?.categories.find((c) => c.code === code);
  const circle = standards?.circles.find((c) => c.code === (category?.circle ?? properties.circle));
  const catName = categoryName(code);
  const name = typeof properties.name === "string" && properties.name ? properties.name : catName;
  const lines = [circle ? t("cov.popupCategory", { category: catName, circle: lang === "zh-CN" ? circle.nameZh : circle.nameEn }) : catName];
  const within = standards ? distanceLegend(standards, code)?.[0] : undefined;
  if (within) lines.push(t("cov.popupLimit", { metres: num(within.toM), minutes: num(within.minutes) }));
  return { title: name, lines };
}

/**
 * Who a facility serves, in words: the compounds and households within its category's walking
 * limit, and those that only it covers (they lose the category if it goes).
 */
export function serviceLines(s: FacilityService | null, { t, num }: { t: Translate; num(value: number): string }): string[] {
  if (!s) return [t("cov.servesNone")];
  if (!s.compoundIds.length) return [t("cov.servesNoCompound", { metres: num(s.limitM) })];
  const lines = [t("cov.serves", { metres: num(s.limitM), count: num(s.compoundIds.length), households: num(s.households) })];
  if (s.soleCompoundIds.length) lines.push(t("cov.servesSole", { count: num(s.soleCompoundIds.length), households: num(s.soleHouseholds) }));
  return lines;
}

/**
 * {@link amenityCard} in the UI's language, for the map's facility popups; once the analysis
 * worker is ready, with who the facility serves in the current situation ({@link serviceLines}).
 */
export function useAmenityCard(standards: StandardsProfile | undefined, analysis: AnalysisState): (properties: Record<string, unknown>) => AmenityCard {
  const { t, num, lang } = useI18n();
  const { categoryName } = useCategoryNames(standards);
  const ready = analysis.status === "ready";
  const { call } = analysis;
  return useCallback(
    (properties) => {
      const card = amenityCard(properties, standards, { t, num, lang, categoryName });
      const id = Number(properties.id);
      if (!ready || !Number.isInteger(id)) return card;
      const lines = call<FacilityService | null>({ type: "serves", amenityId: id, changes: NO_CHANGES }).then((s) => serviceLines(s, { t, num }));
      return { ...card, later: { pending: t("cov.servesPending"), lines } };
    },
    [standards, t, num, lang, categoryName, ready, call],
  );
}
