//! The patient record: the person receiving care. Demo and test data are always synthetic.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::ids::{PatientId, UserId};

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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatientError {
    #[error("enter the patient's name")]
    EmptyName,
    #[error("keep the name to {0} characters or fewer")]
    NameTooLong(usize),
    #[error("'{0}' is not a supported language (en, it)")]
    UnknownLanguage(String),
}
