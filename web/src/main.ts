export {};
// Placeholder page until the map app lands: shows that the API and database answer.
interface ProgressRow {
  planYear: number | null;
  planned: number;
  startRate: number;
  completionRate: number;
  householdsBenefited: number;
  investmentWan: number;
}

const statusEl = document.getElementById("status")!;
const table = document.getElementById("progress") as HTMLTableElement;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

async function main() {
  try {
    const health = await (await fetch("/api/health")).json();
    statusEl.textContent = `数据库：${health.database === "embedded" ? "内置 PostGIS" : "PostgreSQL 服务器"}（PostGIS ${health.postgis}）`;
    const res = await fetch("/api/stats/progress");
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const { years } = (await res.json()) as { years: ProgressRow[] };
    const body = table.tBodies[0];
    for (const y of years) {
      const tr = body.insertRow();
      for (const v of [y.planYear, y.planned, pct(y.startRate), pct(y.completionRate), y.householdsBenefited, y.investmentWan.toFixed(1)]) {
        tr.insertCell().textContent = String(v);
      }
    }
    table.hidden = false;
  } catch (err) {
    statusEl.textContent = `无法连接服务：${(err as Error).message}`;
  }
}
void main();
