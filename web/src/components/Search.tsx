import { useMemo, useState } from "react";
import type { CompoundFeature } from "../api/resources";
import { useI18n } from "../i18n";

/** Search compounds by name (substring, case-insensitive); picking one selects it and flies there. */
export function Search({ compounds, onPick }: { compounds: CompoundFeature[]; onPick(id: number): void }) {
  const { t } = useI18n();
  const [query, setQuery] = useState("");
  const q = query.trim().toLowerCase();
  const results = useMemo(() => {
    if (!q) return [];
    const hits = compounds.filter((c) => c.properties.name.toLowerCase().includes(q));
    // Exact and prefix matches first.
    const rank = (c: CompoundFeature) => (c.properties.name.toLowerCase() === q ? 0 : c.properties.name.toLowerCase().startsWith(q) ? 1 : 2);
    return hits.sort((a, b) => rank(a) - rank(b) || a.properties.name.localeCompare(b.properties.name, "zh-CN")).slice(0, 8);
  }, [compounds, q]);
  const pick = (id: number) => {
    onPick(id);
    setQuery("");
  };
  return (
    <div className="search">
      <input
        data-testid="search"
        type="search"
        value={query}
        placeholder={t("search.placeholder")}
        aria-label={t("search.label")}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && results[0]) pick(results[0].id);
          if (e.key === "Escape") setQuery("");
        }}
      />
      {q && (
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the result list is the search box's listbox (ARIA combobox pattern)
        <ul className="search-results" role="listbox">
          {results.length === 0 && <li className="none">{t("search.none", { query })}</li>}
          {results.map((c) => (
            <li key={c.id}>
              <button type="button" data-testid="search-result" onClick={() => pick(c.id)}>
                <strong>{c.properties.name}</strong>
                <small>
                  {c.properties.community ?? ""} · {t(`status.${c.properties.status}`)}
                </small>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
