//! End-to-end tests of the `ipt` binary: the commands a new user types, on SQLite always and on
//! PostgreSQL when `IPT_TEST_DATABASE_URL` is set.

mod audit;
mod backup;
mod bench;
mod browser;
mod cli;
mod crash;
mod drafts_browser;
mod export;
mod keys;
mod measures;
mod portal_browser;
mod portal_diary_browser;
mod report;
mod scale;
mod serve;
mod support;
mod tokens;
mod webdriver;
