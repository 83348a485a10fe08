import type { CSSProperties } from "react";
import { useI18n, type MessageKey } from "../i18n";
import { ITEM_DEFAULT, ITEM_MARKS, SELECTION_COLOR } from "../map/palette";

/** The symbol of an item by status, as the map draws it (web/src/map/style.ts, items-circle). */
function markStyle(color: string, status: "completed" | "started" | "planned"): CSSProperties {
  if (status === "completed") return { background: color };
  return { background: status === "started" ? `${color}80` : "#ffffff", color, boxShadow: `inset 0 0 0 2px ${color}` };
}

/**
 * The additions drawn on the map: parking, chargers, sheds, elevators. The public sees completed
 * ones only; `withPlanned` (a signed-in reader, who also sees planned and started ones) adds the
 * three symbols by status and the ring round the selected compound's items.
 */
export function ItemLegend({ withPlanned = false }: { withPlanned?: boolean }) {
  const { t } = useI18n();
  const sample = ITEM_MARKS.charging_pile ?? ITEM_DEFAULT;
  return (
    <section className="legend" data-testid="item-legend">
      <h3>{t(withPlanned ? "item.legend.planner" : "items.legend")}</h3>
      <ul>
        {Object.entries(ITEM_MARKS).map(([kind, m]) => (
          <li key={kind}>
            <span className="item-mark" style={markStyle(m.color, "completed")}>
              {m.mark}
            </span>
            {t(`items.kind.${kind}` as MessageKey)}
          </li>
        ))}
      </ul>
      {withPlanned && (
        <ul data-testid="item-legend-status">
          {(["completed", "started", "planned"] as const).map((status) => (
            <li key={status} data-status={status}>
              <span className="item-mark" style={markStyle(sample.color, status)}>
                {sample.mark}
              </span>
              {t(`item.legend.${status}`)}
            </li>
          ))}
          <li>
            <span className="item-mark" style={{ background: "transparent", boxShadow: `inset 0 0 0 2px ${SELECTION_COLOR}` }} />
            {t("item.legend.selected")}
          </li>
        </ul>
      )}
    </section>
  );
}
