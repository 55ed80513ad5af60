pub mod api;
pub mod initial;
pub mod sessions;
pub mod supervision;
