//! ipt-store-postgres
