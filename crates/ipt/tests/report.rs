//! `ipt report course|plan` through the real binary on a demo clinic: both documents come out as
//! PDF files in Italian and read back; bad input is refused with a message that says what to
//! fix, and a failed run leaves no file behind.

use crate::support::*;

/// A demo clinic, and a completed course from it with its patient's name.
async fn demo_course(dir: &Scratch) -> (String, String, String) {
    let o = ipt(
        dir,
        &["demo", "--seed", "3", "--anchor-date", "2026-11-02"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let url = format!("sqlite://{}/ipt-data/ipt.db", dir.0.display());
    let store = ipt_store_sqlite::SqliteStore::connect(&url, crate::support::keys_for(&url))
        .await
        .unwrap();
    let (course, name): (uuid::Uuid, String) = sqlx::query_as(
        "SELECT c.id, p.name FROM courses c JOIN patients p ON p.id = c.patient_id
         WHERE c.status = 'completed' ORDER BY c.id LIMIT 1",
    )
    .fetch_one(&store.pool)
    .await
    .unwrap();
    store.pool.close().await;
    (url, course.to_string(), name)
}

fn pdf_text(path: &std::path::Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "{} is a PDF", path.display());
    pdf_extract::extract_text_from_mem(&bytes)
        .unwrap()
        .replace('\u{2019}', "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Files left in a folder, for checking that no temporary file remains.
fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn both_documents_come_out_in_italian_and_read_back() {
    let dir = Scratch::new();
    let (url, course, name) = demo_course(&dir).await;
    let out = dir.0.join("docs");
    std::fs::create_dir_all(&out).unwrap();

    let summary = out.join("summary.pdf");
    let o = ipt(
        &dir,
        &[
            "report",
            "course",
            &course,
            "--out",
            summary.to_str().unwrap(),
            "--lang",
            "it",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("course summary of course {course}")),
        "{}",
        text(&o)
    );
    assert!(
        !text(&o).contains(&name),
        "the patient's name stays out of the output"
    );
    let t = pdf_text(&summary);
    for expected in [
        "Riepilogo del percorso",
        name.as_str(),
        "Il percorso",
        "Sedute",
        "Aree di intervento",
        "Piano di prevenzione delle ricadute",
        "Raccomandazione sul mantenimento",
        "Pagina 1 di",
    ] {
        assert!(t.contains(expected), "{expected:?} missing: {t}");
    }
    assert!(
        t.contains("Punteggi dall'inizio alla fine") && t.contains("PHQ-9"),
        "a completed course shows its scores from baseline to end: {t}"
    );

    // The plan; an existing file is replaced whole.
    let plan = out.join("plan.pdf");
    std::fs::write(&plan, b"old").unwrap();
    let o = ipt(
        &dir,
        &[
            "report",
            "plan",
            &course,
            "--out",
            plan.to_str().unwrap(),
            "--lang",
            "it",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let t = pdf_text(&plan);
    for expected in [
        "Il mio piano",
        name.as_str(),
        "Su che cosa stiamo lavorando",
        "I miei obiettivi",
        "Stare bene nel tempo",
        "Che cosa viene dopo",
    ] {
        assert!(t.contains(expected), "{expected:?} missing: {t}");
    }
    assert_eq!(
        files_in(&out),
        ["plan.pdf", "summary.pdf"],
        "no temporary file is left"
    );

    // English on request.
    let o = ipt(
        &dir,
        &[
            "report",
            "plan",
            &course,
            "--out",
            plan.to_str().unwrap(),
            "--lang",
            "en",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(pdf_text(&plan).contains("My plan"));
}

#[tokio::test]
async fn bad_input_is_refused_with_what_to_fix_and_writes_nothing() {
    let dir = Scratch::new();
    let (url, course, _) = demo_course(&dir).await;
    let out = dir.0.join("docs");
    std::fs::create_dir_all(&out).unwrap();
    let target = out.join("x.pdf");
    let target = target.to_str().unwrap();
    let missing_folder = dir.0.join("nowhere").join("x.pdf");
    let unknown = uuid::Uuid::now_v7().to_string();
    let out_dir = out.to_str().unwrap();
    for (args, code, message) in [
        (
            vec!["report", "course", &unknown, "--out", target],
            1,
            format!("there is no course with id {unknown}"),
        ),
        (
            vec!["report", "plan", "12345", "--out", target],
            2,
            "'12345' is not a course id".to_string(),
        ),
        (
            vec!["report", "course", &course, "--out", target, "--lang", "fr"],
            2,
            "'fr' is not a language the documents are written in; use one of: en, it".to_string(),
        ),
        (
            vec![
                "report",
                "course",
                &course,
                "--out",
                missing_folder.to_str().unwrap(),
            ],
            1,
            "does not exist".to_string(),
        ),
        (
            vec!["report", "course", &course, "--out", out_dir],
            2,
            "is a folder".to_string(),
        ),
    ] {
        let mut args = args.clone();
        args.extend(["--database-url", &url]);
        let o = ipt(&dir, &args, None);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(&message), "{args:?}: {}", text(&o));
        assert!(
            files_in(&out).is_empty(),
            "{args:?} left {:?}",
            files_in(&out)
        );
    }
    // A database that does not exist is named, not created.
    let o = ipt(
        &dir,
        &[
            "report",
            "course",
            &course,
            "--out",
            target,
            "--database-url",
            &format!("sqlite://{}/none.db", dir.0.display()),
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("there is no database at"), "{}", text(&o));
    assert!(!dir.0.join("none.db").exists());
    assert!(files_in(&out).is_empty());
}
