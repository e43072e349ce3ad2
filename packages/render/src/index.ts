/** @hardwire/render: review images (SVG first, PNG through sharp). */
export * from './waferSvg.ts';
export { svgToPng, inkPixels } from './io/toPng.ts';
export { waferMapStage } from './stages/waferMapStage.ts';
export * from './charts.ts';
export * from './report.ts';
export { reportStage, roleCategory } from './stages/reportStage.ts';
export { findChromium, openInChromium, type ChromiumCheck } from './io/chromium.ts';
export * from './dataflow.ts';
export { layoutLayered } from './io/elkLayered.ts';
