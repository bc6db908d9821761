//! People who look real without being anyone: valid ID numbers from the counties Shenzhen's
//! migrants come from, an age pyramid, common names, valid mobile prefixes.
use chrono::{Duration, NaiveDate};
use zongguan_core::geometry::Rng;
use zongguan_core::id_number::check_char;
use zongguan_core::phone::Phone;
use zongguan_core::registry::ResidentRecord;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋",
    "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "钟", "谭", "廖", "韦", "邱", "赖",
    "欧阳",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "华",
    "平", "刚", "桂英", "建华", "志强", "晓东", "海燕", "春梅", "子涵", "梓萱", "浩然", "宇轩", "欣怡", "俊杰", "思远",
    "雨桐", "嘉怡", "文博", "佳琪", "国强", "丽华", "红梅", "玉兰", "永刚", "小龙", "家豪", "紫琪",
];
/// County codes of the provinces Shenzhen's migrants come from (GB/T 2260).
const SOURCE_COUNTIES: &[&str] = &[
    "430181", "430521", "431021", "430381", "431122", "450881", "450922", "450921", "450703", "360121", "360281",
    "360730", "362428", "510121", "511621", "510322", "511321", "410221", "411522", "411421", "420115", "421182",
    "420222", "441581", "445281", "441422", "441622", "440882", "350581", "612425", "522121", "500228",
];
const PHONE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157", "158", "159",
    "176", "177", "180", "181", "186", "187", "188", "189", "198", "199",
];
const NATIONS: &[&str] = &["USA", "GBR", "JPN", "KOR", "DEU", "FRA", "CAN", "AUS", "SGP", "MYS"];
const ETHNIC_MINOR: &[&str] = &["03", "06", "07", "08", "09", "12", "13", "15", "18"];

fn birth(rng: &mut Rng, today: NaiveDate, migrant: bool) -> NaiveDate {
    // Migrants: mostly working age; registered: a broader pyramid.
    let age = if migrant {
        match rng.below(100) {
            0..=9 => rng.below(16),
            10..=84 => 18 + rng.below(28),
            _ => 46 + rng.below(20),
        }
    } else {
        match rng.below(100) {
            0..=17 => rng.below(18),
            18..=79 => 18 + rng.below(42),
            _ => 60 + rng.below(28),
        }
    };
    today - Duration::days((age * 365 + rng.below(365)) as i64)
}

fn id_number(rng: &mut Rng, county: &str, born: NaiveDate, male: bool) -> String {
    let mut seq = rng.below(500) * 2;
    if male {
        seq += 1;
    }
    let body = format!("{county}{}{seq:03}", born.format("%Y%m%d"));
    let c = check_char(&body).unwrap_or('0');
    format!("{body}{c}")
}

/// A common Chinese name (surname and given name), as the demo gives its residents.
pub fn person_name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

pub(super) fn person(rng: &mut Rng, today: NaiveDate) -> ResidentRecord {
    let kind = match rng.below(100) {
        0..=69 => "migrant",
        70..=95 => "registered",
        96..=98 => "left_behind",
        _ => "foreign",
    };
    let male = rng.below(100) < 53;
    let born = birth(rng, today, kind == "migrant");
    let name = person_name(rng);
    let phone = (born < today - Duration::days(16 * 365))
        .then(|| format!("{}{:08}", rng.pick(PHONE_PREFIXES), rng.below(100_000_000)));
    let (id_type, number, nationality, ethnicity) = if kind == "foreign" {
        (
            "passport",
            format!("E{:08}", rng.below(100_000_000)),
            (*rng.pick(NATIONS)).to_string(),
            "",
        )
    } else {
        let county = if kind == "registered" || kind == "left_behind" {
            "440307"
        } else {
            rng.pick(SOURCE_COUNTIES)
        };
        let eth = if rng.below(100) < 94 {
            "01"
        } else {
            rng.pick(ETHNIC_MINOR)
        };
        ("id_card", id_number(rng, county, born, male), String::new(), eth)
    };
    ResidentRecord {
        name,
        id_type,
        id_masked: zongguan_core::mask::id_number(&number),
        id_number: number,
        gender: if male { "male" } else { "female" },
        birth_date: Some(born),
        ethnicity,
        registration_type: kind,
        // Generated from mobile prefixes, so every one parses.
        phone: phone.and_then(|p| Phone::parse(&p).ok()),
        nationality,
    }
}
