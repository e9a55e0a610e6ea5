//! The handle every handler gets: the settings, read-only, and the model behind one lock.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::model::{Model, Settings};

/// Cheap handle on the shared state, cloned into every handler.
#[derive(Debug, Clone)]
pub struct AppState {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    settings: Settings,
    model: Mutex<Model>,
}

impl AppState {
    pub fn new(settings: Settings) -> Self {
        Self {
            shared: Arc::new(Shared {
                settings,
                model: Mutex::new(Model::default()),
            }),
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.shared.settings
    }

    /// Locks the model; never hold the guard across an await. A panic elsewhere while holding
    /// the lock leaves data that is still usable for an emulator, so a poisoned lock is simply
    /// taken over.
    pub fn lock(&self) -> MutexGuard<'_, Model> {
        self.shared
            .model
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The model's clock, for error bodies.
    pub fn now_ms(&self) -> u64 {
        self.lock().now_ms()
    }
}
