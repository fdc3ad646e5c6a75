import { crc32, deflateSync, inflateSync } from 'node:zlib';

/**
 * Just enough PNG for the app icons: 8-bit RGBA, written unfiltered, read back with any filter. The Teams
 * icon rules (exact sizes, outline = white on transparent) are checked on the decoded pixels.
 */

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, row by row. */
  pixels: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BIT_DEPTH_8 = 8;
const COLOR_TYPE_RGBA = 6;

export function encodePng(image: RgbaImage): Buffer {
  const { width, height, pixels } = image;
  const rowBytes = width * 4;
  const raw = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y += 1) {
    raw[y * (rowBytes + 1)] = 0; // filter: none
    Buffer.from(pixels.buffer, pixels.byteOffset + y * rowBytes, rowBytes).copy(raw, y * (rowBytes + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([BIT_DEPTH_8, COLOR_TYPE_RGBA, 0, 0, 0], 8);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

/** The IHDR of a PNG file; throws when the bytes are not a PNG. */
export function readPngHeader(file: Buffer): PngHeader {
  if (
    file.length < 33 ||
    !file.subarray(0, 8).equals(SIGNATURE) ||
    file.toString('latin1', 12, 16) !== 'IHDR'
  ) {
    throw new Error('not a PNG file');
  }
  return {
    width: file.readUInt32BE(16),
    height: file.readUInt32BE(20),
    bitDepth: file[24],
    colorType: file[25],
  };
}

/** Decodes an 8-bit RGBA, non-interlaced PNG (what `encodePng` and most tools write for icons). */
export function decodePng(file: Buffer): RgbaImage {
  const header = readPngHeader(file);
  if (header.bitDepth !== BIT_DEPTH_8 || header.colorType !== COLOR_TYPE_RGBA || file[28] !== 0) {
    throw new Error('only 8-bit RGBA non-interlaced PNGs are supported');
  }
  const data: Buffer[] = [];
  for (let offset = 8; offset < file.length;) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    if (type === 'IDAT') data.push(file.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const { width, height } = header;
  const rowBytes = width * 4;
  const pixels = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (rowBytes + 1)];
    for (let x = 0; x < rowBytes; x += 1) {
      const value = raw[y * (rowBytes + 1) + 1 + x];
      const left = x >= 4 ? pixels[y * rowBytes + x - 4] : 0;
      const up = y > 0 ? pixels[(y - 1) * rowBytes + x] : 0;
      const upLeft = x >= 4 && y > 0 ? pixels[(y - 1) * rowBytes + x - 4] : 0;
      pixels[y * rowBytes + x] = (value + predict(filter, left, up, upLeft)) & 0xff;
    }
  }
  return { width, height, pixels };
}

function predict(filter: number, left: number, up: number, upLeft: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return Math.floor((left + up) / 2);
    case 4: {
      const estimate = left + up - upLeft;
      const [toLeft, toUp, toUpLeft] = [left, up, upLeft].map((value) => Math.abs(estimate - value));
      if (toLeft <= toUp && toLeft <= toUpLeft) return left;
      return toUp <= toUpLeft ? up : upLeft;
    }
    default:
      throw new Error(`unknown PNG filter ${filter}`);
  }
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}
