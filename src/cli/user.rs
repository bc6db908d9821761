//! `zongguan user`: accounts managed on the server, as the system (audited as `cli`): the way a
//! holder of another duty's account is reset, unlocked or given roles (三权分立).
use std::process::ExitCode;

use zongguan_core::account::{AccountDraft, NewAccount, NewPassword};
use zongguan_db::{Actor, auth};

use super::UserCmd;
use crate::config::Config;

pub fn generated_password() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut r = rand::thread_rng();
    let body: String = (0..12).map(|_| CHARS[r.gen_range(0..CHARS.len())] as char).collect();
    format!("{body}@9a")
}

pub async fn run(config: &Config, cmd: UserCmd) -> anyhow::Result<ExitCode> {
    let db = crate::open_db(config).await?;
    let actor = Actor::system("cli");
    let e = |e: zongguan_db::DbError| anyhow::anyhow!("{e}");
    let find = |name: String| {
        let db = db.clone();
        async move {
            auth::find_by_username(&db, &name)
                .await
                .map_err(e)?
                .ok_or_else(|| anyhow::anyhow!("用户 {name} 不存在"))
        }
    };
    match cmd {
        UserCmd::Add {
            username,
            name,
            org_unit,
            roles,
            password,
        } => {
            let unit = zongguan_db::org::list_units(
                &db,
                &zongguan_db::Scope::All,
                &zongguan_db::org::OrgUnitFilter {
                    q: Some(org_unit.clone()),
                    ..Default::default()
                },
                zongguan_db::PageReq::new(Some(1), Some(500)).map_err(e)?,
            )
            .await
            .map_err(e)?
            .items
            .into_iter()
            .find(|u| u.code == org_unit)
            .ok_or_else(|| anyhow::anyhow!("机构编码 {org_unit} 不存在"))?;
            let generated = password.is_none();
            let pw = password.unwrap_or_else(generated_password);
            let n = NewAccount::parse(&AccountDraft {
                username: &username,
                display_name: &name,
                org_unit_id: unit.id,
                department_id: None,
                phone: None,
                gender: None,
                post: None,
                password: &pw,
            })
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let u = auth::create_user(&db, &actor, n, true).await.map_err(e)?;
            if !roles.is_empty() {
                auth::set_roles(&db, &actor, u.id, roles).await.map_err(e)?;
            }
            println!("已创建用户 {}（{}），首次登录须修改密码", u.username, unit.name);
            if generated {
                println!("初始密码: {pw}");
            }
        }
        UserCmd::Passwd { username, password } => {
            let u = find(username).await?;
            let generated = password.is_none();
            let pw = password.unwrap_or_else(generated_password);
            let checked = NewPassword::parse(&pw).map_err(|e| anyhow::anyhow!("{e}"))?;
            auth::reset_password(&db, &actor, u.id, &checked).await.map_err(e)?;
            println!("已重置 {} 的密码，下次登录须修改", u.username);
            if generated {
                println!("新密码: {pw}");
            }
        }
        UserCmd::Lock { username } => {
            let u = find(username).await?;
            auth::set_locked(&db, &actor, u.id, true).await.map_err(e)?;
            println!("已锁定 {}", u.username);
        }
        UserCmd::Unlock { username } => {
            let u = find(username).await?;
            auth::set_locked(&db, &actor, u.id, false).await.map_err(e)?;
            println!("已解锁 {}", u.username);
        }
        UserCmd::Roles { username, roles } => {
            let u = find(username).await?;
            let v = auth::set_roles(&db, &actor, u.id, roles).await.map_err(e)?;
            println!("{} 的角色：{}", v.username, v.roles.join("、"));
        }
    }
    Ok(ExitCode::SUCCESS)
}
