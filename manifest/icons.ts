import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng, type RgbaImage } from './png';

/**
 * Draws the app icons: a key. `color.png` (192×192) is the white key on the accent colour; `outline.png`
 * (32×32) is the key as a white outline on transparent, as Teams requires for the app bar.
 * Regenerate with `node dist/manifest/icons.js` after a build; the PNGs are committed.
 */

export const ACCENT_COLOR = '#3B5BA9';

/** A shape in unit coordinates (0..1 across the icon): how far a point is outside it (negative inside). */
type Shape = (x: number, y: number) => number;

const circle =
  (cx: number, cy: number, r: number): Shape =>
  (x, y) =>
    Math.hypot(x - cx, y - cy) - r;

const box =
  (left: number, top: number, right: number, bottom: number): Shape =>
  (x, y) =>
    Math.max(left - x, x - right, top - y, y - bottom);

const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    Math.min(...shapes.map((shape) => shape(x, y)));

const minus =
  (shape: Shape, hole: Shape): Shape =>
  (x, y) =>
    Math.max(shape(x, y), -hole(x, y));

/** A key lying left to right: ring bow, shaft, two bits hanging down. */
const KEY: Shape = minus(
  union(
    circle(0.3, 0.5, 0.17),
    box(0.4, 0.455, 0.84, 0.545),
    box(0.66, 0.5, 0.72, 0.66),
    box(0.76, 0.5, 0.84, 0.62),
  ),
  circle(0.3, 0.5, 0.075),
);

/** Coverage (0..1) of the shape's area per pixel, or of its border band of `strokeWidth` (in pixels). */
function coverage(size: number, shape: Shape, strokeWidth?: number): Float64Array {
  const samples = 4;
  const result = new Float64Array(size * size);
  const halfStroke = strokeWidth === undefined ? 0 : strokeWidth / size / 2;
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const distance = shape((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          const inside = strokeWidth === undefined ? distance <= 0 : Math.abs(distance) <= halfStroke;
          if (inside) hits += 1;
        }
      }
      result[py * size + px] = hits / (samples * samples);
    }
  }
  return result;
}

export function drawColorIcon(): RgbaImage {
  const size = 192;
  const [red, green, blue] = [1, 3, 5].map((at) => parseInt(ACCENT_COLOR.slice(at, at + 2), 16));
  const key = coverage(size, KEY);
  const pixels = new Uint8Array(size * size * 4);
  key.forEach((amount, index) => {
    const blend = (background: number) => Math.round(background + (255 - background) * amount);
    pixels.set([blend(red), blend(green), blend(blue), 255], index * 4);
  });
  return { width: size, height: size, pixels };
}

export function drawOutlineIcon(): RgbaImage {
  const size = 32;
  const outline = coverage(size, KEY, 1.6);
  const pixels = new Uint8Array(size * size * 4);
  outline.forEach((amount, index) => pixels.set([255, 255, 255, Math.round(255 * amount)], index * 4));
  return { width: size, height: size, pixels };
}

if (require.main === module) {
  // Run from dist/manifest: write next to the sources.
  const manifestFolder = join(__dirname, '../../manifest');
  writeFileSync(join(manifestFolder, 'color.png'), encodePng(drawColorIcon()));
  writeFileSync(join(manifestFolder, 'outline.png'), encodePng(drawOutlineIcon()));
  process.stdout.write(`Wrote color.png and outline.png in ${manifestFolder}\n`);
}
