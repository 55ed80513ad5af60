//! ipt-store-tests
