//! The ledger's tables, as an append-only list of migrations.
//!
//! Migration `i` runs once, when `PRAGMA user_version` is `i`; the version then becomes `i + 1`.
//! Never edit or remove an entry of [`MIGRATIONS`]: a ledger in the field already ran it. Change
//! the schema by appending a migration (`ALTER TABLE ... ADD COLUMN`, a new table or index).
//!
//! Design, in short:
//! - `files` is the one clock: every declaration, claim file, refile file and entry-data file is a
//!   row, and file ids only grow, so "recorded after" means "larger file id" (timestamps can tie).
//!   A declaration's place on that clock is `declarations.seq`: its file id, except when it is
//!   recorded together with claim files recorded earlier that answer it - then it takes the place
//!   of the first of them, since CBP's answer cannot come before the upload.
//! - An entry is its CBP entry number (a natural key of 11 characters): there is no table of
//!   entries, since an entry has no fact of its own but those in `entry_data`. A registry table
//!   would cost a fifth of a large import and protect nothing the `CHECK`s and `verify` do not.
//! - A refile file capekit wrote is a declaration like any other (`declarations` and
//!   `declaration_entries`); `refile_files` adds where it was written and when.
//! - `claim_entries` holds one row per entry, claim and claim file, as triaged: outcome, the raw
//!   message, the action and rule of the catalog version in force on the triage's `as_of`
//!   (kept in `triages`). Accepted and rejected are facts from CBP; actions are capekit's reading.
//!   It is clustered by entry (`WITHOUT ROWID`, key entry, file, claim): every question is asked
//!   per entry, and one B-tree instead of a table plus an index keeps a million-row import fast.
//! - Entry states are never stored: they are derived from these rows, so they cannot disagree.
//! - A declaration's own state is an append-only log (`declaration_events`): its current state
//!   is its latest event, an undo is a new event naming the one it undoes, and `verify` replays
//!   the log to prove no state moved backwards. Only `uploaded` and `answered` declarations make
//!   their entries pending; a `draft` reserves them from later drafts.
//! - The same bytes declared again after their first declaration was answered, failed or
//!   discarded are a new declaration: its `files` row then carries a derived identity (the
//!   SHA-256 of the bytes and the declaration's ordinal), and `declaration_bytes.sha256` the
//!   bytes' own, by which the file is found.
//! - A claim answers one declaration (`claim_answers`); its rows take that declaration's place
//!   on the clock, so an old claim read late never releases entries of a later declaration. A
//!   claim that answers none may have a place of its own (`claim_places`): a dated claim older
//!   than every upload of its entries sits just before the first of them.

/// Every migration, oldest first. Append only.
pub const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "
    CREATE TABLE files (
        id          INTEGER PRIMARY KEY,
        sha256      TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64),
        kind        TEXT    NOT NULL CHECK (kind IN ('declaration', 'claim-details',
                                                     'validation-result', 'refile', 'entry-data')),
        name        TEXT    NOT NULL,
        size        INTEGER NOT NULL CHECK (size >= 0),
        imported_at TEXT    NOT NULL
    );

    CREATE TABLE declarations (
        id      INTEGER PRIMARY KEY,
        file_id INTEGER NOT NULL UNIQUE REFERENCES files(id),
        entries INTEGER NOT NULL CHECK (entries >= 0),
        seq     INTEGER NOT NULL
    );

    CREATE TABLE declaration_entries (
        declaration_id INTEGER NOT NULL REFERENCES declarations(id),
        entry          TEXT    NOT NULL CHECK (length(entry) = 11),
        PRIMARY KEY (declaration_id, entry)
    ) WITHOUT ROWID;
    CREATE INDEX declaration_entries_by_entry ON declaration_entries(entry);

    CREATE TABLE refile_files (
        declaration_id INTEGER PRIMARY KEY REFERENCES declarations(id),
        path           TEXT NOT NULL,
        written_at     TEXT NOT NULL
    );

    CREATE TABLE triages (
        id              INTEGER PRIMARY KEY,
        as_of           TEXT NOT NULL,
        catalog_version TEXT NOT NULL,
        recorded_at     TEXT NOT NULL
    );

    CREATE TABLE claims (
        id           INTEGER PRIMARY KEY,
        claim_number TEXT NOT NULL UNIQUE,
        status       TEXT NOT NULL
    );

    CREATE TABLE claim_entries (
        entry     TEXT    NOT NULL CHECK (length(entry) = 11),
        file_id   INTEGER NOT NULL REFERENCES files(id),
        claim_id  INTEGER NOT NULL REFERENCES claims(id),
        line      INTEGER NOT NULL,
        outcome   TEXT    NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
        message   TEXT    NOT NULL,
        action    TEXT    NOT NULL,
        rule      TEXT,
        triage_id INTEGER NOT NULL REFERENCES triages(id),
        PRIMARY KEY (entry, file_id, claim_id)
    ) WITHOUT ROWID;

    CREATE TABLE entry_data (
        entry              TEXT PRIMARY KEY CHECK (length(entry) = 11),
        importer_number    TEXT,
        entry_type         TEXT,
        liquidation_date   TEXT,
        path               TEXT NOT NULL,
        cape_window_closes TEXT,
        protest_due        TEXT,
        file_id            INTEGER REFERENCES files(id),
        recorded_at        TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX entry_data_by_importer ON entry_data(importer_number);
    ",
    // 2: the life of a declaration (draft, uploaded, answered, failed, discarded), which claim
    // answers which declaration, and the bytes of declarations capekit wrote or was told were
    // uploaded. Declarations recorded before this migration count as uploaded (the safe reading:
    // their entries keep blocking) and are marked `migrated` until the user confirms or
    // discards them.
    "
    CREATE TABLE declaration_events (
        id             INTEGER PRIMARY KEY,
        declaration_id INTEGER NOT NULL REFERENCES declarations(id),
        state          TEXT    NOT NULL CHECK (state IN ('draft', 'uploaded', 'answered',
                                                         'failed', 'discarded')),
        recorded_at    TEXT    NOT NULL,
        uploaded_at    TEXT,
        job            TEXT,
        claim_id       INTEGER REFERENCES claims(id),
        note           TEXT    NOT NULL DEFAULT '',
        undoes         INTEGER REFERENCES declaration_events(id),
        migrated       INTEGER NOT NULL DEFAULT 0 CHECK (migrated IN (0, 1))
    );
    CREATE INDEX declaration_events_by_declaration ON declaration_events(declaration_id, id);

    CREATE VIEW declaration_state AS
        SELECT e.declaration_id, e.id AS event_id, e.state, e.recorded_at, e.uploaded_at,
               e.job, e.claim_id, e.migrated
        FROM declaration_events e
        WHERE e.id = (SELECT MAX(id) FROM declaration_events
                      WHERE declaration_id = e.declaration_id);

    CREATE TABLE claim_answers (
        claim_id       INTEGER PRIMARY KEY REFERENCES claims(id),
        declaration_id INTEGER NOT NULL REFERENCES declarations(id)
    );
    CREATE INDEX claim_answers_by_declaration ON claim_answers(declaration_id);

    CREATE TABLE declaration_bytes (
        declaration_id INTEGER PRIMARY KEY REFERENCES declarations(id),
        sha256         TEXT    NOT NULL CHECK (length(sha256) = 64),
        bytes          BLOB    NOT NULL
    );
    CREATE INDEX declaration_bytes_by_sha256 ON declaration_bytes(sha256);

    INSERT INTO declaration_events (declaration_id, state, recorded_at, note, migrated)
        SELECT d.id, 'uploaded', f.imported_at,
               'recorded before capekit kept declaration states', 1
        FROM declarations d JOIN files f ON f.id = d.file_id
        ORDER BY d.id;
    ",
    // 3: the other paths. Every deadline that matters for an entry's path (CAPE window, PSC,
    // protest, court), replaced with its entry data; what the filer did on those paths
    // (`capekit ledger acted`), append-only; importers that sued in the CIT, for CAPE Phase 3,
    // append-only (the latest row per importer holds). Own tables only.
    "
    CREATE TABLE entry_deadlines (
        entry       TEXT NOT NULL CHECK (length(entry) = 11),
        kind        TEXT NOT NULL CHECK (kind IN ('cape-window', 'psc', 'protest',
                                                  'court-1581i', 'court-1581a')),
        date        TEXT NOT NULL,
        basis       TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (entry, kind)
    ) WITHOUT ROWID;

    CREATE TABLE entry_acts (
        id          INTEGER PRIMARY KEY,
        entry       TEXT NOT NULL CHECK (length(entry) = 11),
        act         TEXT NOT NULL CHECK (act IN ('protest', 'suit', 'psc', 'phase3')),
        reference   TEXT,
        acted_on    TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    );
    CREATE INDEX entry_acts_by_entry ON entry_acts(entry);

    CREATE TABLE phase3_importers (
        id            INTEGER PRIMARY KEY,
        importer      TEXT    NOT NULL,
        ior_submitted INTEGER NOT NULL CHECK (ior_submitted IN (0, 1)),
        recorded_at   TEXT    NOT NULL
    );
    ",
    // 4: the whole of each entry's data (its ES-003 facts, as JSON), replaced with its
    // `entry_data` row, so a later triage can judge a rejected entry by its dates without its
    // export. An entry recorded before has no record until a plan or `ledger import` reads its
    // export again. A table with rowids: records of about half a kilobyte would spill into
    // overflow pages of their own in a table without (four times the file).
    "
    CREATE TABLE entry_records (
        entry  TEXT NOT NULL PRIMARY KEY CHECK (length(entry) = 11),
        record TEXT NOT NULL
    );
    ",
    // 5: the entry date beside the entry data, so that `ledger acted` can refuse an act dated
    // before the entry. Entry data recorded before this migration has none (NULL): the check is
    // then skipped and says so.
    "
    ALTER TABLE entry_data ADD COLUMN entry_date TEXT;
    ",
    // 6: a claim's date, when its file gives one, and the place on the clock of a claim that
    // answers no declaration: an older claim read late sits before the uploads of its entries
    // made after its date, instead of at its file's place after them. `seq` is NULL for a claim
    // that answers a declaration (its rows take that declaration's place). Own table only.
    "
    CREATE TABLE claim_places (
        claim_id   INTEGER PRIMARY KEY REFERENCES claims(id),
        seq        INTEGER,
        claimed_on TEXT
    );
    ",
    // 7: after acceptance, where the money is. Each row of an ACE refund report (ES-022,
    // REV-603, REV-613, REV-615) is an event on its declaration and/or entry, append-only, with
    // the file it came from; a refund report is identified by its SHA-256 like every file, but
    // numbered in `refund_files` of its own: a refund changes no entry's claim state, so it is
    // not on the `files` clock. Whether an importer is a corporation (the interest rate above
    // $10,000 depends on it), append-only: the latest row per importer holds.
    "
    CREATE TABLE refund_files (
        id          INTEGER PRIMARY KEY,
        sha256      TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64),
        report      TEXT    NOT NULL CHECK (report IN ('es-022', 'rev-603', 'rev-613', 'rev-615')),
        name        TEXT    NOT NULL,
        size        INTEGER NOT NULL CHECK (size >= 0),
        rows        INTEGER NOT NULL CHECK (rows >= 0),
        imported_at TEXT    NOT NULL
    );

    CREATE TABLE refund_events (
        file_id            INTEGER NOT NULL REFERENCES refund_files(id),
        line               INTEGER NOT NULL,
        entry              TEXT CHECK (entry IS NULL OR length(entry) = 11),
        declaration        TEXT,
        refund_number      TEXT,
        importer           TEXT,
        status             TEXT CHECK (status IS NULL OR status IN ('sent-to-treasury',
                               'treasury-issued', 'funds-diverted', 'check-ach-returned',
                               'ach-rejected')),
        status_raw         TEXT,
        principal_cents    INTEGER,
        interest_cents     INTEGER,
        deposit_date       TEXT,
        liquidation_date   TEXT,
        reliquidation_date TEXT,
        status_date        TEXT,
        reason             TEXT,
        PRIMARY KEY (file_id, line)
    ) WITHOUT ROWID;
    CREATE INDEX refund_events_by_entry ON refund_events(entry) WHERE entry IS NOT NULL;

    CREATE TABLE importer_facts (
        id          INTEGER PRIMARY KEY,
        importer    TEXT    NOT NULL,
        corporate   INTEGER NOT NULL CHECK (corporate IN (0, 1)),
        recorded_at TEXT    NOT NULL
    );
    ",
    // 8: the date of the data a file holds (an ES-003 export's file date: its rows carry no run
    // date), so that a triage judging entries by kept entry data says how old the data is.
    // Files recorded before have none: their recording time stands in, and the output says so.
    "
    CREATE TABLE file_dates (
        file_id   INTEGER PRIMARY KEY REFERENCES files(id),
        data_date TEXT    NOT NULL
    );
    ",
    // 9: a refund row whose principal or interest cell could not be read, so that its amount
    // is read back as unknown rather than as the other amount alone. Rows recorded before
    // have 0: their unreadable cells read back as blank.
    "
    ALTER TABLE refund_events ADD COLUMN amount_unreadable INTEGER NOT NULL DEFAULT 0
        CHECK (amount_unreadable IN (0, 1));
    ",
    // 10: what the user says of an importer's readiness to be refunded, which no ACE report
    // capekit reads gives: enrolled for ACH refunds or not (as of the day said), and the latest
    // day it is known to have filed an entry. Append-only; the latest answer holds.
    "
    CREATE TABLE importer_readiness (
        id          INTEGER PRIMARY KEY,
        importer    TEXT    NOT NULL,
        fact        TEXT    NOT NULL CHECK (fact IN ('ach-enrolled', 'ach-not-enrolled', 'active-on')),
        on_date     TEXT    NOT NULL,
        recorded_at TEXT    NOT NULL
    );
    ",
    // 11: the people of a team server (`capekit serve --team`): who may sign in, with what role
    // (an Argon2id PHC string, never the password), what each did (an append-only audit log of
    // who, when, what and on which object), a reviewer's sign-off of a declaration, and the
    // server's settings (such as whether a sign-off is needed before an upload is marked).
    "
    CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        name          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
        role          TEXT    NOT NULL CHECK (role IN ('clerk', 'reviewer', 'admin')),
        password_hash TEXT    NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
        disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at    TEXT    NOT NULL,
        changed_at    TEXT    NOT NULL
    );
    CREATE TABLE audit (
        id          INTEGER PRIMARY KEY,
        at          TEXT    NOT NULL,
        who         TEXT    NOT NULL,
        action      TEXT    NOT NULL,
        object_kind TEXT    NOT NULL DEFAULT '',
        object      TEXT    NOT NULL DEFAULT '',
        detail      TEXT    NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_object ON audit (object_kind, object);
    CREATE TABLE signoffs (
        id             INTEGER PRIMARY KEY,
        declaration_id INTEGER NOT NULL REFERENCES declarations(id),
        reviewer       TEXT    NOT NULL,
        at             TEXT    NOT NULL
    );
    CREATE INDEX signoffs_declaration ON signoffs (declaration_id);
    CREATE TABLE settings (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        changed_at TEXT NOT NULL
    );
    ",
];
