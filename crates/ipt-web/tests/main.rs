//! Web tests: the real router on a fresh database, SQLite always and PostgreSQL when
//! `IPT_TEST_DATABASE_URL` is set.

mod api;
mod health;
mod initial;
mod matrix;
mod pages;
mod sessions;
mod support;
