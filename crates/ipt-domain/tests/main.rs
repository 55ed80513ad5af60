//! The integration-test binary of ipt-domain (one binary per crate, ARCHITECTURE.md).

mod measures;
mod vignettes;
