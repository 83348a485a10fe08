import type { Amenities } from "../../api/resources";
import { useI18n } from "../../i18n";
import { IsochroneResults } from "./Isochrones";
import type { useIsochrone } from "./useIsochrone";

/** Isochrones from a picked point or from the selected compound, and what their bands reach. */
export function IsochroneSection({
  isochrone: { iso, fromPoint, fromCompound, clear },
  selectedId,
  amenityById,
  categoryName,
}: {
  isochrone: ReturnType<typeof useIsochrone>;
  selectedId: number | null;
  amenityById: ReadonlyMap<number, Amenities["features"][number]>;
  categoryName(code: string): string;
}) {
  const { t } = useI18n();
  return (
    <section className="isochrones">
      <h3>{t("iso.title")}</h3>
      <div className="row">
        <button type="button" data-testid="iso-point" onClick={fromPoint}>
          {t("iso.fromPoint")}
        </button>
        <button type="button" data-testid="iso-compound" disabled={selectedId === null} onClick={() => selectedId !== null && fromCompound(selectedId)}>
          {t("iso.fromCompound")}
        </button>
      </div>
      {iso && (
        <IsochroneResults
          bands={iso.bands}
          onClear={clear}
          facilityName={(id) => {
            const a = amenityById.get(id);
            return a ? `${a.properties.name ?? categoryName(a.properties.category)}（${categoryName(a.properties.category)}）` : t("whatif.proposed");
          }}
        />
      )}
    </section>
  );
}
