//! The name of an emulated endpoint. The HTTP layer's route table gives each route one; faults
//! match on it and the journal and the request counters key on it, so a new route needs nothing
//! else to be counted, recorded and faultable.

use std::fmt;

/// An emulated (non-control) endpoint, named as fault matchers and journal entries spell it
/// (`engagement`, `report`, `csds`, `visit`, `engactivity`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint(&'static str);

impl Endpoint {
    pub const fn new(name: &'static str) -> Self {
        Self(name)
    }

    pub fn name(self) -> &'static str {
        self.0
    }

    /// The endpoint of this name among `known`.
    pub fn find(known: &[Endpoint], name: &str) -> Option<Endpoint> {
        known.iter().copied().find(|e| e.0 == name)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
