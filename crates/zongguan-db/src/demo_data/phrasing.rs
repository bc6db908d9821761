//! How the demo's cases are described: the way grid workers and citizens write them — a place, what
//! is wrong in the words people use for it (the item's keywords), and a remark — in several shapes,
//! so the item suggestion learns from varied text.
use zongguan_core::geometry::Rng;

/// Estates, streets and landmarks of the kind every community has.
const PLACES: &[&str] = &[
    "幸福花园",
    "龙岗新村",
    "平湖大街",
    "富民市场",
    "华南城",
    "良安田村",
    "新木老村",
    "鹅公岭工业区",
    "守珍街",
    "凤凰大道",
    "第一小学",
    "平湖中学",
    "金融中心",
    "万科城",
    "天虹商场",
    "地铁站",
    "社康中心",
    "文化广场",
    "农批市场",
    "山厦村",
    "辅城坳",
    "白泥坑",
    "上木古",
    "富安大道",
];

/// Where at the place.
const SPOTS: &[&str] = &[
    "门口",
    "北门",
    "东侧",
    "西门",
    "旁边",
    "对面",
    "后巷",
    "停车场",
    "路口",
    "附近",
    "一楼",
    "楼下",
    "小区内",
    "公交站旁",
    "巷子里",
];

/// Closing remarks.
const TAILS: &[&str] = &[
    "请尽快处理",
    "现场已拍照取证",
    "群众反映强烈",
    "已现场劝导，需职能部门处理",
    "存在安全隐患，请相关部门跟进",
    "已告知当事人限期整改",
    "影响居民生活",
    "影响通行",
    "多次劝导无果",
    "附近居民意见较大",
    "情况属实",
    "已上报",
];

/// A place as staff write it: the given one, else "幸福花园门口", "平湖大街与凤凰大道路口".
fn place(given: &str, rng: &mut Rng) -> String {
    if !given.is_empty() {
        return given.to_string();
    }
    match rng.below(5) {
        0 => format!("{}与{}路口", rng.pick(PLACES), rng.pick(PLACES)),
        1 => format!(
            "{}{}栋{}",
            rng.pick(PLACES),
            1 + rng.below(30),
            rng.pick(&["楼下", "楼道", "门口"])
        ),
        _ => format!("{}{}", rng.pick(PLACES), rng.pick(SPOTS)),
    }
}

/// A description of a case of the item: one of several shapes, its keywords (or its name) for
/// what is wrong, the place (the given one, else a made-up one) and a remark.
pub(super) fn describe(item_name: &str, keywords: &[String], given_place: &str, rng: &mut Rng) -> String {
    let word = |rng: &mut Rng| -> String {
        if keywords.is_empty() || rng.below(6) == 0 {
            item_name.to_string()
        } else {
            rng.pick(keywords).clone()
        }
    };
    let p = place(given_place, rng);
    let (k, k2) = (word(rng), word(rng));
    let tail = rng.pick(TAILS);
    match rng.below(9) {
        0 => format!("巡查发现{p}{k}，{tail}。"),
        1 => format!("{p}{k}，{tail}。"),
        2 => format!("居民反映{p}{k}，{tail}。"),
        3 => format!("{p}存在{k}的情况，{tail}。"),
        4 => format!("接群众来电，称{p}{k}，{k2}，{tail}。"),
        5 => format!("{p}一带{k}，{tail}。"),
        6 => format!("网格员巡查时看到{p}{k}，{tail}"),
        7 => format!("{p}{k}问题又出现了，{tail}。"),
        _ => format!("{p}有{k}，{k2}，{tail}。"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use zongguan_core::case_keywords;
    use zongguan_core::case_taxonomy::CATEGORIES;

    #[test]
    fn descriptions_vary_and_never_write_a_held_out_sentence() {
        let held: HashSet<&str> = zongguan_core::item_suggest::holdout()
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        let mut rng = Rng::new(7);
        for c in CATEGORIES {
            for i in c.items {
                let words = case_keywords::split(&case_keywords::seeded(i.code));
                let texts: HashSet<String> = (0..300)
                    .map(|_| {
                        describe(
                            i.name,
                            &words,
                            if rng.below(2) == 0 { "良安田9栋附近" } else { "" },
                            &mut rng,
                        )
                    })
                    .collect();
                assert!(texts.len() > 150, "{} {}", i.code, texts.len());
                for t in &texts {
                    let bare = t.trim_end_matches('。');
                    assert!(!held.contains(t.as_str()) && !held.contains(bare), "{t}");
                }
            }
        }
    }
}
