//! The seeded case categories (大类) and items (小类): each item names its default department and step limits.
//! Seed data only: administrators edit the live table; limits are `calendar::Limit` strings ("4h", "5wd").

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategorySeed {
    pub code: &'static str,
    pub name: &'static str,
    pub items: &'static [ItemSeed],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemSeed {
    pub code: &'static str,
    pub name: &'static str,
    /// Duty seq of the district member department that handles it by default, see [`DEPARTMENTS`].
    pub department: &'static str,
    /// "general" | "major" | "urgent".
    pub severity: &'static str,
    pub accept: &'static str,
    pub dispatch: &'static str,
    pub handle: &'static str,
    pub verify: &'static str,
}

/// The district member departments (成员单位) by duty seq.
pub const DEPARTMENTS: &[(&str, &str)] = &[
    ("01", "公安分局"),
    ("02", "消防救援大队"),
    ("03", "城市管理和综合执法局"),
    ("04", "市场监督管理局"),
    ("05", "住房和建设局"),
    ("06", "应急管理局"),
    ("07", "卫生健康局"),
    ("08", "人力资源局"),
    ("09", "文化广电旅游体育局"),
    ("10", "交通运输局"),
    ("11", "教育局"),
    ("12", "生态环境分局"),
    ("13", "民政局"),
    ("14", "司法局"),
    ("15", "信访局"),
];

pub const SEVERITIES: &[&str] = &["general", "major", "urgent"];

// Accept, dispatch and verify limits follow the severity, so the table states only the handle limit.
// Urgent items (danger to life or property now) run on natural hours around the clock.
const fn urgent(code: &'static str, name: &'static str, department: &'static str, handle: &'static str) -> ItemSeed {
    ItemSeed {
        code,
        name,
        department,
        severity: "urgent",
        accept: "1h",
        dispatch: "1h",
        handle,
        verify: "1wd",
    }
}

const fn major(code: &'static str, name: &'static str, department: &'static str, handle: &'static str) -> ItemSeed {
    ItemSeed {
        code,
        name,
        department,
        severity: "major",
        accept: "2h",
        dispatch: "2h",
        handle,
        verify: "1wd",
    }
}

const fn general(code: &'static str, name: &'static str, department: &'static str, handle: &'static str) -> ItemSeed {
    ItemSeed {
        code,
        name,
        department,
        severity: "general",
        accept: "4h",
        dispatch: "4h",
        handle,
        verify: "2wd",
    }
}

#[rustfmt::skip]
pub const CATEGORIES: &[CategorySeed] = &[
    CategorySeed { code: "01", name: "治安隐患", items: &[
        general("0101", "治安防范设施缺失损坏", "01", "10wd"),
        urgent("0102", "可疑人员、可疑物品", "01", "2h"),
        major("0103", "涉黄涉赌涉毒线索", "01", "5wd"),
        urgent("0104", "聚众斗殴、寻衅滋事", "01", "2h"),
        major("0105", "盗窃、诈骗线索", "01", "5wd"),
        general("0106", "非法收购废旧金属", "01", "10wd"),
        urgent("0107", "私藏管制刀具、危险物品", "01", "4h"),
        major("0108", "校园周边治安问题", "01", "3wd"),
        major("0109", "重点人员异常动态", "01", "3wd"),
        general("0110", "犬只扰民、无证养犬", "01", "10wd"),
        major("0111", "家庭暴力线索", "01", "3wd"),
    ]},
    CategorySeed { code: "02", name: "消防安全", items: &[
        major("0201", "占用、堵塞消防车通道", "02", "3wd"),
        urgent("0202", "封闭、堵塞安全出口和疏散通道", "02", "4h"),
        general("0203", "消防设施器材缺失损坏", "02", "10wd"),
        major("0204", "电动自行车楼道停放、入户充电", "02", "3wd"),
        major("0205", "私拉乱接电线、飞线充电", "02", "3wd"),
        major("0206", "“三合一”场所住人", "02", "5wd"),
        urgent("0207", "易燃易爆物品违规存放", "02", "4h"),
        urgent("0208", "违规动火作业", "02", "2h"),
        major("0209", "人员密集场所消防隐患", "02", "5wd"),
        general("0210", "防火门损坏、常闭式防火门常开", "02", "5wd"),
    ]},
    CategorySeed { code: "03", name: "出租屋管理", items: &[
        general("0301", "出租屋未办理租赁登记备案", "05", "10wd"),
        general("0302", "流动人口未申报居住登记", "01", "5wd"),
        major("0303", "群租、违规分隔出租", "05", "5wd"),
        major("0304", "出租屋消防隐患", "02", "3wd"),
        general("0305", "出租屋门禁、视频设施缺失损坏", "01", "10wd"),
        general("0306", "出租屋内无照经营、加工", "04", "10wd"),
        major("0307", "出租屋内违法犯罪线索", "01", "3wd"),
        major("0308", "危房出租", "05", "5wd"),
    ]},
    CategorySeed { code: "04", name: "市容环境", items: &[
        general("0401", "暴露垃圾", "03", "3wd"),
        general("0402", "垃圾桶满溢、破损", "03", "3wd"),
        general("0403", "道路不洁、卫生死角", "03", "3wd"),
        general("0404", "乱张贴、乱涂写、乱刻画", "03", "5wd"),
        major("0405", "偷倒建筑垃圾、余泥渣土", "03", "3wd"),
        general("0406", "绿地脏乱、毁绿种菜", "03", "5wd"),
        general("0407", "公厕保洁不到位", "03", "3wd"),
        urgent("0408", "井盖缺失、破损", "03", "4h"),
        general("0409", "路灯不亮、损坏", "03", "5wd"),
        general("0410", "道路破损、坑洼", "10", "10wd"),
        urgent("0411", "树木倒伏、断枝", "03", "4h"),
        general("0412", "沿街晾晒、吊挂", "03", "3wd"),
    ]},
    CategorySeed { code: "05", name: "违法建设", items: &[
        major("0501", "在建违法建筑", "03", "3wd"),
        major("0502", "楼顶、天台违法加建", "03", "5wd"),
        general("0503", "私搭乱建棚架", "03", "10wd"),
        major("0504", "占用绿地、公共空间违法建设", "03", "5wd"),
        urgent("0505", "擅自拆改房屋承重结构", "05", "8h"),
        general("0506", "工地围挡不规范", "05", "5wd"),
        general("0507", "擅自占用、挖掘道路", "03", "5wd"),
        general("0508", "违规封闭阳台、外挂防盗网", "03", "10wd"),
    ]},
    CategorySeed { code: "06", name: "无证无照经营", items: &[
        general("0601", "无照经营", "04", "10wd"),
        major("0602", "无证餐饮", "04", "5wd"),
        major("0603", "无证行医、黑诊所", "07", "5wd"),
        major("0604", "无证办学、无证培训机构", "11", "5wd"),
        major("0605", "黑网吧", "09", "5wd"),
        urgent("0606", "非法加油点", "06", "8h"),
        urgent("0607", "无证经营瓶装燃气（黑气点）", "05", "8h"),
        general("0608", "无证废品回收站点", "04", "10wd"),
        general("0609", "无证小作坊", "04", "10wd"),
    ]},
    CategorySeed { code: "07", name: "户外广告", items: &[
        general("0701", "违规设置户外广告牌", "03", "10wd"),
        urgent("0702", "广告招牌破损、松动", "03", "8h"),
        general("0703", "门头招牌不规范", "03", "10wd"),
        general("0704", "违规悬挂横幅、彩旗", "03", "3wd"),
        general("0705", "违规设置落地广告、灯箱", "03", "3wd"),
        general("0706", "虚假违法广告内容", "04", "10wd"),
    ]},
    CategorySeed { code: "08", name: "街面秩序", items: &[
        general("0801", "占道经营", "03", "3wd"),
        general("0802", "流动摊贩", "03", "3wd"),
        general("0803", "店外经营", "03", "3wd"),
        general("0804", "乱堆物堆料", "03", "3wd"),
        general("0805", "露天烧烤", "03", "3wd"),
        general("0806", "散发小广告", "03", "3wd"),
        general("0807", "占用盲道", "03", "3wd"),
        general("0808", "违规设置地桩地锁", "03", "5wd"),
    ]},
    CategorySeed { code: "09", name: "交通秩序", items: &[
        general("0901", "机动车乱停放", "01", "3wd"),
        general("0902", "非机动车、共享单车乱停放", "10", "3wd"),
        urgent("0903", "交通信号灯故障", "01", "8h"),
        general("0904", "交通标志标线缺失", "10", "10wd"),
        major("0905", "非法营运（黑车、摩的）", "10", "5wd"),
        general("0906", "道路护栏、隔离设施损坏", "10", "5wd"),
        general("0907", "公交站台设施损坏", "10", "5wd"),
        general("0908", "长期停放废弃车辆（僵尸车）", "01", "10wd"),
        urgent("0909", "道路塌陷、路面障碍物", "10", "4h"),
    ]},
    CategorySeed { code: "10", name: "市场监管", items: &[
        major("1001", "销售过期变质食品", "04", "3wd"),
        major("1002", "销售假冒伪劣商品", "04", "5wd"),
        general("1003", "不明码标价、价格欺诈", "04", "10wd"),
        urgent("1004", "电梯困人", "04", "2h"),
        major("1005", "电梯故障、特种设备安全隐患", "04", "3wd"),
        general("1006", "缺斤短两", "04", "5wd"),
        major("1007", "违规销售药品、医疗器械", "04", "5wd"),
        major("1008", "校园周边“三无”食品", "04", "3wd"),
        major("1009", "违规宰杀销售活禽、野生动物", "04", "3wd"),
    ]},
    CategorySeed { code: "11", name: "劳动保障", items: &[
        major("1101", "拖欠工资", "08", "5wd"),
        general("1102", "未签订劳动合同", "08", "15wd"),
        major("1103", "使用童工", "08", "3wd"),
        general("1104", "超时加班", "08", "15wd"),
        general("1105", "未缴纳社会保险", "08", "15wd"),
        general("1106", "非法职业中介", "08", "10wd"),
        urgent("1107", "群体性讨薪", "08", "4h"),
    ]},
    CategorySeed { code: "12", name: "文化市场", items: &[
        major("1201", "网吧接纳未成年人", "09", "3wd"),
        general("1202", "娱乐场所违规经营", "09", "10wd"),
        general("1203", "销售非法出版物、盗版音像制品", "09", "10wd"),
        general("1204", "无证演出、违规演出", "09", "5wd"),
        general("1205", "擅自安装卫星地面接收设施", "09", "15wd"),
        major("1206", "损坏文物、历史建筑", "09", "3wd"),
        major("1207", "游泳场所无救生员", "09", "3wd"),
    ]},
    CategorySeed { code: "13", name: "教育", items: &[
        major("1301", "无证幼儿园、托育机构", "11", "5wd"),
        general("1302", "校外培训机构违规办学", "11", "10wd"),
        major("1303", "校舍、校园设施安全隐患", "11", "5wd"),
        major("1304", "适龄儿童少年辍学", "11", "5wd"),
        major("1305", "校车安全隐患", "11", "3wd"),
        major("1306", "校园欺凌线索", "11", "3wd"),
    ]},
    CategorySeed { code: "14", name: "人口计生与卫生", items: &[
        general("1401", "病媒生物孳生（蚊蝇鼠蟑）", "07", "5wd"),
        general("1402", "公共场所卫生不达标", "07", "10wd"),
        urgent("1403", "疑似传染病疫情", "07", "4h"),
        major("1404", "非医学需要鉴定胎儿性别", "07", "5wd"),
        major("1405", "二次供水卫生问题", "07", "3wd"),
        general("1406", "职业病危害", "07", "15wd"),
        general("1407", "流动人口计生服务需求", "07", "10wd"),
        major("1408", "严重精神障碍患者失管", "07", "3wd"),
        general("1409", "医疗废物随意丢弃", "07", "5wd"),
    ]},
    CategorySeed { code: "15", name: "安全生产", items: &[
        urgent("1501", "燃气泄漏、闻到燃气味", "05", "2h"),
        urgent("1502", "危险化学品违规储存", "06", "4h"),
        major("1503", "有限空间作业隐患", "06", "3wd"),
        general("1504", "工贸企业安全隐患", "06", "10wd"),
        major("1505", "建筑施工安全隐患", "05", "3wd"),
        urgent("1506", "高空坠物隐患", "05", "4h"),
        major("1507", "边坡、挡土墙隐患", "06", "5wd"),
        general("1508", "“三小场所”安全隐患", "06", "10wd"),
        major("1509", "餐饮场所违规使用瓶装燃气", "05", "3wd"),
        urgent("1510", "积水内涝、水浸点", "06", "4h"),
        urgent("1511", "房屋开裂、倾斜", "05", "8h"),
    ]},
    CategorySeed { code: "16", name: "生态环境", items: &[
        general("1601", "工业噪声扰民", "12", "10wd"),
        general("1602", "夜间施工噪声", "12", "3wd"),
        general("1603", "社会生活噪声扰民", "01", "3wd"),
        general("1604", "餐饮油烟污染", "12", "10wd"),
        general("1605", "工地扬尘", "05", "5wd"),
        major("1606", "废气排放、异味扰民", "12", "5wd"),
        major("1607", "偷排废水、污水直排", "12", "3wd"),
        general("1608", "河道黑臭、水面漂浮物", "12", "10wd"),
        general("1609", "露天焚烧垃圾", "03", "3wd"),
        major("1610", "危险废物违规处置", "12", "3wd"),
    ]},
    CategorySeed { code: "17", name: "民政服务", items: &[
        general("1701", "流浪乞讨人员", "13", "3wd"),
        general("1702", "困难群众救助需求", "13", "10wd"),
        major("1703", "独居、空巢老人需关爱", "13", "3wd"),
        major("1704", "困境儿童、留守儿童", "13", "3wd"),
        general("1705", "残疾人帮扶需求", "13", "10wd"),
        general("1706", "乱埋乱葬、占道搭设灵棚", "13", "5wd"),
        major("1707", "非法社会组织活动", "13", "5wd"),
        major("1708", "养老机构安全隐患", "13", "3wd"),
    ]},
    CategorySeed { code: "18", name: "矛盾纠纷", items: &[
        general("1801", "邻里纠纷", "14", "10wd"),
        general("1802", "婚姻家庭纠纷", "14", "10wd"),
        general("1803", "物业管理纠纷", "05", "10wd"),
        major("1804", "劳资纠纷", "08", "5wd"),
        general("1805", "房屋租赁纠纷", "14", "10wd"),
        major("1806", "征地拆迁纠纷", "15", "10wd"),
        major("1807", "医患纠纷", "07", "5wd"),
        urgent("1808", "群体性上访苗头", "15", "8h"),
        general("1809", "消费纠纷", "04", "10wd"),
        general("1810", "土地、山林权属纠纷", "14", "15wd"),
        general("1811", "相邻施工、漏水纠纷", "14", "10wd"),
    ]},
    CategorySeed { code: "99", name: "其他", items: &[
        general("9901", "其他城市管理问题", "03", "10wd"),
        general("9902", "其他社会治安问题", "01", "10wd"),
        general("9903", "群众意见建议", "15", "15wd"),
        general("9904", "上级交办事项", "15", "10wd"),
    ]},
];

/// The category and item of an item code, e.g. "0202".
pub fn find_item(code: &str) -> Option<(&'static CategorySeed, &'static ItemSeed)> {
    CATEGORIES
        .iter()
        .find_map(|c| c.items.iter().find(|i| i.code == code).map(|i| (c, i)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Limit;
    use std::collections::HashSet;

    fn items() -> impl Iterator<Item = (&'static CategorySeed, &'static ItemSeed)> {
        CATEGORIES.iter().flat_map(|c| c.items.iter().map(move |i| (c, i)))
    }

    fn digits(s: &str, len: usize) -> bool {
        s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
    }

    #[test]
    fn enough_categories_and_items() {
        assert!(CATEGORIES.len() >= 15, "{}", CATEGORIES.len());
        assert!(items().count() >= 110, "{}", items().count());
        assert!(CATEGORIES.iter().all(|c| !c.items.is_empty()));
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for c in CATEGORIES {
            assert!(digits(c.code, 2), "{}", c.code);
            assert!(seen.insert(c.code), "duplicate category {}", c.code);
            assert!(!c.name.is_empty());
        }
        let mut names = HashSet::new();
        for (c, i) in items() {
            assert!(digits(i.code, 4) && i.code.starts_with(c.code), "{}", i.code);
            assert_ne!(&i.code[2..], "00", "{}", i.code);
            assert!(seen.insert(i.code), "duplicate item {}", i.code);
            assert!(
                !i.name.is_empty() && names.insert(i.name),
                "empty or duplicate name {}",
                i.name
            );
        }
        let codes: Vec<_> = CATEGORIES.iter().map(|c| c.code).collect();
        assert!(codes.is_sorted(), "categories out of order");
        assert!(
            CATEGORIES.iter().all(|c| c.items.is_sorted_by_key(|i| i.code)),
            "items out of order"
        );
    }

    #[test]
    fn every_department_is_a_member_department() {
        let known: HashSet<_> = DEPARTMENTS.iter().map(|d| d.0).collect();
        assert_eq!(known.len(), 15);
        for (_, i) in items() {
            assert!(known.contains(i.department), "{} {}", i.code, i.department);
        }
    }

    #[test]
    fn every_limit_parses_and_urgent_items_run_on_hours() {
        for (_, i) in items() {
            assert!(SEVERITIES.contains(&i.severity), "{} {}", i.code, i.severity);
            for limit in [i.accept, i.dispatch, i.handle, i.verify] {
                assert!(limit.parse::<Limit>().is_ok(), "{} {limit}", i.code);
            }
            let handle: Option<Limit> = i.handle.parse().ok();
            match i.severity {
                "urgent" => assert!(matches!(handle, Some(Limit::Hours(1..=24))), "{}", i.code),
                _ => assert!(matches!(handle, Some(Limit::WorkingDays(3..=15))), "{}", i.code),
            }
        }
    }

    #[test]
    fn find_item_by_code() {
        let (c, i) = find_item("0202").expect("seeded");
        assert_eq!(
            (c.name, i.name, i.department),
            ("消防安全", "封闭、堵塞安全出口和疏散通道", "02")
        );
        assert!(find_item("0000").is_none());
    }
}
