//! The smallest typst `World` that compiles our documents: the standard library with default
//! settings, the fonts bundled in `typst-assets` (no system fonts, so a server and a laptop
//! typeset the same pages), one main source and a handful of in-memory files (the data as JSON,
//! shared template parts, chart SVGs). Nothing is read from disk or the network.

use std::collections::HashMap;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// Fonts are parsed once per process: typst-assets ships Libertinus Serif (text, with Italian
/// and English coverage), New Computer Modern and DejaVu Sans Mono.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The path of the main source inside the virtual project.
pub const MAIN: &str = "/main.typ";

/// A file id for an absolute virtual path. Ids are interned for the life of the process, and
/// our paths are a fixed, small set, so the interner does not grow with use.
pub fn file_id(path: &str) -> Result<FileId, String> {
    let vpath = VirtualPath::new(path).map_err(|e| format!("bad virtual path {path:?}: {e:?}"))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

pub struct DocWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
}

impl DocWorld {
    /// A world whose main file is `markup` and where `files` (absolute virtual paths) exist.
    pub fn new(markup: &str, files: &[(&str, &[u8])]) -> Result<Self, String> {
        let main = Source::new(file_id(MAIN)?, markup.to_string());
        let mut map = HashMap::new();
        for (path, bytes) in files {
            map.insert(file_id(path)?, Bytes::new(bytes.to_vec()));
        }
        Ok(Self { main, files: map })
    }
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let bytes = self.file(id)?;
        let text = bytes.as_str().map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    /// Documents carry the dates they are given, never the clock: the same data gives the
    /// same PDF.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
