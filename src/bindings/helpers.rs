//! Consumer-side helpers on the brand page: the ids a messaging client needs to open a
//! conversation from an engagement, and the `client-properties` header.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::prelude::*;

use crate::core::agent::conversation;
use crate::core::client_props;
use crate::platform::browser_facts;

use crate::core::error::Error;
use crate::core::json::Json;

/// Both conversation helpers behind one export (one shim and no JS values to convert): `which` 0
/// is `conversationContext(a, b)`, 1 is `clientPropertiesHeader(a)`. The arguments are JSON text
/// (js/index.js stringifies them); the answer is JSON text, or `!` followed by
/// `{"kind","message"}` for an LpmonError, which js/index.js throws.
#[wasm_bindgen(js_name = conversationHelper)]
pub fn conversation_helper(which: u32, a: &str, b: &str) -> String {
    let parse = |t: &str| {
        Json::parse(t).map_err(|_| Error::invalid(&["the argument must be JSON-compatible"]))
    };
    let result = match which {
        0 => parse(a)
            .and_then(|a| parse(b).and_then(|b| conversation::conversation_context(&a, &b)))
            .map(|v| v.to_text()),
        _ => parse(a).and_then(|a| {
            conversation::client_properties_header(&client_props::defaults(&browser_facts()), &a)
        }),
    };
    match result {
        Ok(text) => text,
        Err(e) => {
            let mut out = String::from("!");
            Json::Obj(vec![
                ("kind".into(), Json::str(e.kind())),
                ("message".into(), Json::Str(e.message())),
            ])
            .write(&mut out);
            out
        }
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TS_HELPERS: &'static str = r#"
/** Options of `conversationContext`. */
export interface ConversationOptions {
  /** Language of the conversation, e.g. 'en-US'; left out of the context when not given. */
  lang?: string;
}

/** What `cm.ConsumerRequestConversation` takes from an engagement (its `body` members). */
export interface ConversationStart {
  campaignInfo: {
    /** As the engagement answer gave it (a number in practice). */
    campaignId: number | string;
    engagementId: number | string;
  };
  conversationContext: {
    type: 'SharkContext';
    visitorId: string;
    sessionId: string;
    /** The engagement's `contextId`. */
    interactionContextId: string | number;
    lang?: string;
  };
}
"#;
