//! The store contract: one suite of stories that every `Store` must pass.
//!
//! `harness` opens a fresh database per test: a new SQLite file always, and a new PostgreSQL
//! schema when `IPT_TEST_DATABASE_URL` is set (atuin's "one story against every backend").
//! The stories live in `tests/` and call `fixtures` to build records.

pub mod fixtures;
pub mod harness;
