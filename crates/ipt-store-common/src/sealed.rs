//! Clinical free text encrypted at rest (#16): the key ring, and the columns it seals.
//!
//! Every column listed in [`SEALED`] holds, instead of its text (or JSON), a value
//! `ipt1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>` written by [`Keyring::seal`]: the
//! AEAD XChaCha20-Poly1305 (RustCrypto's `chacha20poly1305`; the construction of
//! draft-irtf-cfrg-xchacha, a 192-bit random nonce per value, so nonces never need counting
//! across instances) under the key ring's primary key. The associated data names the column
//! and the row (`table.column` and the row's id, which belongs to exactly one patient): a
//! value copied into another row, another column or another patient's record fails to open,
//! as does any altered byte.
//!
//! The keys come from a key file or an environment variable, never from the database (the
//! `ipt` binary reads them; see "Encryption at rest" in the operator guide). The database
//! keeps, per key id, only a check value (a known text sealed with that key), so a store can
//! refuse at once to start with a wrong key rather than fail on the first read.
//!
//! What is not sealed, on purpose: patients' names and dates of birth, codes, dates, scores
//! and questionnaire answers, which queries sort and count by. The operator guide says so.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ipt_app::ports::StoreError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// What every sealed value starts with: the format's version.
pub const PREFIX: &str = "ipt1.";

const NONCE_LEN: usize = 24;
const KEY_LEN: usize = 32;
/// The text a key's check value seals.
const CHECK_TEXT: &str = "IPT Workbench key check";

/// A table with sealed columns: its name, the column its rows are keyed by, and the sealed
/// columns. The associated data of a value is `table.column` and the row's key.
#[derive(Debug, Clone, Copy)]
pub struct SealedTable {
    pub table: &'static str,
    pub id: &'static str,
    pub columns: &'static [&'static str],
}

/// Every sealed column: the free text of patients' records (and the staff's TOTP secrets).
/// `ipt keys rotate` walks these; the test that reads the raw database file checks them.
pub const SEALED: &[SealedTable] = &[
    SealedTable {
        table: "courses",
        id: "id",
        columns: &[
            "end_reason",
            "indication",
            "diagnosis",
            "focus",
            "focus_history",
            "formulation_text",
            "formulation_patient_wording",
            "contract",
            "relapse_plan",
            "maintenance",
            "termination_review",
            "safety_plan",
            "medication",
            "inventory_globals",
        ],
    },
    SealedTable {
        table: "supervisor_comments",
        id: "id",
        columns: &["body"],
    },
    SealedTable {
        table: "inventory_people",
        id: "id",
        columns: &["alias", "notes"],
    },
    SealedTable {
        table: "inventory_snapshots",
        id: "id",
        columns: &["people"],
    },
    SealedTable {
        table: "timeline_events",
        id: "id",
        columns: &["description"],
    },
    SealedTable {
        table: "therapy_sessions",
        id: "id",
        columns: &[
            "phase_override_reason",
            "interval_events",
            "agreed_actions",
            "risk_note",
            "notes",
        ],
    },
    SealedTable {
        table: "goals",
        id: "id",
        columns: &["description"],
    },
    SealedTable {
        table: "risk_alerts",
        id: "id",
        columns: &["action_note"],
    },
    SealedTable {
        table: "diary_entries",
        id: "id",
        columns: &["interactions", "note"],
    },
    SealedTable {
        table: "user_second_factors",
        id: "user_id",
        columns: &["secret"],
    },
];

/// A column of [`SEALED`], as the statements name it: `("courses", "formulation_text")`.
pub type Column = (&'static str, &'static str);

/// Why a key file (or `IPT_ENCRYPTION_KEYS`) was refused. The messages never contain key
/// material.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyringError {
    #[error("it holds no key: each key is a line 'ID KEY' (make one with 'ipt keys generate')")]
    Empty,
    #[error(
        "line {line} is not 'ID KEY': an id of 1 to 40 lower-case letters, digits or '-', a space, then 32 bytes in base64url"
    )]
    Malformed { line: usize },
    #[error(
        "line {line}: the key is not 32 bytes in base64url (make one with 'ipt keys generate')"
    )]
    BadKey { line: usize },
    #[error("line {line}: the id '{id}' is used twice")]
    DuplicateId { line: usize, id: String },
}

/// The keys a store seals and opens free text with: the first is the primary, which seals
/// every new value; the others only open values sealed before a rotation.
#[derive(Clone)]
pub struct Keyring {
    keys: Vec<(String, XChaCha20Poly1305)>,
}

impl fmt::Debug for Keyring {
    /// The ids only: key material never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring").field("ids", &self.ids()).finish()
    }
}

fn valid_id(id: &str) -> bool {
    (1..=40).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes
}

/// The associated data of a value: the format, `table.column` and the row's key.
fn associated_data((table, column): Column, row: Uuid) -> Vec<u8> {
    let mut ad = Vec::with_capacity(64);
    ad.extend_from_slice(b"ipt-workbench/sealed/v1\0");
    ad.extend_from_slice(table.as_bytes());
    ad.push(b'.');
    ad.extend_from_slice(column.as_bytes());
    ad.push(0);
    ad.extend_from_slice(row.as_bytes());
    ad
}

/// The key id a stored value names, if it is a sealed value at all.
pub fn key_id_of(stored: &str) -> Option<&str> {
    stored
        .strip_prefix(PREFIX)?
        .split_once('.')
        .map(|(id, _)| id)
}

impl Keyring {
    /// Read a key file: one key per line, `ID KEY` (the key 32 bytes in base64url, as
    /// `ipt keys generate` prints it); blank lines and lines starting with `#` are skipped.
    /// The first key is the primary.
    pub fn parse(text: &str) -> Result<Self, KeyringError> {
        let mut keys: Vec<(String, XChaCha20Poly1305)> = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = n + 1;
            let s = raw.trim();
            if s.is_empty() || s.starts_with('#') {
                continue;
            }
            let mut parts = s.split_whitespace();
            let (Some(id), Some(key), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(KeyringError::Malformed { line });
            };
            if !valid_id(id) {
                return Err(KeyringError::Malformed { line });
            }
            let bytes = URL_SAFE_NO_PAD
                .decode(key)
                .ok()
                .filter(|b| b.len() == KEY_LEN)
                .ok_or(KeyringError::BadKey { line })?;
            if keys.iter().any(|(k, _)| k == id) {
                return Err(KeyringError::DuplicateId {
                    line,
                    id: id.to_string(),
                });
            }
            let cipher = XChaCha20Poly1305::new_from_slice(&bytes)
                .map_err(|_| KeyringError::BadKey { line })?;
            keys.push((id.to_string(), cipher));
        }
        if keys.is_empty() {
            return Err(KeyringError::Empty);
        }
        Ok(Self { keys })
    }

    /// A new key as a key-file line, `ID KEY`, from the operating system's random source.
    /// The id is `k` and 8 random hex digits unless one is given.
    pub fn new_key_line(id: Option<&str>) -> Result<String, KeyringError> {
        let id = match id {
            Some(id) if valid_id(id) => id.to_string(),
            Some(_) => return Err(KeyringError::Malformed { line: 1 }),
            None => {
                let tag: [u8; 4] = random_bytes();
                format!(
                    "k{}",
                    tag.iter().map(|b| format!("{b:02x}")).collect::<String>()
                )
            }
        };
        let key: [u8; KEY_LEN] = random_bytes();
        Ok(format!("{id} {}", URL_SAFE_NO_PAD.encode(key)))
    }

    /// A ring of one new random key (tests, and a first start that makes its own key file).
    pub fn generate() -> Self {
        let line = Self::new_key_line(None).expect("a generated id is valid");
        Self::parse(&line).expect("a generated line parses")
    }

    /// This ring's keys, then those of `older` it lacks: a rotated ring, whose primary is
    /// this one's and which still opens what `older` sealed.
    pub fn join(&self, older: &Keyring) -> Keyring {
        let mut keys = self.keys.clone();
        for (id, cipher) in &older.keys {
            if !keys.iter().any(|(k, _)| k == id) {
                keys.push((id.clone(), cipher.clone()));
            }
        }
        Keyring { keys }
    }

    /// The primary key's id: the one new values are sealed with.
    pub fn primary(&self) -> &str {
        &self.keys[0].0
    }

    /// Every key's id, the primary first.
    pub fn ids(&self) -> Vec<&str> {
        self.keys.iter().map(|(id, _)| id.as_str()).collect()
    }

    fn cipher(&self, id: &str) -> Option<&XChaCha20Poly1305> {
        self.keys.iter().find(|(k, _)| k == id).map(|(_, c)| c)
    }

    fn seal_bytes(cipher: &XChaCha20Poly1305, id: &str, ad: &[u8], plain: &[u8]) -> String {
        let nonce: [u8; NONCE_LEN] = random_bytes();
        let sealed = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plain,
                    aad: ad,
                },
            )
            .expect("XChaCha20-Poly1305 seals any message under 256 GiB");
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{id}.{}", URL_SAFE_NO_PAD.encode(out))
    }

    /// `plain`, sealed under the primary key for `column` of the row `row`.
    pub fn seal(&self, column: Column, row: Uuid, plain: &str) -> String {
        let (id, cipher) = &self.keys[0];
        Self::seal_bytes(cipher, id, &associated_data(column, row), plain.as_bytes())
    }

    /// `seal`, of an optional value: None stays NULL.
    pub fn seal_opt(&self, column: Column, row: Uuid, plain: Option<&str>) -> Option<String> {
        plain.map(|p| self.seal(column, row, p))
    }

    /// A value serialized as JSON, then sealed.
    pub fn seal_json<T: Serialize + ?Sized>(&self, column: Column, row: Uuid, value: &T) -> String {
        let json = serde_json::to_string(value).expect("domain values serialize to JSON");
        self.seal(column, row, &json)
    }

    /// `seal_json`, of an optional value: None stays NULL.
    pub fn seal_json_opt<T: Serialize>(
        &self,
        column: Column,
        row: Uuid,
        value: Option<&T>,
    ) -> Option<String> {
        value.map(|v| self.seal_json(column, row, v))
    }

    /// Open what `seal` wrote for `column` of `row`. A value that is not sealed, names a key
    /// this ring lacks, or fails to open (another key, another row or column, an altered
    /// byte) is `Corrupt`, with a message naming the column and row, never the value.
    pub fn open(&self, column: Column, row: Uuid, stored: &str) -> Result<String, StoreError> {
        let (table, col) = column;
        let fail = |why: String| StoreError::Corrupt(format!("{table}.{col} of row {row}: {why}"));
        let rest = stored
            .strip_prefix(PREFIX)
            .ok_or_else(|| fail("the value is not encrypted".into()))?;
        let (id, body) = rest
            .split_once('.')
            .ok_or_else(|| fail("the encrypted value is malformed".into()))?;
        let cipher = self.cipher(id).ok_or_else(|| {
            fail(format!(
                "the value is encrypted with key '{id}', which the key file does not hold"
            ))
        })?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .ok()
            .filter(|b| b.len() >= NONCE_LEN)
            .ok_or_else(|| fail("the encrypted value is malformed".into()))?;
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at NONCE_LEN");
        let ad = associated_data(column, row);
        let plain = cipher
            .decrypt(&XNonce::from(nonce), Payload { msg: sealed, aad: &ad })
            .map_err(|_| {
                fail(format!(
                    "the value does not open with key '{id}' (it was altered, or moved from another record)"
                ))
            })?;
        String::from_utf8(plain).map_err(|_| fail("the decrypted value is not text".into()))
    }

    /// `open`, of an optional value.
    pub fn open_opt(
        &self,
        column: Column,
        row: Uuid,
        stored: Option<&str>,
    ) -> Result<Option<String>, StoreError> {
        stored.map(|s| self.open(column, row, s)).transpose()
    }

    /// Open, then read the JSON.
    pub fn open_json<T: DeserializeOwned>(
        &self,
        column: Column,
        row: Uuid,
        stored: &str,
    ) -> Result<T, StoreError> {
        let json = self.open(column, row, stored)?;
        serde_json::from_str(&json).map_err(|e| {
            StoreError::Corrupt(format!(
                "{}.{} of row {row}: not the expected record ({e})",
                column.0, column.1
            ))
        })
    }

    /// `open_json`, of an optional value.
    pub fn open_json_opt<T: DeserializeOwned>(
        &self,
        column: Column,
        row: Uuid,
        stored: Option<&str>,
    ) -> Result<Option<T>, StoreError> {
        stored.map(|s| self.open_json(column, row, s)).transpose()
    }

    /// What `stored` should become under the primary key: None when it already is sealed
    /// with it. A value that is not sealed at all is taken as plaintext only when `legacy`
    /// (the one pass that seals a database written before encryption); otherwise it is
    /// `Corrupt`, as on a read.
    pub fn reseal(
        &self,
        column: Column,
        row: Uuid,
        stored: &str,
        legacy: bool,
    ) -> Result<Option<String>, StoreError> {
        match key_id_of(stored) {
            Some(id) if id == self.primary() => Ok(None),
            Some(_) => Ok(Some(self.seal(
                column,
                row,
                &self.open(column, row, stored)?,
            ))),
            None if legacy => Ok(Some(self.seal(column, row, stored))),
            None => self.open(column, row, stored).map(|_| None),
        }
    }

    /// The check value of the key `id`: the known text sealed with it, stored in
    /// `encryption_keys` so a start with another key under that id is refused.
    pub fn check_value(&self, id: &str) -> Option<String> {
        let cipher = self.cipher(id)?;
        Some(Self::seal_bytes(
            cipher,
            id,
            &associated_data(("encryption_keys", "check_value"), Uuid::nil()),
            CHECK_TEXT.as_bytes(),
        ))
    }

    /// Whether `check` is the check value of this ring's key `id`.
    pub fn checks(&self, id: &str, check: &str) -> bool {
        self.cipher(id).is_some()
            && self
                .open(("encryption_keys", "check_value"), Uuid::nil(), check)
                .is_ok_and(|t| t == CHECK_TEXT)
    }
}

/// The statements of sealing: the check of a key ring against the database at start, the
/// walk that re-seals values under the primary key, and the count of values per key.
/// Expanded by `impl_store!` into `shared_sql::sealed`.
#[doc(hidden)]
#[macro_export]
macro_rules! sealed_sql {
    ($store:ty, $db:ty, $begin:literal) => {
        pub(crate) mod sealed {
            use super::*;
            use sqlx::Row as _;
            use $crate::sealed::{Keyring, SEALED, key_id_of};

            /// A key ring the database cannot use, in words an operator can act on.
            fn refuse(why: String) -> StoreError {
                StoreError::Keys(why)
            }

            /// Check the store's key ring against the database, then register its new keys
            /// and seal what was written before encryption. Refused: a key whose id the
            /// database knows but whose check value it does not open (a wrong key), and a
            /// database that holds values sealed with a key the ring lacks.
            pub(crate) async fn unlock(s: &$store) -> Result<(), StoreError> {
                let keys: &Keyring = &s.keys;
                let ids = keys.ids();
                let registered: Vec<(String, String, Option<OffsetDateTime>)> = sqlx::query_as(
                    "SELECT key_id, check_value, retired_at FROM encryption_keys ORDER BY key_id",
                )
                .fetch_all(&s.pool)
                .await
                .map_err(map_err)?;
                for (id, check, _) in &registered {
                    if ids.contains(&id.as_str()) && !keys.checks(id, check) {
                        return Err(refuse(format!(
                            "the key '{id}' in the key file is not the key '{id}' this \
                             database was encrypted with: start with the right key file \
                             (a restored backup needs the key file of its time)"
                        )));
                    }
                }
                let missing: Vec<&str> = registered
                    .iter()
                    .filter(|(id, _, retired)| retired.is_none() && !ids.contains(&id.as_str()))
                    .map(|(id, _, _)| id.as_str())
                    .collect();
                if !missing.is_empty() {
                    return Err(refuse(format!(
                        "this database holds text encrypted with the key(s) {}, which the key \
                         file does not hold: add them back (a rotation keeps the old key until \
                         'ipt keys rotate' has finished)",
                        missing
                            .iter()
                            .map(|id| format!("'{id}'"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
                let now = OffsetDateTime::now_utc();
                for id in &ids {
                    if registered.iter().any(|(r, _, _)| r == id) {
                        continue;
                    }
                    let check = keys.check_value(id).expect("the ring holds its own ids");
                    sqlx::query(
                        "INSERT INTO encryption_keys (key_id, check_value, added_at) \
                         VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING",
                    )
                    .bind(*id)
                    .bind(check)
                    .bind(now)
                    .execute(&s.pool)
                    .await
                    .map_err(map_err)?;
                    // Another instance may have registered the same id first, with its key.
                    let stored: String = sqlx::query_scalar(
                        "SELECT check_value FROM encryption_keys WHERE key_id = $1",
                    )
                    .bind(*id)
                    .fetch_one(&s.pool)
                    .await
                    .map_err(map_err)?;
                    if !keys.checks(id, &stored) {
                        return Err(refuse(format!(
                            "the key '{id}' was registered at the same time by another \
                             instance with another key: give every instance the same key file"
                        )));
                    }
                }
                // The primary seals again: it is not retired, whatever a rotation said.
                sqlx::query("UPDATE encryption_keys SET retired_at = NULL WHERE key_id = $1")
                    .bind(keys.primary())
                    .execute(&s.pool)
                    .await
                    .map_err(map_err)?;
                let all_sealed: bool =
                    sqlx::query_scalar("SELECT all_sealed FROM encryption_state WHERE id = 1")
                        .fetch_one(&s.pool)
                        .await
                        .map_err(map_err)?;
                if !all_sealed {
                    let mut cursor = Some(ResealCursor::default());
                    while let Some(from) = cursor {
                        cursor = walk(s, from, 500, true, None).await?.2;
                    }
                    sqlx::query("UPDATE encryption_state SET all_sealed = $1 WHERE id = 1")
                        .bind(true)
                        .execute(&s.pool)
                        .await
                        .map_err(map_err)?;
                }
                Ok(())
            }

            /// The next `limit` rows of the table `from` points into, re-sealed under the
            /// primary key where they are not, in one transaction. A value changed meanwhile
            /// (a clinician's edit) is left to its writer: each UPDATE compares the values it
            /// read. Returns the rows read, the values re-sealed, and where to go on (None at
            /// the end of the last table). `legacy` takes unsealed values as plaintext.
            async fn walk(
                s: &$store,
                from: ResealCursor,
                limit: u32,
                legacy: bool,
                a: Option<&AuditEvent>,
            ) -> Result<(u64, u64, Option<ResealCursor>), StoreError> {
                let Some(t) = SEALED.get(from.table) else {
                    return Ok((0, 0, None));
                };
                let cols = t.columns.join(", ");
                let (table, id_col) = (t.table, t.id);
                // Built from the constants of SEALED only, never from input.
                let sql = match from.after {
                    None => format!(
                        "SELECT {id_col}, {cols} FROM {table} ORDER BY {id_col} LIMIT {limit}"
                    ),
                    Some(_) => format!(
                        "SELECT {id_col}, {cols} FROM {table} WHERE {id_col} > $1 \
                         ORDER BY {id_col} LIMIT {limit}"
                    ),
                };
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                if let Some(after) = from.after {
                    q = q.bind(after);
                }
                let rows = q.fetch_all(&mut *tx).await.map_err(map_err)?;
                let mut resealed = 0u64;
                let mut last = from.after;
                for row in &rows {
                    let id: Uuid = row.try_get(0).map_err(map_err)?;
                    last = Some(id);
                    let mut changes: Vec<(&str, String, String)> = Vec::new();
                    for (i, col) in t.columns.iter().enumerate() {
                        let stored: Option<String> = row.try_get(i + 1).map_err(map_err)?;
                        if let Some(stored) = stored
                            && let Some(new) = s.keys.reseal((table, *col), id, &stored, legacy)?
                        {
                            changes.push((*col, stored, new));
                        }
                    }
                    if changes.is_empty() {
                        continue;
                    }
                    let n = changes.len();
                    let set: Vec<String> = changes
                        .iter()
                        .enumerate()
                        .map(|(i, (c, _, _))| format!("{c} = ${}", i + 1))
                        .collect();
                    let same: Vec<String> = changes
                        .iter()
                        .enumerate()
                        .map(|(i, (c, _, _))| format!("{c} = ${}", n + i + 2))
                        .collect();
                    let sql = format!(
                        "UPDATE {table} SET {} WHERE {id_col} = ${} AND {}",
                        set.join(", "),
                        n + 1,
                        same.join(" AND ")
                    );
                    let mut u = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for (_, _, new) in &changes {
                        u = u.bind(new.clone());
                    }
                    u = u.bind(id);
                    for (_, old, _) in &changes {
                        u = u.bind(old.clone());
                    }
                    let done = u.execute(&mut *tx).await.map_err(map_err)?.rows_affected();
                    if done == 1 {
                        resealed += n as u64;
                    }
                }
                if let Some(a) = a
                    && resealed > 0
                {
                    let event = AuditEvent {
                        id: AuditEventId::from_uuid(Uuid::now_v7()),
                        entity: table.to_string(),
                        entity_id: last.unwrap_or_default(),
                        ..a.clone()
                    };
                    audit::write(&mut tx, &event).await?;
                }
                finish(tx).await?;
                let next = if (rows.len() as u32) < limit {
                    (from.table + 1 < SEALED.len()).then(|| ResealCursor {
                        table: from.table + 1,
                        after: None,
                    })
                } else {
                    Some(ResealCursor {
                        table: from.table,
                        after: last,
                    })
                };
                Ok((rows.len() as u64, resealed, next))
            }

            pub(crate) async fn reseal_batch(
                s: &$store,
                from: ResealCursor,
                limit: u32,
                a: &AuditEvent,
            ) -> Result<ResealBatch, StoreError> {
                let (rows, resealed, next) = walk(s, from, limit.max(1), false, Some(a)).await?;
                Ok(ResealBatch {
                    rows,
                    resealed,
                    next,
                })
            }

            /// How many values each key seals, over every sealed column, with the keys the
            /// database knows. Read in pages, like the walk.
            pub(crate) async fn key_usage(s: &$store) -> Result<KeyUsage, StoreError> {
                let registered: Vec<(String, OffsetDateTime, Option<OffsetDateTime>)> =
                    sqlx::query_as(
                        "SELECT key_id, added_at, retired_at FROM encryption_keys \
                         ORDER BY added_at, key_id",
                    )
                    .fetch_all(&s.pool)
                    .await
                    .map_err(map_err)?;
                let mut counts: std::collections::BTreeMap<String, u64> = Default::default();
                let mut unsealed = 0u64;
                for t in SEALED {
                    let cols = t.columns.join(", ");
                    let (table, id_col) = (t.table, t.id);
                    let mut after: Option<Uuid> = None;
                    loop {
                        let sql = match after {
                            None => format!(
                                "SELECT {id_col}, {cols} FROM {table} ORDER BY {id_col} LIMIT 2000"
                            ),
                            Some(_) => format!(
                                "SELECT {id_col}, {cols} FROM {table} WHERE {id_col} > $1 \
                                 ORDER BY {id_col} LIMIT 2000"
                            ),
                        };
                        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                        if let Some(after) = after {
                            q = q.bind(after);
                        }
                        let rows = q.fetch_all(&s.pool).await.map_err(map_err)?;
                        for row in &rows {
                            after = Some(row.try_get(0).map_err(map_err)?);
                            for i in 0..t.columns.len() {
                                let v: Option<String> = row.try_get(i + 1).map_err(map_err)?;
                                match v.as_deref().map(key_id_of) {
                                    None => {}
                                    Some(Some(id)) => *counts.entry(id.to_string()).or_default() += 1,
                                    Some(None) => unsealed += 1,
                                }
                            }
                        }
                        if rows.len() < 2000 {
                            break;
                        }
                    }
                }
                let mut keys: Vec<KeyRecord> = registered
                    .into_iter()
                    .map(|(id, added_at, retired_at)| KeyRecord {
                        values: counts.remove(&id).unwrap_or(0),
                        id,
                        added_at,
                        retired_at,
                        registered: true,
                    })
                    .collect();
                // Values naming a key the database never registered (written by hand, or
                // copied from another database).
                keys.extend(counts.into_iter().map(|(id, values)| KeyRecord {
                    id,
                    added_at: OffsetDateTime::UNIX_EPOCH,
                    retired_at: None,
                    values,
                    registered: false,
                }));
                Ok(KeyUsage {
                    primary: s.keys.primary().to_string(),
                    keys,
                    unsealed,
                })
            }

            /// Retire every key but the primary that seals no value any more: a start no longer
            /// asks for it. Returns their ids.
            pub(crate) async fn retire_unused_keys(s: &$store) -> Result<Vec<String>, StoreError> {
                let usage = key_usage(s).await?;
                let now = OffsetDateTime::now_utc();
                let mut retired = Vec::new();
                for k in usage.keys {
                    if k.registered && k.retired_at.is_none() && k.values == 0 && k.id != usage.primary
                    {
                        sqlx::query(
                            "UPDATE encryption_keys SET retired_at = $1 \
                             WHERE key_id = $2 AND retired_at IS NULL",
                        )
                        .bind(now)
                        .bind(&k.id)
                        .execute(&s.pool)
                        .await
                        .map_err(map_err)?;
                        retired.push(k.id);
                    }
                }
                Ok(retired)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    const COL: Column = ("therapy_sessions", "notes");

    #[test]
    fn a_sealed_value_opens_only_for_its_own_row_and_column() {
        let ring = Keyring::generate();
        let row = Uuid::now_v7();
        let sealed = ring.seal(COL, row, "Talked about the argument with her sister");
        assert!(sealed.starts_with(PREFIX));
        assert!(!sealed.contains("sister"));
        assert_eq!(
            ring.open(COL, row, &sealed).unwrap(),
            "Talked about the argument with her sister"
        );
        // Another row (another patient's record) or another column: refused.
        assert!(matches!(
            ring.open(COL, Uuid::now_v7(), &sealed),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            ring.open(("therapy_sessions", "risk_note"), row, &sealed),
            Err(StoreError::Corrupt(_))
        ));
        // The same text seals differently each time (a fresh nonce).
        assert_ne!(
            sealed,
            ring.seal(COL, row, "Talked about the argument with her sister")
        );
    }

    #[test]
    fn an_altered_value_or_another_key_is_refused_without_showing_the_value() {
        let ring = Keyring::generate();
        let row = Uuid::now_v7();
        let sealed = ring.seal(COL, row, "secret words");
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 3;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        let e = ring.open(COL, row, &altered).unwrap_err().to_string();
        assert!(e.contains("therapy_sessions.notes"), "{e}");
        assert!(!e.contains("secret"), "{e}");

        let other = Keyring::parse(&format!(
            "{}\n",
            Keyring::new_key_line(Some(ring.primary())).unwrap()
        ))
        .unwrap();
        assert!(other.open(COL, row, &sealed).is_err());
        assert!(!other.checks(ring.primary(), &ring.check_value(ring.primary()).unwrap()));
        assert!(ring.checks(ring.primary(), &ring.check_value(ring.primary()).unwrap()));
        // Plaintext is not accepted as a sealed value.
        assert!(ring.open(COL, row, "plain words").is_err());
    }

    #[test]
    fn a_rotated_ring_opens_old_values_and_reseals_them_with_the_new_key() {
        let old_line = Keyring::new_key_line(Some("k1")).unwrap();
        let new_line = Keyring::new_key_line(Some("k2")).unwrap();
        let old = Keyring::parse(&old_line).unwrap();
        let both = Keyring::parse(&format!("# rotated\n{new_line}\n\n{old_line}\n")).unwrap();
        assert_eq!(both.primary(), "k2");
        assert_eq!(both.ids(), vec!["k2", "k1"]);
        let row = Uuid::now_v7();
        let sealed = old.seal(COL, row, "note");
        assert_eq!(both.open(COL, row, &sealed).unwrap(), "note");
        let resealed = both.reseal(COL, row, &sealed, false).unwrap().unwrap();
        assert_eq!(key_id_of(&resealed), Some("k2"));
        assert_eq!(both.reseal(COL, row, &resealed, false).unwrap(), None);
        assert_eq!(both.open(COL, row, &resealed).unwrap(), "note");
        // Plaintext is sealed only by the legacy pass.
        assert!(both.reseal(COL, row, "old plain note", false).is_err());
        let legacy = both
            .reseal(COL, row, "old plain note", true)
            .unwrap()
            .unwrap();
        assert_eq!(both.open(COL, row, &legacy).unwrap(), "old plain note");
    }

    #[test]
    fn key_files_are_checked_line_by_line_and_debug_shows_no_key() {
        assert_eq!(
            Keyring::parse("# nothing\n\n").unwrap_err(),
            KeyringError::Empty
        );
        assert_eq!(
            Keyring::parse("k1\n").unwrap_err(),
            KeyringError::Malformed { line: 1 }
        );
        assert_eq!(
            Keyring::parse("\nK1 AAAA\n").unwrap_err(),
            KeyringError::Malformed { line: 2 }
        );
        assert_eq!(
            Keyring::parse("k1 AAAA\n").unwrap_err(),
            KeyringError::BadKey { line: 1 }
        );
        let line = Keyring::new_key_line(Some("k1")).unwrap();
        assert!(matches!(
            Keyring::parse(&format!("{line}\n{line}\n")).unwrap_err(),
            KeyringError::DuplicateId { line: 2, .. }
        ));
        let ring = Keyring::parse(&line).unwrap();
        let key = line.split_once(' ').unwrap().1;
        assert!(!format!("{ring:?}").contains(key));
        assert!(format!("{ring:?}").contains("k1"));
    }

    #[test]
    fn json_values_round_trip() {
        let ring = Keyring::generate();
        let row = Uuid::now_v7();
        let col = ("courses", "medication");
        let sealed = ring.seal_json(col, row, &vec!["a", "b"]);
        let back: Vec<String> = ring.open_json(col, row, &sealed).unwrap();
        assert_eq!(back, vec!["a", "b"]);
        assert_eq!(ring.seal_json_opt::<Vec<String>>(col, row, None), None);
    }
}
