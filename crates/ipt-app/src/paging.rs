//! Lists read a page at a time (#15): a `limit` with a documented maximum and an opaque
//! cursor naming where the previous page ended. The rules live here, once, for every door:
//! the API translates its query parameters into a `PageRequest` and the core's refusals
//! (`number_out_of_range` for the limit, `cursor_invalid`) into its own answer.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ipt_domain::rule::{Code, FieldError};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// Rows a page holds when the caller names no limit.
pub const DEFAULT_LIMIT: u32 = 50;
/// The most rows one page may hold.
pub const MAX_LIMIT: u32 = 200;
/// The most recent rows of a long list (sessions, assessments) a whole-record view holds, as
/// the API's course view does; the rest is read a page at a time.
pub const VIEW_RECENT: usize = 100;

/// The last `VIEW_RECENT` of `rows` (in their order), and how many there are in all.
pub fn recent<T>(rows: &[T]) -> (&[T], usize) {
    (&rows[rows.len().saturating_sub(VIEW_RECENT)..], rows.len())
}

/// Which list a cursor belongs to: a cursor of one list is refused by another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// A course's assessments, by administration time then id.
    Assessments,
    /// A course's sessions, by number.
    Sessions,
    /// A course's supervision comments, by time written then id.
    Comments,
    /// A patient's courses, by start date then id.
    Courses,
    /// The open risk alerts of a caseload, by time raised then id.
    Alerts,
    /// The patients of a caseload, by name (byte by byte) then id.
    Patients,
}

impl ListKind {
    fn tag(self) -> &'static str {
        match self {
            Self::Assessments => "as1",
            Self::Sessions => "se1",
            Self::Comments => "co1",
            Self::Courses => "cr1",
            Self::Alerts => "al1",
            Self::Patients => "pa1",
        }
    }
}

/// Where a page starts: after the row with this sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// After the row of a list ordered by an instant, then id (assessments, comments).
    Timed { at: OffsetDateTime, id: uuid::Uuid },
    /// After the row of a list ordered by a date, then id (courses).
    Dated { on: Date, id: uuid::Uuid },
    /// After the session with this number.
    Session { number: u16 },
    /// After the row of a list ordered by a name, then id (patients).
    Named { name: String, id: uuid::Uuid },
}

impl Position {
    /// The opaque cursor a caller passes back as `after`, for the list `kind`.
    pub fn cursor(&self, kind: ListKind) -> String {
        let body = match self {
            Self::Timed { at, id } => format!(
                "{}|{}|{id}",
                kind.tag(),
                at.format(&Rfc3339)
                    .expect("a stored time formats as RFC 3339")
            ),
            Self::Dated { on, id } => format!("{}|{on}|{id}", kind.tag()),
            Self::Session { number } => format!("{}|{number}", kind.tag()),
            Self::Named { name, id } => format!("{}|{name}|{id}", kind.tag()),
        };
        URL_SAFE_NO_PAD.encode(body)
    }

    /// Read a cursor back, for the list `kind`: anything else (altered, of another list,
    /// made up) is `cursor_invalid`.
    pub fn parse(kind: ListKind, cursor: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::new("after", Code::CursorInvalid);
        let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        if kind == ListKind::Patients {
            // A name may hold '|': the id is after the last one.
            let (name, id) = text
                .strip_prefix(kind.tag())
                .and_then(|r| r.strip_prefix('|'))
                .and_then(|r| r.rsplit_once('|'))
                .ok_or_else(bad)?;
            return Ok(Self::Named {
                name: name.to_string(),
                id: id.parse().map_err(|_| bad())?,
            });
        }
        let mut parts = text.split('|');
        if parts.next() != Some(kind.tag()) {
            return Err(bad());
        }
        let id = |parts: &mut std::str::Split<'_, char>| -> Result<uuid::Uuid, FieldError> {
            parts.next().and_then(|s| s.parse().ok()).ok_or_else(bad)
        };
        let position = match kind {
            ListKind::Assessments | ListKind::Comments | ListKind::Alerts => {
                let at = parts
                    .next()
                    .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
                    .ok_or_else(bad)?;
                Self::Timed {
                    at,
                    id: id(&mut parts)?,
                }
            }
            ListKind::Courses => {
                let on = parts
                    .next()
                    .and_then(|s| Date::parse(s, format_description!("[year]-[month]-[day]")).ok())
                    .ok_or_else(bad)?;
                Self::Dated {
                    on,
                    id: id(&mut parts)?,
                }
            }
            ListKind::Sessions => Self::Session {
                number: parts.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?,
            },
            ListKind::Patients => unreachable!("read above"),
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(position)
    }

    /// The instant and id of a `Timed` position.
    pub fn timed(self) -> Option<(OffsetDateTime, uuid::Uuid)> {
        match self {
            Self::Timed { at, id } => Some((at, id)),
            _ => None,
        }
    }

    /// The name and id of a `Named` position.
    pub fn named(self) -> Option<(String, uuid::Uuid)> {
        match self {
            Self::Named { name, id } => Some((name, id)),
            _ => None,
        }
    }

    /// The date and id of a `Dated` position.
    pub fn dated(self) -> Option<(Date, uuid::Uuid)> {
        match self {
            Self::Dated { on, id } => Some((on, id)),
            _ => None,
        }
    }
}

/// A request for one page: at most `limit` rows after `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u32,
    pub after: Option<Position>,
}

impl PageRequest {
    /// From what a caller sent: a limit (1 to `MAX_LIMIT`, `DEFAULT_LIMIT` when absent) and
    /// the cursor of the page before, for the list `kind`.
    pub fn parse(
        kind: ListKind,
        limit: Option<&str>,
        after: Option<&str>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let limit = match limit.map(str::trim).filter(|s| !s.is_empty()) {
            None => DEFAULT_LIMIT,
            Some(s) => match s.parse::<u32>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    errors.push(
                        FieldError::new("limit", Code::NumberOutOfRange)
                            .number("min", 1)
                            .number("max", i64::from(MAX_LIMIT)),
                    );
                    DEFAULT_LIMIT
                }
            },
        };
        let after = match after.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(c) => match Position::parse(kind, c) {
                Ok(p) => Some(p),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
        };
        if errors.is_empty() {
            Ok(Self { limit, after })
        } else {
            Err(errors)
        }
    }
}

/// One page of a list, and the cursor of the next page (None on the last).
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// The page of the list `kind` from `rows`, read with one row more than `limit` to know
    /// whether another page follows; `position` gives a row's place in the list.
    pub fn of(
        mut rows: Vec<T>,
        kind: ListKind,
        limit: u32,
        position: impl Fn(&T) -> Position,
    ) -> Self {
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next = if more {
            rows.last().map(|r| position(r).cursor(kind))
        } else {
            None
        };
        Self { items: rows, next }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_for_its_own_list_only() {
        let p = Position::Timed {
            at: time::macros::datetime!(2026-12-04 10:11:12.5 UTC),
            id: uuid::Uuid::now_v7(),
        };
        let c = p.cursor(ListKind::Assessments);
        assert_eq!(Position::parse(ListKind::Assessments, &c), Ok(p));
        assert!(Position::parse(ListKind::Sessions, &c).is_err());
        assert!(
            Position::parse(ListKind::Comments, &c).is_err(),
            "another list of the same key"
        );
        let s = Position::Session { number: 7 };
        let c = s.cursor(ListKind::Sessions);
        assert_eq!(Position::parse(ListKind::Sessions, &c), Ok(s.clone()));
        let d = Position::Dated {
            on: time::macros::date!(2026 - 01 - 05),
            id: uuid::Uuid::now_v7(),
        };
        let c = d.cursor(ListKind::Courses);
        assert_eq!(Position::parse(ListKind::Courses, &c), Ok(d));
        let n = Position::Named {
            name: "Anna | Bianchi".into(),
            id: uuid::Uuid::now_v7(),
        };
        let c = n.cursor(ListKind::Patients);
        assert_eq!(Position::parse(ListKind::Patients, &c), Ok(n));
        assert!(Position::parse(ListKind::Patients, &s.cursor(ListKind::Sessions)).is_err());
        for bad in ["", "x", "!!!", &URL_SAFE_NO_PAD.encode("se1|7|8")] {
            let e = Position::parse(ListKind::Sessions, bad).unwrap_err();
            assert_eq!(e.code, "cursor_invalid", "{bad}");
        }
    }

    #[test]
    fn a_view_holds_the_most_recent_rows_and_counts_them_all() {
        let rows: Vec<usize> = (0..VIEW_RECENT + 7).collect();
        let (shown, total) = recent(&rows);
        assert_eq!((shown.len(), total), (VIEW_RECENT, VIEW_RECENT + 7));
        assert_eq!(shown.first(), Some(&7), "the oldest are left out");
        let few = [1, 2, 3];
        assert_eq!(recent(&few), (&few[..], 3));
    }

    #[test]
    fn limits_have_a_default_and_a_maximum() {
        let r = PageRequest::parse(ListKind::Sessions, None, None).unwrap();
        assert_eq!((r.limit, r.after), (DEFAULT_LIMIT, None));
        assert_eq!(
            PageRequest::parse(ListKind::Sessions, Some("200"), None)
                .unwrap()
                .limit,
            200
        );
        for bad in ["0", "201", "-1", "ten"] {
            let e = PageRequest::parse(ListKind::Sessions, Some(bad), None).unwrap_err();
            assert_eq!(e[0].code, "number_out_of_range", "{bad}");
        }
        let both = PageRequest::parse(ListKind::Sessions, Some("0"), Some("nope")).unwrap_err();
        assert_eq!(both.len(), 2, "every problem is named at once");
    }

    #[test]
    fn a_page_knows_whether_another_follows() {
        let pos = |n: &u16| Position::Session { number: *n };
        let last = Page::of(vec![1u16, 2], ListKind::Sessions, 2, pos);
        assert_eq!((last.items.len(), last.next), (2, None));
        let more = Page::of(vec![1u16, 2, 3], ListKind::Sessions, 2, pos);
        assert_eq!(more.items, vec![1, 2]);
        assert_eq!(
            more.next
                .as_deref()
                .map(|c| Position::parse(ListKind::Sessions, c)),
            Some(Ok(Position::Session { number: 2 }))
        );
    }
}
