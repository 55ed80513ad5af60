pub mod initial;
pub mod sessions;
