import { useCallback } from "react";
import type { StandardsProfile } from "../../api/resources";
import { useI18n, type Lang, type Translate } from "../../i18n";
import type { AmenityCard } from "../../map/MapView";
import { distanceLegend } from "./model";
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

/** {@link amenityCard} in the UI's language, for the map's facility popups. */
export function useAmenityCard(standards: StandardsProfile | undefined): (properties: Record<string, unknown>) => AmenityCard {
  const { t, num, lang } = useI18n();
  const { categoryName } = useCategoryNames(standards);
  return useCallback((properties) => amenityCard(properties, standards, { t, num, lang, categoryName }), [standards, t, num, lang, categoryName]);
}
