import type { ReactNode } from "react";
import { createPortal } from "react-dom";
import { useI18n } from "../i18n";

/**
 * One page for the browser's print dialog, shown over the app: print and close buttons (not
 * printed), a title and subtitle, the map as an image (or a note that it could not be drawn), then
 * the report's own content. Rendered beside the app (a portal), so printing can hide the app and
 * keep only the page. Every printed report (subdistrict coverage, cluster plan) is one of these.
 */
export function PrintPage({
  testId,
  className,
  title,
  subtitle,
  mapImage,
  mapAlt,
  onClose,
  children,
}: {
  testId: string;
  className?: string;
  title: string;
  subtitle: ReactNode;
  /** A data URL of the drawn map; null when it could not be captured. */
  mapImage: string | null;
  mapAlt: string;
  onClose(): void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return createPortal(
    <div className="report-overlay" data-testid={testId} role="dialog" aria-label={title}>
      <div className="report-actions no-print">
        <button type="button" data-testid="report-print" onClick={() => window.print()}>
          {t("report.print")}
        </button>
        <button type="button" onClick={onClose}>
          {t("report.close")}
        </button>
      </div>
      <article className={className ? `report-page ${className}` : "report-page"}>
        <header>
          <h1>{title}</h1>
          <p>{subtitle}</p>
        </header>
        {mapImage ? <img className="report-map" data-testid="report-map" src={mapImage} alt={mapAlt} /> : <p className="note">{t("report.noMap")}</p>}
        {children}
      </article>
    </div>,
    document.body,
  );
}
