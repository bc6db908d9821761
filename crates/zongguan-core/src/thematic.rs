//! Thematic maps' arithmetic: shares per hundred and quantile class breaks.

/// `n` per hundred of `d`, to one decimal; 0 where there is nothing to divide by.
pub fn per_100(n: f64, d: f64) -> f64 {
    if d > 0.0 { (n / d * 1000.0).round() / 10.0 } else { 0.0 }
}

/// Quantile class breaks over the distinct values (so a district where most grids read 0 still
/// gets several classes), rounded to one decimal: `classes + 1` numbers (1 to 9 classes), fewer
/// when values repeat, two equal ones when all values are equal, none without values.
pub fn quantile_breaks(values: &[f64], classes: usize) -> Vec<f64> {
    let mut v: Vec<f64> = values
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .map(|x| (x * 10.0).round() / 10.0)
        .collect();
    if v.is_empty() {
        return vec![];
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v.dedup();
    let k = classes.clamp(1, 9);
    let mut out: Vec<f64> = (0..=k)
        .map(|i| v[((v.len() - 1) * i) / k])
        .map(|x| (x * 10.0).round() / 10.0)
        .collect();
    out.dedup();
    if out.len() == 1 {
        out.push(out[0]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_breaks_cover_the_range() {
        let v: Vec<f64> = (0..100).map(f64::from).collect();
        assert_eq!(quantile_breaks(&v, 5), vec![0.0, 19.0, 39.0, 59.0, 79.0, 99.0]);
        assert_eq!(quantile_breaks(&[3.0, 3.0, 3.0], 5), vec![3.0, 3.0]);
        // Mostly zeros: the classes spread over the values that occur.
        let mut v = vec![0.0; 500];
        v.extend([83.0, 166.0, 249.0, 332.0, 888.0]);
        assert_eq!(quantile_breaks(&v, 5), vec![0.0, 83.0, 166.0, 249.0, 332.0, 888.0]);
        assert!(quantile_breaks(&[], 5).is_empty());
    }

    #[test]
    fn quantile_breaks_clamp_the_classes_and_skip_what_is_not_a_number() {
        let v: Vec<f64> = (0..100).map(f64::from).collect();
        assert_eq!(quantile_breaks(&v, 0), vec![0.0, 99.0], "at least one class");
        assert_eq!(quantile_breaks(&v, 50).len(), 10, "at most nine classes");
        assert_eq!(
            quantile_breaks(&[f64::NAN, 1.04, f64::INFINITY, 2.06], 1),
            vec![1.0, 2.1]
        );
    }

    #[test]
    fn per_hundred_to_one_decimal() {
        assert_eq!(per_100(1.0, 3.0), 33.3);
        assert_eq!(per_100(2.0, 3.0), 66.7);
        assert_eq!(per_100(5.0, 0.0), 0.0);
    }
}
