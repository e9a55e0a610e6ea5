//! The Monitoring API calls: `engagement` and `report` (PROTOCOL.md §1).

use serde_json::{json, Map, Value};

use crate::model::call_body::{self, Call, CallBody};
use crate::model::config::Settings;
use crate::model::conversations::{Conversation, Opened};
use crate::model::error::{ApiError, Status};
use crate::model::ids;
use crate::model::query;
use crate::model::rules::{self, Visit};
use crate::model::sessions::{Exposure, Impression, Resolution, SdeEvent, Session};
use crate::model::state::Model;
use crate::model::targeting::{self, Outcome, TraceInput};

/// The API versions the server accepts.
const VERSIONS: &[&str] = &["1.0", "1.1"];

/// One `engagement` or `report` call as the HTTP layer extracted it.
#[derive(Debug, Clone, Copy)]
pub struct CallRequest<'a> {
    pub account: &'a str,
    pub installation: &'a str,
    /// The query pairs, in order.
    pub query: &'a [(String, String)],
    /// The raw body.
    pub body: &'a [u8],
}

/// What a successful call answers: 201 when it opened the session, else 200, and the JSON.
pub type Answer = (Status, Value);

/// The query and path checks both calls share.
struct Target {
    vid: Option<String>,
    sid: Option<String>,
}

fn check_target(settings: &Settings, call: &CallRequest<'_>) -> Result<Target, ApiError> {
    let pairs = call.query;
    let version = query::param(pairs, "v");
    if !version.is_some_and(|v| VERSIONS.contains(&v)) {
        return Err(ApiError::bad_version(version));
    }
    if !settings.catalog.accepts(call.account, call.installation) {
        return Err(ApiError::unknown_app());
    }
    Ok(Target {
        vid: query::param(pairs, "vid").map(str::to_owned),
        sid: query::param(pairs, "sid").map(str::to_owned),
    })
}

impl Target {
    /// What the call's vid and sid lead to in the store now: a live session or one to open.
    fn resolve(
        &self,
        model: &Model,
        settings: &Settings,
        account: &str,
        now: u64,
    ) -> Result<Resolution, ApiError> {
        model.store.resolve(
            account,
            self.vid.as_deref(),
            self.sid.as_deref(),
            now,
            settings.lifetimes,
            settings.stale,
        )
    }
}

/// Opens the session a resolution calls for, unless capping refuses; returns (vid, sid, created).
fn settle(
    inner: &mut Model,
    settings: &Settings,
    account: &str,
    resolution: Resolution,
    now: u64,
) -> Result<(String, String, bool), ApiError> {
    match resolution {
        Resolution::Existing { vid, sid } => Ok((vid, sid, false)),
        Resolution::Create { vid } => {
            let limits = &settings.capping;
            inner.capper.check(limits, account, vid.as_deref(), now)?;
            let (vid, sid) = inner.store.open(account, vid, now);
            inner.capper.record(limits, account, &vid, now);
            Ok((vid, sid, true))
        }
    }
}

/// Stores who the consumer is and the SDEs of a call in the session.
fn absorb(
    session: &mut Session,
    body: &CallBody,
    page_id: &str,
    now: u64,
    via: &'static str,
) -> u64 {
    session.last_activity = now;
    if body.consumer_id.is_some() {
        session.consumer_id.clone_from(&body.consumer_id);
    }
    if !body.identities.is_empty() {
        session.identities.clone_from(&body.identities);
    }
    if body.client_properties.is_some() {
        session
            .client_properties
            .clone_from(&body.client_properties);
    }
    session.record_page(page_id, &body.entry_points, now);
    let mut stored = 0;
    for sde in body.attributes.iter().filter(|s| !s.impression) {
        session.add_event(SdeEvent {
            kind: sde.kind.clone(),
            body: sde.body.clone(),
            time: now,
            page_id: page_id.to_owned(),
            via,
        });
        stored += 1;
    }
    stored
}

fn status_of(created: bool) -> Status {
    if created {
        Status::CREATED
    } else {
        Status::OK
    }
}

fn missing_session() -> ApiError {
    ApiError::new(
        Status::INTERNAL_SERVER_ERROR,
        Some(18),
        "internal server error",
    )
}

/// `engagement`: resolves the session (opening one when needed), stores what the call says,
/// decides what to offer (PROTOCOL.md §1) and notes the decision in the trace.
pub fn engage(
    model: &mut Model,
    settings: &Settings,
    call: &CallRequest<'_>,
) -> Result<Answer, ApiError> {
    let target = check_target(settings, call)?;
    let body = call_body::parse(call.body, Call::Engagement)?;
    let now = model.now_ms();
    let resolution = target.resolve(model, settings, call.account, now)?;
    let (vid, sid, created) = settle(model, settings, call.account, resolution, now)?;
    let session = model
        .store
        .get_mut(&vid, &sid)
        .ok_or_else(missing_session)?;

    let page_id = body.page_id.clone().unwrap_or_else(ids::new_page_id);
    let stored = absorb(session, &body, &page_id, now, "engagement");
    model.stats.sdes_accepted += stored;

    // Rules read the page's entry points (this call's, or those the page was seen with) and
    // the session's SDEs merged with this call's, which `absorb` has just stored.
    let entry_points = if body.entry_points.is_empty() {
        session.page_entry_points(&page_id).to_vec()
    } else {
        body.entry_points.clone()
    };
    let authenticated =
        rules::is_authenticated(&session.identities, session.consumer_id.as_deref());
    let (sdes, exposures) = session.sdes_and_exposures();
    let visit = Visit {
        account: call.account,
        entry_points: &entry_points,
        sdes,
        authenticated,
        now_ms: now,
    };
    let open = model.conversations.open_for(&vid);
    let decision = (settings.offer_engagement && open.is_none())
        .then(|| rules::decide(&settings.catalog, &model.availability, &visit));
    let offer = offer(settings, exposures, open, decision.as_ref(), &page_id, now);

    let entry = targeting::trace_entry(&TraceInput {
        visit: &visit,
        decision: decision.as_ref(),
        outcome: offer.outcome,
        conversation: open,
        context_id: offer.context_id.as_deref(),
    });
    model
        .trace
        .push(with_ids(entry, now, &vid, &sid, &page_id, created));

    let mut answer = json!({ "sessionId": sid, "visitorId": vid, "pageId": page_id });
    if let (Some(details), Some(map)) = (offer.detail, answer.as_object_mut()) {
        map.insert("engagementDetails".to_owned(), Value::Array(vec![details]));
    }
    Ok((status_of(created), answer))
}

/// A trace entry with the call's time, ids and whether it opened the session.
fn with_ids(
    mut entry: Map<String, Value>,
    now: u64,
    vid: &str,
    sid: &str,
    page_id: &str,
    created: bool,
) -> Map<String, Value> {
    entry.insert("time".to_owned(), now.into());
    entry.insert("visitorId".to_owned(), vid.into());
    entry.insert("sessionId".to_owned(), sid.into());
    entry.insert("pageId".to_owned(), page_id.into());
    entry.insert("created".to_owned(), created.into());
    entry
}

/// What an engagement answer offers.
struct Offer {
    outcome: Outcome,
    /// The one `engagementDetails` entry, if any.
    detail: Option<Value>,
    /// The context id of an exposure.
    context_id: Option<String>,
}

/// The open conversation if there is one, else the engagement the rules chose (noted in the
/// session's `exposures` under a new context id), else nothing.
fn offer(
    settings: &Settings,
    exposures: &mut Vec<Exposure>,
    open: Option<&Conversation>,
    decision: Option<&rules::Decision<'_>>,
    page_id: &str,
    now: u64,
) -> Offer {
    let nothing = |outcome| Offer {
        outcome,
        detail: None,
        context_id: None,
    };
    if !settings.offer_engagement {
        return nothing(Outcome::Off);
    }
    if let Some(conversation) = open {
        let engagement = settings
            .catalog
            .engagement(conversation.engagement_id)
            .map(|(_, e)| e);
        return Offer {
            outcome: Outcome::Conversation,
            detail: Some(targeting::conversation(conversation, engagement)),
            context_id: None,
        };
    }
    let Some(chosen) = decision.and_then(|d| d.chosen()) else {
        return nothing(Outcome::Nothing);
    };
    let id = ids::new_token();
    exposures.push(Exposure {
        context_id: id.clone(),
        campaign_id: chosen.campaign.id,
        engagement_id: chosen.engagement.id,
        time: now,
        page_id: page_id.to_owned(),
    });
    Offer {
        outcome: Outcome::Expose,
        detail: Some(targeting::expose(
            chosen.campaign,
            chosen.engagement,
            id.clone(),
        )),
        context_id: Some(id),
    }
}

/// Impressions belong to the session whose engagement answer made their context id; checked
/// before anything is stored, since one bad event drops the whole batch.
fn check_impressions(body: &CallBody, existing: Option<&Session>) -> Result<(), ApiError> {
    for impression in body.impressions() {
        let foreign = match existing {
            None => true,
            Some(session) => impression
                .context_ids()
                .iter()
                .any(|id| !session.knows_context(id)),
        };
        if foreign {
            return Err(ApiError::invalid(format!(
                "impression for another session: {} names an engagement context this session did not create",
                impression.kind
            )));
        }
    }
    Ok(())
}

/// `report` (a PUT; the HTTP layer has checked the method): stores SDEs and impressions in the
/// session, opening one when needed; an accepted engagement may open a conversation.
pub fn report(
    model: &mut Model,
    settings: &Settings,
    call: &CallRequest<'_>,
) -> Result<Answer, ApiError> {
    let target = check_target(settings, call)?;
    let body = call_body::parse(call.body, Call::Report)?;
    if target.vid.is_none() && !body.identifies_consumer() {
        return Err(ApiError::invalid(
            "no identification: send a vid, a consumerId or an identity with a sub",
        ));
    }
    let now = model.now_ms();
    let resolution = target.resolve(model, settings, call.account, now)?;
    let existing = match &resolution {
        Resolution::Existing { vid, sid } => model.store.get(vid, sid),
        Resolution::Create { .. } => None,
    };
    check_impressions(&body, existing)?;

    let (vid, sid, created) = settle(model, settings, call.account, resolution, now)?;
    let session = model
        .store
        .get_mut(&vid, &sid)
        .ok_or_else(missing_session)?;
    let page_id = body
        .page_id
        .clone()
        .or_else(|| session.last_page_id().map(str::to_owned))
        .unwrap_or_else(ids::new_page_id);
    let stored = absorb(session, &body, &page_id, now, "report");
    let mut impressions = 0;
    for impression in body.impressions() {
        session.impressions.push(Impression {
            kind: impression.kind.clone(),
            context_ids: impression.context_ids(),
            body: impression.body.clone(),
            time: now,
            page_id: page_id.clone(),
        });
        impressions += 1;
        // Accepting an engagement starts a conversation when the emulator is told so.
        if settings.conversation_on_accept && impression.kind == "impAccept" {
            let accepted = impression
                .context_ids()
                .iter()
                .find_map(|id| session.exposure(id).cloned());
            if let Some(exposure) = accepted {
                model.conversations.open(
                    &vid,
                    exposure.campaign_id,
                    exposure.engagement_id,
                    Some(exposure.context_id),
                    Opened::ImpAccept,
                    now,
                );
            }
        }
    }
    model.stats.reports_accepted += 1;
    model.stats.sdes_accepted += stored;
    model.stats.impressions_accepted += impressions;

    let answer = json!({ "sessionId": sid, "visitorId": vid, "pageId": page_id });
    Ok((status_of(created), answer))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::capping::Limits;
    use crate::model::catalog;
    use crate::model::config::{AgentConfig, Lifetimes, Stale};

    const ACCOUNT: &str = "12345678";
    const APP: &str = "app-1";

    fn settings(stale: Stale) -> Settings {
        Settings {
            account: ACCOUNT.to_owned(),
            app_installation_id: APP.to_owned(),
            catalog: Arc::new(catalog::builtin(ACCOUNT, APP)),
            campaign_file: None,
            capping: Limits::default(),
            conversation_on_accept: true,
            stale,
            lifetimes: Lifetimes {
                idle_ms: 30 * 60_000,
                max_ms: 6 * 3_600_000,
            },
            offer_engagement: true,
            api_host: "127.0.0.1:1".to_owned(),
            agent: AgentConfig {
                bearer: "t".to_owned(),
                oauth_consumer_key: "k".to_owned(),
                oauth_consumer_secret: "s".to_owned(),
                oauth_token: "t".to_owned(),
                oauth_token_secret: "ts".to_owned(),
                engactivity_max_concurrent: 1,
                engactivity_latency_ms: 0,
            },
        }
    }

    fn query(text: &str) -> Vec<(String, String)> {
        text.split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    fn call<'a>(query: &'a [(String, String)], body: &'a str) -> CallRequest<'a> {
        CallRequest {
            account: ACCOUNT,
            installation: APP,
            query,
            body: body.as_bytes(),
        }
    }

    fn ids(answer: &Answer) -> (String, String) {
        let text = |k: &str| {
            answer
                .1
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        (text("visitorId"), text("sessionId"))
    }

    #[test]
    fn a_known_vid_without_sid_keeps_the_visitor_with_a_new_session() {
        for stale in [Stale::NewSession, Stale::NotFound] {
            let settings = settings(stale);
            let mut model = Model::default();
            let first = engage(&mut model, &settings, &call(&query("v=1.0"), "{}"));
            let first = first.unwrap_or_else(|e| panic!("first call refused: {e:?}"));
            assert_eq!(first.0, Status::CREATED);
            let (vid, sid) = ids(&first);

            let q = query(&format!("v=1.0&vid={vid}"));
            let again = engage(&mut model, &settings, &call(&q, "{}"));
            let again = again.unwrap_or_else(|e| panic!("vid alone refused: {e:?}"));
            assert_eq!(again.0, Status::CREATED, "a new session is announced");
            let (vid2, sid2) = ids(&again);
            assert_eq!(vid2, vid, "the visitor is kept");
            assert_ne!(sid2, sid, "with a new session");
            assert!(!sid2.is_empty());
            assert_eq!(model.store.sessions_created(), 2);
            assert_eq!(model.store.visitor_count(), 1);
        }
    }

    #[test]
    fn the_pair_continues_the_session_and_an_unknown_vid_follows_the_stale_mode() {
        let settings = settings(Stale::NotFound);
        let mut model = Model::default();
        let first = engage(&mut model, &settings, &call(&query("v=1.0"), "{}"));
        let (vid, sid) = ids(&first.unwrap_or_else(|e| panic!("{e:?}")));
        let q = query(&format!("v=1.0&vid={vid}&sid={sid}"));
        let same = engage(&mut model, &settings, &call(&q, "{}"));
        assert_eq!(same.map(|a| (a.0, ids(&a))), Ok((Status::OK, (vid, sid))));
        let q = query("v=1.0&vid=unknownvisitor");
        let unknown = engage(&mut model, &settings, &call(&q, "{}"));
        assert_eq!(unknown.map(|a| a.0), Err(ApiError::unknown_visitor()));
    }

    #[test]
    fn an_accepted_exposure_opens_a_conversation_that_later_answers_carry() {
        let settings = settings(Stale::NewSession);
        let mut model = Model::default();
        let first = engage(&mut model, &settings, &call(&query("v=1.0"), "{}"))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let context = first.1["engagementDetails"][0]["contextId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(!context.is_empty(), "the built-in engagement is exposed");
        let (vid, sid) = ids(&first);
        let pair = query(&format!("v=1.0&vid={vid}&sid={sid}"));
        let accept = format!(
            r#"{{"engagementAttributes":[{{"type":"impAccept","eContext":[{{"type":"engagementContext","id":"{context}"}}]}}]}}"#
        );
        let reported = report(&mut model, &settings, &call(&pair, &accept));
        assert_eq!(reported.map(|a| a.0), Ok(Status::OK));
        assert_eq!(model.conversations.open_count(), 1);
        assert_eq!(model.stats.impressions_accepted, 1);
        let later =
            engage(&mut model, &settings, &call(&pair, "{}")).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            later.1["engagementDetails"][0]["status"].as_str(),
            Some("conversation")
        );
    }

    #[test]
    fn a_report_without_any_identification_is_refused_before_anything_is_stored() {
        let settings = settings(Stale::NewSession);
        let mut model = Model::default();
        let body = r#"{"engagementAttributes":[{"type":"cart","total":5}]}"#;
        let refused = report(&mut model, &settings, &call(&query("v=1.0"), body));
        assert_eq!(
            refused.map_err(|e| (e.status, e.internal_code)),
            Err((Status::BAD_REQUEST, Some(5)))
        );
        assert_eq!(model.store.sessions_created(), 0);
        assert_eq!(model.stats.reports_accepted, 0);
    }
}
