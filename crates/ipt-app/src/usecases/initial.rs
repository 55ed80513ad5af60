//! Use cases of the initial part of a course.

use crate::App;

impl App {}
