//! What an account may do: one variant per permission code (`<object>:<verb>`), named for what it guards.
use std::fmt;

macro_rules! permissions {
    ($($variant:ident = $code:literal, $name:literal;)+) => {
        /// A permission, granted through roles; its code is what the database, the API and the web use.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Permission {
            $($variant,)+
        }

        impl Permission {
            /// Every permission, in the order the role editor shows them.
            pub const ALL: &'static [Permission] = &[$(Permission::$variant,)+];

            pub fn code(self) -> &'static str {
                match self {
                    $(Permission::$variant => $code,)+
                }
            }

            /// The Chinese name staff see in the role editor.
            pub fn name(self) -> &'static str {
                match self {
                    $(Permission::$variant => $name,)+
                }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(Permission::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

permissions! {
    OrgRead = "org:read", "查看组织架构";
    OrgWrite = "org:write", "维护组织架构与网格";
    DepartmentRead = "department:read", "查看成员单位";
    DepartmentWrite = "department:write", "维护成员单位";
    StaffRead = "staff:read", "查看队伍人员";
    StaffWrite = "staff:write", "维护队伍人员";
    UserRead = "user:read", "查看用户";
    UserWrite = "user:write", "创建、锁定用户及重置密码";
    RoleRead = "role:read", "查看角色";
    RoleGrant = "role:grant", "授予角色";
    AuditRead = "audit:read", "查看审计日志与登录日志";
    TokenCreate = "token:create", "创建个人访问令牌";
    RegistryRead = "registry:read", "查看楼栋、房屋与场所";
    RegistryWrite = "registry:write", "维护楼栋、房屋与场所，导入基础信息";
    ResidentRead = "resident:read", "查看实有人口";
    ResidentReadFull = "resident:read_full", "查看完整身份证号和电话";
    ResidentWrite = "resident:write", "维护实有人口";
    CaseReport = "case:report", "上报事件";
    CaseDispatch = "case:dispatch", "受理与分派事件";
    CaseHandle = "case:handle", "处置与反馈事件";
    CaseSupervise = "case:supervise", "督办事件";
    StatsRead = "stats:read", "查看统计报表";
    MapRead = "map:read", "使用图上办公（地图图层、专题图、空间查询）";
    RentalRead = "rental:read", "查看出租屋分类与巡查记录";
    RentalWrite = "rental:write", "巡查出租屋，登记隐患整改";
    RentalClassify = "rental:classify", "确定出租屋风险等级";
    DisputeRead = "dispute:read", "查看矛盾纠纷、排查报送与调处统计";
    DisputeWrite = "dispute:write", "登记矛盾纠纷、记录调解、报送排查";
    DisputeAssign = "dispute:assign", "交办、督办、回访与销案矛盾纠纷";
    NoticeRead = "notice:read", "查看交办、督办、销案通知书和信访告知书";
    NoticeIssue = "notice:issue", "签发和作废通知书，登记回执";
    NoticeTemplate = "notice:template", "编辑通知书模板和发文机关代字";
    RegisterRead = "register:read", "查看和导出受理事项、排查整治等工作台账";
    PetitionRead = "petition:read", "查看信访事项";
    PetitionWrite = "petition:write", "登记、受理、答复信访事项，办理复查复核与回访";
    PetitionApprove = "petition:approve", "批准信访事项延期办理";
    CameraRead = "camera:read", "查看电子防控设备";
    CameraWrite = "camera:write", "维护电子防控设备";
    IncidentRead = "incident:read", "查看维稳事件";
    IncidentWrite = "incident:write", "登记、逐级上报、跟进和办结维稳事件";
    FollowupRead = "followup:read", "查看重点人员走访帮扶";
    FollowupWrite = "followup:write", "登记重点人员走访记录";
    WatchRead = "watch:read", "查看群防群治队伍、排班和值勤记录";
    WatchWrite = "watch:write", "维护群防群治队伍、排班和值勤记录";
    GovernanceSettings = "governance:settings", "设置治理参数（出租屋分级与巡查、矛盾纠纷、信访、维稳时限）";
}

/// Reading cases needs some part in the workflow, or the figures.
pub const CASE_READERS: [Permission; 5] = [
    Permission::CaseReport,
    Permission::CaseDispatch,
    Permission::CaseHandle,
    Permission::CaseSupervise,
    Permission::StatsRead,
];

/// Codes renamed by migration m0011: (old code, the codes that replace it). Resident permissions
/// used to guard buildings, houses, places and imports too; "report" also meant statistics.
pub const RENAMED: &[(&str, &[&str])] = &[
    ("resident:read", &["resident:read", "registry:read"]),
    ("resident:write", &["resident:write", "registry:write"]),
    ("report:read", &["stats:read"]),
];

/// The codes of a set of which any one suffices, as a refusal names them: `a | b | c`.
pub fn any_of(set: &[Permission]) -> String {
    set.iter().map(|p| p.code()).collect::<Vec<_>>().join(" | ")
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_parses_back_and_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.code()), Some(*p));
            assert!(seen.insert(p.code()), "{p} twice");
            let (object, verb) = p.code().split_once(':').expect("object:verb");
            assert!(!object.is_empty() && !verb.is_empty());
            assert!(!p.name().is_empty());
        }
        assert_eq!(Permission::parse("report:read"), None);
    }

    #[test]
    fn renamed_codes_map_onto_known_ones() {
        for (_, new) in RENAMED {
            for code in *new {
                assert!(Permission::parse(code).is_some(), "{code}");
            }
        }
    }
}
