import type { StandardsProfile } from "../../api/resources";
import { useI18n } from "../../i18n";
import type { useSiting } from "./useSiting";

/** Suggested sites for a category (how many: 1–10), each addable to the scenario by signed-in users. */
export function SitingSection({
  siting: { sites, category, setCategory, k, setK, suggest },
  categories,
  catLabel,
  onAdd,
}: {
  siting: ReturnType<typeof useSiting>;
  categories: StandardsProfile["categories"];
  catLabel(code: string): string;
  /** Add a suggested site to the scenario; absent for the public, who cannot edit one. */
  onAdd: ((category: string, lonLat: [number, number]) => void) | undefined;
}) {
  const { t, num } = useI18n();
  return (
    <section className="siting" data-testid="siting">
      <h3>{t("site.title")}</h3>
      <div className="row">
        <select data-testid="site-category" aria-label={t("site.category")} value={category} onChange={(e) => setCategory(e.target.value)}>
          {categories.map((c) => (
            <option key={c.code} value={c.code}>
              {catLabel(c.code)}
            </option>
          ))}
        </select>
        <label>
          {t("site.k")}
          <input type="number" min={1} max={10} value={k} data-testid="site-k" onChange={(e) => setK(Math.max(1, Math.min(10, Number(e.target.value) || 1)))} />
        </label>
        <button type="button" data-testid="site-run" onClick={suggest}>
          {t("site.run")}
        </button>
      </div>
      {sites &&
        (sites.proposals.length === 0 ? (
          <p className="note" data-testid="site-none">
            {t("site.none")}
          </p>
        ) : (
          <ol className="site-list">
            {sites.proposals.map((s, i) => (
              <li key={s.lonLat.join(",")} data-testid="site-proposal" data-gain={s.gainHouseholds}>
                {t("site.gain", { rank: i + 1, households: num(s.gainHouseholds), compounds: num(s.coveredCompoundIds.length) })}
                {onAdd && (
                  <button type="button" className="link" data-testid="site-add" onClick={() => onAdd(sites.category, s.lonLat)}>
                    {t("site.addToScenario")}
                  </button>
                )}
              </li>
            ))}
          </ol>
        ))}
    </section>
  );
}
