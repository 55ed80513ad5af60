//! `ipt report course|plan <course-id> --out FILE.pdf [--lang it]`: the course summary and the
//! patient's "my plan" as PDF files, the same documents the pages offer for download.
//!
//! The command acts as the system (audited with no user), writes in the patient's language
//! unless `--lang` says otherwise, and replaces the output file atomically: a temporary file
//! beside it is written, synced and renamed, so a reader never sees half a PDF. Messages name
//! the course id and the file, never the patient.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::Subcommand;
use ipt_app::ports::SystemClock;
use ipt_app::{App, AppError};
use ipt_domain::authz::Actor;
use ipt_domain::ids::CourseId;
use ipt_domain::measures::TextPacks;
use ipt_domain::protocol::ProtocolCatalogue;
use ipt_web::i18n::Lang;
use ipt_web::portal::crisis::CrisisResources;
use ipt_web::reports::{ReportError, course_summary_pdf, languages, my_plan_pdf, parse_lang};

use crate::db::{self, DatabaseUrl};
use crate::keys::KeySource;
use crate::measures_cli::BadInput;

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// The course summary (discharge letter): dates, format, sessions, focus areas, scores with
    /// their chart and change, the relapse-prevention plan and the maintenance recommendation.
    Course(DocumentArgs),
    /// The patient's "my plan": the formulation, focus areas in plain words, goals, agreed
    /// actions, the relapse-prevention plan and upcoming sessions.
    Plan(DocumentArgs),
}

#[derive(clap::Args, Debug)]
pub struct DocumentArgs {
    /// The course's id (shown in the address of its page: /courses/<id>)
    course: String,
    /// The PDF file to write; an existing file is replaced
    #[arg(long)]
    out: PathBuf,
    /// en or it (default: the patient's language)
    #[arg(long)]
    lang: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Summary,
    Plan,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Self::Summary => "course summary",
            Self::Plan => "plan",
        }
    }
}

/// What the user asked for, checked before the database is opened.
struct Request {
    kind: Kind,
    course: CourseId,
    lang: Option<Lang>,
    out: Output,
}

pub async fn run(
    command: ReportCommand,
    url: &DatabaseUrl,
    keys: &KeySource,
    protocols: ProtocolCatalogue,
    packs: TextPacks,
    crisis: &CrisisResources,
) -> anyhow::Result<()> {
    let (kind, args) = match command {
        ReportCommand::Course(a) => (Kind::Summary, a),
        ReportCommand::Plan(a) => (Kind::Plan, a),
    };
    let request = check(kind, args)?;
    if let DatabaseUrl::Sqlite {
        path: Some(path), ..
    } = url
        && !path.exists()
    {
        bail!(
            "there is no database at {}; pass --database-url or IPT_DATABASE_URL",
            url.display()
        );
    }
    let store = db::open(url, keys, true).await?;
    let app = App::new(store, Arc::new(SystemClock), protocols).with_text_packs(packs);
    let result = match request.kind {
        Kind::Plan => my_plan_pdf(&app, &Actor::System, request.course, request.lang, crisis).await,
        Kind::Summary => {
            course_summary_pdf(&app, &Actor::System, request.course, request.lang).await
        }
    };
    let pdf = match result {
        Ok(pdf) => pdf,
        Err(ReportError::App(AppError::NotFound(_))) => {
            bail!("there is no course with id {}", request.course)
        }
        Err(e) => return Err(e.into()),
    };
    let path = request.out.commit(&pdf)?;
    println!(
        "Wrote the {} of course {} to {} ({} KB).",
        request.kind.label(),
        request.course,
        path.display(),
        pdf.len().div_ceil(1024)
    );
    Ok(())
}

fn check(kind: Kind, args: DocumentArgs) -> anyhow::Result<Request> {
    let course = args.course.trim().parse::<CourseId>().map_err(|_| {
        BadInput(format!(
            "'{}' is not a course id; copy it from the address of the course's page (/courses/<id>), e.g. 01934d6e-8f3a-7c2b-9d4e-5f6a7b8c9d0e",
            args.course.trim()
        ))
    })?;
    let lang = match args.lang.as_deref() {
        None => None,
        Some(code) => Some(parse_lang(code).ok_or_else(|| {
            BadInput(format!(
                "'{}' is not a language the documents are written in; use one of: {}",
                code.trim(),
                languages()
            ))
        })?),
    };
    let out = Output::reserve(&args.out)?;
    Ok(Request {
        kind,
        course,
        lang,
        out,
    })
}

/// The output file, reserved before any work: a temporary file in the same folder (so the
/// final rename stays on one file system) that is removed unless the document is committed.
struct Output {
    target: PathBuf,
    temp: PathBuf,
    file: Option<File>,
}

impl Output {
    fn reserve(target: &Path) -> anyhow::Result<Self> {
        if target.as_os_str().is_empty() {
            return Err(BadInput("--out needs a file name, e.g. --out summary.pdf".into()).into());
        }
        if target.is_dir() {
            return Err(BadInput(format!(
                "--out {} is a folder; give a file name inside it, e.g. {}",
                target.display(),
                target.join("summary.pdf").display()
            ))
            .into());
        }
        let Some(name) = target.file_name() else {
            return Err(BadInput(format!("--out {} names no file", target.display())).into());
        };
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            bail!(
                "cannot write {}: the folder {} does not exist",
                target.display(),
                dir.display()
            );
        }
        let temp = dir.join(format!(
            ".{}.{}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .with_context(|| format!("cannot write {}", target.display()))?;
        Ok(Self {
            target: target.to_path_buf(),
            temp,
            file: Some(file),
        })
    }

    /// Write, sync and rename into place; returns the final path.
    fn commit(mut self, bytes: &[u8]) -> anyhow::Result<PathBuf> {
        let mut file = self.file.take().expect("an output is committed once");
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {}", self.target.display()))?;
        drop(file);
        std::fs::rename(&self.temp, &self.target)
            .with_context(|| format!("cannot write {}", self.target.display()))?;
        Ok(self.target.clone())
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        // Left over only when the command failed before committing.
        if self.temp.exists() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}
