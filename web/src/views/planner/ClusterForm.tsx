import type { ClusterRules } from "../../api/resources";
import { useI18n, type MessageKey } from "../../i18n";

type Limit = "minHouseholds" | "maxHouseholds" | "maxSpanM";

/** Which compounds are candidates for auto-clustering, and the limits to cluster them by. */
export interface ClusterFilters extends Partial<Pick<ClusterRules, Limit>> {
  maxBuildYear: number;
  subdistrict: string;
  tier: string;
  notStarted: boolean;
  bundle: boolean;
}

export const INITIAL_FILTERS: ClusterFilters = { maxBuildYear: 2000, subdistrict: "", tier: "", notStarted: true, bundle: false };

/** The limit on screen: the planner's own value, else the city's rule. */
export const limitOf = (filters: ClusterFilters, rules: ClusterRules | undefined, k: Limit) => filters[k] ?? rules?.[k] ?? 0;

const num0 = (v: string, d: number) => (Number.isFinite(Number(v)) && v !== "" ? Number(v) : d);

/** The auto-clustering form: candidates (build year, subdistrict, tier, not started) and the limits, which start at the city's rules. */
export function ClusterForm({
  filters,
  onChange,
  rules,
  subdistricts,
}: {
  filters: ClusterFilters;
  onChange(f: ClusterFilters): void;
  rules: ClusterRules | undefined;
  subdistricts: Array<[number, string]>;
}) {
  const { t } = useI18n();
  return (
    <div className="cluster-form">
      <label>
        {t("cluster.maxBuildYear")}
        <input
          type="number"
          data-testid="cluster-max-year"
          value={filters.maxBuildYear}
          onChange={(e) => onChange({ ...filters, maxBuildYear: num0(e.target.value, 2000) })}
        />
      </label>
      <label>
        {t("gap.subdistrict")}
        <select value={filters.subdistrict} onChange={(e) => onChange({ ...filters, subdistrict: e.target.value })}>
          <option value="">{t("gap.allSubdistricts")}</option>
          {subdistricts.map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("cluster.tier")}
        <select data-testid="cluster-tier" value={filters.tier} onChange={(e) => onChange({ ...filters, tier: e.target.value })}>
          <option value="">{t("cluster.anyTier")}</option>
          {(["basic", "complete", "enhanced", "none"] as const).map((x) => (
            <option key={x} value={x}>
              {t(`tier.${x}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      {(["minHouseholds", "maxHouseholds", "maxSpanM"] as const).map((k) => (
        <label key={k}>
          {t(k === "maxSpanM" ? "cluster.maxSpan" : `cluster.${k}`)}
          <input
            type="number"
            data-testid={`cluster-${k}`}
            value={rules ? limitOf(filters, rules, k) : ""}
            disabled={!rules}
            onChange={(e) => onChange({ ...filters, [k]: num0(e.target.value, rules?.[k] ?? 0) })}
          />
        </label>
      ))}
      <label className="toggle">
        <input type="checkbox" checked={filters.notStarted} onChange={(e) => onChange({ ...filters, notStarted: e.target.checked })} />
        {t("cluster.notStarted")}
      </label>
      <label className="toggle">
        <input type="checkbox" checked={filters.bundle} onChange={(e) => onChange({ ...filters, bundle: e.target.checked })} />
        {t("cluster.bundle")}
      </label>
    </div>
  );
}
