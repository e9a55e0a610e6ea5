//! What the control endpoints ask of the model beyond reading it: agent availability overrides
//! and conversations opened by hand. Refusals carry a status and a message for the tester.

use crate::model::availability::Overrides;
use crate::model::catalog::{AgentState, Catalog};
use crate::model::conversations::{Conversation, Opened};
use crate::model::error::Status;
use crate::model::state::Model;

/// A control request the model cannot carry out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: Status,
    pub message: &'static str,
}

fn not_found(message: &'static str) -> Refusal {
    Refusal {
        status: Status::NOT_FOUND,
        message,
    }
}

/// Sets (or, with `None`, clears) the agent state of the engagements with this id or skill.
pub fn set_availability(
    model: &mut Model,
    catalog: &Catalog,
    engagement_id: Option<u64>,
    skill: Option<&str>,
    state: Option<AgentState>,
) -> Result<(), Refusal> {
    let targets = Overrides::targets(catalog, engagement_id, skill);
    if targets.is_empty() {
        return Err(not_found(
            "no engagement of the campaign file has that id or skill",
        ));
    }
    for id in targets {
        model.availability.set(id, state);
    }
    Ok(())
}

/// Opens a conversation for a visitor the emulator has a session of, on `engagement_id` or, when
/// none is named, the engagement last offered to the visitor (else the catalog's first). Returns
/// the conversation and whether it is new (an open one is returned unchanged).
pub fn open_conversation(
    model: &mut Model,
    catalog: &Catalog,
    vid: &str,
    engagement_id: Option<u64>,
) -> Result<(Conversation, bool), Refusal> {
    if !model.store.sessions().any(|s| s.visitor_id == vid) {
        return Err(not_found("the emulator has no session for that vid"));
    }
    let last_offered = || {
        model
            .store
            .sessions()
            .filter(|s| s.visitor_id == vid)
            .flat_map(|s| s.engagements.iter())
            .max_by_key(|e| e.time)
            .map(|e| e.engagement_id)
    };
    let wanted = engagement_id
        .or_else(last_offered)
        .or_else(|| catalog.engagements().next().map(|(_, e)| e.id));
    let Some((campaign, engagement)) = wanted.and_then(|id| catalog.engagement(id)) else {
        return Err(not_found("no engagement of the campaign file has that id"));
    };
    let now = model.now_ms();
    Ok(model
        .conversations
        .open(vid, campaign.id, engagement.id, None, Opened::Control, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog;

    #[test]
    fn a_conversation_needs_a_known_visitor_and_defaults_to_the_last_offer() {
        let catalog = catalog::builtin("1", "app");
        let mut model = Model::default();
        assert_eq!(
            open_conversation(&mut model, &catalog, "nobody", None).map(|(_, new)| new),
            Err(not_found("the emulator has no session for that vid"))
        );
        let (vid, _) = model.store.open("1", None, 0);
        let first = open_conversation(&mut model, &catalog, &vid, None);
        let (conversation, new) = first.unwrap_or_else(|e| panic!("{e:?}"));
        assert!(new);
        assert_eq!(conversation.engagement_id, 2_739_012_312);
        let again = open_conversation(&mut model, &catalog, &vid, None)
            .map(|(c, new)| (c.conversation_id, new));
        assert_eq!(
            again,
            Ok((conversation.conversation_id, false)),
            "the open one is kept"
        );
        assert_eq!(
            open_conversation(&mut model, &catalog, &vid, Some(7)).map(|(_, n)| n),
            Err(not_found("no engagement of the campaign file has that id"))
        );
    }

    #[test]
    fn availability_names_an_engagement_of_the_catalog() {
        let catalog = catalog::builtin("1", "app");
        let mut model = Model::default();
        let offline = Some(AgentState::Offline);
        assert!(set_availability(&mut model, &catalog, Some(9), None, offline).is_err());
        assert!(set_availability(&mut model, &catalog, Some(2_739_012_312), None, offline).is_ok());
        let engagement = catalog.engagement(2_739_012_312).map(|(_, e)| e);
        let state = engagement.map(|e| model.availability.state_of(e, 0).0);
        assert_eq!(state, Some(AgentState::Offline));
    }
}
