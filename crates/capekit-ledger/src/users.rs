//! The people of a team server: who may sign in and with what role, what each did (the audit
//! log), a reviewer's sign-off of a declaration, and the server's settings.
//!
//! The ledger stores a password only as the PHC string of its Argon2id hash, which the caller
//! makes (`capekit-app`'s `users` job); a table `CHECK` refuses anything else, so a password in
//! clear cannot be stored even by mistake. The audit log is append-only, like every other record
//! of the ledger: nothing here updates or deletes a row of it. These few functions are the whole
//! surface, so that the same questions can be put to another store.

use capekit_core::entry::EntryNumber;
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use crate::import::now;
use crate::{DeclarationId, Ledger, LedgerError, Result, parse_ts};

/// What a signed-in person may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Reads files, triages, plans and downloads drafts, marks uploads.
    Clerk,
    /// What a clerk does, and signs off a draft before it may be marked uploaded.
    Reviewer,
    /// What a reviewer does, and manages the users and the server's settings.
    Admin,
}

impl Role {
    /// Every role, least first.
    pub const ALL: [Role; 3] = [Role::Clerk, Role::Reviewer, Role::Admin];

    /// The role as stored and typed: `clerk`, `reviewer`, `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    /// The role named `s` (any case).
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// True when this role may sign off a declaration.
    pub fn may_sign_off(self) -> bool {
        self >= Role::Reviewer
    }

    /// True when this role may manage users and settings.
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user as shown: never the password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The sign-in name.
    pub name: String,
    /// The role.
    pub role: Role,
    /// A disabled user cannot sign in, and a session of theirs ends on its next request.
    pub disabled: bool,
    /// When the user was added.
    pub created_at: Timestamp,
    /// When the role, the password or the disabled flag last changed.
    pub changed_at: Timestamp,
}

/// The longest user name.
pub const MAX_USER_NAME: usize = 64;

/// Why `name` cannot be a user name, if it cannot: 1 to 64 letters, digits, `.`, `_`, `-` or
/// `@`, so that it reads the same in a page, a log line and an audit row.
pub fn user_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("a user name cannot be empty".to_owned());
    }
    if name.chars().count() > MAX_USER_NAME {
        return Some(format!(
            "the user name is {} characters long; the most is {MAX_USER_NAME}",
            name.chars().count()
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')))
    {
        return Some(format!(
            "`{name}` holds `{bad}`; a user name is letters, digits, `.`, `_`, `-` and `@`"
        ));
    }
    None
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// When.
    pub at: Timestamp,
    /// Who (a user name).
    pub who: String,
    /// What was done, in a few words (`sign-in`, `upload`, `download`, `mark uploaded`...).
    pub action: String,
    /// The kind of object it was done to (`declaration`, `entry`, `file`, `upload`, `user`), or
    /// empty.
    pub object_kind: String,
    /// The object (a declaration id, an entry number, a file path...), or empty.
    pub object: String,
    /// More, in words (the address asked, the answer given).
    pub detail: String,
}

/// What an audit row says, before it is recorded (its time is the time of recording).
#[derive(Debug, Clone, Copy)]
pub struct Audit<'a> {
    /// Who.
    pub who: &'a str,
    /// What was done.
    pub action: &'a str,
    /// The kind of object, or empty.
    pub object_kind: &'a str,
    /// The object, or empty.
    pub object: &'a str,
    /// More, in words.
    pub detail: &'a str,
}

/// The setting that makes a sign-off needed before a declaration is marked uploaded in team
/// mode: on unless an admin turned it off.
const SIGNOFF_SETTING: &str = "signoff-required";

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, bool, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn to_user(
    (name, role, disabled, created, changed): (String, String, bool, String, String),
) -> Result<User> {
    Ok(User {
        role: Role::parse(&role).ok_or(LedgerError::Corrupt {
            what: "user role",
            value: role,
        })?,
        name,
        disabled,
        created_at: parse_ts(&created)?,
        changed_at: parse_ts(&changed)?,
    })
}

impl Ledger {
    /// Adds a user with the Argon2id PHC string of their password. Refused when the name is not
    /// a user name, is taken (whatever its case), or `password_hash` is not an Argon2id PHC
    /// string.
    pub fn add_user(&mut self, name: &str, role: Role, password_hash: &str) -> Result<()> {
        if let Some(problem) = user_name_problem(name) {
            return Err(LedgerError::Refused(problem));
        }
        if !password_hash.starts_with("$argon2id$") {
            return Err(LedgerError::Refused(
                "a password is stored only as an Argon2id hash".to_owned(),
            ));
        }
        if self.user(name)?.is_some() {
            return Err(LedgerError::Refused(format!(
                "there is already a user `{name}`; pick another name, or enable that user with `capekit user enable {name}`"
            )));
        }
        let at = now();
        self.conn.execute(
            "INSERT INTO users (name, role, password_hash, disabled, created_at, changed_at)
             VALUES (?1, ?2, ?3, 0, ?4, ?4)",
            params![name, role.as_str(), password_hash, at],
        )?;
        Ok(())
    }

    /// Whether the ledger has users: it is a team's, and its rules (the sign-off before an
    /// upload) hold on every face, the CLI's too.
    pub fn has_users(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM users)", [], |r| r.get(0))?)
    }

    /// Every user, by name.
    pub fn users(&self) -> Result<Vec<User>> {
        let mut st = self.conn.prepare(
            "SELECT name, role, disabled, created_at, changed_at FROM users ORDER BY name",
        )?;
        let rows = st.query_map([], user_row)?;
        rows.map(|r| to_user(r?)).collect()
    }

    /// The user `name` (any case), if there is one.
    pub fn user(&self, name: &str) -> Result<Option<User>> {
        self.conn
            .query_row(
                "SELECT name, role, disabled, created_at, changed_at FROM users WHERE name = ?1",
                [name],
                user_row,
            )
            .optional()?
            .map(to_user)
            .transpose()
    }

    /// The stored password hash of `name` (a PHC string), to verify a sign-in; `None` when there
    /// is no such user.
    pub fn password_hash(&self, name: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT password_hash FROM users WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Disables (or enables again) the user `name`. Refused when there is no such user.
    pub fn set_user_disabled(&mut self, name: &str, disabled: bool) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE users SET disabled = ?2, changed_at = ?3 WHERE name = ?1",
            params![name, disabled, now()],
        )?;
        if changed == 0 {
            return Err(LedgerError::Refused(format!(
                "there is no user `{name}`; `capekit user list` shows them"
            )));
        }
        Ok(())
    }

    /// Records one row of the audit log, now.
    pub fn record_audit(&mut self, a: &Audit<'_>) -> Result<()> {
        self.conn.execute(
            "INSERT INTO audit (at, who, action, object_kind, object, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![now(), a.who, a.action, a.object_kind, a.object, a.detail],
        )?;
        Ok(())
    }

    fn audit_query(&self, sql: &str, args: impl rusqlite::Params) -> Result<Vec<AuditRow>> {
        let mut st = self.conn.prepare(sql)?;
        let rows = st.query_map(args, |r| {
            Ok((
                r.get::<_, String>(0)?,
                AuditRow {
                    at: Timestamp::UNIX_EPOCH,
                    who: r.get(1)?,
                    action: r.get(2)?,
                    object_kind: r.get(3)?,
                    object: r.get(4)?,
                    detail: r.get(5)?,
                },
            ))
        })?;
        rows.map(|r| {
            let (at, row) = r?;
            Ok(AuditRow {
                at: parse_ts(&at)?,
                ..row
            })
        })
        .collect()
    }

    /// The audit rows about `object` of `object_kind`, oldest first.
    pub fn audit_of(&self, object_kind: &str, object: &str) -> Result<Vec<AuditRow>> {
        self.audit_query(
            "SELECT at, who, action, object_kind, object, detail FROM audit
             WHERE object_kind = ?1 AND object = ?2 ORDER BY id",
            params![object_kind, object],
        )
    }

    /// The audit rows that name `entry`: those about the entry itself, and those about a
    /// declaration that holds it, oldest first.
    pub fn audit_of_entry(&self, entry: EntryNumber) -> Result<Vec<AuditRow>> {
        self.audit_query(
            "SELECT at, who, action, object_kind, object, detail FROM audit
             WHERE (object_kind = 'entry' AND object = ?1)
                OR (object_kind = 'declaration' AND object IN
                    (SELECT CAST(declaration_id AS TEXT) FROM declaration_entries WHERE entry = ?1))
             ORDER BY id",
            [entry.as_str()],
        )
    }

    /// The latest `limit` audit rows, newest first.
    pub fn recent_audit(&self, limit: usize) -> Result<Vec<AuditRow>> {
        self.audit_query(
            "SELECT at, who, action, object_kind, object, detail FROM audit
             ORDER BY id DESC LIMIT ?1",
            [i64::try_from(limit).unwrap_or(i64::MAX)],
        )
    }

    /// Records that `reviewer` signed off the declaration `id`. Refused when there is no such
    /// declaration.
    pub fn sign_off(&mut self, id: DeclarationId, reviewer: &str) -> Result<()> {
        let known: Option<i64> = self
            .conn
            .query_row("SELECT id FROM declarations WHERE id = ?1", [id.0], |r| {
                r.get(0)
            })
            .optional()?;
        if known.is_none() {
            return Err(LedgerError::Refused(format!(
                "there is no declaration {id} in the ledger"
            )));
        }
        self.conn.execute(
            "INSERT INTO signoffs (declaration_id, reviewer, at) VALUES (?1, ?2, ?3)",
            params![id.0, reviewer, now()],
        )?;
        Ok(())
    }

    /// Who signed off the declaration `id` last, and when; `None` when nobody did.
    pub fn signed_off(&self, id: DeclarationId) -> Result<Option<(String, Timestamp)>> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT reviewer, at FROM signoffs WHERE declaration_id = ?1
                 ORDER BY id DESC LIMIT 1",
                [id.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(who, at)| Ok((who, parse_ts(&at)?))).transpose()
    }

    /// Whether a declaration must be signed off by a reviewer before it is marked uploaded on a
    /// team server: yes, unless an admin turned it off.
    pub fn signoff_required(&self) -> Result<bool> {
        let value: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [SIGNOFF_SETTING],
                |r| r.get(0),
            )
            .optional()?;
        Ok(value.as_deref() != Some("off"))
    }

    /// Turns the sign-off rule on or off.
    pub fn set_signoff_required(&mut self, required: bool) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value, changed_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, changed_at = excluded.changed_at",
            params![SIGNOFF_SETTING, if required { "on" } else { "off" }, now()],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";

    #[test]
    fn users_are_added_listed_disabled_and_enabled() -> Result<()> {
        let mut l = Ledger::open_in_memory()?;
        l.add_user("ana", Role::Clerk, HASH)?;
        l.add_user("bo", Role::Admin, HASH)?;
        let names: Vec<_> = l.users()?.into_iter().map(|u| (u.name, u.role)).collect();
        assert_eq!(
            names,
            [
                ("ana".to_owned(), Role::Clerk),
                ("bo".to_owned(), Role::Admin)
            ]
        );
        // A name is one user whatever its case.
        let again = l.add_user("ANA", Role::Admin, HASH);
        assert!(matches!(again, Err(LedgerError::Refused(_))), "{again:?}");
        assert_eq!(l.user("Ana")?.map(|u| u.name), Some("ana".to_owned()));
        l.set_user_disabled("ana", true)?;
        assert!(l.user("ana")?.is_some_and(|u| u.disabled));
        l.set_user_disabled("ana", false)?;
        assert!(l.user("ana")?.is_some_and(|u| !u.disabled));
        assert!(matches!(
            l.set_user_disabled("nobody", true),
            Err(LedgerError::Refused(_))
        ));
        Ok(())
    }

    #[test]
    fn only_an_argon2id_hash_is_stored() -> Result<()> {
        let mut l = Ledger::open_in_memory()?;
        let clear = l.add_user("ana", Role::Clerk, "correct horse battery");
        assert!(matches!(clear, Err(LedgerError::Refused(_))), "{clear:?}");
        // The table refuses it too, whoever writes it.
        let raw = l.conn.execute(
            "INSERT INTO users (name, role, password_hash, created_at, changed_at)
             VALUES ('x', 'clerk', 'secret', '', '')",
            [],
        );
        assert!(raw.is_err());
        assert!(l.users()?.is_empty());
        Ok(())
    }

    #[test]
    fn user_names() {
        assert_eq!(user_name_problem("ana.b-c_d@firm"), None);
        for bad in ["", "a b", "a/b", "<script>", &"x".repeat(65)] {
            assert!(user_name_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn audit_rows_are_found_by_object() -> Result<()> {
        let mut l = Ledger::open_in_memory()?;
        let entry: EntryNumber = "B7644104112".parse().expect("entry");
        for (action, kind, object) in [
            ("triage", "upload", "abc"),
            ("download", "entry", entry.as_str()),
            ("mark uploaded", "declaration", "7"),
        ] {
            l.record_audit(&Audit {
                who: "ana",
                action,
                object_kind: kind,
                object,
                detail: "",
            })?;
        }
        assert_eq!(l.audit_of("upload", "abc")?.len(), 1);
        let of_entry = l.audit_of_entry(entry)?;
        assert_eq!(of_entry.len(), 1);
        assert_eq!(of_entry[0].action, "download");
        let recent = l.recent_audit(2)?;
        assert_eq!(recent[0].action, "mark uploaded");
        assert_eq!(recent.len(), 2);
        Ok(())
    }

    #[test]
    fn the_signoff_rule_is_on_until_turned_off() -> Result<()> {
        let mut l = Ledger::open_in_memory()?;
        assert!(l.signoff_required()?);
        l.set_signoff_required(false)?;
        assert!(!l.signoff_required()?);
        l.set_signoff_required(true)?;
        assert!(l.signoff_required()?);
        assert!(matches!(
            l.sign_off(DeclarationId(99), "rev"),
            Err(LedgerError::Refused(_))
        ));
        assert_eq!(l.signed_off(DeclarationId(99))?, None);
        Ok(())
    }

    #[test]
    fn roles() {
        assert_eq!(Role::parse("Reviewer"), Some(Role::Reviewer));
        assert_eq!(Role::parse("boss"), None);
        assert!(Role::Admin.may_sign_off() && !Role::Clerk.may_sign_off());
        assert!(Role::Admin.is_admin() && !Role::Reviewer.is_admin());
    }
}
