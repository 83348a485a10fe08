import { useMemo } from "react";
import type { Amenities, Compounds, Layer, StandardsProfile } from "../../api/resources";
import { useI18n } from "../../i18n";
import type { CompoundInfo } from "./model";
import type { Area } from "./RollUps";

/** The coverage view's lookups from the loaded layers: compounds by id, subdistricts, communities, amenities by id. */
export function useLookups({
  compounds,
  subdistricts,
  communities,
  amenities,
}: {
  compounds: Compounds | undefined;
  subdistricts: Layer | undefined;
  communities: Layer | undefined;
  amenities: Amenities | undefined;
}) {
  const info = useMemo(
    () =>
      new Map<number, CompoundInfo>(
        (compounds?.features ?? []).map((f) => [
          f.properties.id,
          {
            id: f.properties.id,
            name: f.properties.name,
            households: f.properties.households,
            subdistrictId: f.properties.subdistrictId,
            subdistrict: f.properties.subdistrict,
            communityId: f.properties.communityId,
            community: f.properties.community,
            geometry: f.geometry,
          },
        ]),
      ),
    [compounds],
  );
  const subdistrictAreas = useMemo<Area[]>(
    () => (subdistricts?.features ?? []).map((f) => ({ id: Number(f.properties.id), name: String(f.properties.name) })),
    [subdistricts],
  );
  const communityAreas = useMemo<Area[]>(
    () =>
      (communities?.features ?? []).map((f) => ({
        id: Number(f.properties.id),
        name: String(f.properties.name),
        subdistrictId: f.properties.subdistrictId as number | null,
      })),
    [communities],
  );
  const amenityById = useMemo(() => new Map((amenities?.features ?? []).map((a) => [a.properties.id, a])), [amenities]);
  return { info, subdistricts: subdistrictAreas, communities: communityAreas, amenityById };
}

/**
 * The profile's categories with their names in the current language (`categoryName`, the code
 * when unknown) and labels with the walking limit (`catLabel`: 幼儿园（≤300 m）).
 */
export function useCategoryNames(standards: StandardsProfile | undefined) {
  const { lang } = useI18n();
  const categories = standards?.categories ?? [];
  const categoryName = (code: string) => {
    const c = categories.find((x) => x.code === code);
    return c ? (lang === "zh-CN" ? c.nameZh : c.nameEn) : code;
  };
  const catLabel = (code: string) => `${categoryName(code)}（≤${categories.find((c) => c.code === code)?.limitM ?? "?"} m）`;
  return { categories, categoryName, catLabel };
}
