//! Use cases of the sessions part of a course.

use crate::App;

impl App {}
