/** A one-line progress bar on stderr (plain lines when stderr is not a terminal). */
export function progressBar(label: string) {
  let lastPct = -1;
  const tty = process.stderr.isTTY;
  return (done: number, total: number) => {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (pct === lastPct) return;
    lastPct = pct;
    const width = 30;
    const bar = "#".repeat(Math.round((pct / 100) * width)).padEnd(width, ".");
    const line = `${label} [${bar}] ${String(pct).padStart(3)}% ${done}/${total}`;
    if (tty) process.stderr.write(`\r${line}${done >= total ? "\n" : ""}`);
    else if (pct % 25 === 0 || done >= total) process.stderr.write(`${line}\n`);
  };
}
