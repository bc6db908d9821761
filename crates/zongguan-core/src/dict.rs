//! Code tables of the registries: each entry is (code stored and sent by the API, the word staff use).
//! Spreadsheets and the UI show the Chinese word; the database keeps the code.

pub type Dict = &'static [(&'static str, &'static str)];

pub const ID_TYPES: Dict = &[
    ("id_card", "居民身份证"),
    ("passport", "护照"),
    ("foreign_permanent", "外国人永久居留身份证"),
    ("hk_macao", "港澳居民来往内地通行证"),
    ("taiwan", "台湾居民来往大陆通行证"),
];

pub const REGISTRATION_TYPES: Dict = &[
    ("registered", "户籍人口"),
    ("migrant", "流动人口"),
    ("foreign", "境外人员"),
    ("left_behind", "留守人员"),
];

pub const GENDERS: Dict = &[("male", "男"), ("female", "女")];

/// GB/T 3304 — the 56 ethnic groups with their two-digit codes.
pub const ETHNICITIES: Dict = &[
    ("01", "汉族"),
    ("02", "蒙古族"),
    ("03", "回族"),
    ("04", "藏族"),
    ("05", "维吾尔族"),
    ("06", "苗族"),
    ("07", "彝族"),
    ("08", "壮族"),
    ("09", "布依族"),
    ("10", "朝鲜族"),
    ("11", "满族"),
    ("12", "侗族"),
    ("13", "瑶族"),
    ("14", "白族"),
    ("15", "土家族"),
    ("16", "哈尼族"),
    ("17", "哈萨克族"),
    ("18", "傣族"),
    ("19", "黎族"),
    ("20", "傈僳族"),
    ("21", "佤族"),
    ("22", "畲族"),
    ("23", "高山族"),
    ("24", "拉祜族"),
    ("25", "水族"),
    ("26", "东乡族"),
    ("27", "纳西族"),
    ("28", "景颇族"),
    ("29", "柯尔克孜族"),
    ("30", "土族"),
    ("31", "达斡尔族"),
    ("32", "仫佬族"),
    ("33", "羌族"),
    ("34", "布朗族"),
    ("35", "撒拉族"),
    ("36", "毛南族"),
    ("37", "仡佬族"),
    ("38", "锡伯族"),
    ("39", "阿昌族"),
    ("40", "普米族"),
    ("41", "塔吉克族"),
    ("42", "怒族"),
    ("43", "乌孜别克族"),
    ("44", "俄罗斯族"),
    ("45", "鄂温克族"),
    ("46", "德昂族"),
    ("47", "保安族"),
    ("48", "裕固族"),
    ("49", "京族"),
    ("50", "塔塔尔族"),
    ("51", "独龙族"),
    ("52", "鄂伦春族"),
    ("53", "赫哲族"),
    ("54", "门巴族"),
    ("55", "珞巴族"),
    ("56", "基诺族"),
];

/// GB/T 4761 relation to the householder (the codes in common use).
pub const RELATIONS: Dict = &[
    ("01", "本人"),
    ("02", "户主"),
    ("10", "配偶"),
    ("20", "子"),
    ("30", "女"),
    ("41", "孙子"),
    ("42", "孙女"),
    ("51", "父亲"),
    ("52", "母亲"),
    ("61", "祖父"),
    ("62", "祖母"),
    ("71", "兄弟"),
    ("72", "姐妹"),
    ("81", "儿媳"),
    ("82", "女婿"),
    ("91", "其他亲属"),
    ("98", "非亲属"),
    ("99", "其他"),
];

pub const USE_TYPES: Dict = &[
    ("residential", "住宅"),
    ("commercial", "商业"),
    ("mixed", "商住"),
    ("industrial", "工业"),
    ("office", "办公"),
    ("public", "公共"),
];

pub const YES_NO: Dict = &[("true", "是"), ("false", "否")];

pub const SPECIAL_GROUPS: Dict = &[
    ("released_prisoner", "刑满释放人员"),
    ("community_correction", "社区矫正人员"),
    ("mental_disorder", "严重精神障碍患者"),
    ("drug_user", "吸毒人员"),
    ("aids_risk", "艾滋病危险人员"),
    ("at_risk_youth", "重点青少年"),
];

pub const YOUTH_TYPES: Dict = &[
    ("idle", "闲散青少年"),
    ("bad_behaviour", "有不良行为青少年"),
    ("vagrant", "流浪乞讨青少年"),
    ("prisoner_child", "服刑人员未成年子女"),
    ("left_behind_child", "留守儿童"),
    ("other", "其他"),
];

pub const ATTENTION_LEVELS: Dict = &[("general", "一般"), ("medium", "中等"), ("serious", "严重")];

pub const PLACE_TYPES: Dict = &[
    ("school", "学校"),
    ("hospital", "医院"),
    ("market", "市场"),
    ("station", "车站"),
    ("entertainment", "娱乐场所"),
    ("internet_cafe", "网吧"),
    ("hotel", "旅馆"),
    ("religious", "宗教场所"),
    ("other", "其他"),
];

pub const INDUSTRIES: Dict = &[
    ("hazardous_chemicals", "危险化学品"),
    ("hotel", "旅馆业"),
    ("recycling", "废旧金属回收"),
    ("logistics", "寄递物流"),
    ("printing", "印刷业"),
    ("pawn", "典当业"),
    ("vehicle_repair", "机动车维修"),
    ("other", "其他"),
];

/// 矛盾纠纷类型 (the tally's columns, in this order).
pub const DISPUTE_TYPES: Dict = &[
    ("neighbourhood", "邻里纠纷"),
    ("family", "婚姻家庭纠纷"),
    ("labour_wages", "劳资纠纷"),
    ("land_demolition", "土地征收与拆迁纠纷"),
    ("property_management", "物业管理纠纷"),
    ("consumer", "消费纠纷"),
    ("other", "其他纠纷"),
];

/// Where a dispute came to light.
pub const DISPUTE_SOURCES: Dict = &[
    ("screening", "排查发现"),
    ("walk_in", "群众来访"),
    ("transfer", "部门移交"),
    ("case", "事件转入"),
];

/// How the matter reached the center (the intake register's channel).
pub const DISPUTE_CHANNELS: Dict = &[
    ("visit", "来访"),
    ("phone", "来电"),
    ("hotline", "12345热线"),
    ("website", "网站"),
    ("wechat", "微信"),
    ("department", "部门转办"),
    ("grid_worker", "网格员上报"),
];

pub const DISPUTE_RISK_LEVELS: Dict = &[("low", "低风险"), ("medium", "中风险"), ("high", "高风险")];

/// The tally's size bands by people involved.
pub const DISPUTE_SIZE_BANDS: Dict = &[
    ("lt50", "50人以下"),
    ("50_100", "50-100人"),
    ("100_500", "100-500人"),
    ("gt500", "500人以上"),
];

pub const DISPUTE_REFERRALS: Dict = &[
    ("court", "引导诉讼"),
    ("arbitration", "引导仲裁"),
    ("petition", "转信访"),
    ("administrative", "转行政处理"),
    ("other", "其他途径"),
];

/// The code for a Chinese word, or for a code given as is.
/// How a petition came in (信访形式).
pub const PETITION_CHANNELS: Dict = &[
    ("letter", "来信"),
    ("visit", "来访"),
    ("phone", "来电"),
    ("online", "网上信访"),
    ("hotline_12345", "12345热线转办"),
    ("higher_assignment", "上级交办"),
];

/// What a petition is about (信访事项分类), the first level of the register's categories.
pub const PETITION_CATEGORIES: Dict = &[
    ("land_requisition", "征地拆迁"),
    ("urban_construction", "城乡建设"),
    ("labour_wages", "劳动和社会保障（欠薪）"),
    ("housing_property", "住房与物业"),
    ("environment", "生态环境"),
    ("public_security", "政法治安"),
    ("civil_affairs", "民政与社会事务"),
    ("health", "卫生健康"),
    ("education", "教育"),
    ("market_regulation", "市场监管"),
    ("discipline", "纪检监察"),
    ("other", "其他"),
];

pub fn code_of(d: Dict, input: &str) -> Option<&'static str> {
    let t = input.trim();
    d.iter().find(|(c, w)| *w == t || *c == t).map(|(c, _)| *c)
}

/// The Chinese word of a code.
pub fn word_of(d: Dict, code: &str) -> &'static str {
    d.iter().find(|(c, _)| *c == code).map(|(_, w)| *w).unwrap_or("")
}

pub fn words(d: Dict) -> Vec<&'static str> {
    d.iter().map(|(_, w)| *w).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables() {
        assert_eq!(ETHNICITIES.len(), 56);
        assert_eq!(code_of(ETHNICITIES, "壮族"), Some("08"));
        assert_eq!(code_of(ID_TYPES, "居民身份证"), Some("id_card"));
        assert_eq!(code_of(REGISTRATION_TYPES, "migrant"), Some("migrant"));
        assert_eq!(code_of(USE_TYPES, "别墅"), None);
        assert_eq!(word_of(RELATIONS, "10"), "配偶");
        let mut codes: Vec<&str> = ETHNICITIES.iter().map(|e| e.0).collect();
        codes.dedup();
        assert_eq!(codes.len(), 56);
    }
}
