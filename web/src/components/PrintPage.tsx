import { useState, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { useI18n } from "../i18n";
import { frameProjector, ringsPath, scaleBar, type MapFrame } from "../map/print-frame";

/** Paper sizes a report prints on (portrait). */
const PAPERS = ["A4", "A3"] as const;
type Paper = (typeof PAPERS)[number];

/**
 * One page for the browser's print dialog, shown over the app: print and close buttons (not
 * printed), a title and subtitle, the map as an image (or a note that it could not be drawn), then
 * the report's own content. Rendered beside the app (a portal), so printing can hide the app and
 * keep only the page; printed on A4 or A3 (the reader chooses). Every printed report (subdistrict coverage, cluster plan) is one of these.
 */
export function PrintPage({
  testId,
  className,
  title,
  subtitle,
  map,
  mapAlt,
  outline = [],
  onClose,
  children,
}: {
  testId: string;
  className?: string;
  title: string;
  subtitle: ReactNode;
  /** The drawn map and its bounds; null when it could not be captured. */
  map: MapFrame | null;
  mapAlt: string;
  /** Rings ([lon, lat]) outlined on the map: the subdistrict's boundary, the cluster's outline. */
  outline?: Array<Array<[number, number]>>;
  onClose(): void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const [paper, setPaper] = useState<Paper>("A4");
  const pageClass = ["report-page", className, paper === "A3" ? "paper-a3" : null].filter(Boolean).join(" ");
  return createPortal(
    <div className="report-overlay" data-testid={testId} data-paper={paper} role="dialog" aria-label={title}>
      <div className="report-actions no-print">
        <fieldset className="report-paper" aria-label={t("report.paper")}>
          {PAPERS.map((p) => (
            <label key={p}>
              <input type="radio" name="report-paper" data-testid={`report-paper-${p}`} checked={paper === p} onChange={() => setPaper(p)} />
              {p}
            </label>
          ))}
        </fieldset>
        <button type="button" data-testid="report-print" onClick={() => window.print()}>
          {t("report.print")}
        </button>
        <button type="button" data-testid="report-close" onClick={onClose}>
          {t("report.close")}
        </button>
      </div>
      <article className={pageClass}>
        <header>
          <h1>{title}</h1>
          <p>{subtitle}</p>
        </header>
        {map ? <PrintedMap frame={map} alt={mapAlt} outline={outline} /> : <p className="note">{t("report.noMap")}</p>}
        {children}
      </article>
    </div>,
    document.body,
  );
}

/**
 * The map image, whole (never cropped), with an SVG drawn over it in the image's own pixels: the
 * outline, a scale bar in metres and a north arrow (Web Mercator, north up: the map is never rotated
 * for printing).
 */
function PrintedMap({ frame, alt, outline }: { frame: MapFrame; alt: string; outline: Array<Array<[number, number]>> }) {
  const { t, num } = useI18n();
  const bar = scaleBar(frame);
  const project = frameProjector(frame);
  const u = frame.width / 100; // 1 % of the width: sizes of the marks, whatever the image's size
  return (
    <div
      className="report-map-frame"
      data-testid="report-map-frame"
      style={{ aspectRatio: `${frame.width} / ${frame.height}`, ["--frame-ratio" as string]: frame.width / frame.height }}
    >
      <img className="report-map" data-testid="report-map" src={frame.image} alt={alt} />
      <svg viewBox={`0 0 ${frame.width} ${frame.height}`} aria-hidden="true">
        {outline.length > 0 && (
          <path data-testid="report-outline" className="report-outline" d={ringsPath(outline, project)} style={{ strokeWidth: u * 0.5 }} />
        )}
        <g data-testid="report-scale-bar" data-metres={bar.metres} transform={`translate(${u * 2},${frame.height - u * 3})`}>
          <rect x={-u * 0.6} y={-u * 2.6} width={bar.px + u * 1.2} height={u * 3.4} className="report-mark-bg" />
          <path d={`M0,${-u}V0H${bar.px}V${-u}`} className="report-mark" style={{ strokeWidth: u * 0.3 }} />
          <text x={bar.px / 2} y={-u * 1.2} textAnchor="middle" style={{ fontSize: u * 1.8 }}>
            {bar.metres >= 1000 ? `${num(bar.metres / 1000)} km` : `${num(bar.metres)} m`}
          </text>
        </g>
        <g data-testid="report-north-arrow" transform={`translate(${frame.width - u * 4},${u * 5})`}>
          <path d={`M0,${-u * 3}L${u * 1.3},${u * 1.2}L0,${u * 0.4}L${-u * 1.3},${u * 1.2}Z`} className="report-arrow" />
          <text y={-u * 3.4} textAnchor="middle" style={{ fontSize: u * 1.8 }}>
            {t("report.north")}
          </text>
        </g>
      </svg>
    </div>
  );
}
