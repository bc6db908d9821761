// Draws the phone app's icons (web/public/icons/m-{192,512}.png): the favicon's design — a blue
// rounded square with a white 2×2 grid — as PNG files, with no image tool needed.
// Run: node scripts/mobile-icons.mjs
import { writeFileSync, mkdirSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (buf) => {
  let c = 0xffffffff
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

/** The icon at `size` px, in the favicon's 32-unit design space. */
function icon(size) {
  const u = size / 32
  const rows = []
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4)
    for (let x = 0; x < size; x++) {
      const [sx, sy] = [(x + 0.5) / u, (y + 0.5) / u]
      // Rounded square, radius 6.
      const cx = Math.min(Math.max(sx, 6), 26)
      const cy = Math.min(Math.max(sy, 6), 26)
      const inside = (sx - cx) ** 2 + (sy - cy) ** 2 <= 36
      const line = (v) => Math.abs(v - 8) <= 1 || Math.abs(v - 16) <= 1 || Math.abs(v - 24) <= 1
      const inFrame = sx >= 7 && sx <= 25 && sy >= 7 && sy <= 25
      const white = inFrame && (line(sx) || line(sy))
      const px = !inside ? [0, 0, 0, 0] : white ? [255, 255, 255, 255] : [0x1f, 0x5f, 0xbf, 255]
      row.set(px, 1 + x * 4)
    }
    rows.push(row)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr.set([8, 6, 0, 0, 0], 8)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const dir = new URL('../web/public/icons/', import.meta.url)
mkdirSync(dir, { recursive: true })
for (const size of [192, 512]) writeFileSync(new URL(`m-${size}.png`, dir), icon(size))
