//! ipt-store-sqlite
