//! The one catalogue of what a patient reads about a score's band, shared by the questionnaire
//! result page and "My progress", so both say the same thing (#14, finding 3).
//!
//! The clinician's band names (`severity-*`: "normal range", "negative screen", "below
//! threshold", "not lonely", "minimal") never reach a portal page: they read as a verdict. The
//! patient's words (`locales/<lang>/portal_bands.ftl`) describe the answers, per instrument and
//! band, and the page always sends the patient back to their therapist for the meaning.

use crate::i18n::Tr;

/// The catalogue key of a band's patient phrase.
pub fn band_key(instrument: &str, band: &str) -> String {
    format!("portal-band-{instrument}-{band}")
}

/// A band's name in our own plain words for patients, for this instrument; None for a band we
/// have not worded (one of a band set a deployment chose), which the page then leaves out,
/// showing the score and its range alone rather than a clinician's label.
pub fn band_words(t: &Tr, instrument: &str, band: &str) -> Option<String> {
    t.find(&band_key(instrument, band))
}
