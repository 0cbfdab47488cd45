//! The people of a team server: adding a user with a password, and checking a sign-in.
//!
//! A password is kept only as its Argon2id hash (RustCrypto's `argon2`, default parameters, a
//! random salt per password), in the PHC string form that carries its own parameters, so that
//! stronger parameters later still verify older hashes. Verifying is `argon2`'s own, which
//! compares in constant time; a sign-in naming no user verifies against a fixed hash all the
//! same, so that the time taken does not tell which names exist.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use capekit_ledger::{Ledger, LedgerError, Role, User};

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The longest password accepted, in bytes: past it a sign-in form is a way to make the server
/// hash megabytes.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Why a user could not be added or a sign-in checked.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// The new password is too short, too long or blank.
    #[error("{0}")]
    WeakPassword(String),
    /// Hashing failed (the system's random source, most likely).
    #[error("the password could not be hashed: {0}")]
    Hash(String),
    /// The ledger refused or failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// Why `password` cannot be a new password, if it cannot.
pub fn password_problem(password: &str) -> Option<String> {
    let chars = password.chars().count();
    if password.trim().is_empty() {
        return Some("the password is empty".to_owned());
    }
    if chars < MIN_PASSWORD_CHARS {
        return Some(format!(
            "the password has {chars} characters; the fewest is {MIN_PASSWORD_CHARS} (a phrase of a few words is easy to remember)"
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Some(format!(
            "the password is {} bytes long; the most is {MAX_PASSWORD_BYTES}",
            password.len()
        ));
    }
    None
}

/// The Argon2id PHC string of `password`, with a new random salt.
pub fn hash_password(password: &str) -> Result<String, UserError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| UserError::Hash(e.to_string()))
}

/// True when `password` is the one hashed in `phc`; false for any other, and for a stored value
/// that is not a PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Adds the user `name` with `role` and `password`, refusing a weak password.
pub fn add_user(
    ledger: &mut Ledger,
    name: &str,
    role: Role,
    password: &str,
) -> Result<(), UserError> {
    if let Some(problem) = password_problem(password) {
        return Err(UserError::WeakPassword(problem));
    }
    if let Some(problem) = capekit_ledger::user_name_problem(name) {
        return Err(UserError::Ledger(LedgerError::Refused(problem)));
    }
    let hash = hash_password(password)?;
    ledger.add_user(name, role, &hash)?;
    Ok(())
}

/// A hash of no one's password, verified when a sign-in names no user.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$bm8tc3VjaC11c2Vy$Rk3Qm0n5cDqvJm4c2m9q5Vf7mIYkV0f8YJb5c5k1e9w";

/// Refuses to mark the declaration `id` uploaded before a reviewer signed it off, on a team's
/// ledger (one with users, or served by a team server: `team`) whose sign-off rule is on. A
/// declaration already marked uploaded, failed or discarded is not asked again.
pub fn check_signed_off(
    ledger: &Ledger,
    id: capekit_ledger::DeclarationId,
    team: bool,
) -> Result<(), capekit_ledger::LedgerError> {
    if !(team || ledger.has_users()?)
        || !ledger.signoff_required()?
        || ledger.signed_off(id)?.is_some()
    {
        return Ok(());
    }
    if ledger.declaration_state(id)? != Some(capekit_ledger::DeclState::Draft) {
        return Ok(());
    }
    Err(capekit_ledger::LedgerError::Refused(format!(
        "declaration #{id} has not been signed off: on this team's ledger a reviewer signs a draft off before it is marked uploaded, on the workbench's Declarations page or with `capekit ledger sign-off #{id} --reviewer NAME` (an admin can turn this rule off with `capekit user policy --no-signoff`)"
    )))
}

/// Signs off the declaration `id` as `reviewer`, whose `password` is checked: refused for a
/// wrong name or password, a disabled user, or a clerk (only reviewers and admins sign off).
/// The sign-off is recorded in the audit with who and when.
pub fn sign_off(
    ledger: &mut Ledger,
    id: capekit_ledger::DeclarationId,
    reviewer: &str,
    password: &str,
    face: &str,
) -> Result<(), UserError> {
    let user = match check_sign_in(ledger, reviewer, password)? {
        SignIn::Valid(u) => u,
        SignIn::Wrong => {
            return Err(capekit_ledger::LedgerError::Refused(format!(
                "the name `{reviewer}` or its password is wrong: nothing was signed off"
            ))
            .into());
        }
        SignIn::Disabled => {
            return Err(capekit_ledger::LedgerError::Refused(format!(
                "{reviewer} is disabled: nothing was signed off"
            ))
            .into());
        }
    };
    if !user.role.may_sign_off() {
        return Err(capekit_ledger::LedgerError::Refused(format!(
            "{} is a {}: only a reviewer or an admin signs a declaration off",
            user.name, user.role
        ))
        .into());
    }
    ledger.sign_off(id, &user.name)?;
    ledger.record_audit(&capekit_ledger::Audit {
        who: &user.name,
        action: "sign off",
        object_kind: "declaration",
        object: &id.to_string(),
        detail: face,
    })?;
    Ok(())
}

/// What a sign-in found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// The name and password are right and the user is enabled.
    Valid(User),
    /// The name is unknown or the password wrong (one answer for both).
    Wrong,
    /// The password is right but the user is disabled.
    Disabled,
}

/// Checks a sign-in of `name` with `password`.
pub fn check_sign_in(ledger: &Ledger, name: &str, password: &str) -> Result<SignIn, UserError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Ok(SignIn::Wrong);
    }
    let stored = ledger.password_hash(name)?;
    let right = verify_password(password, stored.as_deref().unwrap_or(DUMMY_HASH));
    if !right || stored.is_none() {
        return Ok(SignIn::Wrong);
    }
    match ledger.user(name)? {
        Some(u) if !u.disabled => Ok(SignIn::Valid(u)),
        Some(_) => Ok(SignIn::Disabled),
        None => Ok(SignIn::Wrong),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_stored_as_an_argon2id_hash_only() -> Result<(), UserError> {
        let mut l = Ledger::open_in_memory()?;
        let pw = "correct horse battery staple";
        add_user(&mut l, "ana", Role::Clerk, pw)?;
        let stored = l.password_hash("ana")?.unwrap_or_default();
        assert!(stored.starts_with("$argon2id$v=19$"), "{stored}");
        assert!(!stored.contains(pw));
        // A salt per password: the same password hashes differently.
        assert_ne!(hash_password(pw)?, hash_password(pw)?);
        Ok(())
    }

    #[test]
    fn sign_in_answers() -> Result<(), UserError> {
        let mut l = Ledger::open_in_memory()?;
        let pw = "correct horse battery staple";
        add_user(&mut l, "ana", Role::Reviewer, pw)?;
        assert!(
            matches!(check_sign_in(&l, "ana", pw)?, SignIn::Valid(u) if u.role == Role::Reviewer)
        );
        assert_eq!(check_sign_in(&l, "ana", "wrong password!")?, SignIn::Wrong);
        assert_eq!(check_sign_in(&l, "nobody", pw)?, SignIn::Wrong);
        assert_eq!(check_sign_in(&l, "ana", "")?, SignIn::Wrong);
        l.set_user_disabled("ana", true)?;
        assert_eq!(check_sign_in(&l, "ana", pw)?, SignIn::Disabled);
        Ok(())
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert!(password_problem("").is_some());
        assert!(password_problem("            ").is_some());
        assert!(password_problem("elevenchars").is_some());
        assert!(password_problem("twelve chars").is_none());
        assert!(password_problem(&"x".repeat(MAX_PASSWORD_BYTES + 1)).is_some());
        let mut l = Ledger::open_in_memory().expect("ledger");
        assert!(matches!(
            add_user(&mut l, "ana", Role::Clerk, "short"),
            Err(UserError::WeakPassword(_))
        ));
    }

    #[test]
    fn a_stored_value_that_is_no_hash_never_verifies() {
        assert!(!verify_password("secret", "secret"));
        assert!(!verify_password("", DUMMY_HASH));
        // It must parse, so that an unknown name costs a whole verification too.
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
