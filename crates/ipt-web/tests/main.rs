//! Web tests: the real router on a fresh database, SQLite always and PostgreSQL when
//! `IPT_TEST_DATABASE_URL` is set.

mod analytics;
mod api;
mod charts;
mod contract_prompts;
mod export;
mod guards;
mod health;
mod initial;
mod languages;
mod matrix;
mod openapi_check;
mod outcomes;
mod pages;
mod parity;
mod portal_access;
mod portal_diary;
mod portal_words;
mod prompts;
mod property;
mod reports;
mod safety;
mod security;
mod sessions;
mod signals;
mod support;
