//! ipt-web
