/**
 * Open a report in headless Chromium (edge; Debian's `chromium`): the DOM after load (our report marks
 * `data-images-ok="decoded/total"`), every console message, and a screenshot with its share of inked pixels.
 */
import { execa } from 'execa';
import sharp from 'sharp';

export interface ChromiumCheck {
  readonly imagesDecoded: number;
  readonly imagesTotal: number;
  /** Console messages the page logged (our report logs only errors). */
  readonly consoleMessages: string[];
  /** Share of screenshot pixels that are not near-white. */
  readonly inkShare: number;
  readonly screenshot: string;
}

/** The chromium binary on PATH, or undefined. */
export async function findChromium(): Promise<string | undefined> {
  for (const bin of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = await execa('which', [bin], { reject: false });
    if (r.exitCode === 0) return r.stdout.trim();
  }
  return undefined;
}

export async function openInChromium(htmlPath: string, screenshot: string, o: { width?: number; height?: number } = {}): Promise<ChromiumCheck> {
  const bin = await findChromium();
  if (!bin) throw new Error('chromium is not installed (apt-get install chromium)');
  const common = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--enable-logging=stderr', '--v=0', '--virtual-time-budget=5000'];
  const url = `file://${htmlPath}`;
  const dom = await execa(bin, [...common, '--dump-dom', url], { reject: false, timeout: 120_000 });
  const m = /data-images-ok="(\d+)\/(\d+)"/.exec(dom.stdout);
  const consoleMessages = (dom.stderr ?? '').split('\n').filter((l) => /:CONSOLE[:(]/.test(l));
  await execa(bin, [...common, `--window-size=${o.width ?? 1300},${o.height ?? 2400}`, `--screenshot=${screenshot}`, url], { reject: false, timeout: 120_000 });
  const { data, info } = await sharp(screenshot).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let ink = 0;
  for (let i = 0; i < data.length; i += info.channels) if (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235) ink++;
  return { imagesDecoded: m ? Number(m[1]) : 0, imagesTotal: m ? Number(m[2]) : -1, consoleMessages, inkShare: ink / (info.width * info.height), screenshot };
}
