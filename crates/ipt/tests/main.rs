//! End-to-end tests of the `ipt` binary: the commands a new user types, on SQLite always and on
//! PostgreSQL when `IPT_TEST_DATABASE_URL` is set.

mod browser;
mod cli;
mod measures;
mod serve;
mod support;
mod tokens;
mod webdriver;
