//! Visit Information (seed 003): the state of a monitored visit as agents see it.
//!
//! `GET https://{smt}/api/account/{accountId}/monitoring/visitors/{vid}/visits/current/state
//! ?v=1&sid={sid}&filter=agent`. Every member of the seed's example has a typed field; every field
//! is a [`Maybe`] because the server leaves members out or sends `null` freely, and members this
//! version does not know are kept in `unknown`. The engagement attributes a page reported come
//! back under server names: `cart.cartStatus`, `viewedProduct`, `purchases`, `leads`,
//! `serviceActivity`, `visitorError`, `marketingCampaignInfo`, `customerInfo`, `personalInfo`,
//! and each one as an entry of `events`.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::text::concat;

use alloc::collections::BTreeMap;

use crate::core::agent::maybe::wire_struct;
#[cfg(test)]
use crate::core::agent::maybe::UnknownMembers;
use crate::core::agent::value::Scalar;
use crate::core::error::Error;
use crate::core::ids::is_server_id;
use crate::core::json::Json;

/// Objects keyed by an id (`activeVPs`, `revAllVBs`…), each with its revision.
pub type Revisions = BTreeMap<String, Revision>;

/// The visit a `visitInfo` call asks for: the vid and sid the monitored page got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRequest {
    /// Visitor id (`getVid()` on the page).
    pub visitor_id: String,
    /// Session id (`getSid()` on the page).
    pub session_id: String,
}

impl VisitRequest {
    /// Reads `{visitorId, sessionId}`; both must be ids as the server hands them out.
    pub fn from_json(v: &Json) -> Result<VisitRequest, Error> {
        if v.as_obj().is_none() {
            return Err(Error::invalid(&[
                "visitInfo needs { visitorId, sessionId }",
            ]));
        }
        let id = |key: &str| match v.get(key) {
            Some(Json::Str(s)) if is_server_id(s) => Ok(s.clone()),
            None | Some(Json::Null) => Err(Error::invalid(&[
                key,
                " is required (getVid()/getSid() of the monitored page)",
            ])),
            Some(_) => Err(Error::invalid(&[
                key,
                " must be an id of letters, digits, '.', '_' or '-'",
            ])),
        };
        Ok(VisitRequest {
            visitor_id: id("visitorId")?,
            session_id: id("sessionId")?,
        })
    }

    /// The path and query after the origin.
    pub fn path_and_query(&self, account_id: &str) -> String {
        concat(&[
            "/api/account/",
            account_id,
            "/monitoring/visitors/",
            &self.visitor_id,
            "/visits/current/state?v=1&sid=",
            &self.session_id,
            "&filter=agent",
        ])
    }
}

wire_struct! {
    /// The answer: the monitoring session and its app sessions.
    pub struct VisitState {
        /// Monitoring session id.
        id: String,
        /// What the visitor did, per app session (a web visit has one).
        app_sessions: Vec<AppSession>,
    }
}

wire_struct! {
    /// One app session of the visit: pages, engagements, reported data and device facts.
    pub struct AppSession {
        /// The engagements displayed to the consumer.
        engagements: Vec<EngagementRecord>,
        /// The latest `personal` SDE.
        personal_info: PersonalInfoHolder,
        /// Active visitor profiles, by id.
        #[serde(rename = "revActiveVPs")]
        rev_active_vps: Revisions,
        /// `service` SDEs.
        service_activity: Vec<ServiceActivity>,
        /// All visitor profiles, by id.
        #[serde(rename = "revAllVPs")]
        rev_all_vps: Revisions,
        /// The latest `ctmrinfo` SDE.
        customer_info: CustomerInfoHolder,
        /// Whether the device is a mobile one.
        mobile_device_info: MobileDeviceInfo,
        /// Active visitor behaviours, by id.
        #[serde(rename = "revActiveVBs")]
        rev_active_vbs: Revisions,
        /// The latest `cart` SDE.
        cart: CartState,
        /// Where the consumer is, from the IP address.
        geo: Geo,
        /// `prodView` SDEs.
        viewed_product: Vec<ViewedProduct>,
        /// Consumer's IPv4 address.
        ipv4: String,
        /// When the session started (ms since the epoch).
        start_time: i64,
        /// Monitoring session id.
        id: String,
        /// All onsite locations, by id.
        #[serde(rename = "revAllOSLs")]
        rev_all_osls: Revisions,
        /// `error` SDEs.
        visitor_error: Vec<VisitorError>,
        /// The latest `mrktInfo` SDE.
        marketing_campaign_info: MarketingCampaignInfoHolder,
        /// Search engine and keywords that brought the consumer.
        search_engine: SearchEngine,
        /// `purchase` SDEs.
        purchases: Vec<Purchase>,
        /// Operating system (`MAC_OSX`, `WINDOWS`…).
        #[serde(rename = "deviceOS")]
        device_os: String,
        /// The browser's user agent.
        user_agent: String,
        /// `DESKTOP`, `TABLET` or `MOBILE`.
        device_family: String,
        /// `lead` SDEs.
        leads: Vec<Lead>,
        /// All visitor behaviours, by id.
        #[serde(rename = "revAllVBs")]
        rev_all_vbs: Revisions,
        /// Control group of the site (`NA` when none).
        site_control_group: String,
        /// The page that referred the consumer to the site.
        external_referrer: String,
        /// The pages viewed.
        pages: Vec<Page>,
        /// Every engagement attribute reported, in order.
        events: Vec<VisitEvent>,
    }
}

wire_struct! {
    /// A revision number of a campaign entity.
    pub struct Revision {
        /// The revision.
        revision: i64,
    }
}

wire_struct! {
    /// An engagement shown in the session.
    pub struct EngagementRecord {
        /// What was shown.
        engagement: Engagement,
        /// Sequence id within the session (`"1"`, `"2"`…).
        id: String,
        /// When the consumer accepted it (clicked), with the page.
        impression_accepted: Vec<Activity>,
    }
}

wire_struct! {
    /// A moment on a page (an impression).
    pub struct Activity {
        /// When (ms since the epoch).
        activity_time: i64,
        /// The page it happened on.
        page_id: String,
    }
}

wire_struct! {
    /// The engagement with its campaign and goal.
    pub struct Engagement {
        /// Engagement state code.
        state: i64,
        /// Zone (placement) id.
        zone_id: i64,
        /// Page the engagement was shown on.
        page_id: String,
        /// Context id of the first follow-me engagement, if any.
        first_follow_me_engagement_context_id: Scalar,
        /// `TEST` or `CONTROL` group of the campaign.
        campaign_control: String,
        /// The campaign.
        campaign_entity: CampaignEntity,
        /// The engagement definition.
        engagement_entity: EngagementEntity,
        /// The campaign goal.
        goal_entity: GoalEntity,
    }
}

wire_struct! {
    /// A campaign.
    pub struct CampaignEntity {
        /// Revision of the campaign.
        revision: i64,
        /// Campaign id.
        id: i64,
        /// Goal id.
        goal_id: i64,
        /// Event sequence of the campaign, when it has one.
        campaign_event_sequence: Json,
        /// Active visitor profiles of the campaign, by id.
        #[serde(rename = "activeVPs")]
        active_vps: Revisions,
    }
}

wire_struct! {
    /// An engagement definition.
    pub struct EngagementEntity {
        /// Revision of the engagement.
        revision: i64,
        /// Engagement id.
        id: i64,
        /// Channel code.
        channel: i64,
        /// Engagement type code.
        #[serde(rename = "type")]
        kind: i64,
        /// Whether the engagement is shown outside the site.
        is_offsite_engagement: bool,
        /// Active visitor behaviours, by id.
        #[serde(rename = "activeVBs")]
        active_vbs: Revisions,
        /// Active onsite locations, by id.
        #[serde(rename = "activeOSLs")]
        active_osls: Revisions,
        /// The skill the engagement routes to.
        engagement_skill: Skill,
        /// Skills of the surveys.
        survey_skills: Vec<Json>,
        /// Availability policy code.
        availability_policy: i64,
        /// Rendering type code.
        rendering_type: i64,
        /// Conversation type code.
        conversation_type: i64,
    }
}

wire_struct! {
    /// A skill.
    pub struct Skill {
        /// Skill name (`*!@NULL*!@` when none is set).
        skill_name: String,
        /// Skill id (`-1` when the campaign routes).
        skill_id: i64,
    }
}

wire_struct! {
    /// A campaign goal.
    pub struct GoalEntity {
        /// Revision of the goal.
        revision: i64,
        /// Goal id.
        id: i64,
        /// Goal type code.
        #[serde(rename = "type")]
        kind: i64,
        /// Indicator type code.
        indicator_type: i64,
    }
}

wire_struct! {
    /// `{personalInfo: …}`.
    pub struct PersonalInfoHolder {
        /// The consumer's personal details.
        personal_info: PersonalInfo,
    }
}

wire_struct! {
    /// Personal details (the `personal` SDE under server names).
    pub struct PersonalInfo {
        /// First name.
        name: String,
        /// Last name.
        surname: String,
        /// Age and birth date.
        customer_age: CustomerAge,
        /// Contact details.
        contacts: Vec<Contact>,
        /// `MALE`, `FEMALE` or `OTHER`.
        gender: String,
        /// Company.
        company: String,
        /// Language.
        language: String,
    }
}

wire_struct! {
    /// Age and birth date.
    pub struct CustomerAge {
        /// Age in years.
        customer_age_in_years: f64,
        /// Year of birth.
        customer_year_of_birth: i64,
        /// Month of birth (1-12).
        customer_month_of_birth: i64,
        /// Day of birth (1-31).
        customer_date_of_birth: i64,
    }
}

wire_struct! {
    /// One way to reach the consumer.
    pub struct Contact {
        /// E-mail address.
        email: String,
        /// Phone number.
        phone: Scalar,
        /// Kind of phone.
        phone_type: String,
        /// Postal address.
        address: Address,
    }
}

wire_struct! {
    /// A postal address.
    pub struct Address {
        /// Country.
        country: String,
        /// Region.
        region: String,
    }
}

wire_struct! {
    /// `{customerInfo: …}`.
    pub struct CustomerInfoHolder {
        /// The consumer as a customer.
        customer_info: CustomerInfo,
    }
}

wire_struct! {
    /// The consumer as a customer (the `ctmrinfo` SDE under server names).
    pub struct CustomerInfo {
        /// Customer status (`cstatus`).
        customer_status: String,
        /// Customer type (`ctype`).
        customer_type: String,
        /// Balance.
        balance: f64,
        /// The brand's customer id.
        customer_id: Scalar,
        /// Last payment.
        last_payment_date: Date,
        /// Registration.
        registration_date: Date,
        /// Login status.
        login_status: Scalar,
        /// Company branch.
        company_branch: String,
        /// Social network id.
        social_id: Scalar,
        /// Device IMEI.
        imei: Scalar,
        /// User name.
        user_name: String,
        /// Company size.
        company_size: Scalar,
        /// Account name.
        account_name: String,
        /// Role.
        role: String,
        /// Store ZIP code.
        store_zip_code: Scalar,
        /// Store number.
        store_number: Scalar,
    }
}

wire_struct! {
    /// A calendar date.
    pub struct Date {
        /// Year.
        year: i64,
        /// Month (1-12).
        month: i64,
        /// Day (1-31).
        day: i64,
    }
}

wire_struct! {
    /// Device detection.
    pub struct MobileDeviceInfo {
        /// A mobile device.
        mobile: bool,
        /// The device could be told.
        detected: bool,
    }
}

wire_struct! {
    /// The latest cart.
    pub struct CartState {
        /// The cart.
        cart_status: Cart,
        /// The total at the last change.
        last_total_change: f64,
    }
}

wire_struct! {
    /// A cart: in `cart`, in `purchases`, and in `cartStatus`/`purchase` events.
    pub struct Cart {
        /// When the server received it (events only).
        server_time_stamp: i64,
        /// Total value.
        total: f64,
        /// Where it was reported (events only).
        contexts: Contexts,
        /// Number of items.
        num_items: i64,
        /// The products.
        products: Vec<ProductLine>,
        /// Currency.
        currency: String,
    }
}

wire_struct! {
    /// A product with its quantity.
    pub struct ProductLine {
        /// The product.
        product: Product,
        /// How many.
        quantity: i64,
    }
}

wire_struct! {
    /// A product viewed (`prodView`).
    pub struct ViewedProduct {
        /// The product.
        product: Product,
    }
}

wire_struct! {
    /// A product.
    pub struct Product {
        /// Name.
        name: String,
        /// Category.
        category: String,
        /// Stock keeping unit.
        sku: Scalar,
        /// Price.
        price: f64,
        /// Stock status.
        status_in_stock: Scalar,
        /// Quantity in stock.
        quantity_in_stock: Scalar,
    }
}

wire_struct! {
    /// Where the consumer is.
    pub struct Geo {
        /// Country name.
        country: String,
        /// ISO country code.
        country_code: String,
        /// State or region.
        state: String,
        /// City.
        city: String,
        /// Internet service provider.
        isp: String,
        /// Organisation owning the address.
        org: String,
    }
}

wire_struct! {
    /// A `service` SDE.
    pub struct ServiceActivity {
        /// When the server received it (events only).
        server_time_stamp: i64,
        /// Topic.
        topic: String,
        /// Status code (0-13).
        status: i64,
        /// Category.
        category: String,
        /// Service id.
        service_id: Scalar,
        /// Sequence id within the session.
        service_seq_id: String,
        /// Whether this service id was reported before.
        repeated_service_activity: bool,
    }
}

wire_struct! {
    /// An `error` SDE.
    pub struct VisitorError {
        /// Engagement context the error belongs to.
        context_id: Scalar,
        /// Message shown to the consumer.
        message: String,
        /// Error code.
        code: Scalar,
        /// Severity.
        level: Scalar,
        /// Whether it was resolved.
        resolved: Json,
    }
}

wire_struct! {
    /// `{marketingCampaignInfo: …}`.
    pub struct MarketingCampaignInfoHolder {
        /// Where the consumer came from.
        marketing_campaign_info: MarketingCampaignInfo,
    }
}

wire_struct! {
    /// Where the consumer came from (the `mrktInfo` SDE under server names).
    pub struct MarketingCampaignInfo {
        /// 0 direct, 1 search, 2 social, 3 e-mail, 4 referral.
        originating_channel: Scalar,
        /// Affiliate.
        affiliate: String,
        /// The brand's marketing campaign id.
        campaign_id: Scalar,
    }
}

wire_struct! {
    /// Search engine and keywords.
    pub struct SearchEngine {
        /// Search engine.
        search_engine: String,
        /// Keywords.
        keywords: String,
    }
}

wire_struct! {
    /// A `purchase` SDE.
    pub struct Purchase {
        /// When the server received it (events only).
        server_time_stamp: i64,
        /// Whether this order id was reported before.
        repeated_order_id: bool,
        /// Sequence id within the session.
        purchase_seq_id: String,
        /// Total value.
        total: f64,
        /// Currency.
        currency: String,
        /// Order id.
        order_id: Scalar,
        /// Where it was reported (events only).
        contexts: Contexts,
        /// What was bought.
        cart: Cart,
    }
}

wire_struct! {
    /// A `lead` SDE.
    pub struct Lead {
        /// Topic.
        topic: String,
        /// Value.
        value: f64,
        /// Currency.
        currency: String,
        /// Ticket id.
        ticket_id: Scalar,
        /// Lead id.
        lead_id: Scalar,
        /// Sequence id within the session.
        lead_seq_id: String,
        /// Whether this lead id was reported before.
        repeated_lead_id: bool,
    }
}

wire_struct! {
    /// A page viewed.
    pub struct Page {
        /// Referrer.
        referrer: String,
        /// URL, time, title and sections.
        page_basic: PageBasic,
        /// Page title.
        page_title: String,
        /// Active onsite locations on the page, by id.
        #[serde(rename = "revActiveOSLs")]
        rev_active_osls: Revisions,
        /// When the page was loaded (ms since the epoch).
        start_time: i64,
        /// How long the consumer stayed (ms).
        time_on_page: i64,
        /// Page id.
        id: String,
        /// Whether the page finished loading.
        page_loaded: bool,
        /// URL without its scheme.
        url: String,
    }
}

wire_struct! {
    /// The basics of a page.
    pub struct PageBasic {
        /// Full URL.
        url: String,
        /// When the page was loaded (ms since the epoch).
        start_time: i64,
        /// Referrer.
        referrer: String,
        /// Title.
        title: String,
        /// Sections (`lpTag.section`, `sec://` entry points).
        sections: Vec<String>,
    }
}

wire_struct! {
    /// Where an event was reported.
    pub struct Contexts {
        /// The page.
        page: PageRef,
    }
}

wire_struct! {
    /// A page, by id.
    pub struct PageRef {
        /// Page id.
        id: String,
    }
}

wire_struct! {
    /// One reported engagement attribute, under the member naming its kind.
    pub struct VisitEvent {
        /// A `mrktInfo` SDE.
        marketing_campaign_info: MarketingCampaignEvent,
        /// A `lead` SDE.
        lead: LeadEvent,
        /// A `cart` SDE.
        cart_status: Cart,
        /// A `purchase` SDE.
        purchase: Purchase,
        /// A `prodView` SDE.
        viewed_product: ViewedProductEvent,
        /// A `ctmrinfo` SDE.
        customer_info: CustomerInfoEvent,
        /// A `personal` SDE.
        personal_info: PersonalInfoEvent,
        /// A `service` SDE.
        service_activity: ServiceActivityEvent,
        /// An `error` SDE.
        visitor_error: VisitorErrorEvent,
    }
}

wire_struct! {
    /// A `mrktInfo` event.
    pub struct MarketingCampaignEvent {
        /// When the server received it.
        server_time_stamp: i64,
        /// Where it was reported.
        contexts: Contexts,
        /// The data.
        marketing_campaign_info: MarketingCampaignInfo,
    }
}

wire_struct! {
    /// A `lead` event.
    pub struct LeadEvent {
        /// When the server received it.
        server_time_stamp: i64,
        /// Where it was reported.
        contexts: Contexts,
        /// The data.
        lead: Lead,
    }
}

wire_struct! {
    /// A `prodView` event.
    pub struct ViewedProductEvent {
        /// When the server received it.
        server_time_stamp: i64,
        /// Where it was reported.
        contexts: Contexts,
        /// Currency.
        currency: String,
        /// The products.
        products: Vec<ViewedProduct>,
    }
}

wire_struct! {
    /// A `ctmrinfo` event.
    pub struct CustomerInfoEvent {
        /// When the server received it.
        server_time_stamp: i64,
        /// The data.
        customer_info: CustomerInfo,
        /// Where it was reported.
        contexts: Contexts,
    }
}

wire_struct! {
    /// A `personal` event.
    pub struct PersonalInfoEvent {
        /// When the server received it.
        server_time_stamp: i64,
        /// The data.
        personal_info: PersonalInfo,
        /// Where it was reported.
        contexts: Contexts,
    }
}

wire_struct! {
    /// A `service` event.
    pub struct ServiceActivityEvent {
        /// When the server received it.
        server_time_stamp: i64,
        /// The data.
        service_activity: ServiceActivity,
        /// Where it was reported.
        contexts: Contexts,
    }
}

wire_struct! {
    /// An `error` event.
    pub struct VisitorErrorEvent {
        /// When the server received it.
        server_time_stamp: i64,
        /// Where it was reported.
        contexts: Contexts,
        /// The data.
        visitor_error: VisitorError,
    }
}

impl VisitState {
    /// The first app session (a web visit has exactly one).
    pub fn session(&self) -> Option<&AppSession> {
        self.app_sessions.get().and_then(|s| s.first())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::core::agent::maybe::Maybe;
    use serde_json::Value;

    const SEED_003: &str = include_str!("fixtures/visit_state.json");

    #[test]
    fn the_seed_example_round_trips_exactly() {
        let state: VisitState = serde_json::from_str(SEED_003).unwrap();
        let back = serde_json::to_value(&state).unwrap();
        let original: Value = serde_json::from_str(SEED_003).unwrap();
        assert_eq!(back, original);
    }

    #[test]
    fn every_member_of_the_seed_lands_in_a_typed_field() {
        let state: VisitState = serde_json::from_str(SEED_003).unwrap();
        assert_eq!(state.unknown_members(), Vec::<String>::new());
    }

    #[test]
    fn typed_fields_hold_the_seed_values() {
        let state: VisitState = serde_json::from_str(SEED_003).unwrap();
        let s = state.session().unwrap();
        assert_eq!(s.device_os.get().unwrap(), "MAC_OSX");
        assert_eq!(s.device_family.get().unwrap(), "DESKTOP");
        assert_eq!(s.ipv4.get().unwrap(), "195.62.30.20");
        assert_eq!(*s.start_time.get().unwrap(), 1_475_675_316_327);
        assert_eq!(
            s.rev_active_vps.get().unwrap()["1249882912"].revision,
            Maybe::Value(7)
        );
        let engagements = s.engagements.get().unwrap();
        assert_eq!(engagements.len(), 2);
        let second = &engagements[1];
        assert_eq!(
            *second.impression_accepted.get().unwrap()[0]
                .activity_time
                .get()
                .unwrap(),
            1_475_675_334_770
        );
        let entity = second
            .engagement
            .get()
            .unwrap()
            .engagement_entity
            .get()
            .unwrap();
        assert_eq!(*entity.id.get().unwrap(), 555_008_212);
        assert_eq!(*entity.kind.get().unwrap(), 6);
        assert_eq!(
            *entity
                .engagement_skill
                .get()
                .unwrap()
                .skill_id
                .get()
                .unwrap(),
            -1
        );
        assert_eq!(
            second
                .engagement
                .get()
                .unwrap()
                .first_follow_me_engagement_context_id,
            Maybe::Null
        );
        let person = s.personal_info.get().unwrap().personal_info.get().unwrap();
        assert_eq!(person.surname.get().unwrap(), "Doe");
        assert_eq!(
            *person
                .customer_age
                .get()
                .unwrap()
                .customer_age_in_years
                .get()
                .unwrap(),
            34.0
        );
        assert_eq!(person.language, Maybe::Null);
        let customer = s.customer_info.get().unwrap().customer_info.get().unwrap();
        assert_eq!(*customer.balance.get().unwrap(), -400.99);
        assert_eq!(customer.customer_id, Maybe::Value(Json::str("138766AC")));
        assert_eq!(
            *customer
                .registration_date
                .get()
                .unwrap()
                .month
                .get()
                .unwrap(),
            5
        );
        let cart = s.cart.get().unwrap().cart_status.get().unwrap();
        assert_eq!(
            (*cart.total.get().unwrap(), *cart.num_items.get().unwrap()),
            (11.7, 6)
        );
        let purchase = &s.purchases.get().unwrap()[0];
        assert_eq!(purchase.cart.get().unwrap().total, Maybe::Null);
        assert_eq!(
            *purchase.cart.get().unwrap().products.get().unwrap()[0]
                .quantity
                .get()
                .unwrap(),
            3
        );
        assert_eq!(s.leads.get().unwrap()[0].ticket_id, Maybe::Null);
        assert_eq!(
            s.service_activity.get().unwrap()[0]
                .service_seq_id
                .get()
                .unwrap(),
            "1"
        );
        assert_eq!(
            s.visitor_error.get().unwrap()[0].code,
            Maybe::Value(Json::str("er100004"))
        );
        let marketing = s
            .marketing_campaign_info
            .get()
            .unwrap()
            .marketing_campaign_info
            .get()
            .unwrap();
        assert_eq!(marketing.originating_channel, Maybe::Value(Json::uint(1)));
        assert_eq!(s.geo.get().unwrap().country_code.get().unwrap(), "IL");
        let page = &s.pages.get().unwrap()[0];
        assert_eq!(
            (
                page.id.get().unwrap().as_str(),
                *page.time_on_page.get().unwrap()
            ),
            ("1899669462", 21_482)
        );
        assert_eq!(page.page_basic.get().unwrap().sections, Maybe::Null);
        let kinds: Vec<&str> = s
            .events
            .get()
            .unwrap()
            .iter()
            .map(|e| match e {
                e if !e.marketing_campaign_info.is_absent() => "marketingCampaignInfo",
                e if !e.lead.is_absent() => "lead",
                e if !e.cart_status.is_absent() => "cartStatus",
                e if !e.purchase.is_absent() => "purchase",
                e if !e.viewed_product.is_absent() => "viewedProduct",
                e if !e.customer_info.is_absent() => "customerInfo",
                e if !e.personal_info.is_absent() => "personalInfo",
                e if !e.service_activity.is_absent() => "serviceActivity",
                e if !e.visitor_error.is_absent() => "visitorError",
                _ => "?",
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "marketingCampaignInfo",
                "lead",
                "cartStatus",
                "purchase",
                "viewedProduct",
                "customerInfo",
                "personalInfo",
                "serviceActivity",
                "visitorError"
            ]
        );
        let purchase_event = s.events.get().unwrap()[3].purchase.get().unwrap();
        assert_eq!(
            *purchase_event
                .cart
                .get()
                .unwrap()
                .server_time_stamp
                .get()
                .unwrap(),
            0
        );
        assert_eq!(
            purchase_event
                .contexts
                .get()
                .unwrap()
                .page
                .get()
                .unwrap()
                .id
                .get()
                .unwrap(),
            "1899669462"
        );
    }

    #[test]
    fn unknown_members_are_kept_and_never_an_error() {
        let mut value: Value = serde_json::from_str(SEED_003).unwrap();
        value["servedBy"] = Value::from("edge-7");
        value["appSessions"][0]["visitorScore"] = serde_json::json!({"value": 0.87, "model": "v2"});
        value["appSessions"][0]["pages"][0]["scrollDepth"] = Value::from(64);
        value["appSessions"][0]["events"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"searchInfo": {"serverTimeStamp": 1, "keywords": ["boots"]}}));
        let state: VisitState = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(state.unknown.get("servedBy"), Some(&Json::str("edge-7")));
        let s = state.session().unwrap();
        assert!(s.unknown.contains_key("visitorScore"));
        assert_eq!(
            s.pages.get().unwrap()[0].unknown.get("scrollDepth"),
            Some(&Json::uint(64))
        );
        assert!(s.events.get().unwrap()[9]
            .unknown
            .contains_key("searchInfo"));
        assert_eq!(
            state.unknown_members(),
            [
                ".servedBy",
                ".app_sessions[0].visitorScore",
                ".app_sessions[0].pages[0].scrollDepth",
                ".app_sessions[0].events[9].searchInfo"
            ]
        );
        assert_eq!(serde_json::to_value(&state).unwrap(), value);
        // Members left out and a bare object are fine too.
        let empty: VisitState = serde_json::from_str("{}").unwrap();
        assert!(empty.session().is_none());
    }

    #[test]
    fn a_member_of_the_wrong_type_is_an_error() {
        let wrong = SEED_003.replacen(
            "\"startTime\": 1475675316327",
            "\"startTime\": \"yesterday\"",
            1,
        );
        assert_ne!(wrong, SEED_003);
        assert!(serde_json::from_str::<VisitState>(&wrong).is_err());
    }

    #[test]
    fn requests_are_checked_and_built() {
        let ok = VisitRequest::from_json(
            &Json::parse(
                r#"{"visitorId":"cyNGViYjc4MmU2MzEzZThm","sessionId":"qCsUrTldTh0UEWLjLCGqkQ"}"#,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            ok.path_and_query("12345678"),
            "/api/account/12345678/monitoring/visitors/cyNGViYjc4MmU2MzEzZThm/visits/current/state?v=1&sid=qCsUrTldTh0UEWLjLCGqkQ&filter=agent"
        );
        for bad in [
            "null",
            r#"{"sessionId":"S"}"#,
            r#"{"visitorId":"V"}"#,
            r#"{"visitorId":"V/../x","sessionId":"S"}"#,
            r#"{"visitorId":"V","sessionId":"S&filter=none"}"#,
            r#"{"visitorId":5,"sessionId":"S"}"#,
        ] {
            let e = VisitRequest::from_json(&Json::parse(bad).unwrap()).unwrap_err();
            assert_eq!(e.kind(), "validation", "{bad}");
        }
    }
}
