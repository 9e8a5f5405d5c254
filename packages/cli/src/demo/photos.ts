import sharp from 'sharp';
// A small seeded PRNG, so that the demo world looks the same every time.
import { mulberry32 } from '@aperture/loadgen/random';

/** Two colours per palette: the demo's photos are gradients with a few soft shapes, no text. */
const PALETTES: [RGB, RGB][] = [
  [
    [255, 126, 95],
    [254, 180, 123],
  ],
  [
    [43, 88, 118],
    [78, 67, 118],
  ],
  [
    [17, 153, 142],
    [56, 239, 125],
  ],
  [
    [252, 70, 107],
    [63, 94, 251],
  ],
  [
    [247, 151, 30],
    [255, 210, 0],
  ],
  [
    [15, 32, 39],
    [44, 83, 100],
  ],
  [
    [233, 100, 67],
    [144, 78, 149],
  ],
  [
    [0, 180, 219],
    [0, 131, 176],
  ],
];

type RGB = [number, number, number];

const WIDTH = 480;
const HEIGHT = 360;

/**
 * A made-up photo for the demo world: a diagonal gradient with soft discs and a dark hill, different
 * for each `seed`, as a JPEG. Drawn as raw pixels rather than SVG: the embedded server forbids
 * sharp's SVG loader process-wide (media hardening), and the demo runs in the same process.
 */
export function demoPhoto(seed: number): Promise<Buffer> {
  const [from, to] = PALETTES[seed % PALETTES.length] ?? PALETTES[0]!;
  const rand = mulberry32(seed + 1);
  const discs = Array.from({ length: 3 + (seed % 4) }, () => ({
    x: rand() * WIDTH,
    y: rand() * HEIGHT * 0.6,
    r: 25 + rand() * 70,
    alpha: 0.15 + rand() * 0.4,
  }));
  const horizon = HEIGHT * (0.62 + rand() * 0.2);
  const phase = rand() * Math.PI * 2;
  const pixels = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const t = (x / WIDTH + y / HEIGHT) / 2;
      let rgb: RGB = [mix(from[0], to[0], t), mix(from[1], to[1], t), mix(from[2], to[2], t)];
      for (const d of discs) {
        if ((x - d.x) ** 2 + (y - d.y) ** 2 < d.r ** 2) rgb = rgb.map((c) => mix(c, 255, d.alpha)) as RGB;
      }
      if (y > horizon + Math.sin(x / 60 + phase) * 18) rgb = rgb.map((c) => c * 0.6) as RGB;
      const at = (y * WIDTH + x) * 3;
      pixels[at] = rgb[0];
      pixels[at + 1] = rgb[1];
      pixels[at + 2] = rgb[2];
    }
  }
  return sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

function mix(a: number, b: number, t: number): number {
  return Math.round(a + (b - a) * t);
}
