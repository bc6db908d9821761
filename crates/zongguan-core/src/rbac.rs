//! Roles, permission codes and data scope: who may do what, and on which org units' data.
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::permission::Permission::{self, *};

/// The six kinds of data scope that Chinese admin systems know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataScopeKind {
    /// 全部数据
    All,
    /// 本级及以下
    UnitAndBelow,
    /// 仅本级
    UnitOnly,
    /// 本人网格
    OwnGrids,
    /// 仅本人
    OwnRecords,
    /// 自定义
    Custom,
}

impl DataScopeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::UnitAndBelow => "unit_and_below",
            Self::UnitOnly => "unit_only",
            Self::OwnGrids => "own_grids",
            Self::OwnRecords => "own_records",
            Self::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::All,
            Self::UnitAndBelow,
            Self::UnitOnly,
            Self::OwnGrids,
            Self::OwnRecords,
            Self::Custom,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// Wider kinds win when a user holds several roles.
    fn breadth(self) -> u8 {
        match self {
            Self::All => 5,
            Self::UnitAndBelow => 4,
            Self::Custom => 3,
            Self::UnitOnly => 2,
            Self::OwnGrids => 1,
            Self::OwnRecords => 0,
        }
    }
}

/// A built-in role.
pub struct RoleDef {
    pub code: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub data_scope: DataScopeKind,
    pub permissions: &'static [Permission],
}

pub const SYS_ADMIN: &str = "sys_admin";
pub const SECURITY_ADMIN: &str = "security_admin";
pub const AUDIT_ADMIN: &str = "audit_admin";

/// The three duties of the separation of duties (三权分立), each a set of permissions. An account
/// holds a duty when its roles together hold any of the duty's permissions, whatever the roles
/// are called (built-in or custom); no account may hold two duties. Permissions in no duty
/// (reading, `user:write`, `token:create`, the work of the centers) are shared: `user:write` is
/// how the system and the security administrator each look after accounts, and what they may do
/// to an account is bounded by [`may_manage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Duty {
    /// 系统管理: the organisation, departments and staff.
    System,
    /// 安全管理: roles and who holds them.
    Security,
    /// 审计: the audit and login logs.
    Audit,
}

impl Duty {
    pub const ALL: [Duty; 3] = [Duty::System, Duty::Security, Duty::Audit];

    pub fn permissions(self) -> &'static [Permission] {
        match self {
            Self::System => &[OrgWrite, DepartmentWrite, StaffWrite],
            Self::Security => &[RoleGrant],
            Self::Audit => &[AuditRead],
        }
    }

    /// The name staff read in a refusal.
    pub fn name(self) -> &'static str {
        match self {
            Self::System => "系统管理",
            Self::Security => "安全管理",
            Self::Audit => "审计",
        }
    }

    pub fn of(p: Permission) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.permissions().contains(&p))
    }
}

/// The duties that a set of permission codes carries (unknown codes carry none).
pub fn duties<'a>(codes: impl IntoIterator<Item = &'a str>) -> BTreeSet<Duty> {
    codes
        .into_iter()
        .filter_map(Permission::parse)
        .filter_map(Duty::of)
        .collect()
}

/// The two duties a set of permission codes would join in one account, if it does.
pub fn crossed<'a>(codes: impl IntoIterator<Item = &'a str>) -> Option<(Duty, Duty)> {
    let d: Vec<Duty> = duties(codes).into_iter().collect();
    match d.as_slice() {
        [a, b, ..] => Some((*a, *b)),
        _ => None,
    }
}

/// The refusal when an account would hold two duties.
pub fn crossing_message((a, b): (Duty, Duty)) -> String {
    format!(
        "三权分立：同一账号不能同时拥有{}和{}的权限（系统管理、安全管理、审计三类职责互斥）",
        a.name(),
        b.name()
    )
}

/// Whether an administrator holding `actor` duties may create, reset, lock, unlock, re-role or
/// otherwise change an account whose duties are `target` (before and after the change): only
/// when every duty of the account is one the administrator holds too. A holder of another duty
/// is looked after by a second person of that duty, or by the command line on the server.
pub fn may_manage(actor: &BTreeSet<Duty>, target: &BTreeSet<Duty>) -> bool {
    target.is_subset(actor)
}

/// Officers who register people also see identity numbers in full (each view audited).
const OFFICER_FULL: &[Permission] = &[
    OrgRead,
    DepartmentRead,
    StaffRead,
    UserRead,
    RegistryRead,
    RegistryWrite,
    ResidentRead,
    ResidentReadFull,
    ResidentWrite,
    CaseReport,
    CaseDispatch,
    CaseSupervise,
    StatsRead,
    MapRead,
    RentalRead,
    RentalWrite,
    RentalClassify,
    DisputeRead,
    DisputeWrite,
    DisputeAssign,
    NoticeRead,
    NoticeIssue,
    RegisterRead,
    PetitionRead,
    PetitionWrite,
    CameraRead,
    CameraWrite,
    IncidentRead,
    IncidentWrite,
    FollowupRead,
    FollowupWrite,
    WatchRead,
    WatchWrite,
];

/// The district center sets the district's governance rules as well.
const DISTRICT_OFFICER: &[Permission] = &[
    OrgRead,
    DepartmentRead,
    StaffRead,
    UserRead,
    RegistryRead,
    RegistryWrite,
    ResidentRead,
    ResidentReadFull,
    ResidentWrite,
    CaseReport,
    CaseDispatch,
    CaseSupervise,
    StatsRead,
    MapRead,
    RentalRead,
    RentalWrite,
    RentalClassify,
    DisputeRead,
    DisputeWrite,
    DisputeAssign,
    NoticeRead,
    NoticeIssue,
    RegisterRead,
    PetitionRead,
    PetitionWrite,
    CameraRead,
    CameraWrite,
    IncidentRead,
    IncidentWrite,
    FollowupRead,
    FollowupWrite,
    WatchRead,
    WatchWrite,
    GovernanceSettings,
];

const OFFICER: &[Permission] = &[
    OrgRead,
    DepartmentRead,
    StaffRead,
    UserRead,
    RegistryRead,
    RegistryWrite,
    ResidentRead,
    ResidentWrite,
    CaseReport,
    CaseDispatch,
    CaseSupervise,
    StatsRead,
    MapRead,
    RentalRead,
    RentalWrite,
    RentalClassify,
    DisputeRead,
    DisputeWrite,
    DisputeAssign,
    NoticeRead,
    NoticeIssue,
    RegisterRead,
    PetitionRead,
    PetitionWrite,
    CameraRead,
    CameraWrite,
    IncidentRead,
    IncidentWrite,
    FollowupRead,
    FollowupWrite,
    WatchRead,
    WatchWrite,
];

pub const BUILTIN_ROLES: &[RoleDef] = &[
    RoleDef {
        code: SYS_ADMIN,
        name: "系统管理员",
        description: "维护组织架构、成员单位、队伍人员、用户账号和治理参数；不能查看审计日志、不能授予角色",
        data_scope: DataScopeKind::All,
        permissions: &[
            OrgRead,
            OrgWrite,
            DepartmentRead,
            DepartmentWrite,
            StaffRead,
            StaffWrite,
            UserRead,
            UserWrite,
            RoleRead,
            TokenCreate,
            MapRead,
            NoticeTemplate,
            GovernanceSettings,
        ],
    },
    RoleDef {
        code: SECURITY_ADMIN,
        name: "安全管理员",
        description: "授予和收回角色、解锁账号、重置密码",
        data_scope: DataScopeKind::All,
        permissions: &[OrgRead, UserRead, UserWrite, RoleRead, RoleGrant],
    },
    RoleDef {
        code: AUDIT_ADMIN,
        name: "审计管理员",
        description: "查看审计日志和登录日志，不能做其他操作",
        data_scope: DataScopeKind::All,
        permissions: &[AuditRead],
    },
    RoleDef {
        code: "district_officer",
        name: "区综管中心工作人员",
        description: "区级中心受理、分派、督办，查看全区数据，设置治理参数",
        data_scope: DataScopeKind::UnitAndBelow,
        permissions: DISTRICT_OFFICER,
    },
    RoleDef {
        code: "subdistrict_officer",
        name: "街道综管中心工作人员",
        description: "街道中心受理、分派、督办，查看本街道数据",
        data_scope: DataScopeKind::UnitAndBelow,
        permissions: OFFICER,
    },
    RoleDef {
        code: "community_officer",
        name: "社区综管中心工作人员",
        description: "社区中心受理、分派、登记实有人口，查看本社区数据",
        data_scope: DataScopeKind::UnitAndBelow,
        permissions: OFFICER_FULL,
    },
    RoleDef {
        code: "grid_worker",
        name: "网格员",
        description: "巡查本人网格，采集信息，上报事件",
        data_scope: DataScopeKind::OwnGrids,
        permissions: &[
            OrgRead,
            ResidentRead,
            RegistryRead,
            ResidentWrite,
            RegistryWrite,
            CaseReport,
            MapRead,
            RentalRead,
            RentalWrite,
            DisputeRead,
            DisputeWrite,
            FollowupRead,
            FollowupWrite,
            WatchRead,
        ],
    },
    RoleDef {
        code: "department_handler",
        name: "部门处置人员",
        description: "成员单位处置和反馈分派的事件",
        data_scope: DataScopeKind::UnitOnly,
        permissions: &[OrgRead, DepartmentRead, CaseHandle, MapRead],
    },
    RoleDef {
        code: "leader",
        name: "领导",
        description: "查看本级及以下的数据和报表，批准信访事项延期",
        data_scope: DataScopeKind::UnitAndBelow,
        permissions: &[
            OrgRead,
            DepartmentRead,
            StaffRead,
            ResidentRead,
            RegistryRead,
            StatsRead,
            MapRead,
            RentalRead,
            DisputeRead,
            NoticeRead,
            RegisterRead,
            PetitionRead,
            PetitionApprove,
            CameraRead,
            IncidentRead,
            FollowupRead,
            WatchRead,
        ],
    },
];

pub fn builtin_role(code: &str) -> Option<&'static RoleDef> {
    BUILTIN_ROLES.iter().find(|r| r.code == code)
}

/// The widest kind among a user's roles; a user without roles sees only their own records.
pub fn widest(kinds: impl IntoIterator<Item = DataScopeKind>) -> DataScopeKind {
    kinds
        .into_iter()
        .max_by_key(|k| k.breadth())
        .unwrap_or(DataScopeKind::OwnRecords)
}

/// A user's resolved data scope, passed to every database query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    /// The unit (its materialized path, e.g. `/1/4/`) and everything under it.
    Subtree {
        path: String,
    },
    /// Exactly these org units (own unit only, own grids, custom list).
    Units {
        ids: Vec<i64>,
    },
    /// Only rows the user created.
    OwnRecords {
        user_id: i64,
    },
}

impl Scope {
    /// Whether an org unit with this id and path is visible.
    pub fn sees_unit(&self, id: i64, path: &str) -> bool {
        match self {
            Self::All => true,
            Self::Subtree { path: p } => path.starts_with(p.as_str()),
            Self::Units { ids } => ids.contains(&id),
            Self::OwnRecords { .. } => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_permission_is_in_the_catalogue() {
        for r in BUILTIN_ROLES {
            for p in r.permissions {
                assert!(Permission::ALL.contains(p), "{} has unknown {p}", r.code);
            }
        }
    }

    #[test]
    fn separation_of_the_three_administrators() {
        let sys = builtin_role(SYS_ADMIN).expect("sys");
        let audit = builtin_role(AUDIT_ADMIN).expect("audit");
        assert!(!sys.permissions.contains(&AuditRead));
        assert!(!sys.permissions.contains(&RoleGrant));
        assert_eq!(audit.permissions, &[AuditRead]);
    }

    fn codes(roles: &[&str]) -> Vec<&'static str> {
        roles
            .iter()
            .flat_map(|r| builtin_role(r).expect("built-in").permissions.iter().map(|p| p.code()))
            .collect()
    }

    #[test]
    fn each_administrator_holds_exactly_their_duty() {
        use std::collections::BTreeSet;
        for (role, duty) in [
            (SYS_ADMIN, Duty::System),
            (SECURITY_ADMIN, Duty::Security),
            (AUDIT_ADMIN, Duty::Audit),
        ] {
            assert_eq!(duties(codes(&[role])), BTreeSet::from([duty]), "{role}");
        }
        for r in BUILTIN_ROLES
            .iter()
            .filter(|r| ![SYS_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN].contains(&r.code))
        {
            assert!(duties(codes(&[r.code])).is_empty(), "{} holds no duty", r.code);
        }
        // The duties do not share a permission.
        for p in Permission::ALL {
            assert!(
                Duty::ALL.iter().filter(|d| d.permissions().contains(p)).count() <= 1,
                "{p}"
            );
        }
    }

    #[test]
    fn crossing_is_decided_on_permissions_not_role_codes() {
        assert_eq!(
            crossed(codes(&[SYS_ADMIN, AUDIT_ADMIN])),
            Some((Duty::System, Duty::Audit))
        );
        assert_eq!(
            crossed(codes(&[SECURITY_ADMIN, AUDIT_ADMIN])),
            Some((Duty::Security, Duty::Audit))
        );
        assert_eq!(crossed(codes(&[SYS_ADMIN, "leader"])), None);
        // A custom role holding `audit:read` beside the system administrator's role.
        let mut c = codes(&[SYS_ADMIN]);
        c.push("audit:read");
        assert_eq!(crossed(c.iter().copied()), Some((Duty::System, Duty::Audit)));
        assert_eq!(
            crossed(["staff:write", "role:grant"]),
            Some((Duty::System, Duty::Security))
        );
        assert_eq!(crossed(["user:write", "user:read", "audit:read", "bogus"]), None);
        assert!(crossing_message((Duty::System, Duty::Audit)).contains("三权分立"));
    }

    #[test]
    fn administrators_manage_only_their_own_duty() {
        use std::collections::BTreeSet;
        let sys = BTreeSet::from([Duty::System]);
        let sec = BTreeSet::from([Duty::Security]);
        let none = BTreeSet::new();
        assert!(may_manage(&sys, &none) && may_manage(&sec, &none));
        assert!(may_manage(&sys, &sys) && may_manage(&sec, &sec));
        assert!(!may_manage(&sys, &BTreeSet::from([Duty::Audit])));
        assert!(!may_manage(&sys, &sec));
        assert!(!may_manage(&sec, &BTreeSet::from([Duty::Audit])));
        assert!(
            !may_manage(&none, &sys),
            "an account without a duty manages no duty holder"
        );
    }

    #[test]
    fn governance_settings_are_the_system_administrator_s_and_the_district_center_s() {
        let holders: Vec<&str> = BUILTIN_ROLES
            .iter()
            .filter(|r| r.permissions.contains(&GovernanceSettings))
            .map(|r| r.code)
            .collect();
        assert_eq!(holders, [SYS_ADMIN, "district_officer"]);
        assert_eq!(Duty::of(GovernanceSettings), None, "a shared permission, in no duty");
        // The district officer is a community officer who also sets the rules.
        let mut district = DISTRICT_OFFICER.to_vec();
        assert_eq!(district.pop(), Some(GovernanceSettings));
        assert_eq!(district, OFFICER_FULL);
    }

    #[test]
    fn widest_scope_wins() {
        use DataScopeKind::*;
        assert_eq!(widest([OwnGrids, UnitAndBelow]), UnitAndBelow);
        assert_eq!(widest([UnitOnly, Custom]), Custom);
        assert_eq!(widest([]), OwnRecords);
        assert_eq!(DataScopeKind::parse("own_grids"), Some(OwnGrids));
        assert_eq!(DataScopeKind::parse("bogus"), None);
    }

    #[test]
    fn scope_sees_units() {
        let s = Scope::Subtree { path: "/1/4/".into() };
        assert!(s.sees_unit(4, "/1/4/"));
        assert!(s.sees_unit(9, "/1/4/9/"));
        assert!(!s.sees_unit(1, "/1/"));
        assert!(!s.sees_unit(41, "/1/41/"), "path prefix must end at a separator");
        let g = Scope::Units { ids: vec![7, 8] };
        assert!(g.sees_unit(7, "/1/4/7/") && !g.sees_unit(4, "/1/4/"));
        assert!(Scope::All.sees_unit(1, "/1/"));
        assert!(!Scope::OwnRecords { user_id: 1 }.sees_unit(1, "/1/"));
    }
}
