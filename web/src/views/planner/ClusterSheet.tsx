import { FeedbackTopics } from "../../components/Feedback";
import type { ClusterViolation, ClusterSheet as Sheet } from "../../../../server/schemas/clusters";
import type { Cluster } from "../../analysis/cluster";
import type { SiteProposal } from "../../analysis/siting";
import { useI18n, type MessageKey } from "../../i18n";

const wan = (yuan: number) => yuan / 10_000;

/** 片区测算表: what a cluster needs and costs, from the API's SQL sums and the walking engine. */
export function ClusterSheetView({
  sheet,
  engine,
  site,
  categoryName,
  printed = false,
}: {
  sheet: Sheet;
  engine?: { cluster: Cluster; violations: ClusterViolation[] };
  site?: { category: string; proposal: SiteProposal | null };
  categoryName(code: string): string;
  /** On the printed plan: the member table is open (paper cannot unfold it). */
  printed?: boolean;
}) {
  const { t, num, money } = useI18n();
  const p = (label: MessageKey, v: { target: number; existing: number; planned: number; gap: number }, testId: string) => (
    <tr data-testid={testId} data-target={v.target} data-existing={v.existing} data-planned={v.planned} data-gap={v.gap}>
      <th>{t(label)}</th>
      <td className="num">{num(v.target)}</td>
      <td className="num">{num(v.existing)}</td>
      <td className="num">{num(v.planned)}</td>
      <td className={`num ${v.gap > 0 ? "loss" : "gain"}`}>{num(v.gap)}</td>
    </tr>
  );
  return (
    <div className="cluster-sheet" data-testid="cluster-sheet" data-households={sheet.totals.households}>
      <dl className="facts">
        <dt>{t("cluster.households")}</dt>
        <dd data-testid="sheet-households">
          {num(sheet.totals.households)} {t("cluster.residents", { residents: num(sheet.totals.residents) })}
        </dd>
        <dt>{t("cluster.buildings")}</dt>
        <dd>{num(sheet.totals.buildings)}</dd>
        <dt>{t("cluster.floorArea")}</dt>
        <dd>{num(sheet.totals.floorAreaM2)} m²</dd>
        <dt>{t("cluster.span")}</dt>
        <dd>{sheet.spanM === null ? t("cluster.spanUnconnected") : `${num(sheet.spanM)} m`}</dd>
      </dl>

      <h4>{t("cluster.elevators")}</h4>
      <p className="note" data-testid="sheet-elevators" data-buildings={sheet.elevators.candidateBuildings} data-units={sheet.elevators.candidateUnits}>
        {t("cluster.elevatorLine", {
          buildings: num(sheet.elevators.candidateBuildings),
          units: num(sheet.elevators.candidateUnits),
          floors: sheet.elevators.minFloors,
          existing: num(sheet.elevators.existing),
          planned: num(sheet.elevators.planned),
        })}
      </p>
      {sheet.elevators.byFloors.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t("cluster.floors")}</th>
              <th>{t("cluster.buildings")}</th>
              <th>{t("cluster.units")}</th>
            </tr>
          </thead>
          <tbody>
            {sheet.elevators.byFloors.map((r) => (
              <tr key={r.floors}>
                <td>{r.floors}</td>
                <td className="num">{num(r.buildings)}</td>
                <td className="num">{num(r.units)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="note">
        {t("cluster.elevatorPotential", { cost: money(sheet.elevators.potential.costYuan, 0), subsidy: money(sheet.elevators.potential.subsidyYuan, 0) })}
      </p>

      <h4>{t("cluster.parkingCharging")}</h4>
      <table>
        <thead>
          <tr>
            <th />
            <th>{t("cluster.target")}</th>
            <th>{t("cluster.existing")}</th>
            <th>{t("cluster.planned")}</th>
            <th>{t("cluster.gap")}</th>
          </tr>
        </thead>
        <tbody>
          {p("cluster.parking", sheet.parking, "sheet-parking")}
          {p("cluster.piles", sheet.charging.piles, "sheet-piles")}
          {p("cluster.sheds", sheet.charging.sheds, "sheet-sheds")}
        </tbody>
      </table>
      <p className="note">
        {t("cluster.parkingRule", {
          perHousehold: sheet.parking.perHousehold,
          share: Math.round(sheet.charging.targetShare * 100),
          perShed: num(sheet.charging.householdsPerShed),
        })}
      </p>

      <h4>{t("cluster.items")}</h4>
      <table data-testid="sheet-items">
        <tbody>
          {sheet.items.tiers.map((tier) => (
            <tr key={tier.tier}>
              <th>{t(`tier.${tier.tier}` as MessageKey)}</th>
              <td className="num">{t("cluster.itemCount", { count: num(tier.items) })}</td>
              <td className="num">{money(tier.costYuan)}</td>
            </tr>
          ))}
          <tr className="total-row">
            <th>{t("cluster.total")}</th>
            <td />
            <td className="num" data-testid="sheet-cost" data-yuan={sheet.items.costYuan}>
              {money(sheet.items.costYuan)}
            </td>
          </tr>
          <tr>
            <th>{t("cluster.subsidy")}</th>
            <td />
            <td className="num" data-testid="sheet-subsidy" data-yuan={sheet.items.subsidyYuan}>
              −{money(sheet.items.subsidyYuan)}
            </td>
          </tr>
          <tr className="total-row">
            <th>{t("cluster.net")}</th>
            <td />
            <td className="num">{money(sheet.items.netCostYuan)}</td>
          </tr>
        </tbody>
      </table>

      <h4>{t("feedback.title")}</h4>
      <div data-testid="sheet-feedback">
        <FeedbackTopics topics={sheet.feedback.topics} total={sheet.feedback.total} />
      </div>

      <h4>{t("cluster.sharedGaps")}</h4>
      {engine ? (
        engine.cluster.sharedGaps.length === 0 ? (
          <p className="note">{t("cluster.noSharedGaps")}</p>
        ) : (
          <p className="note" data-testid="sheet-shared-gaps">
            {engine.cluster.sharedGaps.map(categoryName).join("、")}
          </p>
        )
      ) : (
        <p className="note">{t("state.loading")}</p>
      )}
      {site && (
        <p className="note" data-testid="sheet-shared-site">
          {site.proposal
            ? t("cluster.sharedSite", {
                category: categoryName(site.category),
                households: num(site.proposal.gainHouseholds),
                compounds: num(site.proposal.coveredCompoundIds.length),
              })
            : t("cluster.noSharedSite", { category: categoryName(site.category) })}
        </p>
      )}
      <details open={printed || undefined}>
        <summary>{t("cluster.memberTable")}</summary>
        <table>
          <thead>
            <tr>
              <th>{t("gap.compound")}</th>
              <th>{t("cluster.households")}</th>
              <th>{t("cluster.elevatorShort")}</th>
              <th>{t("cluster.cost")}</th>
            </tr>
          </thead>
          <tbody>
            {sheet.members.map((m) => (
              <tr key={m.id}>
                <td>{m.name}</td>
                <td className="num">{num(m.households)}</td>
                <td className="num">{num(m.elevatorCandidateUnits)}</td>
                <td className="num">{num(wan(m.costYuan), 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
