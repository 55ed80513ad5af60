//! `ipt export assessments|relationships --out FILE.csv [--date-shift]`: the pseudonymous
//! research exports (`ipt_app::usecases::export`), written atomically: to a temporary file beside the target,
//! synced, then renamed over it, so a reader never sees half a file and a failure leaves any
//! earlier file untouched.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Subcommand;
use ipt_app::App;
use ipt_app::usecases::export::{DATE_SHIFT_MAX_DAYS, ExportError, ExportOptions, ExportReport};
use ipt_domain::authz::Actor;

use crate::db::DatabaseUrl;

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Every final assessment as one pseudonymous CSV row: no names, no free text (the columns
    /// are described in the operator guide).
    Assessments {
        /// The CSV file to write (replaced if it exists).
        #[arg(long)]
        out: PathBuf,
        /// Shift each patient's dates by a random number of days, the same for all of that
        /// patient's rows.
        #[arg(long)]
        date_shift: bool,
    },
    /// Every person of every closeness-circle snapshot (start and end) as one pseudonymous CSV
    /// row: relationship, ring, confidant, conflict and the self-expression rating; no names.
    Relationships {
        /// The CSV file to write (replaced if it exists).
        #[arg(long)]
        out: PathBuf,
        /// Shift each patient's dates by a random number of days, as for assessments.
        #[arg(long)]
        date_shift: bool,
    },
}

impl ExportCommand {
    fn parts(&self) -> (&Path, bool, &'static str) {
        match self {
            Self::Assessments { out, date_shift } => (out, *date_shift, "assessments"),
            Self::Relationships { out, date_shift } => (out, *date_shift, "relationships"),
        }
    }
}

/// Refuse a SQLite database that does not exist rather than create an empty one to export.
pub fn check_database(url: &DatabaseUrl) -> anyhow::Result<()> {
    if let DatabaseUrl::Sqlite {
        path: Some(path), ..
    } = url
        && !path.exists()
    {
        bail!(
            "there is no database at {}; give the one to export with --database-url",
            url.display()
        );
    }
    Ok(())
}

/// Check the target before touching the database, so a typo costs nothing.
pub fn check_target(command: &ExportCommand) -> anyhow::Result<()> {
    let (out, _, what) = command.parts();
    crate::out_file::check_out(out, &format!("{what}.csv"))
}

pub async fn run(app: &App, command: ExportCommand) -> anyhow::Result<()> {
    let (out, date_shift, what) = command.parts();
    let out = out.to_path_buf();
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "export.csv".into());
    let temp = crate::out_file::parent_of(&out)
        .join(format!(".{name}.{}.part", uuid::Uuid::now_v7().simple()));
    let result = write(app, &temp, date_shift, what).await;
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
    };
    if let Err(e) = std::fs::rename(&temp, &out) {
        let _ = std::fs::remove_file(&temp);
        return Err(e)
            .with_context(|| format!("cannot move the export into place at {}", out.display()));
    }
    let rows = if what == "relationships" {
        "relationship rows"
    } else {
        "assessments"
    };
    println!(
        "Wrote {} {rows} of {} patients ({} courses) to {}.",
        report.rows,
        report.patients,
        report.courses,
        out.display()
    );
    if report.date_shift {
        println!(
            "Dates are shifted per patient (by 1 to {DATE_SHIFT_MAX_DAYS} days either way); intervals within a patient are kept."
        );
    }
    println!("Pseudonyms are new in every export: this file cannot be joined with earlier ones.");
    Ok(())
}

async fn write(
    app: &App,
    temp: &Path,
    date_shift: bool,
    what: &str,
) -> anyhow::Result<ExportReport> {
    let file =
        File::create_new(temp).with_context(|| format!("cannot create {}", temp.display()))?;
    let mut w = BufWriter::new(file);
    let options = ExportOptions { date_shift };
    let report = if what == "relationships" {
        app.export_relationships(&Actor::System, options, &mut w)
            .await
    } else {
        app.export_assessments(&Actor::System, options, &mut w)
            .await
    };
    let report = report.map_err(|e| match e {
        ExportError::App(e) => anyhow::Error::new(e).context("the export failed"),
        ExportError::Write(e) => {
            anyhow::Error::new(e).context(format!("cannot write {}", temp.display()))
        }
    })?;
    let file = w
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot write {}", temp.display()))?;
    file.sync_all()
        .with_context(|| format!("cannot write {} to disk", temp.display()))?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_or_a_folder_as_target_is_refused() {
        let missing = ExportCommand::Assessments {
            out: PathBuf::from("/no/such/folder/x.csv"),
            date_shift: false,
        };
        let e = check_target(&missing).unwrap_err().to_string();
        assert!(e.contains("does not exist"), "{e}");
        let dir = ExportCommand::Assessments {
            out: std::env::temp_dir(),
            date_shift: false,
        };
        assert!(
            check_target(&dir)
                .unwrap_err()
                .to_string()
                .contains("is a folder")
        );
        let here = ExportCommand::Assessments {
            out: PathBuf::from("x.csv"),
            date_shift: false,
        };
        assert!(check_target(&here).is_ok());
    }
}
