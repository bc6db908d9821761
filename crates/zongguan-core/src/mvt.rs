//! Mapbox Vector Tiles (spec 2.1): a small encoder for points and polygons, and a decoder for
//! tests and tools. Protobuf is written by hand: the format needs five message types.
use std::collections::HashMap;

pub const EXTENT: u32 = 4096;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Double(f64),
    Bool(bool),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::Str(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Self::Str(s)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Self::Double(v)
    }
}

/// Geometry in tile coordinates (x right, y down, 0..EXTENT inside the tile).
#[derive(Debug, Clone, PartialEq)]
pub enum Geom {
    Point(i32, i32),
    /// Polygons, each a list of rings (exterior first, then holes), rings not closed.
    Polygons(Vec<Vec<Vec<(i32, i32)>>>),
}

fn varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

fn key(buf: &mut Vec<u8>, field: u32, wire: u8) {
    varint(buf, (u64::from(field) << 3) | u64::from(wire));
}

fn bytes_field(buf: &mut Vec<u8>, field: u32, data: &[u8]) {
    key(buf, field, 2);
    varint(buf, data.len() as u64);
    buf.extend_from_slice(data);
}

fn zigzag(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

fn command(id: u32, count: usize) -> u32 {
    (id & 7) | ((count as u32) << 3)
}

/// Twice the signed area in tile coordinates; positive means clockwise on screen (exterior).
fn ring_area2(r: &[(i32, i32)]) -> i64 {
    let n = r.len();
    (0..n)
        .map(|i| {
            let (a, b) = (r[i], r[(i + 1) % n]);
            i64::from(a.0) * i64::from(b.1) - i64::from(b.0) * i64::from(a.1)
        })
        .sum()
}

/// One layer of a tile, with its key and value tables.
pub struct Layer {
    name: String,
    keys: Vec<String>,
    key_index: HashMap<String, u32>,
    values: Vec<Value>,
    value_index: HashMap<String, u32>,
    features: Vec<u8>,
    count: usize,
}

impl Layer {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_string(),
            keys: vec![],
            key_index: HashMap::new(),
            values: vec![],
            value_index: HashMap::new(),
            features: vec![],
            count: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn key_id(&mut self, k: &str) -> u32 {
        if let Some(i) = self.key_index.get(k) {
            return *i;
        }
        let i = self.keys.len() as u32;
        self.keys.push(k.to_string());
        self.key_index.insert(k.to_string(), i);
        i
    }

    fn value_id(&mut self, v: &Value) -> u32 {
        let tag = match v {
            Value::Str(s) => format!("s{s}"),
            Value::Int(i) => format!("i{i}"),
            Value::Double(d) => format!("d{}", d.to_bits()),
            Value::Bool(b) => format!("b{b}"),
        };
        if let Some(i) = self.value_index.get(&tag) {
            return *i;
        }
        let i = self.values.len() as u32;
        self.values.push(v.clone());
        self.value_index.insert(tag, i);
        i
    }

    /// Adds a feature; a polygon whose rings all collapse at this zoom is skipped (returns false).
    pub fn add(&mut self, id: Option<u64>, geom: &Geom, props: &[(&str, Value)]) -> bool {
        let mut g: Vec<u32> = Vec::new();
        let kind = match geom {
            Geom::Point(x, y) => {
                g.extend([command(1, 1), zigzag(*x), zigzag(*y)]);
                1u64
            }
            Geom::Polygons(polys) => {
                let (mut cx, mut cy) = (0i32, 0i32);
                for poly in polys {
                    for (ri, ring) in poly.iter().enumerate() {
                        let mut r: Vec<(i32, i32)> = Vec::with_capacity(ring.len());
                        for p in ring {
                            if r.last() != Some(p) {
                                r.push(*p);
                            }
                        }
                        while r.len() > 1 && r.first() == r.last() {
                            r.pop();
                        }
                        let area = ring_area2(&r);
                        if r.len() < 3 || area == 0 {
                            continue;
                        }
                        // Exterior rings clockwise on screen (positive area), holes the other way.
                        if (ri == 0) != (area > 0) {
                            r.reverse();
                        }
                        g.extend([command(1, 1), zigzag(r[0].0 - cx), zigzag(r[0].1 - cy)]);
                        (cx, cy) = r[0];
                        g.push(command(2, r.len() - 1));
                        for p in &r[1..] {
                            g.extend([zigzag(p.0 - cx), zigzag(p.1 - cy)]);
                            (cx, cy) = *p;
                        }
                        g.push(command(7, 1));
                    }
                }
                if g.is_empty() {
                    return false;
                }
                3
            }
        };
        let mut tags: Vec<u32> = Vec::with_capacity(props.len() * 2);
        for (k, v) in props {
            let (ki, vi) = (self.key_id(k), self.value_id(v));
            tags.extend([ki, vi]);
        }
        let mut f = Vec::with_capacity(16 + g.len() * 2);
        if let Some(id) = id {
            key(&mut f, 1, 0);
            varint(&mut f, id);
        }
        let mut packed = Vec::new();
        for t in tags {
            varint(&mut packed, u64::from(t));
        }
        bytes_field(&mut f, 2, &packed);
        key(&mut f, 3, 0);
        varint(&mut f, kind);
        packed.clear();
        for c in g {
            varint(&mut packed, u64::from(c));
        }
        bytes_field(&mut f, 4, &packed);
        bytes_field(&mut self.features, 2, &f);
        self.count += 1;
        true
    }

    fn encode(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(self.features.len() + 64);
        key(&mut b, 15, 0);
        varint(&mut b, 2);
        bytes_field(&mut b, 1, self.name.as_bytes());
        b.extend_from_slice(&self.features);
        for k in &self.keys {
            bytes_field(&mut b, 3, k.as_bytes());
        }
        for v in &self.values {
            let mut vb = Vec::new();
            match v {
                Value::Str(s) => bytes_field(&mut vb, 1, s.as_bytes()),
                Value::Double(d) => {
                    key(&mut vb, 3, 1);
                    vb.extend_from_slice(&d.to_le_bytes());
                }
                Value::Int(i) => {
                    key(&mut vb, 4, 0);
                    varint(&mut vb, *i as u64);
                }
                Value::Bool(x) => {
                    key(&mut vb, 7, 0);
                    varint(&mut vb, u64::from(*x));
                }
            }
            bytes_field(&mut b, 4, &vb);
        }
        key(&mut b, 5, 0);
        varint(&mut b, u64::from(EXTENT));
        b
    }
}

/// A tile of the given layers (empty layers are left out).
pub fn encode(layers: &[Layer]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in layers.iter().filter(|l| !l.is_empty()) {
        bytes_field(&mut out, 3, &l.encode());
    }
    out
}

/// Clips one ring to the square [lo, hi]² (see [`crate::geometry::clip_ring`]).
pub fn clip_ring(ring: &[(f64, f64)], lo: f64, hi: f64) -> Vec<(f64, f64)> {
    crate::geometry::clip_ring(ring, (lo, lo), (hi, hi))
}

// ---------- decoding ----------

#[derive(Debug, Clone, PartialEq)]
pub struct DecodedFeature {
    pub id: Option<u64>,
    pub props: HashMap<String, Value>,
    /// 1 point, 2 line, 3 polygon.
    pub kind: u32,
    /// Absolute tile coordinates of every vertex, ring by ring (a point is one ring of one vertex).
    pub rings: Vec<Vec<(i32, i32)>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DecodedLayer {
    pub name: String,
    pub extent: u32,
    pub features: Vec<DecodedFeature>,
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.b.get(self.i).ok_or("truncated varint")?;
            self.i += 1;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }
    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let n = self.varint()? as usize;
        let s = self.b.get(self.i..self.i + n).ok_or("truncated field")?;
        self.i += n;
        Ok(s)
    }
    /// (field, wire type) of the next field, or None at the end.
    fn next(&mut self) -> Result<Option<(u32, u8)>, String> {
        if self.i >= self.b.len() {
            return Ok(None);
        }
        let k = self.varint()?;
        Ok(Some(((k >> 3) as u32, (k & 7) as u8)))
    }
    fn skip(&mut self, wire: u8) -> Result<(), String> {
        match wire {
            0 => self.varint().map(|_| ()),
            1 => {
                self.i += 8;
                Ok(())
            }
            2 => self.bytes().map(|_| ()),
            5 => {
                self.i += 4;
                Ok(())
            }
            w => Err(format!("wire type {w}")),
        }
    }
    fn packed(&mut self) -> Result<Vec<u32>, String> {
        let mut r = Reader { b: self.bytes()?, i: 0 };
        let mut out = vec![];
        while r.i < r.b.len() {
            out.push(r.varint()? as u32);
        }
        Ok(out)
    }
}

fn decode_value(b: &[u8]) -> Result<Value, String> {
    let mut r = Reader { b, i: 0 };
    let mut v = Value::Bool(false);
    while let Some((f, w)) = r.next()? {
        v = match (f, w) {
            (1, 2) => Value::Str(String::from_utf8(r.bytes()?.to_vec()).map_err(|e| e.to_string())?),
            (3, 1) => {
                let s = r.b.get(r.i..r.i + 8).ok_or("truncated double")?;
                r.i += 8;
                Value::Double(f64::from_le_bytes(s.try_into().map_err(|_| "double")?))
            }
            (4 | 5, 0) => Value::Int(r.varint()? as i64),
            (6, 0) => {
                let z = r.varint()?;
                Value::Int(((z >> 1) as i64) ^ -((z & 1) as i64))
            }
            (7, 0) => Value::Bool(r.varint()? != 0),
            _ => {
                r.skip(w)?;
                continue;
            }
        };
    }
    Ok(v)
}

fn decode_geometry(cmds: &[u32]) -> Vec<Vec<(i32, i32)>> {
    let (mut x, mut y) = (0i32, 0i32);
    let mut rings: Vec<Vec<(i32, i32)>> = vec![];
    let mut i = 0;
    let unzig = |v: u32| ((v >> 1) as i32) ^ -((v & 1) as i32);
    while i < cmds.len() {
        let (id, count) = (cmds[i] & 7, cmds[i] >> 3);
        i += 1;
        match id {
            1 | 2 => {
                for _ in 0..count {
                    let (Some(dx), Some(dy)) = (cmds.get(i), cmds.get(i + 1)) else {
                        return rings;
                    };
                    x += unzig(*dx);
                    y += unzig(*dy);
                    i += 2;
                    if id == 1 {
                        rings.push(vec![(x, y)]);
                    } else if let Some(r) = rings.last_mut() {
                        r.push((x, y));
                    }
                }
            }
            _ => {}
        }
    }
    rings
}

/// Reads a tile back (for tests and the bench): layers with their features and properties.
pub fn decode(tile: &[u8]) -> Result<Vec<DecodedLayer>, String> {
    let mut r = Reader { b: tile, i: 0 };
    let mut layers = vec![];
    while let Some((f, w)) = r.next()? {
        if (f, w) != (3, 2) {
            r.skip(w)?;
            continue;
        }
        let mut lr = Reader { b: r.bytes()?, i: 0 };
        let (mut name, mut extent, mut keys, mut values, mut raw) = (String::new(), EXTENT, vec![], vec![], vec![]);
        while let Some((f, w)) = lr.next()? {
            match (f, w) {
                (1, 2) => name = String::from_utf8(lr.bytes()?.to_vec()).map_err(|e| e.to_string())?,
                (2, 2) => raw.push(lr.bytes()?),
                (3, 2) => keys.push(String::from_utf8(lr.bytes()?.to_vec()).map_err(|e| e.to_string())?),
                (4, 2) => values.push(decode_value(lr.bytes()?)?),
                (5, 0) => extent = lr.varint()? as u32,
                _ => lr.skip(w)?,
            }
        }
        let mut features = vec![];
        for fb in raw {
            let mut fr = Reader { b: fb, i: 0 };
            let mut feat = DecodedFeature {
                id: None,
                props: HashMap::new(),
                kind: 0,
                rings: vec![],
            };
            while let Some((f, w)) = fr.next()? {
                match (f, w) {
                    (1, 0) => feat.id = Some(fr.varint()?),
                    (2, 2) => {
                        for kv in fr.packed()?.chunks(2) {
                            let k = keys.get(kv[0] as usize).ok_or("bad key index")?;
                            let v = values
                                .get(*kv.get(1).ok_or("odd tags")? as usize)
                                .ok_or("bad value index")?;
                            feat.props.insert(k.clone(), v.clone());
                        }
                    }
                    (3, 0) => feat.kind = fr.varint()? as u32,
                    (4, 2) => feat.rings = decode_geometry(&fr.packed()?),
                    _ => fr.skip(w)?,
                }
            }
            features.push(feat);
        }
        layers.push(DecodedLayer { name, extent, features });
    }
    Ok(layers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_and_polygons_round_trip() {
        let mut l = Layer::new("buildings");
        assert!(l.add(
            Some(7),
            &Geom::Point(10, -3),
            &[
                ("code", "B1".into()),
                ("count", Value::Int(3)),
                ("cluster", true.into())
            ]
        ));
        // A square drawn counter-clockwise on screen with a hole: the encoder fixes both windings.
        let outer = vec![(0, 0), (0, 100), (100, 100), (100, 0)];
        let hole = vec![(10, 10), (20, 10), (20, 20), (10, 20)];
        assert!(l.add(
            Some(8),
            &Geom::Polygons(vec![vec![outer, hole]]),
            &[("code", "B1".into()), ("share", 0.25.into())]
        ));
        // A polygon collapsed to a line at this zoom is skipped.
        assert!(!l.add(Some(9), &Geom::Polygons(vec![vec![vec![(1, 1), (1, 1), (2, 2)]]]), &[]));
        let tile = encode(&[l, Layer::new("empty")]);
        let layers = decode(&tile).expect("decodes");
        assert_eq!(layers.len(), 1, "empty layers are left out");
        let l = &layers[0];
        assert_eq!((l.name.as_str(), l.extent, l.features.len()), ("buildings", 4096, 2));
        let p = &l.features[0];
        assert_eq!((p.id, p.kind, p.rings.clone()), (Some(7), 1, vec![vec![(10, -3)]]));
        assert_eq!(p.props["code"], Value::Str("B1".into()));
        assert_eq!(p.props["count"], Value::Int(3));
        assert_eq!(p.props["cluster"], Value::Bool(true));
        let poly = &l.features[1];
        assert_eq!((poly.kind, poly.rings.len()), (3, 2));
        assert!(ring_area2(&poly.rings[0]) > 0, "exterior clockwise on screen");
        assert!(ring_area2(&poly.rings[1]) < 0, "hole the other way");
        assert_eq!(poly.props["share"], Value::Double(0.25));
    }

    #[test]
    fn clipping_keeps_the_inside() {
        let big = vec![(-50.0, -50.0), (5000.0, -50.0), (5000.0, 5000.0), (-50.0, 5000.0)];
        let c = clip_ring(&big, -16.0, 4112.0);
        assert_eq!(c.len(), 4);
        assert!(
            c.iter()
                .all(|p| (-16.0..=4112.0).contains(&p.0) && (-16.0..=4112.0).contains(&p.1))
        );
        let outside = vec![(5000.0, 5000.0), (6000.0, 5000.0), (6000.0, 6000.0)];
        assert!(clip_ring(&outside, 0.0, 4096.0).is_empty());
        // A triangle cut by one edge becomes a quadrilateral.
        let tri = vec![(100.0, 100.0), (300.0, 100.0), (100.0, -100.0)];
        assert_eq!(clip_ring(&tri, 0.0, 4096.0).len(), 4);
    }
}
