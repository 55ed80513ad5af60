//! ipt-app
