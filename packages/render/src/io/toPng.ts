/** SVG to PNG through sharp (edge). Written to a temporary name and renamed. */
import { rename } from 'node:fs/promises';
import sharp from 'sharp';

export async function svgToPng(svg: string, path: string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  await sharp(Buffer.from(svg), { density: 72, limitInputPixels: false }).png({ compressionLevel: 9 }).toFile(temp);
  await rename(temp, path);
}

/** Count pixels darker than `threshold` (0-255 luminance) in a region of a PNG: ink where a label was drawn. */
export async function inkPixels(png: string | Buffer, region?: { left: number; top: number; width: number; height: number }, threshold = 160): Promise<number> {
  let image = sharp(png).greyscale();
  if (region) image = image.extract(region);
  const { data } = await image.raw().toBuffer({ resolveWithObject: true });
  let ink = 0;
  for (let i = 0; i < data.length; i++) if (data[i] < threshold) ink++;
  return ink;
}
