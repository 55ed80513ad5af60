//! The patient record: the person receiving care. Demo and test data are always synthetic.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::ids::{PatientId, UserId};
use crate::input::{self, Refusals};
use crate::rule::{self, Code, FieldError};

/// A display name. Never empty; bounded so it fits on a caseload row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PatientName(String);

impl PatientName {
    pub const MAX_CHARS: usize = 120;
    pub fn parse(s: &str) -> Result<Self, PatientError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(PatientError::EmptyName);
        }
        if t.chars().count() > Self::MAX_CHARS {
            return Err(PatientError::NameTooLong(Self::MAX_CHARS));
        }
        if let Err(e) = input::check_characters("name", t, false) {
            return Err(PatientError::ControlCharacter(e));
        }
        Ok(Self(t.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PatientName {
    type Error = PatientError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PatientName> for String {
    fn from(n: PatientName) -> String {
        n.0
    }
}

/// A language the product speaks (BCP 47 primary tag).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    It,
}

impl Language {
    pub const ALL: [Language; 2] = [Self::En, Self::It];
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::It => "it",
        }
    }
    pub fn parse(code: &str) -> Result<Self, PatientError> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(Self::En),
            "it" => Ok(Self::It),
            other => Err(PatientError::UnknownLanguage(other.to_string())),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patient {
    pub id: PatientId,
    pub name: PatientName,
    pub date_of_birth: Option<Date>,
    pub language: Language,
    /// The clinician responsible for the patient.
    pub clinician: UserId,
    pub version: i64,
}

/// A patient's details as a door was given them. The language is English when not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatientInput {
    pub name: String,
    pub date_of_birth: Option<String>,
    pub language: Option<String>,
}

/// What a patient record is registered with, once read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientDetails {
    pub name: PatientName,
    pub date_of_birth: Option<Date>,
    pub language: Language,
}

impl PatientInput {
    /// A name of at most `PatientName::MAX_CHARS` characters, a date of birth (optional) never
    /// after today, and a language the product speaks.
    pub fn read(&self, today: Date) -> Result<PatientDetails, Vec<FieldError>> {
        let mut r = Refusals::new();
        let name = match PatientName::parse(&self.name) {
            Ok(n) => Some(n),
            Err(PatientError::NameTooLong(max)) => {
                r.push(FieldError::new("name", Code::TooLong).number("max", max as i64));
                None
            }
            Err(PatientError::ControlCharacter(e)) => {
                r.push(e);
                None
            }
            Err(_) => {
                r.push(FieldError::new("name", Code::Required));
                None
            }
        };
        let date_of_birth = r
            .take(input::date("date_of_birth", self.date_of_birth.as_deref()))
            .and_then(|d| match d {
                Some(d) => r
                    .take(rule::not_after_today("date_of_birth", d, today))
                    .map(|_| Some(d)),
                None => Some(None),
            });
        let language = r
            .take(input::choice("language", self.language.as_deref(), |c| {
                Language::parse(c).ok()
            }))
            .map(|l| l.unwrap_or(Language::En));
        match (name, date_of_birth, language) {
            (Some(name), Some(date_of_birth), Some(language)) if r.is_empty() => {
                Ok(PatientDetails {
                    name,
                    date_of_birth,
                    language,
                })
            }
            _ => Err(r.into_vec()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatientError {
    #[error("enter the patient's name")]
    EmptyName,
    #[error("keep the name to {0} characters or fewer")]
    NameTooLong(usize),
    #[error("the name holds a control character")]
    ControlCharacter(FieldError),
    #[error("'{0}' is not a supported language (en, it)")]
    UnknownLanguage(String),
}
