/** @hardwire/render: review images (SVG first, PNG through sharp). */
export * from './waferSvg.ts';
export { svgToPng, inkPixels } from './io/toPng.ts';
export { waferMapStage } from './stages/waferMapStage.ts';
