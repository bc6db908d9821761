// GCJ-02 base maps (Gaode, Tencent style tiles) under our WGS-84 layers. Vector tiles cannot be
// reprojected or shifted in OpenLayers without breaking their tile clipping, so the map stays in
// Web Mercator over WGS-84 and the raster tiles are declared in a "GCJ-02 Mercator" projection:
// OpenLayers' raster reprojection then warps them onto our data by the same formulas. Clicks,
// drawings and queries therefore stay in WGS-84 with no conversion of their own.
import Projection from 'ol/proj/Projection'
import { addCoordinateTransforms, addProjection, fromLonLat, get as getProjection, toLonLat } from 'ol/proj'
import type { Coordinate } from 'ol/coordinate'
import { gcj02ToWgs84, wgs84ToGcj02 } from '@/utils/coords'

export const GCJ02_MERCATOR = 'ZG:GCJ02-MERCATOR'

const RADIUS = 6378137
const HALF = Math.PI * RADIUS
const EXTENT = [-HALF, -HALF, HALF, HALF]

/** WGS-84 lon/lat → GCJ-02 Web Mercator metres (what the tiles' pixels are drawn in). */
export function lonLatToGcjMercator(c: Coordinate): Coordinate {
  return fromLonLat(wgs84ToGcj02(c[0]!, c[1]!))
}

/** GCJ-02 Web Mercator metres → WGS-84 lon/lat. */
export function gcjMercatorToLonLat(c: Coordinate): Coordinate {
  const [lon, lat] = toLonLat(c)
  return gcj02ToWgs84(lon!, lat!)
}

/** Registers the projection and its transforms once; answers it. */
export function gcj02Projection(): Projection {
  const known = getProjection(GCJ02_MERCATOR)
  if (known) return known
  const proj = new Projection({
    code: GCJ02_MERCATOR,
    units: 'm',
    extent: EXTENT,
    worldExtent: [-180, -85, 180, 85],
    global: true,
    // As EPSG:3857: a metre on the map is 1/cosh(y/R) metres on the ground.
    getPointResolution: (resolution: number, point: Coordinate) => resolution / Math.cosh(point[1]! / RADIUS),
  })
  addProjection(proj)
  addCoordinateTransforms('EPSG:4326', proj, lonLatToGcjMercator, gcjMercatorToLonLat)
  addCoordinateTransforms(
    'EPSG:3857',
    proj,
    (c) => lonLatToGcjMercator(toLonLat(c)),
    (c) => fromLonLat(gcjMercatorToLonLat(c)),
  )
  return proj
}
