/**
 * Progress on stderr (edge). On a TTY: one redrawn bar with rate and ETA. Otherwise: a plain line at
 * most every few seconds. Nothing is printed for phases that finish within a second.
 */
import type { ProgressHandle } from '../stage.ts';

export interface ProgressSink {
  write(text: string): void;
  readonly isTTY: boolean;
}

export interface ProgressOptions {
  now?: () => number;
  /** Quiet period before the first report (ms). */
  delayMs?: number;
  /** Minimum gap between plain lines (ms). */
  lineIntervalMs?: number;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A progress handle for one stage, prefixed with its label. */
export function createProgress(sink: ProgressSink, prefix: string, options: ProgressOptions = {}): ProgressHandle {
  const now = options.now ?? (() => performance.now());
  const delayMs = options.delayMs ?? 1000;
  const lineIntervalMs = options.lineIntervalMs ?? (sink.isTTY ? 100 : 5000);
  let total = 0;
  let done = 0;
  let unit = '';
  let label = '';
  let startedAt = 0;
  let lastDrawAt = -Infinity;
  let drewBar = false;
  let lastDrawnDone = -1;

  const render = (): string => {
    const elapsed = (now() - startedAt) / 1000;
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (total - done) / rate : Infinity;
    const pct = (fraction * 100).toFixed(0).padStart(3);
    const what = `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}`;
    if (sink.isTTY) {
      const width = 24;
      const filled = Math.round(fraction * width);
      return `\r${prefix}${label ? ' ' + label : ''} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}% ${what} ETA ${formatSeconds(eta)}\x1b[K`;
    }
    return `${prefix}${label ? ' ' + label : ''}: ${pct}% ${what}, ${formatSeconds(elapsed)} elapsed, ETA ${formatSeconds(eta)}\n`;
  };

  const maybeDraw = (force: boolean) => {
    const t = now();
    if (t - startedAt < delayMs && !force) return;
    if (!force && t - lastDrawAt < lineIntervalMs) return;
    if (force && !drewBar) return; // short phase: stay quiet
    if (force && lastDrawnDone === done) return; // the last line already shows the end
    lastDrawAt = t;
    lastDrawnDone = done;
    drewBar = true;
    sink.write(render());
  };

  const stageStartedAt = now();
  return {
    note(text) {
      const elapsed = formatSeconds((now() - stageStartedAt) / 1000);
      sink.write(`${sink.isTTY && drewBar ? '\r\x1b[K' : ''}${prefix} ${text} (${elapsed} elapsed)\n`);
      lastDrawAt = -Infinity;
    },
    start(newTotal, newUnit, newLabel) {
      total = newTotal;
      unit = newUnit;
      label = newLabel ?? '';
      done = 0;
      startedAt = now();
      lastDrawAt = -Infinity;
      drewBar = false;
    },
    advance(n) {
      done += n;
      maybeDraw(false);
    },
    finish() {
      maybeDraw(true);
      if (drewBar && sink.isTTY) sink.write('\n');
      drewBar = false;
    },
  };
}
