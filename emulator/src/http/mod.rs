//! The HTTP layer: the route table, extractors, handlers that call the model and shape its
//! answers, the journal and fault middleware, CORS, the control endpoints, the site listener and
//! the server that binds both listeners. Nothing here decides what an answer says; the model
//! does (`crate::model`).

pub mod access_log;
pub mod answer;
pub mod campaign_view;
pub mod control;
pub mod cors;
pub mod csds;
pub mod engactivity;
pub mod extract;
pub mod faults;
pub mod journal;
pub mod monitoring;
pub mod routes;
pub mod server;
pub mod site;
pub mod state;
pub mod visit_state;
