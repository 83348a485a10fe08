import type { Progress } from "./db/seed.js";

/** A count for people: 1.2 MB for bytes, 12,345 for rows. */
function amount(n: number, bytes: boolean): string {
  if (!bytes) return Math.round(n).toLocaleString("en-US");
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e3).toFixed(0)} kB`;
}

/** Seconds as m:ss (or h:mm:ss). */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    r = s % 60;
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return `${h ? `${h}:` : ""}${mm}:${String(r).padStart(2, "0")}`;
}

/**
 * One line of a progress bar: the bar, the percentage, done of total, the rate since the start
 * and the time left at that rate (or the time taken, once done).
 */
export function progressLine(label: string, done: number, total: number, elapsedS: number, bytes: boolean): string {
  const pct = total ? Math.min(100, Math.floor((done / total) * 100)) : 100;
  const width = 30;
  const bar = "#".repeat(Math.round((pct / 100) * width)).padEnd(width, ".");
  const rate = elapsedS > 0 ? done / elapsedS : 0;
  const tail = done >= total ? `in ${clock(elapsedS)}` : rate > 0 ? `ETA ${clock((total - done) / rate)}` : "ETA –";
  return `${label} [${bar}] ${String(pct).padStart(3)}% ${amount(done, bytes)}/${amount(total, bytes)} · ${amount(rate, bytes)}/s · ${tail}`;
}

/**
 * A one-line progress bar on stderr with rate and ETA (plain lines every 10 % when stderr is not
 * a terminal). Labels naming bytes ("reading") count in bytes, the rest in rows.
 */
export function progressBar(label: string, now: () => number = () => performance.now() / 1000) {
  let lastPct = -1;
  const tty = process.stderr.isTTY;
  const started = now();
  const bytes = label === "reading";
  return (done: number, total: number) => {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (pct === lastPct && done < total) return;
    lastPct = pct;
    const line = progressLine(label, done, total, now() - started, bytes);
    if (tty) process.stderr.write(`\r${line}${done >= total ? "\n" : ""}`);
    else if (pct % 10 === 0 || done >= total) process.stderr.write(`${line}\n`);
  };
}

/** A progress bar per step of a multi-step load (one table after another). */
export function stepProgress(): Progress {
  const bars = new Map<string, (done: number, total: number) => void>();
  return (step, done, total) => {
    const bar = bars.get(step) ?? bars.set(step, progressBar(step)).get(step)!;
    bar(done, total);
  };
}
