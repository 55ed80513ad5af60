//! The one door past the use cases: writing synthetic data for the demo clinic and the
//! benchmarks. Nothing else may use it; a test (`tests/store_is_private.rs`) keeps it so.

use crate::App;
use crate::ports::Store;

impl App {
    /// The store itself, for writing **synthetic demo and benchmark data only** (`ipt demo`,
    /// `ipt serve --demo`, `ipt bench`).
    ///
    /// The demo replays months of a made-up clinic's history: past-dated sessions, answers and
    /// phase changes, with ids and audit events from a seeded generator so that one seed
    /// always gives the same clinic. The use cases stamp records now, make their own ids and
    /// check each write against today's rules, so they cannot write that history; and a module
    /// of seeding operations would repeat some fifteen `Store` methods, one each, with no rule
    /// in any of them: a second door that looks like the use cases without being them. So the
    /// door is the port itself, named for its one purpose, where a reader sees the bypass. The
    /// store still checks what it checks (keys, versions) and writes each record's audit event
    /// in its transaction.
    ///
    /// ```
    /// fn seed(app: &ipt_app::App) -> &dyn ipt_app::ports::Store {
    ///     app.seeding()
    /// }
    /// ```
    ///
    /// Everything else goes through the use cases: `App`'s store is private, so outside this
    /// crate the same reach for the field does not compile (E0616, a private field; stable
    /// rustdoc does not check the code, and the example above shows that nothing else in it
    /// is wrong):
    ///
    /// ```compile_fail,E0616
    /// fn reach(app: &ipt_app::App) -> &dyn ipt_app::ports::Store {
    ///     app.store.as_ref()
    /// }
    /// ```
    pub fn seeding(&self) -> &dyn Store {
        self.store.as_ref()
    }
}
