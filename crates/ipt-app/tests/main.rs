//! The integration tests of ipt-app, one binary.

mod store_is_private;
