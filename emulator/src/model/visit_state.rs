//! Visit Information (seed 003): `GET /api/account/{accountId}/monitoring/visitors/{vid}/visits/
//! current/state?v=1&sid=…&filter=agent`, built from what the monitor session really received.
//!
//! The SDEs a page reported come back under the server's names (`cart.cartStatus`,
//! `viewedProduct`, `purchases`, `leads`, `serviceActivity`, `visitorError`,
//! `marketingCampaignInfo`, `customerInfo`, `personalInfo`) and each as an entry of `events`;
//! pages from the entry points; engagements from the impressions reported for what the
//! engagement answers offered; device facts from the client properties. What the emulator cannot
//! know (geo, user agent, campaign revisions) is left out rather than made up.

use serde_json::{json, Map, Value};

use crate::model::config::{Settings, Stale};
use crate::model::error::{ApiError, Status};
use crate::model::ids;
use crate::model::query;
use crate::model::sessions::{Resolution, SdeEvent, Session};
use crate::model::state::Model;

/// The API versions accepted.
const VERSIONS: &[&str] = &["1", "1.0"];

fn bad_query(message: impl Into<String>) -> ApiError {
    ApiError::new(Status::BAD_REQUEST, Some(33), message)
}

/// The visit state of `vid`'s session named by the query's `sid` (`v` must be 1).
pub fn lookup(
    model: &Model,
    settings: &Settings,
    account: &str,
    vid: &str,
    pairs: &[(String, String)],
) -> Result<Value, ApiError> {
    if !settings.catalog.accounts.iter().any(|a| a.id == account) {
        return Err(ApiError::unknown_account());
    }
    match query::param(pairs, "v") {
        Some(v) if VERSIONS.contains(&v) => {}
        got => return Err(ApiError::bad_version(got)),
    }
    let Some(sid) = query::param(pairs, "sid").filter(|s| !s.is_empty()) else {
        return Err(bad_query("sid (the session id) is required"));
    };
    let now = model.now_ms();
    let Some(session) = model.store.get(vid, sid) else {
        // A visitor the emulator knows (from any session) makes the sid the unknown part.
        let known_visitor = ids::is_well_formed(vid)
            && matches!(
                model.store.resolve(
                    account,
                    Some(vid),
                    None,
                    now,
                    settings.lifetimes,
                    Stale::NotFound
                ),
                Ok(Resolution::Create { .. })
            );
        return Err(if known_visitor {
            ApiError::unknown_session()
        } else {
            ApiError::unknown_visitor()
        });
    };
    if now.saturating_sub(session.created) > settings.lifetimes.max_ms {
        return Err(ApiError::new(
            Status::NOT_FOUND,
            Some(12),
            "requested session not found: it started more than 6 hours ago",
        ));
    }
    Ok(build(session))
}

/// `value[key]`, or `null`.
fn at(value: &Value, key: &str) -> Value {
    value.get(key).cloned().unwrap_or(Value::Null)
}

/// `{page: {id}}`: where an event was reported.
fn contexts(page_id: &str) -> Value {
    json!({ "page": { "id": page_id } })
}

fn object(members: Vec<(&str, Value)>) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<Map<String, Value>>(),
    )
}

/// The server's shape of the SDE payloads.
fn customer_info(info: &Value) -> Value {
    object(vec![
        ("customerStatus", at(info, "cstatus")),
        ("customerType", at(info, "ctype")),
        ("balance", at(info, "balance")),
        ("customerId", at(info, "customerId")),
        ("lastPaymentDate", at(info, "lastPaymentDate")),
        ("registrationDate", at(info, "registrationDate")),
        ("loginStatus", at(info, "loginStatus")),
        ("companyBranch", at(info, "companyBranch")),
        ("socialId", at(info, "socialId")),
        ("imei", at(info, "imei")),
        ("userName", at(info, "userName")),
        ("companySize", at(info, "companySize")),
        ("accountName", at(info, "accountName")),
        ("role", at(info, "role")),
        ("storeZipCode", at(info, "storeZipCode")),
        ("storeNumber", at(info, "storeNumber")),
    ])
}

fn personal_info(person: &Value) -> Value {
    let age = person.get("age").cloned().unwrap_or(Value::Null);
    object(vec![
        ("name", at(person, "firstname")),
        ("surname", at(person, "lastname")),
        (
            "customerAge",
            object(vec![
                ("customerAgeInYears", at(&age, "age")),
                ("customerYearOfBirth", at(&age, "year")),
                ("customerMonthOfBirth", at(&age, "month")),
                ("customerDateOfBirth", at(&age, "day")),
            ]),
        ),
        ("contacts", at(person, "contacts")),
        ("gender", at(person, "gender")),
        ("company", at(person, "company")),
        ("language", at(person, "language")),
    ])
}

fn marketing_info(info: &Value) -> Value {
    let channel = match at(info, "channel") {
        // The SDE may carry the channel as text ("1"); the server reports a number.
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map_or(Value::String(s), Value::from),
        other => other,
    };
    object(vec![
        ("originatingChannel", channel),
        ("affiliate", at(info, "affiliate")),
        ("campaignId", at(info, "campaignId")),
    ])
}

fn lead_info(lead: &Value) -> Value {
    object(vec![
        ("topic", at(lead, "topic")),
        ("value", at(lead, "value")),
        ("ticketId", Value::Null),
        ("leadId", at(lead, "leadId")),
    ])
}

fn service_info(service: &Value) -> Value {
    object(vec![
        ("topic", at(service, "topic")),
        ("status", at(service, "status")),
        ("category", at(service, "category")),
        ("serviceId", at(service, "serviceId")),
    ])
}

fn visitor_error(error: &Value) -> Value {
    object(vec![
        ("contextId", at(error, "contextId")),
        ("message", at(error, "message")),
        ("code", at(error, "code")),
        ("level", at(error, "level")),
        ("resolved", at(error, "resolved")),
    ])
}

/// A purchase's cart: the total of a purchase is on the purchase itself.
fn purchase_cart(cart: &Value) -> Value {
    object(vec![
        ("total", Value::Null),
        ("numItems", at(cart, "numItems")),
        ("products", at(cart, "products")),
    ])
}

/// Sequence ids and "seen before" flags of the appended SDE kinds.
#[derive(Default)]
struct Seen {
    count: usize,
    ids: Vec<Value>,
}

impl Seen {
    /// (sequence id, repeated) for an entry with this id.
    fn next(&mut self, id: &Value) -> (String, bool) {
        self.count += 1;
        let repeated = !id.is_null() && self.ids.contains(id);
        self.ids.push(id.clone());
        (self.count.to_string(), repeated)
    }
}

/// The whole answer for one session: its SDEs under the server's names and as `events`, its
/// pages, the engagements it displayed and device facts.
pub fn build(session: &Session) -> Value {
    let mut answer = Answer::default();
    for sde in session.events() {
        answer.add(sde);
    }
    answer.finish(session)
}

/// The answer being built, SDE by SDE.
#[derive(Default)]
struct Answer {
    app: Map<String, Value>,
    events: Vec<Value>,
    viewed: Vec<Value>,
    purchases: Vec<Value>,
    leads: Vec<Value>,
    services: Vec<Value>,
    errors: Vec<Value>,
    keywords: Vec<String>,
    purchase_seq: Seen,
    lead_seq: Seen,
    service_seq: Seen,
}

impl Answer {
    fn add(&mut self, sde: &SdeEvent) {
        let b = &sde.body;
        let ts = json!(sde.time);
        let ctx = contexts(&sde.page_id);
        match sde.kind.as_str() {
            "cart" => self.cart(b, ts, ctx),
            "purchase" => self.purchase(b, ts, ctx),
            "prodView" => {
                let products = b
                    .get("products")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                self.viewed.extend(products.iter().cloned());
                self.events.push(json!({ "viewedProduct": {
                    "serverTimeStamp": ts, "contexts": ctx, "products": products,
                }}));
            }
            "ctmrinfo" => {
                let info = customer_info(&at(b, "info"));
                self.app
                    .insert("customerInfo".to_owned(), json!({ "customerInfo": info }));
                self.events.push(json!({ "customerInfo": {
                    "serverTimeStamp": ts, "customerInfo": info, "contexts": ctx,
                }}));
            }
            "mrktInfo" => {
                let info = marketing_info(&at(b, "info"));
                self.app.insert(
                    "marketingCampaignInfo".to_owned(),
                    json!({ "marketingCampaignInfo": info }),
                );
                self.events.push(json!({ "marketingCampaignInfo": {
                    "serverTimeStamp": ts, "contexts": ctx, "marketingCampaignInfo": info,
                }}));
            }
            "personal" => {
                let info = personal_info(&at(b, "personal"));
                self.app
                    .insert("personalInfo".to_owned(), json!({ "personalInfo": info }));
                self.events.push(json!({ "personalInfo": {
                    "serverTimeStamp": ts, "personalInfo": info, "contexts": ctx,
                }}));
            }
            "lead" => self.lead(b, ts, ctx),
            "service" => self.service(b, ts, ctx),
            "error" => {
                let error = visitor_error(&at(b, "error"));
                self.errors.push(error.clone());
                self.events.push(json!({ "visitorError": {
                    "serverTimeStamp": ts, "contexts": ctx, "visitorError": error,
                }}));
            }
            "searchInfo" => {
                let words = b
                    .get("keywords")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten();
                self.keywords
                    .extend(words.filter_map(Value::as_str).map(str::to_owned));
            }
            _ => {}
        }
    }

    fn cart(&mut self, b: &Value, ts: Value, ctx: Value) {
        let mut status = object(vec![
            ("total", at(b, "total")),
            ("numItems", at(b, "numItems")),
            ("products", at(b, "products")),
        ]);
        if let (Some(c), Some(map)) = (b.get("currency"), status.as_object_mut()) {
            map.insert("currency".to_owned(), c.clone());
        }
        self.app.insert(
            "cart".to_owned(),
            json!({ "cartStatus": status, "lastTotalChange": at(b, "total") }),
        );
        let mut event = status;
        if let Some(map) = event.as_object_mut() {
            map.insert("serverTimeStamp".to_owned(), ts);
            map.insert("contexts".to_owned(), ctx);
        }
        self.events.push(json!({ "cartStatus": event }));
    }

    fn purchase(&mut self, b: &Value, ts: Value, ctx: Value) {
        let cart = b.get("cart").cloned().unwrap_or(Value::Null);
        let (seq, repeated) = self.purchase_seq.next(&at(b, "orderId"));
        self.purchases.push(json!({
            "repeatedOrderId": repeated, "purchaseSeqId": seq, "total": at(b, "total"),
            "orderId": at(b, "orderId"), "cart": purchase_cart(&cart),
        }));
        let mut event_cart = purchase_cart(&cart);
        if let Some(map) = event_cart.as_object_mut() {
            map.insert("serverTimeStamp".to_owned(), json!(0));
            map.insert("contexts".to_owned(), json!({}));
        }
        self.events.push(json!({ "purchase": {
            "serverTimeStamp": ts, "total": at(b, "total"), "orderId": at(b, "orderId"),
            "contexts": ctx, "cart": event_cart,
        }}));
    }

    fn lead(&mut self, b: &Value, ts: Value, ctx: Value) {
        let lead = at(b, "lead");
        let (seq, repeated) = self.lead_seq.next(&at(&lead, "leadId"));
        let mut entry = lead_info(&lead);
        if let Some(map) = entry.as_object_mut() {
            map.insert("leadSeqId".to_owned(), json!(seq));
            map.insert("repeatedLeadId".to_owned(), json!(repeated));
        }
        self.leads.push(entry);
        self.events.push(json!({ "lead": {
            "serverTimeStamp": ts, "contexts": ctx, "lead": lead_info(&lead),
        }}));
    }

    fn service(&mut self, b: &Value, ts: Value, ctx: Value) {
        let service = at(b, "service");
        let (seq, repeated) = self.service_seq.next(&at(&service, "serviceId"));
        let mut entry = service_info(&service);
        if let Some(map) = entry.as_object_mut() {
            map.insert("serviceSeqId".to_owned(), json!(seq));
            map.insert("repeatedServiceActivity".to_owned(), json!(repeated));
        }
        self.services.push(entry);
        self.events.push(json!({ "serviceActivity": {
            "serverTimeStamp": ts, "serviceActivity": service_info(&service), "contexts": ctx,
        }}));
    }

    fn finish(self, session: &Session) -> Value {
        let mut app = self.app;
        app.insert("engagements".to_owned(), Value::Array(engagements(session)));
        for (key, list) in [
            ("viewedProduct", self.viewed),
            ("purchases", self.purchases),
            ("leads", self.leads),
            ("serviceActivity", self.services),
            ("visitorError", self.errors),
        ] {
            if !list.is_empty() {
                app.insert(key.to_owned(), Value::Array(list));
            }
        }
        if !self.keywords.is_empty() {
            app.insert(
                "searchEngine".to_owned(),
                json!({ "searchEngine": "", "keywords": self.keywords.join(" ") }),
            );
        }
        device(session, &mut app);
        app.insert("startTime".to_owned(), json!(session.created));
        app.insert("id".to_owned(), json!(session.session_id));
        app.insert("pages".to_owned(), Value::Array(pages(session)));
        app.insert("events".to_owned(), Value::Array(self.events));
        json!({ "id": session.session_id, "appSessions": [Value::Object(app)] })
    }
}

/// Engagements the consumer saw: those whose display (or acceptance) the page reported, with
/// the acceptances.
fn engagements(session: &Session) -> Vec<Value> {
    let reported = |context: &str, kinds: &[&str]| {
        session
            .impressions
            .iter()
            .filter(move |i| {
                kinds.contains(&i.kind.as_str()) && i.context_ids.iter().any(|c| c == context)
            })
            .collect::<Vec<_>>()
    };
    session
        .engagements
        .iter()
        .filter(|e| !reported(&e.context_id, &["impDisplay", "impAccept"]).is_empty())
        .enumerate()
        .map(|(i, e)| {
            let mut record = json!({
                "engagement": {
                    "pageId": e.page_id,
                    "campaignEntity": { "id": e.campaign_id },
                    "engagementEntity": { "id": e.engagement_id },
                },
                "id": (i + 1).to_string(),
            });
            let accepted: Vec<Value> = reported(&e.context_id, &["impAccept"])
                .into_iter()
                .map(|a| json!({ "activityTime": a.time, "pageId": a.page_id }))
                .collect();
            if let (false, Some(map)) = (accepted.is_empty(), record.as_object_mut()) {
                map.insert("impressionAccepted".to_owned(), Value::Array(accepted));
            }
            record
        })
        .collect()
}

/// Device facts from the client properties of the engagement calls.
fn device(session: &Session, app: &mut Map<String, Value>) {
    let Some(props) = &session.client_properties else {
        return;
    };
    let text = |key: &str| {
        props
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    if let Some(os) = text("os").or_else(|| text("osName")) {
        app.insert("deviceOS".to_owned(), json!(os));
    }
    if let Some(family) = text("deviceFamily") {
        app.insert("deviceFamily".to_owned(), json!(family));
        app.insert(
            "mobileDeviceInfo".to_owned(),
            json!({ "mobile": family != "DESKTOP", "detected": true }),
        );
    }
    if let Some(ip) = text("ipAddress") {
        app.insert("ipv4".to_owned(), json!(ip));
    }
}

/// Pages in the order they were first seen, from their entry points.
fn pages(session: &Session) -> Vec<Value> {
    let mut pages: Vec<_> = session.pages.iter().collect();
    pages.sort_by_key(|p| p.first_seen);
    let starts: Vec<u64> = pages.iter().map(|p| p.first_seen).collect();
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let url = p
                .entry_points
                .iter()
                .find(|e| e.starts_with("http://") || e.starts_with("https://"));
            let short = url.map(|u| u.split_once("://").map_or(u.as_str(), |(_, rest)| rest));
            let sections: Vec<&str> = p
                .entry_points
                .iter()
                .filter_map(|e| e.strip_prefix("sec://"))
                .collect();
            let end = starts.get(i + 1).copied().unwrap_or(p.last_seen);
            json!({
                "referrer": null,
                "pageBasic": {
                    "url": url,
                    "startTime": p.first_seen,
                    "referrer": null,
                    "title": null,
                    "sections": if sections.is_empty() { Value::Null } else { json!(sections) },
                },
                "startTime": p.first_seen,
                "timeOnPage": end.saturating_sub(p.first_seen),
                "id": p.page_id,
                "pageLoaded": true,
                "url": short,
            })
        })
        .collect()
}
