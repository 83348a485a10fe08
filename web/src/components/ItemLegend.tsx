import { useI18n, type MessageKey } from "../i18n";
import { ITEM_MARKS } from "../map/palette";

/** The additions drawn on the map once completed: parking, chargers, sheds, elevators. */
export function ItemLegend() {
  const { t } = useI18n();
  return (
    <section className="legend" data-testid="item-legend">
      <h3>{t("items.legend")}</h3>
      <ul>
        {Object.entries(ITEM_MARKS).map(([kind, m]) => (
          <li key={kind}>
            <span className="item-mark" style={{ background: m.color }}>
              {m.mark}
            </span>
            {t(`items.kind.${kind}` as MessageKey)}
          </li>
        ))}
      </ul>
    </section>
  );
}
