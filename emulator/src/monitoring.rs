//! The Monitoring API calls: `engagement` and `report` (PROTOCOL.md §1).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};

use crate::answer::{self, ApiError};
use crate::call_body::{self, Call, CallBody};
use crate::conversations::Opened;
use crate::endpoint::{query_pairs, query_param};
use crate::ids;
use crate::rules::{self, Visit};
use crate::sessions::{Exposure, Impression, Resolution, SdeEvent, Session};
use crate::state::{AppState, Inner, Settings};
use crate::targeting::{self, Outcome, TraceInput};

/// The API versions the server accepts.
const VERSIONS: &[&str] = &["1.0", "1.1"];

/// `POST /api/account/{accountId}/app/{appInstallationId}/engagement`
pub async fn engagement(
    State(app): State<AppState>,
    Path((account, installation)): Path<(String, String)>,
    uri: Uri,
    body: Bytes,
) -> Response {
    let outcome = engage(&app, &account, &installation, &uri, &body);
    respond(&app, outcome)
}

/// `PUT /api/account/{accountId}/app/{appInstallationId}/report`, or the POST with
/// `X-HTTP-Method-Override: PUT` that browsers must send (the CORS answer does not allow PUT).
pub async fn report(
    State(app): State<AppState>,
    Path((account, installation)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let outcome = check_report_method(&method, &headers)
        .and_then(|()| accept_report(&app, &account, &installation, &uri, &body));
    respond(&app, outcome)
}

fn respond(app: &AppState, outcome: Result<(StatusCode, Value), ApiError>) -> Response {
    match outcome {
        Ok((status, body)) => answer::monitoring(status, &body),
        Err(error) => {
            tracing::debug!(status = error.status.as_u16(), code = ?error.internal_code, message = %error.message, "refused");
            let body = error.body(app.lock().now_ms());
            answer::monitoring(error.status, &body)
        }
    }
}

/// The query and path checks both calls share.
struct Target {
    vid: Option<String>,
    sid: Option<String>,
}

fn check_target(
    settings: &Settings,
    account: &str,
    installation: &str,
    uri: &Uri,
) -> Result<Target, ApiError> {
    let pairs = query_pairs(uri);
    let version = query_param(&pairs, "v");
    if !version.is_some_and(|v| VERSIONS.contains(&v)) {
        return Err(ApiError::bad_version(version));
    }
    if !settings.catalog.accepts(account, installation) {
        return Err(ApiError::unknown_app());
    }
    Ok(Target {
        vid: query_param(&pairs, "vid").map(str::to_owned),
        sid: query_param(&pairs, "sid").map(str::to_owned),
    })
}

fn check_report_method(method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    if method == Method::PUT {
        return Ok(());
    }
    let overridden = headers
        .get("x-http-method-override")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("PUT"));
    if overridden {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "report is a PUT: a POST must carry the header X-HTTP-Method-Override: PUT",
        ))
    }
}

/// Opens the session a resolution calls for, unless capping refuses; returns (vid, sid, created).
fn settle(
    inner: &mut Inner,
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
        session.events.push(SdeEvent {
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

fn status_of(created: bool) -> StatusCode {
    if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

fn missing_session() -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        Some(18),
        "internal server error",
    )
}

fn engage(
    app: &AppState,
    account: &str,
    installation: &str,
    uri: &Uri,
    bytes: &[u8],
) -> Result<(StatusCode, Value), ApiError> {
    let settings = app.settings();
    let target = check_target(settings, account, installation, uri)?;
    let body = call_body::parse(bytes, Call::Engagement)?;

    let mut guard = app.lock();
    let inner = &mut *guard;
    let now = inner.now_ms();
    let resolution = inner.store.resolve(
        account,
        target.vid.as_deref(),
        target.sid.as_deref(),
        now,
        settings.lifetimes,
        settings.stale,
    )?;
    let (vid, sid, created) = settle(inner, settings, account, resolution, now)?;
    let session = inner
        .store
        .get_mut(&vid, &sid)
        .ok_or_else(missing_session)?;

    let page_id = body.page_id.clone().unwrap_or_else(ids::new_page_id);
    let stored = absorb(session, &body, &page_id, now, "engagement");
    inner.stats.sdes_accepted += stored;

    // Rules read the page's entry points (this call's, or those the page was seen with) and
    // the session's SDEs merged with this call's, which `absorb` has just stored.
    let entry_points = if body.entry_points.is_empty() {
        session.page_entry_points(&page_id).to_vec()
    } else {
        body.entry_points.clone()
    };
    let sdes = session.merged_sdes();
    let visit = Visit {
        account,
        entry_points: &entry_points,
        sdes: &sdes,
        authenticated: rules::is_authenticated(&session.identities, session.consumer_id.as_deref()),
        now_ms: now,
    };
    let catalog = &*settings.catalog;
    let open = inner.conversations.open_for(&vid);
    let decision = (settings.offer_engagement && open.is_none())
        .then(|| rules::decide(catalog, &inner.availability, &visit));
    let mut details: Vec<Value> = Vec::new();
    let mut context_id = None;
    let outcome = match (settings.offer_engagement, open) {
        (false, _) => Outcome::Off,
        (true, Some(conversation)) => {
            let engagement = catalog
                .engagement(conversation.engagement_id)
                .map(|(_, e)| e);
            details.push(targeting::conversation(conversation, engagement));
            Outcome::Conversation
        }
        (true, None) => match decision.as_ref().and_then(|d| d.chosen()) {
            Some(chosen) => {
                let id = ids::new_token();
                session.engagements.push(Exposure {
                    context_id: id.clone(),
                    campaign_id: chosen.campaign.id,
                    engagement_id: chosen.engagement.id,
                    time: now,
                    page_id: page_id.clone(),
                });
                details.push(targeting::expose(
                    chosen.campaign,
                    chosen.engagement,
                    id.clone(),
                ));
                context_id = Some(id);
                Outcome::Expose
            }
            None => Outcome::Nothing,
        },
    };
    let mut entry = targeting::trace_entry(&TraceInput {
        visit: &visit,
        decision: decision.as_ref(),
        outcome,
        conversation: open,
        context_id: context_id.as_deref(),
    });
    entry.insert("time".to_owned(), now.into());
    entry.insert("visitorId".to_owned(), vid.clone().into());
    entry.insert("sessionId".to_owned(), sid.clone().into());
    entry.insert("pageId".to_owned(), page_id.clone().into());
    entry.insert("created".to_owned(), created.into());
    inner.trace.push(entry);

    let mut answer = json!({ "sessionId": sid, "visitorId": vid, "pageId": page_id });
    if let (false, Some(map)) = (details.is_empty(), answer.as_object_mut()) {
        map.insert("engagementDetails".to_owned(), Value::Array(details));
    }
    Ok((status_of(created), answer))
}

fn accept_report(
    app: &AppState,
    account: &str,
    installation: &str,
    uri: &Uri,
    bytes: &[u8],
) -> Result<(StatusCode, Value), ApiError> {
    let settings = app.settings();
    let target = check_target(settings, account, installation, uri)?;
    let body = call_body::parse(bytes, Call::Report)?;
    if target.vid.is_none() && !body.identifies_consumer() {
        return Err(ApiError::invalid(
            "no identification: send a vid, a consumerId or an identity with a sub",
        ));
    }

    let mut guard = app.lock();
    let inner = &mut *guard;
    let now = inner.now_ms();
    let resolution = inner.store.resolve(
        account,
        target.vid.as_deref(),
        target.sid.as_deref(),
        now,
        settings.lifetimes,
        settings.stale,
    )?;

    // Impressions belong to the session whose engagement answer made their context id; check
    // before anything is stored, since one bad event drops the whole batch.
    let existing = match &resolution {
        Resolution::Existing { vid, sid } => inner.store.get(vid, sid),
        Resolution::Create { .. } => None,
    };
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

    let (vid, sid, created) = settle(inner, settings, account, resolution, now)?;
    let session = inner
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
                inner.conversations.open(
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
    inner.stats.reports_accepted += 1;
    inner.stats.sdes_accepted += stored;
    inner.stats.impressions_accepted += impressions;

    let answer = json!({ "sessionId": sid, "visitorId": vid, "pageId": page_id });
    Ok((status_of(created), answer))
}
