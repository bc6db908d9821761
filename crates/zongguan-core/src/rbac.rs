//! Roles, permission codes and data scope: who may do what, and on which org units' data.
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
/// The three administrator roles (三权分立): no account may hold two of them.
pub const ADMIN_ROLES: [&str; 3] = [SYS_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN];

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
];

pub const BUILTIN_ROLES: &[RoleDef] = &[
    RoleDef {
        code: SYS_ADMIN,
        name: "系统管理员",
        description: "维护组织架构、成员单位、队伍人员和用户账号；不能查看审计日志、不能授予角色",
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
        description: "区级中心受理、分派、督办，查看全区数据",
        data_scope: DataScopeKind::UnitAndBelow,
        permissions: OFFICER_FULL,
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
        description: "查看本级及以下的数据和报表，只读",
        data_scope: DataScopeKind::UnitAndBelow,
        permissions: &[
            OrgRead,
            DepartmentRead,
            StaffRead,
            ResidentRead,
            RegistryRead,
            StatsRead,
            MapRead,
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

/// Whether a set of role codes breaks the separation of the three administrators.
pub fn violates_separation(codes: &[String]) -> bool {
    codes.iter().filter(|c| ADMIN_ROLES.contains(&c.as_str())).count() > 1
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
        assert!(violates_separation(&["sys_admin".into(), "audit_admin".into()]));
        assert!(!violates_separation(&["sys_admin".into(), "leader".into()]));
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
