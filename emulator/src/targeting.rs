//! Which engagements an engagement call offers.
//!
//! For now one fixed campaign with one engagement is offered to everyone (unless the emulator
//! runs with `--no-engagement`). Campaigns with targeting rules (entry points, SDEs, visit
//! history) belong here.

use serde::Serialize;

use crate::call_body::CallBody;
use crate::sessions::Session;

/// One engagement entry of an answer's `engagementDetails`, before it gets its context id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    pub campaign_id: u64,
    pub engagement_id: u64,
    pub engagement_revision: u64,
    pub connector_id: u64,
    pub window_id: u64,
    pub language: &'static str,
}

/// The engagement every visitor is offered. Ids are numbers above 2^31, like the real ones.
pub const DEFAULT_OFFER: Offer = Offer {
    campaign_id: 2_739_012_212,
    engagement_id: 2_739_012_312,
    engagement_revision: 4,
    connector_id: 2_739_011_112,
    window_id: 2_739_011_012,
    language: "en-US",
};

/// An offer as it travels in the answer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EngagementDetail {
    pub campaign_id: u64,
    pub engagement_id: u64,
    pub engagement_revision: u64,
    pub context_id: String,
    pub connector_id: u64,
    pub window_id: u64,
    pub language: &'static str,
    pub status: &'static str,
}

impl Offer {
    /// The answer entry for this offer, exposed under a fresh context id.
    pub fn expose(&self, context_id: String) -> EngagementDetail {
        EngagementDetail {
            campaign_id: self.campaign_id,
            engagement_id: self.engagement_id,
            engagement_revision: self.engagement_revision,
            context_id,
            connector_id: self.connector_id,
            window_id: self.window_id,
            language: self.language,
            status: "expose",
        }
    }
}

/// The engagements to offer for this call. The session and body are unused until campaigns with
/// targeting rules exist; they are what such rules will read.
pub fn choose(enabled: bool, _session: &Session, _body: &CallBody) -> Vec<Offer> {
    if enabled {
        vec![DEFAULT_OFFER]
    } else {
        Vec::new()
    }
}
