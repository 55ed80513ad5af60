//! The IPT domain: pure Rust, no I/O. Time and ids come in as arguments.
//!
//! Names follow IPT's own words (ARCHITECTURE.md): a `Course` is one episode of IPT for one
//! patient, it moves through `Phase`s, works on one or two `ProblemArea`s, and is made of
//! `TherapySession`s.

pub mod alert;
pub mod approx_date;
pub mod assessment;
pub mod authz;
pub mod course;
pub mod diary;
pub mod eligibility;
pub mod ending;
pub mod ids;
pub mod indication;
pub mod input;
pub mod inventory;
pub mod measures;
pub mod patient;
pub mod portal;
pub mod problem_area;
pub mod prompts;
pub mod protocol;
pub mod rule;
pub mod safety;
pub mod session;
pub mod signals;
pub mod suggestion;
pub mod supervision;
pub mod timeline;
