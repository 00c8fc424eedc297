/** Tables with at least this many rows report progress within their load. */
// @ts-nocheck

export const PROGRESS_MIN_ROWS = 50_000;

/**
 * Progress within one table's load, so a long load (scale 1: 5M events) shows it is moving: a line at
 * each tenth of a table of PROGRESS_MIN_ROWS rows or more, with the rate so far.
 */
export function progress(table: string, total: number, log: (line: string) => void): (done: number) => void {
  if (total < PROGRESS_MIN_ROWS) return () => {};
  const started = Date.now();
  let next = 1;
  return (done) => {
    const tenth = Math.floor((done * 10) / total);
    if (tenth < next || tenth >= 10) return;
    next = tenth + 1;
    const perSecond = Math.round(done / ((Date.now() - started) / 1000 || 1e-3));
    log(`demo data: ${table}: ${done} of ${total} rows (${tenth * 10}%, ${perSecond}/s)`);
  };
}
