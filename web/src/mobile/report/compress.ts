// Photos are compressed on the phone before upload: drawn on a canvas at most MAX_SIDE px on the
// long side and encoded as JPEG, smaller again until the file is at most MAX_BYTES.

export const MAX_BYTES = 500 * 1024
export const MAX_SIDE = 1600
const START_QUALITY = 0.82
const MIN_QUALITY = 0.5
/** Tries before giving up (each one smaller); a 1600 px JPEG rarely needs more than two. */
const MAX_TRIES = 6

export interface Size {
  width: number
  height: number
}

/** The drawn size: the photo scaled down (never up) so that its long side is at most `maxSide`. */
export function fitWithin(s: Size, maxSide = MAX_SIDE): Size {
  const long = Math.max(s.width, s.height)
  if (long <= maxSide || long <= 0) return { width: Math.round(s.width), height: Math.round(s.height) }
  const k = maxSide / long
  return { width: Math.max(1, Math.round(s.width * k)), height: Math.max(1, Math.round(s.height * k)) }
}

/**
 * The next try after a JPEG of `bytes` was too big: the quality first (down to MIN_QUALITY), then
 * the sides, by the square root of the size ratio (a JPEG's size goes with its area) and 10 %
 * more for margin. Null when the file is small enough.
 */
export function nextTry(size: Size, quality: number, bytes: number, maxBytes = MAX_BYTES): { size: Size; quality: number } | null {
  if (bytes <= maxBytes) return null
  if (quality > MIN_QUALITY) return { size, quality: Math.max(MIN_QUALITY, Math.round((quality - 0.15) * 100) / 100) }
  const k = Math.sqrt(maxBytes / bytes) * 0.9
  return {
    size: { width: Math.max(1, Math.floor(size.width * k)), height: Math.max(1, Math.floor(size.height * k)) },
    quality,
  }
}

/** The JPEG file name of a photo: its own name with .jpg, or one made of the time. */
export function jpegName(name: string | undefined, now = new Date()): string {
  const base = (name ?? '').replace(/\.[^.]*$/, '').trim()
  return `${base || `photo-${now.getTime()}`}.jpg`
}

function encode(img: CanvasImageSource, s: Size, quality: number): Promise<Blob> {
  const canvas = document.createElement('canvas')
  canvas.width = s.width
  canvas.height = s.height
  const ctx = canvas.getContext('2d')
  if (!ctx) return Promise.reject(new Error('no 2d canvas'))
  ctx.fillStyle = '#fff' // a transparent PNG gets a white, not black, background
  ctx.fillRect(0, 0, s.width, s.height)
  ctx.drawImage(img, 0, 0, s.width, s.height)
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/jpeg', quality),
  )
}

/** The photo as a JPEG of at most MAX_BYTES (the browser's EXIF orientation applied). */
export async function compressPhoto(file: File): Promise<File> {
  const img = await createImageBitmap(file, { imageOrientation: 'from-image' })
  try {
    let size = fitWithin({ width: img.width, height: img.height })
    let quality = START_QUALITY
    let blob = await encode(img, size, quality)
    for (let i = 0; i < MAX_TRIES; i++) {
      const next = nextTry(size, quality, blob.size)
      if (!next) break
      ;({ size, quality } = next)
      blob = await encode(img, size, quality)
    }
    return new File([blob], jpegName(file.name), { type: 'image/jpeg' })
  } finally {
    img.close()
  }
}
