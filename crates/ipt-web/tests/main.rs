//! Web tests: the real router on a fresh database, SQLite always and PostgreSQL when
//! `IPT_TEST_DATABASE_URL` is set.

mod health;
mod matrix;
mod pages;
mod support;
